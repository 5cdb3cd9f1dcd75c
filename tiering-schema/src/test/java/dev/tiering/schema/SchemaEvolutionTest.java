package dev.tiering.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.Zone;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every evolution rule, in both directions, with the exact resulting version. */
class SchemaEvolutionTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  /** The seed's table at 1.2.0. */
  private static TableSchema seed() {
    return TableSchema.builder(Zone.SILVER, "slm_predictions")
        .required("timestamp", FieldType.TIMESTAMP)
        .required("slm_id", FieldType.INT32)
        .required("prediction", FieldType.FLOAT64)
        .nullable("confidence", FieldType.FLOAT64)
        .partitionByDate()
        .version(new SchemaVersion(1, 2, 0))
        .createdAt(Instant.parse("2025-11-10T12:00:00Z"))
        .build();
  }

  private static TableSchema with(UnaryOperator<List<Field>> change) {
    TableSchema s = seed();
    List<Field> fields = change.apply(new java.util.ArrayList<>(s.fields()));
    return new TableSchema(
        s.table(),
        s.zone(),
        s.version(),
        s.createdAt(),
        fields,
        s.partitionBy(),
        s.extras(),
        s.schemaExtras());
  }

  private static List<Field> set(List<Field> fields, int i, Field f) {
    fields.set(i, f);
    return fields;
  }

  private static String evolvedVersion(TableSchema from, TableSchema to, EvolutionPolicy policy) {
    return SchemaEvolution.evolve(from, to, policy, NOW).version().toString();
  }

  @Test
  void sameSchemaKeepsVersionAndCreationTime() {
    TableSchema same =
        SchemaEvolution.evolve(
            seed(), seed().withVersion(SchemaVersion.INITIAL, NOW), EvolutionPolicy.SAME, NOW);
    assertThat(same).isEqualTo(seed());
  }

  @Test
  void addingANullableFieldIsMinorAndRemovingItIsIncompatible() {
    TableSchema added =
        with(
            f -> {
              f.add(Field.nullable("label", FieldType.STRING));
              return f;
            });
    assertThat(evolvedVersion(seed(), added, EvolutionPolicy.COMPATIBLE)).isEqualTo("1.3.0");
    assertThat(SchemaEvolution.evolve(seed(), added, EvolutionPolicy.COMPATIBLE, NOW).createdAt())
        .isEqualTo(NOW);
    assertThat(SchemaEvolution.diff(seed(), added))
        .containsExactly(
            new SchemaChange(SchemaChange.Level.MINOR, "added nullable field 'label' (string)"));

    // A write without the new nullable field (an older job) keeps it: its rows are null there.
    assertThat(SchemaEvolution.evolve(added, seed(), EvolutionPolicy.COMPATIBLE, NOW))
        .isSameAs(added);
    assertThatThrownBy(() -> SchemaEvolution.evolve(added, seed(), EvolutionPolicy.SAME, NOW))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("removed field 'label' [incompatible]");
    assertThat(SchemaEvolution.evolve(added, seed(), EvolutionPolicy.NEW_MAJOR, NOW).field("label"))
        .isEmpty();
    assertThat(
            evolvedVersion(
                added.withVersion(new SchemaVersion(1, 3, 0), NOW),
                seed(),
                EvolutionPolicy.NEW_MAJOR))
        .isEqualTo("2.0.0");
  }

  @Test
  void addingARequiredFieldIsIncompatible() {
    TableSchema added =
        with(
            f -> {
              f.add(Field.required("label", FieldType.STRING));
              return f;
            });
    assertThat(SchemaEvolution.diff(seed(), added))
        .containsExactly(
            new SchemaChange(
                SchemaChange.Level.INCOMPATIBLE,
                "added required field 'label' (string): existing rows"
                    + " have no value for it (add it as nullable)"));
    assertThat(evolvedVersion(seed(), added, EvolutionPolicy.NEW_MAJOR)).isEqualTo("2.0.0");
  }

  @Test
  void wideningIsMinorAndNarrowingIsIncompatible() {
    TableSchema wideInt = with(f -> set(f, 1, Field.required("slm_id", FieldType.INT64)));
    assertThat(evolvedVersion(seed(), wideInt, EvolutionPolicy.COMPATIBLE)).isEqualTo("1.3.0");
    assertThat(SchemaEvolution.diff(wideInt, seed()))
        .containsExactly(
            new SchemaChange(
                SchemaChange.Level.INCOMPATIBLE, "narrowed 'slm_id' from int64 to int32"));

    TableSchema narrowFloat = with(f -> set(f, 3, Field.nullable("confidence", FieldType.FLOAT32)));
    assertThat(SchemaEvolution.diff(seed(), narrowFloat))
        .containsExactly(
            new SchemaChange(
                SchemaChange.Level.INCOMPATIBLE, "narrowed 'confidence' from float64 to float32"));
    assertThat(evolvedVersion(narrowFloat, seed(), EvolutionPolicy.COMPATIBLE)).isEqualTo("1.3.0");
  }

  @Test
  void otherTypeChangesAreIncompatible() {
    TableSchema changed = with(f -> set(f, 1, Field.required("slm_id", FieldType.STRING)));
    assertThat(SchemaEvolution.diff(seed(), changed))
        .containsExactly(
            new SchemaChange(
                SchemaChange.Level.INCOMPATIBLE, "changed type of 'slm_id' from int32 to string"));
    assertThat(SchemaEvolution.diff(changed, seed()))
        .containsExactly(
            new SchemaChange(
                SchemaChange.Level.INCOMPATIBLE, "changed type of 'slm_id' from string to int32"));
  }

  @Test
  void requiredToNullableIsMinorAndBackIsIncompatible() {
    TableSchema relaxed = with(f -> set(f, 2, Field.nullable("prediction", FieldType.FLOAT64)));
    assertThat(evolvedVersion(seed(), relaxed, EvolutionPolicy.COMPATIBLE)).isEqualTo("1.3.0");
    assertThat(SchemaEvolution.diff(relaxed, seed()))
        .containsExactly(
            new SchemaChange(
                SchemaChange.Level.INCOMPATIBLE,
                "made nullable field 'prediction' required: existing rows may hold nulls"));
  }

  @Test
  void descriptionsMetadataAndOrderArePatch() {
    TableSchema described = with(f -> set(f, 0, f.get(0).withDescription("event time, UTC")));
    assertThat(evolvedVersion(seed(), described, EvolutionPolicy.COMPATIBLE)).isEqualTo("1.2.1");
    assertThat(evolvedVersion(described, seed(), EvolutionPolicy.COMPATIBLE)).isEqualTo("1.2.1");

    TableSchema tagged =
        with(
            f ->
                set(
                    f,
                    3,
                    new Field(
                        "confidence",
                        FieldType.FLOAT64,
                        true,
                        null,
                        Map.of("unit", "\"probability\""))));
    assertThat(SchemaEvolution.diff(seed(), tagged))
        .containsExactly(
            new SchemaChange(SchemaChange.Level.PATCH, "changed metadata of 'confidence'"));

    TableSchema reordered =
        with(
            f -> {
              java.util.Collections.reverse(f);
              return f;
            });
    assertThat(SchemaEvolution.diff(seed(), reordered))
        .containsExactly(new SchemaChange(SchemaChange.Level.PATCH, "reordered fields"));
    assertThat(evolvedVersion(seed(), reordered, EvolutionPolicy.COMPATIBLE)).isEqualTo("1.2.1");
  }

  @Test
  void theBiggestChangeDecidesTheBump() {
    TableSchema both =
        with(
            f -> {
              f.set(0, f.get(0).withDescription("event time"));
              f.add(Field.nullable("label", FieldType.STRING));
              return f;
            });
    assertThat(evolvedVersion(seed(), both, EvolutionPolicy.COMPATIBLE)).isEqualTo("1.3.0");
  }

  @Test
  void changingPartitioningIsIncompatible() {
    TableSchema s = seed();
    TableSchema unpartitioned =
        new TableSchema(
            s.table(),
            s.zone(),
            s.version(),
            s.createdAt(),
            s.fields(),
            List.of(),
            s.extras(),
            s.schemaExtras());
    assertThat(SchemaEvolution.diff(s, unpartitioned))
        .containsExactly(
            new SchemaChange(
                SchemaChange.Level.INCOMPATIBLE, "changed partition_by from [date] to []"));
  }

  @Test
  void incompatibleChangeListsEveryDifference() {
    TableSchema proposed =
        with(
            f -> {
              f.remove(3);
              f.set(1, Field.required("slm_id", FieldType.STRING));
              f.set(0, f.get(0).withDescription("event time"));
              f.add(Field.nullable("label", FieldType.STRING));
              return f;
            });
    assertThatThrownBy(
            () -> SchemaEvolution.evolve(seed(), proposed, EvolutionPolicy.COMPATIBLE, NOW))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.changes()).hasSize(3))
        .hasMessage(
            "silver.slm_predictions is at version 1.2.0; 1 of 3 change(s) are incompatible"
                + " (ask for a new major version to apply them):\n"
                + "  - changed description of 'timestamp' [patch]\n"
                + "  - changed type of 'slm_id' from int32 to string [incompatible]\n"
                + "  - added nullable field 'label' (string) [minor]");
    assertThatThrownBy(() -> SchemaEvolution.evolve(seed(), proposed, EvolutionPolicy.SAME, NOW))
        .hasMessageContaining("removed field 'confidence' [incompatible]");
    assertThat(evolvedVersion(seed(), proposed, EvolutionPolicy.NEW_MAJOR)).isEqualTo("2.0.0");
  }

  @Test
  void samePolicyRefusesEvenCompatibleChanges() {
    TableSchema added =
        with(
            f -> {
              f.add(Field.nullable("label", FieldType.STRING));
              return f;
            });
    assertThatThrownBy(() -> SchemaEvolution.evolve(seed(), added, EvolutionPolicy.SAME, NOW))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageStartingWith(
            "silver.slm_predictions is at version 1.2.0; the write requires the"
                + " same schema, but it differs in 1 way(s)");
  }

  @Test
  void anotherTablesSchemaIsRefused() {
    TableSchema other =
        TableSchema.builder(Zone.GOLD, "slm_predictions")
            .required("timestamp", FieldType.TIMESTAMP)
            .build();
    assertThatThrownBy(() -> SchemaEvolution.evolve(seed(), other, EvolutionPolicy.NEW_MAJOR, NOW))
        .hasMessage(
            "Schema of gold.slm_predictions cannot be applied to table"
                + " silver.slm_predictions (write each table with its own schema)");
  }

  @Test
  void versionsParseStrictlyAndOrder() {
    assertThat(SchemaVersion.parse("1.10.0")).isGreaterThan(SchemaVersion.parse("1.9.3"));
    assertThatThrownBy(() -> SchemaVersion.parse("01.2.0"))
        .hasMessageContaining("MAJOR.MINOR.PATCH");
    assertThatThrownBy(() -> SchemaVersion.parse("1.2.0-rc1"))
        .hasMessageContaining("MAJOR.MINOR.PATCH");
    assertThatThrownBy(() -> SchemaVersion.parse(null)).hasMessageContaining("MAJOR.MINOR.PATCH");
  }

  @Test
  void schemasRefuseDuplicateFieldsAndTheDateCollision() {
    assertThatThrownBy(
            () ->
                TableSchema.builder(Zone.GOLD, "t")
                    .required("a", FieldType.INT32)
                    .nullable("a", FieldType.STRING)
                    .build())
        .hasMessage(
            "Invalid schema of gold.t: field 'a' appears twice (give each field its own name)");
    assertThatThrownBy(
            () ->
                TableSchema.builder(Zone.GOLD, "t")
                    .required("date", FieldType.DATE)
                    .partitionByDate()
                    .build())
        .hasMessageContaining("collides with the date partition column");
    assertThatThrownBy(() -> TableSchema.builder(Zone.GOLD, "t").build())
        .hasMessage("Invalid schema of gold.t: it has no fields (add at least one)");
  }

  @Test
  void typesParseAndRefuseUnknownNames() {
    assertThat(FieldType.parse("decimal(18, 4)")).isEqualTo(FieldType.decimal(18, 4));
    assertThat(FieldType.parse("float64")).isSameAs(FieldType.FLOAT64);
    assertThatThrownBy(() -> FieldType.parse("decimal(40,2)"))
        .hasMessage("Invalid decimal(40,2): use a precision of 1-38 and a scale of 0-precision");
    assertThatThrownBy(() -> FieldType.parse("FLOAT64"))
        .hasMessageStartingWith("Unknown field type 'FLOAT64' (use one of timestamp, date");
  }
}
