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

  /** {@return the schema rows must fit} */
  TableSchema schema();

  /**
   * Sets a nullable field to null.
   *
   * @param field the field's index in {@link #schema()}
   * @return this sink
   */
  RowSink setNull(int field);

  /**
   * Sets a boolean field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the value
   * @return this sink
   */
  RowSink setBoolean(int field, boolean value);

  /**
   * Sets an int32, int64 or date field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the value; for a date, days since 1970-01-01
   * @return this sink
   */
  RowSink setInt(int field, int value);

  /**
   * Sets an int64 or timestamp field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the value; for a timestamp, microseconds since 1970-01-01T00:00:00Z
   * @return this sink
   */
  RowSink setLong(int field, long value);

  /**
   * Sets a float32 or float64 field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the value; NaN and infinities are refused unless the writer allows them
   * @return this sink
   */
  RowSink setFloat(int field, float value);

  /**
   * Sets a float64 field, or a float32 field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the value; for a float32 field, exact as a float
   * @return this sink
   */
  RowSink setDouble(int field, double value);

  /**
   * Sets a string field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the text, or null
   * @return this sink
   */
  RowSink setString(int field, String value);

  /**
   * Sets a binary field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the bytes, copied; or null
   * @return this sink
   */
  RowSink setBytes(int field, byte[] value);

  /**
   * Sets a timestamp field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the instant, truncated to microseconds; or null
   * @return this sink
   */
  RowSink setTimestamp(int field, Instant value);

  /**
   * Sets a timestamp field.
   *
   * @param field the field's index in {@link #schema()}
   * @param micros microseconds since 1970-01-01T00:00:00Z
   * @return this sink
   */
  RowSink setTimestampMicros(int field, long micros);

  /**
   * Sets a date field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the date, or null
   * @return this sink
   */
  RowSink setDate(int field, LocalDate value);

  /**
   * Sets a decimal field.
   *
   * @param field the field's index in {@link #schema()}
   * @param value the number, or null; its scale is adjusted to the field's only if that is exact
   * @return this sink
   */
  RowSink setDecimal(int field, BigDecimal value);

  /**
   * Sets a field to any value the field's type accepts (see {@link
   * dev.tiering.schema.RowValidator}).
   *
   * @param field the field's index in {@link #schema()}
   * @param value the value, or null
   * @return this sink
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
   * @param row the values by field name; a missing key means null
   * @throws dev.tiering.schema.RowValidationException naming the row, field and value; nothing of
   *     the row is written
   * @throws IOException if the row could not be written
   */
  void write(Map<String, ?> row) throws IOException;

  /** {@return the rows written so far} */
  long rowCount();
}
