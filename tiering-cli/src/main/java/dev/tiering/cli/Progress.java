package dev.tiering.cli;

import dev.tiering.core.ByteSize;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Local storage that shows what a long operation has done so far, on one line of standard error
 * that it rewrites, when standard output is a terminal; quiet otherwise (cron, systemd, pipes).
 */
final class Progress extends ForwardingStorage implements AutoCloseable {

  private static final long EVERY_NANOS = 250_000_000L;

  private final String operation;
  private final PrintStream terminal;
  private long filesWritten;
  private long bytesWritten;
  private long removed;
  private long lastPrint;

  private Progress(String operation, Storage storage, PrintStream terminal) {
    super(storage);
    this.operation = operation;
    this.terminal = terminal;
  }

  /** Progress for {@code operation} on the tiers of {@code paths}: shown only on a terminal. */
  static Progress of(String operation, dev.tiering.core.routing.PathResolver paths) {
    return of(operation, paths, false);
  }

  /**
   * Progress for {@code operation}; with {@code readOnly} (a dry run) every write is refused (see
   * {@link ReadOnlyStorage}).
   */
  static Progress of(
      String operation, dev.tiering.core.routing.PathResolver paths, boolean readOnly) {
    Storage storage = Storage.forLayout(paths.layout());
    return new Progress(
        operation,
        readOnly ? new ReadOnlyStorage(storage) : storage,
        onTerminal() ? System.err : null);
  }

  /**
   * Whether standard output is a terminal, so that progress may be drawn. Before Java 22 a console
   * exists only on a terminal; from Java 22 it always exists and says so with {@code isTerminal()},
   * which Java 17 does not have (hence the reflection).
   */
  @SuppressWarnings("SystemConsoleNull") // Java 22's non-null console is asked isTerminal().
  static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException beforeJava22) {
      return true;
    } catch (ReflectiveOperationException e) {
      return false;
    }
  }

  private synchronized void show(boolean force) {
    if (terminal == null) {
      return;
    }
    long now = System.nanoTime();
    if (force || now - lastPrint > EVERY_NANOS) {
      lastPrint = now;
      terminal.print(
          "\r"
              + operation
              + ": "
              + filesWritten
              + " file(s) written ("
              + ByteSize.of(bytesWritten)
              + "), "
              + removed
              + " removed   ");
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
    PendingFile real = delegate().create(target, mode);
    return new dev.tiering.core.storage.ForwardingPendingFile(real) {
      @Override
      public void commit() throws IOException {
        real.commit();
        synchronized (Progress.this) {
          filesWritten++;
          bytesWritten += real.bytesWritten();
        }
        show(false);
      }
    };
  }

  @Override
  public boolean delete(Path path) throws IOException {
    boolean deleted = delegate().delete(path);
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
    delegate().move(source, target);
    synchronized (this) {
      removed++;
    }
    show(false);
  }
}
