package dev.tiering.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;

/**
 * Checks rows against a table schema and converts their values to one canonical Java type per field
 * type. Immutable and thread-safe.
 *
 * <table>
 *   <caption>Accepted values and their canonical form</caption>
 *   <tr><th>type</th><th>accepts</th><th>canonical</th></tr>
 *   <tr><td>int32</td><td>Byte, Short, Integer; Long and BigInteger in range</td><td>Integer</td></tr>
 *   <tr><td>int64</td><td>Byte, Short, Integer, Long; BigInteger in range</td><td>Long</td></tr>
 *   <tr><td>float32</td><td>Float; Double exactly representable as float; integers up to 2^24</td><td>Float</td></tr>
 *   <tr><td>float64</td><td>Double, Float; integers up to 2^53</td><td>Double</td></tr>
 *   <tr><td>boolean</td><td>Boolean</td><td>Boolean</td></tr>
 *   <tr><td>string</td><td>String, any CharSequence</td><td>String</td></tr>
 *   <tr><td>binary</td><td>byte[] (not copied), ByteBuffer (remaining bytes copied)</td><td>byte[]</td></tr>
 *   <tr><td>date</td><td>LocalDate</td><td>Integer days since 1970-01-01</td></tr>
 *   <tr><td>timestamp</td><td>Instant, OffsetDateTime, ZonedDateTime, LocalDateTime (read as UTC),
 *       Long (microseconds since the epoch); sub-microsecond digits are truncated</td>
 *       <td>Long microseconds since 1970-01-01T00:00:00Z</td></tr>
 *   <tr><td>decimal(p,s)</td><td>BigDecimal with at most s decimals (or more, if they are zeros),
 *       BigInteger, Long, Integer, Short, Byte; at most p digits; never Double (inexact)</td>
 *       <td>BigDecimal with scale exactly s</td></tr>
 * </table>
 *
 * <p>NaN and infinities are refused by default: they poison min/max statistics (readers can no
 * longer skip row groups by value) and usually mean an upstream bug. {@link #allowingNonFinite()}
 * accepts them for tables that really hold them.
 */
public final class RowValidator {

  private static final long MAX_EXACT_FLOAT = 1L << 24;
  private static final long MAX_EXACT_DOUBLE = 1L << 53;

  private final TableSchema schema;
  private final boolean allowNonFinite;

  private RowValidator(TableSchema schema, boolean allowNonFinite) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.allowNonFinite = allowNonFinite;
  }

  /**
   * {@return a validator that refuses NaN and infinities}
   *
   * @param schema the schema rows are checked against
   */
  public static RowValidator of(TableSchema schema) {
    return new RowValidator(schema, false);
  }

  /** {@return this validator, accepting NaN and infinities in float fields} */
  public RowValidator allowingNonFinite() {
    return new RowValidator(schema, true);
  }

  /** {@return the schema rows are checked against} */
  public TableSchema schema() {
    return schema;
  }

  /** {@return true if NaN and infinities are accepted} */
  public boolean allowsNonFinite() {
    return allowNonFinite;
  }

  /**
   * Checks a row given as field name to value. A missing key means null. Keys that name no field
   * are refused, so no value is silently lost.
   *
   * @param row the values by field name
   * @param rowNumber the row's number within the write, for messages
   * @return the canonical values, in field order
   * @throws RowValidationException naming the row, field and value
   */
  public Object[] validate(Map<String, ?> row, long rowNumber) {
    Objects.requireNonNull(row, "row");
    int known = 0;
    Object[] values = new Object[schema.fields().size()];
    for (int i = 0; i < values.length; i++) {
      String name = schema.fields().get(i).name();
      Object value = row.get(name);
      if (value != null || row.containsKey(name)) {
        known++;
      }
      values[i] = coerce(i, value, rowNumber);
    }
    if (known != row.size()) {
      for (String key : row.keySet()) {
        if (schema.indexOf(key) < 0) {
          throw new RowValidationException(
              rowNumber,
              null,
              "unknown field '"
                  + key
                  + "' (the table's fields are "
                  + schema.fields().stream().map(Field::name).toList()
                  + "; evolve the schema to add it)");
        }
      }
    }
    return values;
  }

  /**
   * Checks one value of a field.
   *
   * @param index the field's position in the schema
   * @param value the value, or null
   * @param rowNumber the row's number within the write, for messages
   * @return the canonical form of the value (see the table above)
   * @throws RowValidationException naming the row, field and value
   */
  public Object coerce(int index, Object value, long rowNumber) {
    Field field = schema.fields().get(index);
    if (value == null) {
      if (!field.nullable()) {
        throw fail(
            rowNumber,
            field,
            "is required but missing or null (give it a value, or make" + " the field nullable)");
      }
      return null;
    }
    Object result =
        switch (field.type().kind()) {
          case INT32 -> toInt32(value);
          case INT64 -> toInt64(value);
          case FLOAT32 -> toFloat32(value);
          case FLOAT64 -> toFloat64(value);
          case BOOLEAN -> value instanceof Boolean ? value : null;
          case STRING -> value instanceof CharSequence text ? text.toString() : null;
          case BINARY ->
              value instanceof byte[]
                  ? value
                  : value instanceof ByteBuffer buffer ? bytes(buffer) : null;
          case DATE -> value instanceof LocalDate date ? toEpochDay(date, rowNumber, field) : null;
          case TIMESTAMP -> toMicros(value, rowNumber, field);
          case DECIMAL -> toDecimal(value, field, rowNumber);
        };
    if (result == null) {
      throw fail(
          rowNumber,
          field,
          "value "
              + show(value)
              + " is not a "
              + field.type()
              + " (use "
              + accepted(field.type())
              + ")");
    }
    if (result instanceof String text) {
      int at = unpairedSurrogate(text);
      if (at >= 0) {
        throw fail(
            rowNumber,
            field,
            "value has an unpaired surrogate U+"
                + String.format(java.util.Locale.ROOT, "%04X", (int) text.charAt(at))
                + " at index "
                + at
                + ": it is"
                + " not valid Unicode and cannot be stored as UTF-8 (fix the text; a lone half of a"
                + " pair is usually a string cut in the middle of a character)");
      }
    }
    if (!allowNonFinite && !isFinite(result)) {
      throw fail(
          rowNumber,
          field,
          "value "
              + result
              + " is not finite (NaN and infinities are"
              + " refused; use null for a missing value, or allow non-finite values)");
    }
    return result;
  }

  /** The index of the first surrogate that is not half of a pair, or -1. */
  private static int unpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private static Integer toInt32(Object value) {
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    Long wide =
        value instanceof Long l
            ? l
            : value instanceof BigInteger b && b.bitLength() < 64 ? b.longValue() : null;
    return wide != null && wide >= Integer.MIN_VALUE && wide <= Integer.MAX_VALUE
        ? wide.intValue()
        : null;
  }

  private static Long toInt64(Object value) {
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    return value instanceof BigInteger b && b.bitLength() < 64 ? b.longValue() : null;
  }

  private static Float toFloat32(Object value) {
    if (value instanceof Float f) {
      return f;
    }
    if (value instanceof Double d) {
      float f = d.floatValue();
      return Double.isNaN(d) || (double) f == d ? f : null;
    }
    Long integer = toInt64(value);
    return integer != null && Math.abs(integer) <= MAX_EXACT_FLOAT ? (float) integer : null;
  }

  private static Double toFloat64(Object value) {
    if (value instanceof Double || value instanceof Float) {
      return ((Number) value).doubleValue();
    }
    Long integer = toInt64(value);
    return integer != null && Math.abs(integer) <= MAX_EXACT_DOUBLE ? (double) integer : null;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }

  private static Integer toEpochDay(LocalDate date, long rowNumber, Field field) {
    long day = date.toEpochDay();
    if (day < Integer.MIN_VALUE || day > Integer.MAX_VALUE) {
      throw fail(rowNumber, field, "date " + date + " is out of range");
    }
    return (int) day;
  }

  private static Long toMicros(Object value, long rowNumber, Field field) {
    Instant instant;
    if (value instanceof Long micros) {
      return micros;
    } else if (value instanceof Instant i) {
      instant = i;
    } else if (value instanceof OffsetDateTime o) {
      instant = o.toInstant();
    } else if (value instanceof ZonedDateTime z) {
      instant = z.toInstant();
    } else if (value instanceof LocalDateTime l) {
      instant = l.toInstant(ZoneOffset.UTC);
    } else {
      return null;
    }
    try {
      // Nanos are in [0, 1e9), so integer division truncates toward the earlier microsecond.
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    } catch (ArithmeticException e) {
      throw fail(
          rowNumber,
          field,
          "timestamp "
              + instant
              + " is out of range (microseconds"
              + " since the epoch must fit in 64 bits: about 290,000 years either way)");
    }
  }

  private static BigDecimal toDecimal(Object value, Field field, long rowNumber) {
    BigDecimal decimal;
    if (value instanceof BigDecimal d) {
      decimal = d;
    } else if (value instanceof BigInteger b) {
      decimal = new BigDecimal(b);
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      decimal = BigDecimal.valueOf(((Number) value).longValue());
    } else {
      return null;
    }
    int scale = field.type().scale();
    BigDecimal scaled;
    try {
      scaled = decimal.setScale(scale);
    } catch (ArithmeticException e) {
      throw fail(
          rowNumber,
          field,
          "value "
              + decimal.toPlainString()
              + " has more than "
              + scale
              + " decimal places (round it to "
              + scale
              + " first)");
    }
    if (scaled.precision() > field.type().precision()) {
      throw fail(
          rowNumber,
          field,
          "value "
              + decimal.toPlainString()
              + " has more than "
              + field.type().precision()
              + " digits (does not fit "
              + field.type()
              + ")");
    }
    return scaled;
  }

  private static boolean isFinite(Object value) {
    if (value instanceof Double d) {
      return Double.isFinite(d);
    }
    return !(value instanceof Float f) || Float.isFinite(f);
  }

  private static String accepted(FieldType type) {
    return switch (type.kind()) {
      case INT32 -> "Integer, Short, Byte, or a Long within int32 range";
      case INT64 -> "Long, Integer, Short or Byte";
      case FLOAT32 -> "Float, a Double exact as float, or an integer up to 2^24";
      case FLOAT64 -> "Double, Float, or an integer up to 2^53";
      case BOOLEAN -> "Boolean";
      case STRING -> "String";
      case BINARY -> "byte[] or ByteBuffer";
      case DATE -> "LocalDate";
      case TIMESTAMP ->
          "Instant, OffsetDateTime, ZonedDateTime, LocalDateTime as UTC, or Long"
              + " epoch microseconds";
      case DECIMAL ->
          "BigDecimal, BigInteger or a whole number; convert doubles with"
              + " BigDecimal.valueOf and round them";
    };
  }

  private static String show(Object value) {
    String text = value instanceof byte[] b ? "byte[" + b.length + "]" : String.valueOf(value);
    if (text.length() > 60) {
      text = text.substring(0, 60) + "...";
    }
    return "'" + text + "' (" + value.getClass().getSimpleName() + ")";
  }

  private static RowValidationException fail(long rowNumber, Field field, String problem) {
    return new RowValidationException(
        rowNumber,
        field.name(),
        "(" + field.type() + (field.nullable() ? ", nullable" : "") + ") " + problem);
  }
}
