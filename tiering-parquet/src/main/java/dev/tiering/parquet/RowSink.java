package dev.tiering.parquet;

import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * Where rows are written, in two styles.
 *
 * <p>Typed and allocation-free, for hot loops: set each field by its index ({@link
 * TableSchema#indexOf}), then {@link #endRow()}. Fields not set are null. A value of the wrong
 * type, a NaN, or a missing required field throws a {@link
 * dev.tiering.schema.RowValidationException} and discards the row being built, so the caller can
 * skip it and go on, or abort the whole file by closing without committing.
 *
 * <pre>{@code
 * int ts = schema.indexOf("timestamp"), p = schema.indexOf("prediction");
 * for (...) {
 *   writer.setTimestampMicros(ts, micros).setDouble(p, prediction).endRow();
 * }
 * }</pre>
 *
 * <p>Convenient: {@link #write(Map)} takes a row as field name to value, converted as {@link
 * dev.tiering.schema.RowValidator} documents.
 */
public interface RowSink {

  /** The schema rows must fit. */
  TableSchema schema();

  /** Sets a nullable field to null. */
  RowSink setNull(int field);

  /** Sets a boolean field. */
  RowSink setBoolean(int field, boolean value);

  /** Sets an int32, int64 or date (days since 1970-01-01) field. */
  RowSink setInt(int field, int value);

  /** Sets an int64 field, or a timestamp field in microseconds since the epoch. */
  RowSink setLong(int field, long value);

  /** Sets a float32 or float64 field. */
  RowSink setFloat(int field, float value);

  /** Sets a float64 field, or a float32 field to a value exact as a float. */
  RowSink setDouble(int field, double value);

  /** Sets a string field; null means null. */
  RowSink setString(int field, String value);

  /** Sets a binary field to a copy of {@code value}; null means null. */
  RowSink setBytes(int field, byte[] value);

  /** Sets a timestamp field (truncated to microseconds); null means null. */
  RowSink setTimestamp(int field, Instant value);

  /** Sets a timestamp field in microseconds since 1970-01-01T00:00:00Z. */
  RowSink setTimestampMicros(int field, long micros);

  /** Sets a date field; null means null. */
  RowSink setDate(int field, LocalDate value);

  /** Sets a decimal field (scale adjusted only if exact); null means null. */
  RowSink setDecimal(int field, BigDecimal value);

  /**
   * Sets a field to any value the field's type accepts (see {@link
   * dev.tiering.schema.RowValidator}).
   */
  RowSink set(int field, Object value);

  /**
   * Finishes the row being built.
   *
   * @throws dev.tiering.schema.RowValidationException if a required field was not set; the row is
   *     discarded
   * @throws IOException if the row could not be written
   */
  void endRow() throws IOException;

  /**
   * Validates and writes one row given as field name to value.
   *
   * @throws dev.tiering.schema.RowValidationException naming the row, field and value; nothing of
   *     the row is written
   * @throws IOException if the row could not be written
   */
  void write(Map<String, ?> row) throws IOException;

  /** Rows written so far. */
  long rowCount();
}
