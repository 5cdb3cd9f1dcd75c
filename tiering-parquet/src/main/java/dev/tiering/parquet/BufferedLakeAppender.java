package dev.tiering.parquet;

import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Gathers many small appends into few lake files, so that the lake's disks see a few large writes
 * instead of many small ones: rows go into an open table write, committed when {@code maxBytes} are
 * buffered, when the oldest row is {@code maxAge} old (checked on every append and by {@link
 * #flushIfDue()}, which a caller's timer may call), and on close. Rows not yet committed are lost
 * if the process dies, as with any buffer. A flush that fails before it published any file (the
 * disk full when its commit record is written, the table's lock taken too long) keeps its rows: the
 * next flush, or the close, commits them first. One that fails after it began publishing (its files
 * may be gone) loses them, says so, and closes the appender: every later call throws, naming the
 * rows lost, so that a caller never takes a close without an error for a commit. Thread-safe:
 * appends from many threads are serialized.
 */
public final class BufferedLakeAppender implements AutoCloseable {

  private final LakeWriter lake;
  private final TableSchema schema;
  private final LakeWriteOptions options;
  private final long maxBytes;
  private final Duration maxAge;
  private LakeTableWriter current;
  private Instant oldest;
  private boolean closed;

  /** A flush that failed before it published anything: committed first by the next flush. */
  private LakeTableWriter failed;

  /**
   * Why the appender stopped: a flush failed after its files may have gone; null while it works.
   */
  private String lost;

  BufferedLakeAppender(
      LakeWriter lake,
      TableSchema schema,
      LakeWriteOptions options,
      long maxBytes,
      Duration maxAge) {
    this.lake = lake;
    this.schema = Objects.requireNonNull(schema, "schema");
    this.options = Objects.requireNonNull(options, "options");
    if (maxBytes < 1 || maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException(
          "Invalid appender thresholds "
              + maxBytes
              + " bytes, "
              + maxAge
              + " (use a positive size and age)");
    }
    this.maxBytes = maxBytes;
    this.maxAge = maxAge;
  }

  /**
   * Appends one row, then commits the buffered rows if a threshold is reached.
   *
   * @param row the values by field name; a missing key means null
   * @return the committed write, if this append triggered one
   * @throws dev.tiering.schema.RowValidationException for a row that does not fit; it is not added
   *     and the buffer is unchanged
   * @throws IllegalStateException if the appender is closed
   * @throws IOException if the write or a commit fails
   */
  public synchronized Optional<LakeWriteResult> append(Map<String, ?> row) throws IOException {
    checkOpen();
    if (current == null) {
      current = lake.open(schema, options);
      oldest = lake.clock.instant();
    }
    current.write(row);
    return flushIfDue();
  }

  /**
   * Commits the buffered rows if the size or age threshold is reached.
   *
   * @return the committed write, if there was one
   * @throws IOException if the commit fails
   */
  public synchronized Optional<LakeWriteResult> flushIfDue() throws IOException {
    if (failed != null) {
      return flush();
    }
    if (current != null
        && (current.estimatedBytes() >= maxBytes
            || !lake.clock.instant().isBefore(oldest.plus(maxAge)))) {
      return flush();
    }
    return Optional.empty();
  }

  /**
   * Commits the buffered rows now, if there are any: first those of a flush that failed before it
   * published anything, then the rest.
   *
   * @return the last committed write, if there were rows to commit
   * @throws IllegalStateException if an earlier flush lost its rows (the appender is closed)
   * @throws IOException if a commit fails; its rows are kept for the next flush if it had published
   *     nothing, else they are lost and the appender closes, saying so
   */
  public synchronized Optional<LakeWriteResult> flush() throws IOException {
    if (lost != null) {
      throw new IllegalStateException(lost);
    }
    Optional<LakeWriteResult> result = Optional.empty();
    if (failed != null) {
      LakeTableWriter retry = failed;
      failed = null;
      result = Optional.of(commit(retry));
    }
    if (current != null && current.rowCount() > 0) {
      LakeTableWriter writing = current;
      current = null;
      result = Optional.of(commit(writing));
    }
    return result;
  }

  private LakeWriteResult commit(LakeTableWriter writing) throws IOException {
    long rows = writing.rowCount();
    try {
      LakeWriteResult result = writing.commitKeepingFilesOnFailure();
      writing.close();
      return result;
    } catch (IOException | RuntimeException e) {
      if (writing.retryable()) {
        failed = writing;
      } else {
        writing.close();
        lost =
            "Appender for "
                + schema.qualifiedName()
                + " lost "
                + rows
                + " row(s) when a flush failed after it began publishing them ("
                + e.getMessage()
                + "): unless that message says they were committed, append them again through a"
                + " new appender; this one is closed";
        closed = true;
      }
      throw e;
    }
  }

  private void checkOpen() {
    if (lost != null) {
      throw new IllegalStateException(lost);
    }
    if (closed) {
      throw new IllegalStateException("Appender for " + schema.qualifiedName() + " is closed");
    }
  }

  /**
   * Commits what is buffered and refuses further appends.
   *
   * @throws IllegalStateException if an earlier flush lost its rows
   * @throws IOException if the last commit fails; its rows are then discarded
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed && lost != null) {
      throw new IllegalStateException(lost);
    }
    if (!closed) {
      closed = true;
      try {
        flush();
      } finally {
        if (failed != null) {
          failed.close();
          failed = null;
        }
        if (current != null) {
          current.close();
          current = null;
        }
      }
    }
  }
}
