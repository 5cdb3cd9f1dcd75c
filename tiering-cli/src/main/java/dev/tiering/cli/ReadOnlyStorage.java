package dev.tiering.cli;

import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.LockMode;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The storage of read-only commands and dry runs: every call that would create, change or delete
 * anything fails, so that a command run as root with a wrong flag can only read. Locks are taken
 * only in lock files that exist (taking one changes nothing on disk); where there is none, nobody
 * can hold one, and no file is made for it.
 */
final class ReadOnlyStorage extends ForwardingStorage {

  ReadOnlyStorage(Storage delegate) {
    super(delegate);
  }

  private static IllegalStateException refused(String operation, Path path) {
    return new IllegalStateException(
        "A read-only command tried to "
            + operation
            + " "
            + path
            + "; nothing was changed (this is a bug in tiering: please report it)");
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) {
    throw refused("write", target);
  }

  @Override
  public void move(Path source, Path target) {
    throw refused("move", source);
  }

  @Override
  public boolean delete(Path path) {
    throw refused("delete", path);
  }

  @Override
  public boolean deleteIfAbandoned(Path temporary) {
    throw refused("delete", temporary);
  }

  @Override
  public void createDirectories(Path dir) {
    throw refused("create", dir);
  }

  @Override
  public Closeable lock(Path lockFile, Duration timeout) throws IOException {
    return stat(lockFile).isEmpty() ? () -> {} : super.lock(lockFile, timeout);
  }

  @Override
  public Optional<Closeable> tryLock(Path lockFile, String key, LockMode mode, Duration timeout)
      throws IOException {
    return stat(lockFile).isEmpty()
        ? Optional.of(() -> {})
        : super.tryLock(lockFile, key, mode, timeout);
  }
}
