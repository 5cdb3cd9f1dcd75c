package dev.tiering.schema;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of schema change. Compatible (minor): adding a nullable field, widening int32 to int64
 * or float32 to float64, making a required field nullable. Patch: descriptions, metadata (unknown
 * keys) and field order. Incompatible: removing a field, adding a required field, narrowing or
 * otherwise changing a type, making a nullable field required, changing the partitioning.
 */
public final class SchemaEvolution {

  private SchemaEvolution() {}

  /**
   * {@return every difference from {@code current} to {@code proposed}, ignoring version and
   * creation time; empty if they are the same}
   *
   * @param current the table's schema
   * @param proposed the schema to compare it with
   */
  public static List<SchemaChange> diff(TableSchema current, TableSchema proposed) {
    List<SchemaChange> changes = new ArrayList<>();
    for (Field old : current.fields()) {
      Field now = proposed.field(old.name()).orElse(null);
      if (now == null) {
        changes.add(incompatible("removed field '" + old.name() + "'"));
        continue;
      }
      compareField(old, now, changes);
    }
    for (Field now : proposed.fields()) {
      if (current.field(now.name()).isEmpty()) {
        changes.add(
            now.nullable()
                ? new SchemaChange(
                    SchemaChange.Level.MINOR,
                    "added nullable field '" + now.name() + "' (" + now.type() + ")")
                : incompatible(
                    "added required field '"
                        + now.name()
                        + "' ("
                        + now.type()
                        + "): existing rows have no value for it (add it as nullable)"));
      }
    }
    List<String> commonOld =
        current.fields().stream()
            .map(Field::name)
            .filter(n -> proposed.field(n).isPresent())
            .toList();
    List<String> commonNew =
        proposed.fields().stream()
            .map(Field::name)
            .filter(n -> current.field(n).isPresent())
            .toList();
    if (!commonOld.equals(commonNew)) {
      changes.add(new SchemaChange(SchemaChange.Level.PATCH, "reordered fields"));
    }
    if (!current.partitionBy().equals(proposed.partitionBy())) {
      changes.add(
          incompatible(
              "changed partition_by from "
                  + current.partitionBy()
                  + " to "
                  + proposed.partitionBy()));
    }
    metadata("table metadata", current.extras(), proposed.extras(), changes);
    metadata("schema metadata", current.schemaExtras(), proposed.schemaExtras(), changes);
    return changes;
  }

  private static void compareField(Field old, Field now, List<SchemaChange> changes) {
    String name = "'" + old.name() + "'";
    if (!old.type().equals(now.type())) {
      if (old.type().widensTo(now.type())) {
        changes.add(
            new SchemaChange(
                SchemaChange.Level.MINOR,
                "widened " + name + " from " + old.type() + " to " + now.type()));
      } else if (now.type().widensTo(old.type())) {
        changes.add(incompatible("narrowed " + name + " from " + old.type() + " to " + now.type()));
      } else {
        changes.add(
            incompatible("changed type of " + name + " from " + old.type() + " to " + now.type()));
      }
    }
    if (old.nullable() && !now.nullable()) {
      changes.add(
          incompatible(
              "made nullable field " + name + " required: existing rows may hold" + " nulls"));
    } else if (!old.nullable() && now.nullable()) {
      changes.add(new SchemaChange(SchemaChange.Level.MINOR, "made " + name + " nullable"));
    }
    if (!Objects.equals(old.description(), now.description())) {
      changes.add(new SchemaChange(SchemaChange.Level.PATCH, "changed description of " + name));
    }
    metadata("metadata of " + name, old.extras(), now.extras(), changes);
  }

  private static void metadata(
      String what, Map<String, String> old, Map<String, String> now, List<SchemaChange> changes) {
    if (!old.equals(now)) {
      changes.add(new SchemaChange(SchemaChange.Level.PATCH, "changed " + what));
    }
  }

  private static SchemaChange incompatible(String description) {
    return new SchemaChange(SchemaChange.Level.INCOMPATIBLE, description);
  }

  /**
   * {@code proposed} with the nullable fields of {@code current} that it lacks put back, in the
   * table's order: a writer that does not know a nullable column yet (an older job, after a newer
   * one added it) writes rows where it is null; it does not remove the column. Fields it names keep
   * its definition; fields new to the table follow, in its order.
   */
  static TableSchema withAbsentNullableFields(TableSchema current, TableSchema proposed) {
    boolean absent =
        current.fields().stream().anyMatch(f -> f.nullable() && proposed.field(f.name()).isEmpty());
    if (!absent) {
      return proposed;
    }
    List<Field> fields = new ArrayList<>();
    for (Field old : current.fields()) {
      Optional<Field> now = proposed.field(old.name());
      if (now.isPresent()) {
        fields.add(now.get());
      } else if (old.nullable()) {
        fields.add(old);
      }
    }
    for (Field now : proposed.fields()) {
      if (current.field(now.name()).isEmpty()) {
        fields.add(now);
      }
    }
    return new TableSchema(
        proposed.table(),
        proposed.zone(),
        proposed.version(),
        proposed.createdAt(),
        fields,
        proposed.partitionBy(),
        proposed.extras(),
        proposed.schemaExtras());
  }

  /**
   * {@return the schema a table has after {@code proposed} is applied to {@code current} under
   * {@code policy}: {@code current} itself when nothing differs, else {@code proposed} with the
   * next version (major, minor or patch by the biggest change) created at {@code now}}
   *
   * @param current the table's schema
   * @param proposed the schema a write brings; under {@link EvolutionPolicy#COMPATIBLE}, nullable
   *     fields it lacks are kept, not removed
   * @param policy which changes are allowed
   * @param now the creation time of a new version
   * @throws IllegalArgumentException if the two schemas are of different tables
   * @throws IncompatibleSchemaException if the policy does not allow the changes, listing every
   *     difference
   */
  public static TableSchema evolve(
      TableSchema current, TableSchema proposed, EvolutionPolicy policy, Instant now) {
    if (!current.table().equals(proposed.table()) || current.zone() != proposed.zone()) {
      throw new IllegalArgumentException(
          "Schema of "
              + proposed.qualifiedName()
              + " cannot be applied to table "
              + current.qualifiedName()
              + " (write each table with its own schema)");
    }
    if (policy == EvolutionPolicy.COMPATIBLE) {
      proposed = withAbsentNullableFields(current, proposed);
    }
    List<SchemaChange> changes = diff(current, proposed);
    if (changes.isEmpty()) {
      return current;
    }
    SchemaChange.Level biggest =
        changes.stream().map(SchemaChange::level).max(Enum::compareTo).orElseThrow();
    String from = current.qualifiedName() + " is at version " + current.version() + "; ";
    if (policy == EvolutionPolicy.SAME) {
      throw new IncompatibleSchemaException(
          from
              + "the write requires the same schema, but it"
              + " differs in "
              + changes.size()
              + " way(s) (allow evolution to apply them):",
          changes);
    }
    if (biggest == SchemaChange.Level.INCOMPATIBLE && policy != EvolutionPolicy.NEW_MAJOR) {
      long count =
          changes.stream().filter(c -> c.level() == SchemaChange.Level.INCOMPATIBLE).count();
      throw new IncompatibleSchemaException(
          from
              + count
              + " of "
              + changes.size()
              + " change(s) are incompatible (ask for a new major version to apply them):",
          changes);
    }
    SchemaVersion next =
        switch (biggest) {
          case INCOMPATIBLE -> current.version().nextMajor();
          case MINOR -> current.version().nextMinor();
          case PATCH -> current.version().nextPatch();
        };
    return proposed.withVersion(next, now);
  }
}
