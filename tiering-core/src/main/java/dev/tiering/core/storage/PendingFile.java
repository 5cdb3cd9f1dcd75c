package dev.tiering.core.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A file being written: invisible under its target name until {@link #commit()} publishes it whole.
 * Closing without committing discards it. Not thread-safe; one writer at a time.
 */
public interface PendingFile extends AutoCloseable {

  /** {@return where the file appears on commit} */
  Path target();

  /**
   * {@return the stream to write the content to} Closing the stream flushes it but does not publish
   * the file, so libraries that close their streams (Parquet does) cannot publish early.
   */
  OutputStream stream();

  /** {@return the number of bytes written so far} */
  long bytesWritten();

  /**
   * Makes the file durable and visible under {@link #target()} in one atomic step.
   *
   * @throws java.nio.file.FileAlreadyExistsException in {@link WriteMode#CREATE_NEW} mode when the
   *     target exists; the pending file is then discarded
   * @throws IOException if the content cannot be made durable or published
   * @throws IllegalStateException if already committed or closed
   */
  void commit() throws IOException;

  /** Discards the file unless it was committed. Closing twice is harmless. */
  @Override
  void close() throws IOException;
}
