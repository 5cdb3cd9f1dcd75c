package dev.tiering.schema;

import java.util.Locale;
import java.util.Objects;

/**
 * The type of a field, written in {@code schema.json} by these names: {@code timestamp}, {@code
 * date}, {@code int32}, {@code int64}, {@code float32}, {@code float64}, {@code boolean}, {@code
 * string}, {@code binary} and {@code decimal(precision,scale)}.
 *
 * @param kind the type's kind
 * @param precision total decimal digits, 1-38, for decimals; else 0
 * @param scale digits after the point, 0-precision, for decimals; else 0
 */
public record FieldType(Kind kind, int precision, int scale) {

  /** The kinds of field types. */
  public enum Kind {
    /** An instant in UTC with microsecond precision. */
    TIMESTAMP,
    /** A calendar date without time zone. */
    DATE,
    /** A 32-bit signed integer. */
    INT32,
    /** A 64-bit signed integer. */
    INT64,
    /** A 32-bit IEEE 754 float. */
    FLOAT32,
    /** A 64-bit IEEE 754 float. */
    FLOAT64,
    /** True or false. */
    BOOLEAN,
    /** UTF-8 text. */
    STRING,
    /** Uninterpreted bytes. */
    BINARY,
    /** An exact decimal number with a fixed precision and scale. */
    DECIMAL
  }

  /** Largest decimal precision (what fits Parquet and every common engine). */
  public static final int MAX_DECIMAL_PRECISION = 38;

  /** {@code timestamp}: UTC, microseconds. */
  public static final FieldType TIMESTAMP = new FieldType(Kind.TIMESTAMP, 0, 0);

  /** {@code date}. */
  public static final FieldType DATE = new FieldType(Kind.DATE, 0, 0);

  /** {@code int32}. */
  public static final FieldType INT32 = new FieldType(Kind.INT32, 0, 0);

  /** {@code int64}. */
  public static final FieldType INT64 = new FieldType(Kind.INT64, 0, 0);

  /** {@code float32}. */
  public static final FieldType FLOAT32 = new FieldType(Kind.FLOAT32, 0, 0);

  /** {@code float64}. */
  public static final FieldType FLOAT64 = new FieldType(Kind.FLOAT64, 0, 0);

  /** {@code boolean}. */
  public static final FieldType BOOLEAN = new FieldType(Kind.BOOLEAN, 0, 0);

  /** {@code string}. */
  public static final FieldType STRING = new FieldType(Kind.STRING, 0, 0);

  /** {@code binary}. */
  public static final FieldType BINARY = new FieldType(Kind.BINARY, 0, 0);

  private static final String KNOWN =
      "timestamp, date, int32, int64, float32, float64, boolean,"
          + " string, binary, decimal(precision,scale)";

  /**
   * Checks precision and scale.
   *
   * @param kind the type's kind
   * @param precision 1-38 for decimals; else 0
   * @param scale 0-precision for decimals; else 0
   * @throws IllegalArgumentException for a decimal outside 1-38 digits or a scale outside
   *     0-precision, or a non-decimal with a precision or scale
   */
  public FieldType {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION || scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "Invalid decimal("
                + precision
                + ","
                + scale
                + "): use a precision of 1-"
                + MAX_DECIMAL_PRECISION
                + " and a scale of 0-precision");
      }
    } else if (precision != 0 || scale != 0) {
      throw new IllegalArgumentException(
          "Type " + kind.name().toLowerCase(Locale.ROOT) + " takes no precision or scale");
    }
  }

  /**
   * {@return the type {@code decimal(precision,scale)}}
   *
   * @param precision total decimal digits, 1-38
   * @param scale digits after the point, 0-precision
   * @throws IllegalArgumentException for a precision outside 1-38 or a scale outside 0-precision
   */
  public static FieldType decimal(int precision, int scale) {
    return new FieldType(Kind.DECIMAL, precision, scale);
  }

  /**
   * Parses a type name as written in {@code schema.json}.
   *
   * @param name e.g. {@code float64} or {@code decimal(18,4)}; surrounding blanks are ignored
   * @return the type
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static FieldType parse(String name) {
    Objects.requireNonNull(name, "name");
    String text = name.strip();
    if (text.startsWith("decimal(") && text.endsWith(")")) {
      String[] parts = text.substring("decimal(".length(), text.length() - 1).split(",", -1);
      if (parts.length == 2) {
        try {
          return decimal(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
        } catch (NumberFormatException e) {
          // fall through to the unknown-type message
        }
      }
    }
    for (FieldType type :
        new FieldType[] {
          TIMESTAMP, DATE, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BINARY
        }) {
      if (type.name().equals(text)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "Unknown field type '" + name + "' (use one of " + KNOWN + ")");
  }

  /** {@return the name as written in {@code schema.json}} */
  public String name() {
    return kind == Kind.DECIMAL
        ? "decimal(" + precision + "," + scale + ")"
        : kind.name().toLowerCase(Locale.ROOT);
  }

  /**
   * {@return true if a value of this type widens to {@code wider} without loss: int32 to int64,
   * float32 to float64}
   *
   * @param wider the type to widen to
   */
  public boolean widensTo(FieldType wider) {
    return (kind == Kind.INT32 && wider.kind == Kind.INT64)
        || (kind == Kind.FLOAT32 && wider.kind == Kind.FLOAT64);
  }

  /** The name. */
  @Override
  public String toString() {
    return name();
  }
}
