package dev.tiering.parquet;

import dev.tiering.schema.FieldType;
import dev.tiering.schema.RowValidator;
import dev.tiering.schema.RowView;
import dev.tiering.schema.TableSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * The row being built: one slot per field holding its canonical value as raw bits (numbers,
 * booleans, timestamps, dates) or a reference (strings, bytes, decimals). The typed setters check
 * the type without allocating; every failure is raised through {@link RowValidator}, so typed and
 * map-based writes fail with the same messages. Not thread-safe.
 */
final class RowBuffer implements RowView {

  final TableSchema schema;
  final FieldType.Kind[] kinds;
  final boolean[] nullable;
  final long[] bits;
  final Object[] refs;
  final boolean[] isNull;
  private final boolean[] isSet;
  private int setCount;
  private final RowValidator validator;
  private final boolean allowNonFinite;

  /** The number of the row being built, for messages. */
  long rowNumber;

  RowBuffer(TableSchema schema, boolean allowNonFinite) {
    this.schema = schema;
    int n = schema.fields().size();
    this.kinds = new FieldType.Kind[n];
    this.nullable = new boolean[n];
    for (int i = 0; i < n; i++) {
      kinds[i] = schema.fields().get(i).type().kind();
      nullable[i] = schema.fields().get(i).nullable();
    }
    this.bits = new long[n];
    this.refs = new Object[n];
    this.isNull = new boolean[n];
    this.isSet = new boolean[n];
    RowValidator base = RowValidator.of(schema);
    this.validator = allowNonFinite ? base.allowingNonFinite() : base;
    this.allowNonFinite = allowNonFinite;
  }

  RowValidator validator() {
    return validator;
  }

  private void markSet(int field) {
    if (!isSet[field]) {
      isSet[field] = true;
      setCount++;
    }
  }

  private void setBits(int field, long value) {
    bits[field] = value;
    refs[field] = null;
    isNull[field] = false;
    markSet(field);
  }

  private void setRef(int field, Object value) {
    refs[field] = value;
    isNull[field] = false;
    markSet(field);
  }

  /** Raises the validator's error for {@code value}; only called when a check failed. */
  private void reject(int field, Object value) {
    validator.coerce(field, value, rowNumber);
    throw new IllegalStateException("Validator accepted a value the writer refused: " + value);
  }

  void setNull(int field) {
    if (!nullable[field]) {
      reject(field, null);
    }
    refs[field] = null;
    isNull[field] = true;
    markSet(field);
  }

  void setBoolean(int field, boolean value) {
    if (kinds[field] != FieldType.Kind.BOOLEAN) {
      reject(field, value);
    }
    setBits(field, value ? 1 : 0);
  }

  void setInt(int field, int value) {
    switch (kinds[field]) {
      case INT32, INT64, DATE -> setBits(field, value);
      default -> set(field, value);
    }
  }

  void setLong(int field, long value) {
    switch (kinds[field]) {
      case INT64, TIMESTAMP -> setBits(field, value);
      default -> set(field, value);
    }
  }

  void setFloat(int field, float value) {
    if (!allowNonFinite && !Float.isFinite(value)) {
      reject(field, value);
    }
    switch (kinds[field]) {
      case FLOAT32 -> setBits(field, Float.floatToRawIntBits(value));
      case FLOAT64 -> setBits(field, Double.doubleToRawLongBits(value));
      default -> reject(field, value);
    }
  }

  void setDouble(int field, double value) {
    if (!allowNonFinite && !Double.isFinite(value)) {
      reject(field, value);
    }
    if (kinds[field] == FieldType.Kind.FLOAT64) {
      setBits(field, Double.doubleToRawLongBits(value));
    } else if (kinds[field] == FieldType.Kind.FLOAT32 && (double) (float) value == value) {
      setBits(field, Float.floatToRawIntBits((float) value));
    } else {
      reject(field, value);
    }
  }

  void setString(int field, String value) {
    if (value == null) {
      setNull(field);
    } else if (kinds[field] == FieldType.Kind.STRING && !hasSurrogate(value)) {
      setRef(field, value);
    } else if (kinds[field] == FieldType.Kind.STRING) {
      // Pairs are checked by the validator, which refuses a lone half naming row and field.
      setCanonical(field, validator.coerce(field, value, rowNumber));
    } else {
      reject(field, value);
    }
  }

  private static boolean hasSurrogate(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isSurrogate(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  void setBytes(int field, byte[] value) {
    if (value == null) {
      setNull(field);
    } else if (kinds[field] == FieldType.Kind.BINARY) {
      // Copied: the row is encoded later, and callers often reuse their buffers.
      setRef(field, value.clone());
    } else {
      reject(field, value);
    }
  }

  void setTimestamp(int field, Instant value) {
    set(field, value);
  }

  void setTimestampMicros(int field, long micros) {
    if (kinds[field] != FieldType.Kind.TIMESTAMP) {
      reject(field, micros);
    }
    setBits(field, micros);
  }

  void setDate(int field, LocalDate value) {
    set(field, value);
  }

  void setDecimal(int field, BigDecimal value) {
    set(field, value);
  }

  /** Sets any accepted value, converting it through the validator. */
  void set(int field, Object value) {
    setCanonical(field, validator.coerce(field, value, rowNumber));
  }

  /** Stores a value already in canonical form. */
  void setCanonical(int field, Object canonical) {
    if (canonical == null) {
      refs[field] = null;
      isNull[field] = true;
      markSet(field);
      return;
    }
    switch (kinds[field]) {
      case INT32, DATE -> setBits(field, (Integer) canonical);
      case INT64, TIMESTAMP -> setBits(field, (Long) canonical);
      case FLOAT32 -> setBits(field, Float.floatToRawIntBits((Float) canonical));
      case FLOAT64 -> setBits(field, Double.doubleToRawLongBits((Double) canonical));
      case BOOLEAN -> setBits(field, (Boolean) canonical ? 1 : 0);
      case STRING, BINARY, DECIMAL -> setRef(field, canonical);
    }
  }

  /** Fills unset nullable fields with null; throws for an unset required field. */
  void complete() {
    if (setCount == isSet.length) {
      return;
    }
    for (int i = 0; i < isSet.length; i++) {
      if (!isSet[i]) {
        if (!nullable[i]) {
          reject(i, null);
        }
        refs[i] = null;
        isNull[i] = true;
      }
    }
  }

  /** Forgets the row, ready for the next. */
  void clear() {
    Arrays.fill(isSet, false);
    setCount = 0;
  }

  @Override
  public TableSchema schema() {
    return schema;
  }

  @Override
  public boolean isNull(int index) {
    return isNull[index];
  }

  @Override
  public Object get(int index) {
    return isNull[index] ? null : CanonicalValues.box(kinds[index], bits[index], refs[index]);
  }

  @Override
  public double getDouble(int index) {
    if (isNull[index]) {
      return Double.NaN;
    }
    return switch (kinds[index]) {
      case FLOAT64 -> Double.longBitsToDouble(bits[index]);
      case FLOAT32 -> Float.intBitsToFloat((int) bits[index]);
      case INT32, INT64, DATE, TIMESTAMP -> bits[index];
      default -> ((Number) get(index)).doubleValue();
    };
  }
}
