package dev.tiering.core.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link Storage} that passes every call to another, for decorators that change a few of them:
 * metrics, progress, fault injection in tests. Override what you need.
 */
public abstract class ForwardingStorage implements Storage {

  private final Storage delegate;

  /**
   * Forwards to {@code delegate}.
   *
   * @param delegate the storage that does the work; not null
   */
  protected ForwardingStorage(Storage delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** {@return the storage calls are passed to} */
  protected Storage delegate() {
    return delegate;
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    return delegate.create(target, mode);
  }

  @Override
  public InputStream openStream(Path file) throws IOException {
    return delegate.openStream(file);
  }

  @Override
  public SeekableByteChannel openChannel(Path file) throws IOException {
    return delegate.openChannel(file);
  }

  @Override
  public List<FileEntry> list(Path dir) throws IOException {
    return delegate.list(dir);
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    return delegate.names(dir);
  }

  @Override
  public Optional<FileEntry> stat(Path path) throws IOException {
    return delegate.stat(path);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    delegate.move(source, target);
  }

  @Override
  public boolean delete(Path path) throws IOException {
    return delegate.delete(path);
  }

  @Override
  public boolean deleteIfAbandoned(Path temporary) throws IOException {
    return delegate.deleteIfAbandoned(temporary);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public StoreUsage usage(Path path) throws IOException {
    return delegate.usage(path);
  }

  @Override
  public Closeable lock(Path lockFile, Duration timeout) throws IOException {
    return delegate.lock(lockFile, timeout);
  }

  @Override
  public Optional<Closeable> tryLock(Path lockFile, String key, LockMode mode, Duration timeout)
      throws IOException {
    return delegate.tryLock(lockFile, key, mode, timeout);
  }
}
