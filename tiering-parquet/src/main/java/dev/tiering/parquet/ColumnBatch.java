package dev.tiering.parquet;

import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * A batch of rows of one row group, column by column: a primitive array per column, each exactly
 * {@link #rows()} long, and a null mask per column. Values at null positions are 0, false or null.
 * Strings of a dictionary-encoded column are decoded once per row group and shared between the rows
 * that hold them.
 *
 * <p>The arrays belong to the caller once returned: the reader makes new ones for each batch. A
 * column is read by name, with the getter of its schema type; any other getter throws, naming the
 * right one:
 *
 * <table>
 *   <caption>Getters by field type</caption>
 *   <tr><th>type</th><th>getter</th></tr>
 *   <tr><td>int64, timestamp (microseconds since the epoch, UTC)</td><td>{@link #longs}</td></tr>
 *   <tr><td>int32, date (days since the epoch)</td><td>{@link #ints}</td></tr>
 *   <tr><td>float64</td><td>{@link #doubles}</td></tr>
 *   <tr><td>float32</td><td>{@link #floats}</td></tr>
 *   <tr><td>boolean</td><td>{@link #booleans}</td></tr>
 *   <tr><td>string</td><td>{@link #strings}</td></tr>
 *   <tr><td>binary</td><td>{@link #binaries}</td></tr>
 *   <tr><td>decimal</td><td>{@link #decimals}</td></tr>
 * </table>
 */
public final class ColumnBatch {

  private final List<Field> fields;
  private final int rows;
  private final Object[] values;
  private final boolean[][] nulls;
  private final Path file;
  private final LocalDate partitionDate;

  ColumnBatch(
      List<Field> fields,
      int rows,
      Object[] values,
      boolean[][] nulls,
      Path file,
      LocalDate partitionDate) {
    this.fields = fields;
    this.rows = rows;
    this.values = values;
    this.nulls = nulls;
    this.file = file;
    this.partitionDate = partitionDate;
  }

  /** {@return the number of rows; every array of this batch has this length} */
  public int rows() {
    return rows;
  }

  /** {@return the columns read, in the order asked for} */
  public List<Field> fields() {
    return fields;
  }

  /** {@return the file the rows come from} */
  public Path file() {
    return file;
  }

  /** {@return the partition day of the rows, for files of date-partitioned tables; else null} */
  public LocalDate partitionDate() {
    return partitionDate;
  }

  /**
   * {@return the values of an int64 or timestamp column (microseconds since the epoch)}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if the batch has no such column, or it is of another type
   */
  public long[] longs(String column) {
    return (long[]) values[index(column, "longs", FieldType.Kind.INT64, FieldType.Kind.TIMESTAMP)];
  }

  /**
   * {@return the values of an int32 or date column (days since the epoch)}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if the batch has no such column, or it is of another type
   */
  public int[] ints(String column) {
    return (int[]) values[index(column, "ints", FieldType.Kind.INT32, FieldType.Kind.DATE)];
  }

  /**
   * {@return the values of a float64 column}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if the batch has no such column, or it is of another type
   */
  public double[] doubles(String column) {
    return (double[]) values[index(column, "doubles", FieldType.Kind.FLOAT64)];
  }

  /**
   * {@return the values of a float32 column}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if the batch has no such column, or it is of another type
   */
  public float[] floats(String column) {
    return (float[]) values[index(column, "floats", FieldType.Kind.FLOAT32)];
  }

  /**
   * {@return the values of a boolean column}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if the batch has no such column, or it is of another type
   */
  public boolean[] booleans(String column) {
    return (boolean[]) values[index(column, "booleans", FieldType.Kind.BOOLEAN)];
  }

  /**
   * {@return the values of a string column; null where the value is null}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if the batch has no such column, or it is of another type
   */
  public String[] strings(String column) {
    return (String[]) values[index(column, "strings", FieldType.Kind.STRING)];
  }

  /**
   * {@return the values of a binary column; null where the value is null}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if the batch has no such column, or it is of another type
   */
  public byte[][] binaries(String column) {
    return (byte[][]) values[index(column, "binaries", FieldType.Kind.BINARY)];
  }

  /**
   * {@return the values of a decimal column; null where the value is null}
   *
   * @param column the column's name
   * @throws IllegalArgumentException if the batch has no such column, or it is of another type
   */
  public BigDecimal[] decimals(String column) {
    return (BigDecimal[]) values[index(column, "decimals", FieldType.Kind.DECIMAL)];
  }

  /**
   * {@return the null mask of a column: true where the row's value is null}
   *
   * @param column the column's name, of any type
   * @throws IllegalArgumentException if the batch has no such column
   */
  public boolean[] nulls(String column) {
    int i = index(column, "nulls");
    if (nulls[i] == null) {
      nulls[i] = new boolean[rows];
    }
    return nulls[i];
  }

  /**
   * {@return whether a column's value is null in a row}
   *
   * @param column the column's name, of any type
   * @param row the row, 0 to {@code rows() - 1}
   * @throws IllegalArgumentException if the batch has no such column
   * @throws IndexOutOfBoundsException if there is no such row
   */
  public boolean isNull(String column, int row) {
    int i = index(column, "isNull");
    java.util.Objects.checkIndex(row, rows);
    return nulls[i] != null && nulls[i][row];
  }

  /** The value array of column {@code i}, for the library's own record mapping. */
  Object values(int i) {
    return values[i];
  }

  /** The null mask of column {@code i}, or null if no value is null. */
  boolean[] nullMask(int i) {
    return nulls[i];
  }

  private int index(String column, String getter, FieldType.Kind... kinds) {
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      if (!field.name().equals(column)) {
        continue;
      }
      if (kinds.length == 0) {
        return i;
      }
      for (FieldType.Kind kind : kinds) {
        if (field.type().kind() == kind) {
          return i;
        }
      }
      throw new IllegalArgumentException(
          "Column '"
              + column
              + "' is "
              + field.type()
              + ": "
              + getter
              + " does not read it (use "
              + getterFor(field.type().kind())
              + ")");
    }
    throw new IllegalArgumentException(
        "No column '"
            + column
            + "' in this batch (it has "
            + fields.stream().map(Field::name).toList()
            + "; ask the reader for the column)");
  }

  static String getterFor(FieldType.Kind kind) {
    return switch (kind) {
      case INT64, TIMESTAMP -> "longs";
      case INT32, DATE -> "ints";
      case FLOAT64 -> "doubles";
      case FLOAT32 -> "floats";
      case BOOLEAN -> "booleans";
      case STRING -> "strings";
      case BINARY -> "binaries";
      case DECIMAL -> "decimals";
    };
  }

  @Override
  public String toString() {
    return rows
        + " rows of "
        + fields.stream()
            .map(f -> f.name() + " " + f.type().toString().toLowerCase(Locale.ROOT))
            .toList()
        + " from "
        + file;
  }
}
