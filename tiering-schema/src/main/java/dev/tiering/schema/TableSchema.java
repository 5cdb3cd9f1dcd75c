package dev.tiering.schema;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The schema of one lake table, as its {@code schema.json} sidecar records it: name, zone, version,
 * creation time, fields and partitioning. Immutable; build one with {@link #builder(Zone, String)}.
 *
 * <p>{@code partitionBy} is empty or {@code ["date"]}: a date-partitioned table's files carry a
 * {@code date} column (type date) holding the partition date, which is not among {@link #fields()}
 * and which engines can filter on (e.g. {@code WHERE date >= '2025-11-01'}).
 *
 * @param table the table name
 * @param zone the lake zone
 * @param version the schema version
 * @param createdAt when this version was created (UTC)
 * @param fields the fields, in column order; at least one
 * @param partitionBy the partition columns: empty or {@code ["date"]}
 * @param extras top-level keys of the sidecar this SDK does not know, as JSON text
 * @param schemaExtras keys of the sidecar's {@code schema} object this SDK does not know
 */
public record TableSchema(
    TableName table,
    Zone zone,
    SchemaVersion version,
    Instant createdAt,
    List<Field> fields,
    List<String> partitionBy,
    Map<String, String> extras,
    Map<String, String> schemaExtras) {

  /** The partition column of date-partitioned tables. */
  public static final String DATE_PARTITION = "date";

  /**
   * Validates the schema.
   *
   * @param table the table name
   * @param zone the lake zone
   * @param version the schema version
   * @param createdAt when this version was created
   * @param fields at least one, names unique; copied
   * @param partitionBy empty or {@code ["date"]}; copied
   * @param extras unknown top-level keys to keep, or null for none
   * @param schemaExtras unknown keys of the {@code schema} object to keep, or null for none
   * @throws IllegalArgumentException for no fields, duplicate field names, an unsupported partition
   *     column, or a field that collides with the {@code date} partition column
   */
  public TableSchema {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(createdAt, "createdAt");
    fields = List.copyOf(fields);
    partitionBy = List.copyOf(partitionBy);
    extras = JsonExtras.copy(extras);
    schemaExtras = JsonExtras.copy(schemaExtras);
    String where = "Invalid schema of " + zone + "." + table + ": ";
    if (fields.isEmpty()) {
      throw new IllegalArgumentException(where + "it has no fields (add at least one)");
    }
    Set<String> names = new HashSet<>();
    for (Field field : fields) {
      if (!names.add(field.name())) {
        throw new IllegalArgumentException(
            where + "field '" + field.name() + "' appears twice (give each field its own name)");
      }
    }
    if (!partitionBy.isEmpty() && !partitionBy.equals(List.of(DATE_PARTITION))) {
      throw new IllegalArgumentException(
          where + "partition_by " + partitionBy + " is not supported (use [] or [\"date\"])");
    }
    if (partitionBy.contains(DATE_PARTITION) && names.contains(DATE_PARTITION)) {
      throw new IllegalArgumentException(
          where
              + "field 'date' collides with the date partition"
              + " column that the SDK adds (rename the field, e.g. to event_date)");
    }
  }

  /**
   * {@return a builder of a schema at version 1.0.0, created when built}
   *
   * @param zone the table's zone
   * @param table the table's name
   * @throws IllegalArgumentException if the table name is invalid
   */
  public static Builder builder(Zone zone, String table) {
    return new Builder(zone, TableName.of(table));
  }

  /**
   * {@return the field with this name, if any}
   *
   * @param name the field's name
   */
  public Optional<Field> field(String name) {
    for (Field field : fields) {
      if (field.name().equals(name)) {
        return Optional.of(field);
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the position of a field among {@link #fields()}, or -1}
   *
   * @param name the field's name
   */
  public int indexOf(String name) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** {@return true if the table is partitioned by date} */
  public boolean isDatePartitioned() {
    return partitionBy.contains(DATE_PARTITION);
  }

  /**
   * {@return this schema with another version and creation time}
   *
   * @param newVersion the version
   * @param created when the version was created
   */
  public TableSchema withVersion(SchemaVersion newVersion, Instant created) {
    return new TableSchema(
        table, zone, newVersion, created, fields, partitionBy, extras, schemaExtras);
  }

  /** {@return {@code zone.table}, e.g. {@code silver.slm_predictions}} */
  public String qualifiedName() {
    return zone + "." + table;
  }

  /** Builds a {@link TableSchema}. */
  public static final class Builder {
    private final Zone zone;
    private final TableName table;
    private final List<Field> fields = new ArrayList<>();
    private List<String> partitionBy = List.of();
    private SchemaVersion version = SchemaVersion.INITIAL;
    private Instant createdAt;

    private Builder(Zone zone, TableName table) {
      this.zone = Objects.requireNonNull(zone, "zone");
      this.table = table;
    }

    /**
     * Adds a field.
     *
     * @param field the field, after those already added
     * @return this builder
     */
    public Builder field(Field field) {
      fields.add(Objects.requireNonNull(field, "field"));
      return this;
    }

    /**
     * Adds a required field.
     *
     * @param name the column name, lowercase snake case
     * @param type the column type
     * @return this builder
     * @throws IllegalArgumentException if the name is not a valid field name
     */
    public Builder required(String name, FieldType type) {
      return field(Field.required(name, type));
    }

    /**
     * Adds a nullable field.
     *
     * @param name the column name, lowercase snake case
     * @param type the column type
     * @return this builder
     * @throws IllegalArgumentException if the name is not a valid field name
     */
    public Builder nullable(String name, FieldType type) {
      return field(Field.nullable(name, type));
    }

    /**
     * Partitions the table by date: {@code "partition_by": ["date"]} in the sidecar.
     *
     * @return this builder
     */
    public Builder partitionByDate() {
      partitionBy = List.of(DATE_PARTITION);
      return this;
    }

    /**
     * Sets the version; the sidecar store assigns versions on commit.
     *
     * @param value the version; default 1.0.0
     * @return this builder
     */
    public Builder version(SchemaVersion value) {
      version = Objects.requireNonNull(value, "version");
      return this;
    }

    /**
     * Sets the creation time.
     *
     * @param value the time; default the time of {@link #build()}, to the second
     * @return this builder
     */
    public Builder createdAt(Instant value) {
      createdAt = Objects.requireNonNull(value, "createdAt");
      return this;
    }

    /**
     * Builds the schema.
     *
     * @return the schema, unpartitioned unless {@link #partitionByDate()} was called
     * @throws IllegalArgumentException as {@link TableSchema#TableSchema} does
     */
    public TableSchema build() {
      Instant created =
          createdAt != null ? createdAt : Instant.now().truncatedTo(ChronoUnit.SECONDS);
      return new TableSchema(
          table, zone, version, created, fields, partitionBy, Map.of(), Map.of());
    }
  }
}
