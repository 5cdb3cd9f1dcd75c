package dev.tiering.parquet;

import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * The columns a file holds for the fields a reader wants: found by name, type-checked, and marked
 * where they widen (int32 read as int64, float32 as float64). The one place both readers decide
 * whether a file can be read as a schema.
 */
final class FileColumns {

  /** The file's columns to read, in the order of the wanted fields, then the partition date. */
  final MessageType projection;

  /** Per wanted field, the type the file stores; null for a nullable field it lacks. */
  final FieldType[] stored;

  /** Per wanted field, 1 for an optional column, else 0. */
  final int[] maxDefinition;

  /** Whether the projection ends with the file's partition date column. */
  final boolean hasDate;

  private FileColumns(
      MessageType projection, FieldType[] stored, int[] maxDefinition, boolean hasDate) {
    this.projection = projection;
    this.stored = stored;
    this.maxDefinition = maxDefinition;
    this.hasDate = hasDate;
  }

  /**
   * Resolves {@code wanted} against a file's schema.
   *
   * @param complete refuse a file with a column the schema lacks (the partition date aside), or one
   *     that may hold nulls where the schema requires values: for rewriting, where reading less
   *     than the file holds would lose data, and for telling a table's own files (see {@link
   *     TableFiles})
   * @param withDate read the partition date column too, when the schema does not name it
   * @throws ParquetRowReader.SchemaMismatchException naming the file, the column and the fix
   */
  static FileColumns resolve(
      Path file,
      MessageType fileSchema,
      TableSchema schema,
      List<Field> wanted,
      boolean complete,
      boolean withDate)
      throws ParquetRowReader.SchemaMismatchException {
    if (complete) {
      for (Type column : fileSchema.getFields()) {
        if (schema.field(column.getName()).isEmpty()
            && !column.getName().equals(TableSchema.DATE_PARTITION)) {
          throw mismatch(
              file, schema, "it has a column '" + column.getName() + "' that the schema lacks");
        }
      }
    }
    List<Type> projected = new ArrayList<>();
    FieldType[] stored = new FieldType[wanted.size()];
    int[] maxDefinition = new int[wanted.size()];
    for (int i = 0; i < wanted.size(); i++) {
      Field field = wanted.get(i);
      if (!fileSchema.containsField(field.name())) {
        if (!field.nullable()) {
          throw mismatch(
              file, schema, "it has no column '" + field.name() + "', which the schema requires");
        }
        continue;
      }
      Type column = fileSchema.getType(field.name());
      FieldType type =
          column.isPrimitive() ? ParquetSchemas.fieldType(column.asPrimitiveType()) : null;
      if (type == null || !(type.equals(field.type()) || type.widensTo(field.type()))) {
        throw mismatch(
            file,
            schema,
            "column '"
                + field.name()
                + "' holds "
                + (type == null ? column.toString().strip() : type)
                + ", which cannot be read as "
                + field.type());
      }
      if (complete && !field.nullable() && !column.isRepetition(Type.Repetition.REQUIRED)) {
        throw mismatch(
            file,
            schema,
            "column '"
                + field.name()
                + "' may hold nulls, and the schema requires a value in every row");
      }
      stored[i] = type;
      maxDefinition[i] = column.isRepetition(Type.Repetition.OPTIONAL) ? 1 : 0;
      projected.add(column);
    }
    boolean hasDate =
        withDate
            && fileSchema.containsField(TableSchema.DATE_PARTITION)
            && schema.field(TableSchema.DATE_PARTITION).isEmpty();
    if (hasDate) {
      projected.add(fileSchema.getType(TableSchema.DATE_PARTITION));
    }
    return new FileColumns(
        new MessageType(fileSchema.getName(), projected), stored, maxDefinition, hasDate);
  }

  private static ParquetRowReader.SchemaMismatchException mismatch(
      Path file, TableSchema schema, String problem) {
    return new ParquetRowReader.SchemaMismatchException(
        problem,
        "Cannot read "
            + file
            + " as "
            + schema.qualifiedName()
            + ": "
            + problem
            + " (read it with the schema it was written with)");
  }
}
