package dev.tiering.core.testing;

import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.StoreUsage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Local storage with faults a real directory cannot produce on demand: a disk that fills after N
 * bytes, a publish (commit) that fails, a delete or move that fails for chosen paths. Faults are
 * armed by the test and apply to every later call until disarmed.
 */
public final class FaultyStorage extends ForwardingStorage {

  private final AtomicLong failWritesAfterBytes = new AtomicLong(-1);
  private final AtomicInteger failCommitsLeft = new AtomicInteger(0);
  private volatile Predicate<Path> failDelete = p -> false;
  private volatile java.util.function.Function<Path, IOException> deleteError =
      p -> new IOException("Delete failed (injected): " + p);
  private volatile Predicate<Path> failMove = p -> false;
  private volatile Predicate<Path> failList = p -> false;
  private volatile Predicate<Path> failRead = p -> false;
  private volatile boolean crossDevice;
  private volatile java.util.function.Function<Path, StoreUsage> usage;

  /** Local storage, no faults armed. */
  public FaultyStorage() {
    super(Storage.local());
  }

  /** Every later write fails once a pending file holds more than {@code bytes} bytes (ENOSPC). */
  public FaultyStorage failWritesAfter(long bytes) {
    failWritesAfterBytes.set(bytes);
    return this;
  }

  /** The next {@code count} commits fail before publishing. */
  public FaultyStorage failCommits(int count) {
    failCommitsLeft.set(count);
    return this;
  }

  /** Deletes of matching paths fail. */
  public FaultyStorage failDeletes(Predicate<Path> paths) {
    failDelete = paths;
    return this;
  }

  /**
   * Deletes of matching paths fail with the given error, e.g. {@code AccessDeniedException} as a
   * read-only directory gives it, or a {@code FileSystemException} with "Operation not permitted"
   * as an immutable ({@code chattr +i}) file does: faults root cannot get from permission bits.
   */
  public FaultyStorage failDeletes(
      Predicate<Path> paths, java.util.function.Function<Path, IOException> error) {
    deleteError = error;
    failDelete = paths;
    return this;
  }

  /** Listings of matching directories fail with "permission denied", as a 000-mode one does. */
  public FaultyStorage failLists(Predicate<Path> dirs) {
    failList = dirs;
    return this;
  }

  /** Opening matching files fails with "permission denied", as a 000-mode file does. */
  public FaultyStorage failReads(Predicate<Path> files) {
    failRead = files;
    return this;
  }

  /** Moves from matching paths fail. */
  public FaultyStorage failMoves(Predicate<Path> sources) {
    failMove = sources;
    return this;
  }

  /** Moves behave as between two devices: rename is impossible, so callers must copy. */
  public FaultyStorage crossDevice(boolean value) {
    crossDevice = value;
    return this;
  }

  /** Reports this usage for every path instead of the real file store's. */
  public FaultyStorage usage(long totalBytes, long usableBytes) {
    StoreUsage fixed = StoreUsage.of(totalBytes, usableBytes);
    usage = path -> fixed;
    return this;
  }

  /** Removes every fault. */
  public FaultyStorage heal() {
    failWritesAfterBytes.set(-1);
    failCommitsLeft.set(0);
    failDelete = p -> false;
    failMove = p -> false;
    failList = p -> false;
    failRead = p -> false;
    return this;
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    PendingFile real = delegate().create(target, mode);
    return new PendingFile() {
      private final OutputStream stream =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              check(1);
              real.stream().write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              check(len);
              real.stream().write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
              real.stream().flush();
            }

            @Override
            public void close() throws IOException {
              real.stream().close();
            }

            private void check(int more) throws IOException {
              long limit = failWritesAfterBytes.get();
              if (limit >= 0 && real.bytesWritten() + more > limit) {
                throw new IOException("No space left on device (injected) writing " + target);
              }
            }
          };

      @Override
      public Path target() {
        return real.target();
      }

      @Override
      public OutputStream stream() {
        return stream;
      }

      @Override
      public long bytesWritten() {
        return real.bytesWritten();
      }

      @Override
      public void commit() throws IOException {
        if (failCommitsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          real.close();
          throw new IOException("Commit failed (injected) for " + target);
        }
        real.commit();
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    };
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    if (failMove.test(source)) {
      throw new IOException("Move failed (injected): " + source);
    }
    if (crossDevice) {
      // As the local storage does between devices: the existing target is found first, else
      // the rename fails with EXDEV.
      if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new java.nio.file.FileAlreadyExistsException(
            target.toString(),
            source.toString(),
            "move target exists; nothing is ever replaced by a move");
      }
      throw new java.nio.file.AtomicMoveNotSupportedException(
          source.toString(), target.toString(), "Invalid cross-device link (injected)");
    }
    delegate().move(source, target);
  }

  @Override
  public boolean delete(Path path) throws IOException {
    if (failDelete.test(path)) {
      throw deleteError.apply(path);
    }
    return delegate().delete(path);
  }

  @Override
  public java.util.List<dev.tiering.core.storage.FileEntry> list(Path dir) throws IOException {
    if (failList.test(dir)) {
      throw new java.nio.file.AccessDeniedException(dir.toString());
    }
    return delegate().list(dir);
  }

  @Override
  public java.util.List<String> names(Path dir) throws IOException {
    if (failList.test(dir)) {
      throw new java.nio.file.AccessDeniedException(dir.toString());
    }
    return delegate().names(dir);
  }

  @Override
  public java.io.InputStream openStream(Path file) throws IOException {
    if (failRead.test(file)) {
      throw new java.nio.file.AccessDeniedException(file.toString());
    }
    return delegate().openStream(file);
  }

  @Override
  public java.nio.channels.SeekableByteChannel openChannel(Path file) throws IOException {
    if (failRead.test(file)) {
      throw new java.nio.file.AccessDeniedException(file.toString());
    }
    return delegate().openChannel(file);
  }

  @Override
  public StoreUsage usage(Path path) throws IOException {
    return usage != null ? usage.apply(path) : delegate().usage(path);
  }
}
