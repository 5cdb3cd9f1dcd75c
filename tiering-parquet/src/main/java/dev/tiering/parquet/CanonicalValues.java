package dev.tiering.parquet;

import dev.tiering.schema.FieldType;

/**
 * The one conversion from a value kept as raw bits (numbers, booleans, dates, timestamps) or as a
 * reference (strings, bytes, decimals) to its canonical boxed form (see {@link
 * dev.tiering.schema.RowValidator}), shared by the writer's row buffer and the reader.
 */
final class CanonicalValues {

  private CanonicalValues() {}

  static Object box(FieldType.Kind kind, long bits, Object ref) {
    return switch (kind) {
      case INT32, DATE -> (int) bits;
      case INT64, TIMESTAMP -> bits;
      case FLOAT32 -> Float.intBitsToFloat((int) bits);
      case FLOAT64 -> Double.longBitsToDouble(bits);
      case BOOLEAN -> bits != 0;
      case STRING, DECIMAL -> ref;
      case BINARY -> ((byte[]) ref).clone(); // the caller's to change, not the row's
    };
  }
}
