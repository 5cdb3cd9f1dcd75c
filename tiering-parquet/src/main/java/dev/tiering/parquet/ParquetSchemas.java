package dev.tiering.parquet;

import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Maps table schemas to Parquet schemas and back ({@link #toMessageType}, {@link #toTableSchema}).
 * Timestamps are INT64 TIMESTAMP(MICROS, UTC), dates INT32 DATE, strings BINARY STRING, decimals
 * INT32/INT64/FIXED_LEN_BYTE_ARRAY DECIMAL by precision (the smallest that fits, as the Parquet
 * spec recommends); nullable fields are OPTIONAL, the rest REQUIRED. A date-partitioned table's
 * files end with a REQUIRED {@code date} column.
 */
final class ParquetSchemas {

  private ParquetSchemas() {}

  /** The file schema of a table: its fields, plus the {@code date} partition column if any. */
  static MessageType toMessageType(TableSchema schema) {
    List<Type> columns = new ArrayList<>();
    for (Field field : schema.fields()) {
      columns.add(toParquet(field));
    }
    if (schema.isDatePartitioned()) {
      columns.add(
          Types.required(PrimitiveTypeName.INT32)
              .as(LogicalTypeAnnotation.dateType())
              .named(TableSchema.DATE_PARTITION));
    }
    return new MessageType(schema.table().value(), columns);
  }

  static PrimitiveType toParquet(Field field) {
    Types.PrimitiveBuilder<PrimitiveType> builder;
    FieldType type = field.type();
    Type.Repetition repetition =
        field.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
    builder =
        switch (type.kind()) {
          case TIMESTAMP ->
              Types.primitive(PrimitiveTypeName.INT64, repetition)
                  .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS));
          case DATE ->
              Types.primitive(PrimitiveTypeName.INT32, repetition)
                  .as(LogicalTypeAnnotation.dateType());
          case INT32 -> Types.primitive(PrimitiveTypeName.INT32, repetition);
          case INT64 -> Types.primitive(PrimitiveTypeName.INT64, repetition);
          case FLOAT32 -> Types.primitive(PrimitiveTypeName.FLOAT, repetition);
          case FLOAT64 -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition);
          case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition);
          case STRING ->
              Types.primitive(PrimitiveTypeName.BINARY, repetition)
                  .as(LogicalTypeAnnotation.stringType());
          case BINARY -> Types.primitive(PrimitiveTypeName.BINARY, repetition);
          case DECIMAL -> decimal(type, repetition);
        };
    return builder.named(field.name());
  }

  private static Types.PrimitiveBuilder<PrimitiveType> decimal(
      FieldType type, Type.Repetition repetition) {
    LogicalTypeAnnotation decimal =
        LogicalTypeAnnotation.decimalType(type.scale(), type.precision());
    if (type.precision() <= 9) {
      return Types.primitive(PrimitiveTypeName.INT32, repetition).as(decimal);
    }
    if (type.precision() <= 18) {
      return Types.primitive(PrimitiveTypeName.INT64, repetition).as(decimal);
    }
    return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
        .length(decimalBytes(type.precision()))
        .as(decimal);
  }

  /** Bytes of a two's-complement integer holding any {@code precision}-digit number. */
  static int decimalBytes(int precision) {
    int bytes = 1;
    while (Math.pow(2, 8 * bytes - 1) < Math.pow(10, precision)) {
      bytes++;
    }
    return bytes;
  }

  /**
   * The table schema a file schema describes: the inverse of {@link #toMessageType}. A trailing
   * {@code date} column marks a date-partitioned table.
   *
   * @throws IllegalArgumentException naming a column the SDK cannot read (nested, repeated, or of a
   *     type it does not write)
   */
  static TableSchema toTableSchema(
      MessageType file, dev.tiering.core.Zone zone, dev.tiering.core.TableName table) {
    TableSchema.Builder builder = TableSchema.builder(zone, table.value());
    for (Type column : file.getFields()) {
      FieldType type =
          column.isPrimitive() && !column.isRepetition(Type.Repetition.REPEATED)
              ? fieldType(column.asPrimitiveType())
              : null;
      if (type == null) {
        throw new IllegalArgumentException(
            "Column '"
                + column.getName()
                + "' ("
                + column.toString().strip()
                + ") is not a type this SDK writes (use flat columns of the types in"
                + " docs/schema-sidecar.md)");
      }
      if (column.getName().equals(TableSchema.DATE_PARTITION) && type.equals(FieldType.DATE)) {
        builder.partitionByDate();
      } else {
        builder.field(
            new Field(
                column.getName(),
                type,
                column.isRepetition(Type.Repetition.OPTIONAL),
                null,
                java.util.Map.of()));
      }
    }
    return builder.build();
  }

  /**
   * The field type a Parquet column holds, or null if the SDK does not read that column type.
   * Accepts what {@link #toParquet} writes.
   */
  static FieldType fieldType(PrimitiveType column) {
    LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
    PrimitiveTypeName physical = column.getPrimitiveTypeName();
    if (logical instanceof DecimalLogicalTypeAnnotation d) {
      return FieldType.decimal(d.getPrecision(), d.getScale());
    }
    if (logical instanceof TimestampLogicalTypeAnnotation t) {
      return physical == PrimitiveTypeName.INT64 && t.getUnit() == TimeUnit.MICROS
          ? FieldType.TIMESTAMP
          : null;
    }
    if (logical instanceof DateLogicalTypeAnnotation) {
      return FieldType.DATE;
    }
    if (logical instanceof StringLogicalTypeAnnotation) {
      return FieldType.STRING;
    }
    if (logical != null
        && !(logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer
            && integer.isSigned())) {
      // Unsigned integers (other writers' UINT32, UINT64) would read as negative numbers.
      return null;
    }
    return switch (physical) {
      case INT32 -> FieldType.INT32;
      case INT64 -> FieldType.INT64;
      case FLOAT -> FieldType.FLOAT32;
      case DOUBLE -> FieldType.FLOAT64;
      case BOOLEAN -> FieldType.BOOLEAN;
      case BINARY -> FieldType.BINARY;
      default -> null;
    };
  }
}
