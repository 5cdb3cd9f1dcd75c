package dev.tiering.parquet;

import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/** The typed setters and row bookkeeping shared by every writer; subclasses take finished rows. */
abstract class AbstractRowSink implements RowSink {

  final RowBuffer row;
  private long rowCount;
  private long refusedRows;
  private boolean open = true;

  /** What messages call this writer's output (default: the table's qualified name). */
  private String describedAs;

  AbstractRowSink(TableSchema schema, boolean allowNonFinite) {
    this.row = new RowBuffer(schema, allowNonFinite);
  }

  /** Takes the completed row in {@link #row}. */
  abstract void accept(RowBuffer completed) throws IOException;

  /** Refuses further rows; subclasses call this when they commit or close. */
  final void seal() {
    open = false;
  }

  final boolean isOpen() {
    return open;
  }

  private void checkOpen() {
    if (!open) {
      throw new IllegalStateException(
          "Writer for "
              + (describedAs != null ? describedAs : schema().qualifiedName())
              + " is committed or closed (open a new one to write more"
              + " rows)");
    }
  }

  /** Names what this writer writes in messages, where it is not a lake table. */
  final void describedAs(String description) {
    this.describedAs = description;
  }

  @Override
  public TableSchema schema() {
    return row.schema;
  }

  @Override
  public RowSink setNull(int field) {
    row.setNull(field);
    return this;
  }

  @Override
  public RowSink setBoolean(int field, boolean value) {
    row.setBoolean(field, value);
    return this;
  }

  @Override
  public RowSink setInt(int field, int value) {
    row.setInt(field, value);
    return this;
  }

  @Override
  public RowSink setLong(int field, long value) {
    row.setLong(field, value);
    return this;
  }

  @Override
  public RowSink setFloat(int field, float value) {
    row.setFloat(field, value);
    return this;
  }

  @Override
  public RowSink setDouble(int field, double value) {
    row.setDouble(field, value);
    return this;
  }

  @Override
  public RowSink setString(int field, String value) {
    row.setString(field, value);
    return this;
  }

  @Override
  public RowSink setBytes(int field, byte[] value) {
    row.setBytes(field, value);
    return this;
  }

  @Override
  public RowSink setTimestamp(int field, Instant value) {
    row.setTimestamp(field, value);
    return this;
  }

  @Override
  public RowSink setTimestampMicros(int field, long micros) {
    row.setTimestampMicros(field, micros);
    return this;
  }

  @Override
  public RowSink setDate(int field, LocalDate value) {
    row.setDate(field, value);
    return this;
  }

  @Override
  public RowSink setDecimal(int field, BigDecimal value) {
    row.setDecimal(field, value);
    return this;
  }

  @Override
  public RowSink set(int field, Object value) {
    row.set(field, value);
    return this;
  }

  @Override
  public void endRow() throws IOException {
    checkOpen();
    try {
      row.complete();
    } catch (RuntimeException refusal) {
      refusedRows++;
      row.clear();
      throw refusal;
    }
    try {
      accept(row);
    } finally {
      // A refused row is discarded whole; the next row starts clean either way.
      row.clear();
    }
    rowCount++;
    row.rowNumber = rowCount;
  }

  @Override
  public void write(Map<String, ?> values) throws IOException {
    checkOpen();
    Object[] canonical;
    try {
      canonical = row.validator().validate(values, rowCount);
    } catch (RuntimeException e) {
      refusedRows++;
      row.clear();
      throw e;
    }
    for (int i = 0; i < canonical.length; i++) {
      row.setCanonical(i, canonical[i]);
    }
    endRow();
  }

  @Override
  public long rowCount() {
    return rowCount;
  }

  /** Rows refused by validation so far (offered, then thrown back); they count in accuracy. */
  long refusedRows() {
    return refusedRows;
  }
}
