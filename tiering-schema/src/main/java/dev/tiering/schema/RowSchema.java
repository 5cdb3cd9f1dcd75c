package dev.tiering.schema;

import dev.tiering.core.Zone;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The columns of a file that belongs to no table, such as an SLM's staging file: fields only.
 * Zones, table names and partitioning belong to lake tables ({@link TableSchema}).
 *
 * <pre>{@code
 * RowSchema predictions = RowSchema.builder()
 *     .required("timestamp", FieldType.TIMESTAMP)
 *     .required("slm_id", FieldType.INT32)
 *     .nullable("label", FieldType.STRING)
 *     .build();
 * }</pre>
 *
 * @param fields the columns, in order
 */
public record RowSchema(List<Field> fields) {

  /**
   * Checks the fields: at least one, names unique (as a table's must be).
   *
   * @param fields the columns, in order
   * @throws IllegalArgumentException naming the problem
   */
  public RowSchema {
    fields = List.copyOf(fields);
    table(fields, Zone.BRONZE, "rows"); // the table rules check names, types and repeats
  }

  /** {@return an empty builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the same columns as an unpartitioned table}
   *
   * @param zone the table's zone
   * @param table the table's name
   * @throws IllegalArgumentException if the table name is invalid
   */
  public TableSchema asTable(Zone zone, String table) {
    return table(fields, zone, table);
  }

  private static TableSchema table(List<Field> fields, Zone zone, String table) {
    TableSchema.Builder builder = TableSchema.builder(zone, table);
    fields.forEach(builder::field);
    return builder.build();
  }

  /** Builds a {@link RowSchema}. */
  public static final class Builder {
    private final List<Field> fields = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a column that may not hold nulls.
     *
     * @param name the column name, lowercase snake case
     * @param type the column type
     * @return this builder
     * @throws IllegalArgumentException if the name is not a valid field name
     */
    public Builder required(String name, FieldType type) {
      fields.add(
          new Field(name, Objects.requireNonNull(type, "type"), false, null, java.util.Map.of()));
      return this;
    }

    /**
     * Adds a column that may hold nulls.
     *
     * @param name the column name, lowercase snake case
     * @param type the column type
     * @return this builder
     * @throws IllegalArgumentException if the name is not a valid field name
     */
    public Builder nullable(String name, FieldType type) {
      fields.add(
          new Field(name, Objects.requireNonNull(type, "type"), true, null, java.util.Map.of()));
      return this;
    }

    /**
     * Adds a column as given.
     *
     * @param field the column
     * @return this builder
     */
    public Builder field(Field field) {
      fields.add(Objects.requireNonNull(field, "field"));
      return this;
    }

    /**
     * Builds the schema.
     *
     * @return the schema, with the columns in the order added
     * @throws IllegalArgumentException if there is no field, or a name is repeated or invalid
     */
    public RowSchema build() {
      return new RowSchema(fields);
    }
  }
}
