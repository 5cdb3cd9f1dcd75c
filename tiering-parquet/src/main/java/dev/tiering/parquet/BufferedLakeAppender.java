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
 * if the process dies, as with any buffer. Thread-safe: appends from many threads are serialized.
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
    if (closed) {
      throw new IllegalStateException("Appender for " + schema.qualifiedName() + " is closed");
    }
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
    if (current != null
        && (current.estimatedBytes() >= maxBytes
            || !lake.clock.instant().isBefore(oldest.plus(maxAge)))) {
      return flush();
    }
    return Optional.empty();
  }

  /**
   * Commits the buffered rows now, if there are any.
   *
   * @return the committed write, if there were rows to commit
   * @throws IOException if the commit fails
   */
  public synchronized Optional<LakeWriteResult> flush() throws IOException {
    if (current == null || current.rowCount() == 0) {
      return Optional.empty();
    }
    LakeTableWriter writing = current;
    current = null;
    try (writing) {
      return Optional.of(writing.commit());
    }
  }

  /** Commits what is buffered and refuses further appends. */
  @Override
  public synchronized void close() throws IOException {
    if (!closed) {
      closed = true;
      try {
        flush();
      } finally {
        if (current != null) {
          current.close();
        }
      }
    }
  }
}
