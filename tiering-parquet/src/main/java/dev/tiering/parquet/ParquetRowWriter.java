package dev.tiering.parquet;

import dev.tiering.core.storage.PendingFile;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes rows into one Parquet file that appears, complete, only on {@link #commit()}. Closing
 * without committing discards everything written: use try-with-resources and commit as the last
 * statement, so that an exception midway leaves no file at all.
 *
 * <pre>{@code
 * try (ParquetRowWriter writer = staging.openIntermediate(slm, batch, schema)) {
 *   for (Prediction p : predictions) {
 *     writer.setTimestamp(ts, p.time()).setInt(slmId, p.slm()).setDouble(pred, p.value()).endRow();
 *   }
 *   writer.commit();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: write from one thread.
 */
public final class ParquetRowWriter extends AbstractRowSink implements AutoCloseable {

  private final PendingFile pending;
  private final ColumnarFileWriter file;
  private WriteResult result;
  private Outcome outcome;

  /** Told how the commit went, by the service that opened the file (for metrics). */
  interface Outcome {
    /** The file was published. */
    void published(WriteResult result);

    /** The commit failed with {@code error}, which is thrown on. */
    void failed(Exception error);
  }

  ParquetRowWriter(
      PendingFile pending,
      TableSchema schema,
      WriterSettings settings,
      Integer partitionDay,
      Map<String, String> footer)
      throws IOException {
    super(schema, settings.allowNonFinite());
    this.pending = pending;
    try {
      this.file = new ColumnarFileWriter(pending, schema, settings, partitionDay, footer);
    } catch (IOException | RuntimeException e) {
      pending.close();
      throw e;
    }
  }

  @Override
  void accept(RowBuffer completed) throws IOException {
    file.append(completed);
  }

  /** {@return where the file appears on commit} */
  public Path target() {
    return pending.target();
  }

  /** Sets who is told how the commit goes; null for nobody. */
  void reportTo(Outcome value) {
    this.outcome = value;
  }

  /** Bytes the file would have if finished now. */
  long estimatedBytes() {
    return file.estimatedBytes();
  }

  /** Writes the footer without publishing: the file is complete but still invisible. */
  void finish() throws IOException {
    seal();
    file.finish();
  }

  /** Publishes a finished file. */
  WriteResult publish() throws IOException {
    pending.commit();
    result = new WriteResult(pending.target(), rowCount(), pending.bytesWritten());
    return result;
  }

  /**
   * Finishes the file and makes it visible under {@link #target()} in one atomic step.
   *
   * @return the published file, its rows and bytes
   * @throws java.nio.file.FileAlreadyExistsException if a file with that name appeared meanwhile;
   *     nothing is replaced and this file is discarded
   * @throws IllegalStateException if the file was already committed
   * @throws IOException if finishing or publishing fails; the file is discarded
   */
  public WriteResult commit() throws IOException {
    if (result != null) {
      throw new IllegalStateException("Already committed: " + pending.target());
    }
    WriteResult published;
    try {
      finish();
      published = publish();
    } catch (IOException | RuntimeException e) {
      pending.close();
      if (outcome != null) {
        outcome.failed(e);
      }
      throw e;
    }
    if (outcome != null) {
      outcome.published(published);
    }
    return published;
  }

  /** Discards the file unless it was committed. */
  @Override
  public void close() throws IOException {
    seal();
    file.discard();
    pending.close();
  }
}
