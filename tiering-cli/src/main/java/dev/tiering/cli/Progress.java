package dev.tiering.cli;

import dev.tiering.core.FileEntry;
import dev.tiering.core.PendingFile;
import dev.tiering.core.Storage;
import dev.tiering.core.StoreUsage;
import dev.tiering.core.WriteMode;
import dev.tiering.core.ByteSize;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Local storage that shows what a long operation has done so far, on one line of standard error
 * that it rewrites, when standard output is a terminal; quiet otherwise (cron, systemd, pipes).
 */
final class Progress implements Storage, AutoCloseable {

  private static final long EVERY_NANOS = 250_000_000L;

  private final Storage local = Storage.local();
  private final String operation;
  private final PrintStream terminal;
  private long filesWritten;
  private long bytesWritten;
  private long removed;
  private long lastPrint;

  private Progress(String operation, PrintStream terminal) {
    this.operation = operation;
    this.terminal = terminal;
  }

  /** Progress for {@code operation}: shown only when attached to a terminal. */
  static Progress of(String operation) {
    return new Progress(operation, System.console() != null ? System.err : null);
  }

  private synchronized void show(boolean force) {
    if (terminal == null) {
      return;
    }
    long now = System.nanoTime();
    if (force || now - lastPrint > EVERY_NANOS) {
      lastPrint = now;
      terminal.print("\r" + operation + ": " + filesWritten + " file(s) written ("
          + ByteSize.of(bytesWritten) + "), " + removed + " removed   ");
      terminal.flush();
    }
  }

  @Override
  public void close() {
    if (terminal != null && lastPrint != 0) {
      terminal.print("\r" + " ".repeat(operation.length() + 60) + "\r");
      terminal.flush();
    }
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    PendingFile real = local.create(target, mode);
    return new PendingFile() {
      @Override
      public Path target() {
        return real.target();
      }

      @Override
      public OutputStream stream() {
        return real.stream();
      }

      @Override
      public long bytesWritten() {
        return real.bytesWritten();
      }

      @Override
      public void commit() throws IOException {
        real.commit();
        synchronized (Progress.this) {
          filesWritten++;
          bytesWritten += real.bytesWritten();
        }
        show(false);
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    };
  }

  @Override
  public boolean delete(Path path) throws IOException {
    boolean deleted = local.delete(path);
    if (deleted) {
      synchronized (this) {
        removed++;
      }
      show(false);
    }
    return deleted;
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    local.move(source, target);
    synchronized (this) {
      removed++;
    }
    show(false);
  }

  @Override
  public InputStream openStream(Path file) throws IOException {
    return local.openStream(file);
  }

  @Override
  public SeekableByteChannel openChannel(Path file) throws IOException {
    return local.openChannel(file);
  }

  @Override
  public List<FileEntry> list(Path dir) throws IOException {
    return local.list(dir);
  }

  @Override
  public Optional<FileEntry> stat(Path path) throws IOException {
    return local.stat(path);
  }

  @Override
  public boolean deleteIfAbandoned(Path temporary) throws IOException {
    return local.deleteIfAbandoned(temporary);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    local.createDirectories(dir);
  }

  @Override
  public StoreUsage usage(Path path) throws IOException {
    return local.usage(path);
  }

  @Override
  public Closeable lock(Path lockFile, Duration timeout) throws IOException {
    return local.lock(lockFile, timeout);
  }
}
