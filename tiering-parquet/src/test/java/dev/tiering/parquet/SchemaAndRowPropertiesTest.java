package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.PathResolver;
import dev.tiering.core.SlmId;
import dev.tiering.core.Storage;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.QualityMetrics;
import dev.tiering.schema.RowValidationException;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties over generated schemas and rows: every schema survives schema.json and the Parquet
 * schema unchanged, and every batch of rows either comes back from the file exactly as written or
 * is refused whole, with nothing visible.
 */
class SchemaAndRowPropertiesTest {

  @Property(tries = 300)
  void everySchemaSurvivesTheSidecarAndTheParquetSchema(@ForAll("schemas") TableSchema schema)
      throws Exception {
    SchemaSidecar sidecar = new SchemaSidecar(schema, new QualityMetrics(1.0, null,
        Instant.parse("2026-01-01T00:00:00Z"), 0L, null, null, null));
    SchemaSidecar back = SchemaSidecar.parse(sidecar.toJson(), "generated");
    assertThat(back.schema().fields()).isEqualTo(schema.fields());
    assertThat(back.toJson()).isEqualTo(sidecar.toJson());

    TableSchema fromParquet = ParquetSchemas.toTableSchema(ParquetSchemas.toMessageType(schema),
        schema.zone(), schema.table());
    assertThat(fromParquet.fields()).extracting(Field::name, Field::type, Field::nullable)
        .containsExactlyElementsOf(schema.fields().stream()
            .map(f -> net.jqwik.api.Tuple.of(f.name(), f.type(), f.nullable()))
            .map(t -> org.assertj.core.groups.Tuple.tuple(t.get1(), t.get2(), t.get3())).toList());
  }

  @Property(tries = 60)
  void rowsComeBackExactlyOrAreRefusedWhole(@ForAll("schemas") TableSchema schema,
      @ForAll long seed) throws Exception {
    Path base = Files.createTempDirectory("rows-property");
    try {
      PathResolver paths = new PathResolver(TierLayout.under(base));
      Random random = new Random(seed);
      int n = 1 + random.nextInt(300);
      boolean spoil = random.nextInt(4) == 0;
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        rows.add(row(schema, random));
      }
      if (spoil) {
        // One value no field type accepts, in a random row and field.
        Field field = schema.fields().get(random.nextInt(schema.fields().size()));
        rows.get(random.nextInt(n)).put(field.name(), List.of("not", "a", "value"));
      }
      StagingWriter staging = StagingWriter.builder(paths).build();
      Path file = paths.intermediateFile(SlmId.of(1), BatchId.of("p"));
      try {
        staging.writeIntermediate(SlmId.of(1), BatchId.of("p"), schema, rows);
      } catch (RowValidationException refused) {
        assertThat(spoil).as("only a spoiled batch is refused: " + refused.getMessage()).isTrue();
        assertThat(listAll(base)).isEmpty();
        return;
      }
      assertThat(spoil).as("a spoiled batch is refused").isFalse();
      List<List<Object>> back = new ArrayList<>();
      try (ParquetRowReader reader = ParquetRowReader.open(Storage.local(), List.of(file), schema)) {
        while (reader.next()) {
          List<Object> values = new ArrayList<>();
          for (int i = 0; i < schema.fields().size(); i++) {
            values.add(comparable(reader.get(i)));
          }
          back.add(values);
        }
      }
      List<List<Object>> expected = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        List<Object> values = new ArrayList<>();
        for (Field field : schema.fields()) {
          values.add(comparable(canonical(field.type(), row.get(field.name()))));
        }
        expected.add(values);
      }
      assertThat(back).isEqualTo(expected);
    } finally {
      deleteTree(base);
    }
  }

  @Provide
  Arbitrary<TableSchema> schemas() {
    Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
        .ofMaxLength(12);
    Arbitrary<FieldType> types = Arbitraries.oneOf(
        Arbitraries.of(FieldType.TIMESTAMP, FieldType.DATE, FieldType.INT32, FieldType.INT64,
            FieldType.FLOAT32, FieldType.FLOAT64, FieldType.BOOLEAN, FieldType.STRING,
            FieldType.BINARY),
        Arbitraries.integers().between(1, 38).flatMap(p -> Arbitraries.integers().between(0, p)
            .map(s -> FieldType.decimal(p, s))));
    Arbitrary<Field> fields = Combinators.combine(names, types, Arbitraries.of(true, false))
        .as((name, type, nullable) -> nullable ? Field.nullable(name, type)
            : Field.required(name, type));
    return fields.list().ofMinSize(1).ofMaxSize(8).uniqueElements(Field::name)
        .filter(list -> list.stream().noneMatch(f -> f.name().equals(TableSchema.DATE_PARTITION)))
        .map(list -> {
          TableSchema.Builder b = TableSchema.builder(Zone.SILVER, "generated");
          list.forEach(b::field);
          return b.build();
        });
  }

  private static Map<String, Object> row(TableSchema schema, Random random) {
    Map<String, Object> row = new HashMap<>();
    for (Field field : schema.fields()) {
      if (field.nullable() && random.nextInt(5) == 0) {
        row.put(field.name(), null);
        continue;
      }
      FieldType type = field.type();
      row.put(field.name(), switch (type.kind()) {
        case TIMESTAMP -> Instant.ofEpochSecond(random.nextInt(2_000_000_000),
            random.nextInt(1_000_000) * 1000L);
        case DATE -> LocalDate.ofEpochDay(random.nextInt(40_000) - 10_000);
        case INT32 -> random.nextInt();
        case INT64 -> random.nextLong();
        case FLOAT32 -> random.nextFloat() * 1e6f - 5e5f;
        case FLOAT64 -> random.nextGaussian() * 1e9;
        case BOOLEAN -> random.nextBoolean();
        case STRING -> text(random);
        case BINARY -> {
          byte[] bytes = new byte[random.nextInt(40)];
          random.nextBytes(bytes);
          yield bytes;
        }
        case DECIMAL -> new BigDecimal(new BigInteger(
            Math.max(1, (int) Math.floor(type.precision() * 3.3) - 1), random), type.scale());
      });
    }
    return row;
  }

  /** Unicode text, supplementary characters included. */
  private static String text(Random random) {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(20);
    for (int i = 0; i < length; i++) {
      int cp = switch (random.nextInt(4)) {
        case 0 -> 'a' + random.nextInt(26);
        case 1 -> 0x400 + random.nextInt(0x100);
        case 2 -> 0x1F600 + random.nextInt(0x40);
        default -> 0x20 + random.nextInt(0x5f);
      };
      s.appendCodePoint(cp);
    }
    return s.toString();
  }

  /** The canonical form the reader returns (see RowValidator). */
  private static Object canonical(FieldType type, Object value) {
    if (value == null) {
      return null;
    }
    return switch (type.kind()) {
      case TIMESTAMP -> {
        Instant t = (Instant) value;
        yield Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
      }
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      default -> value;
    };
  }

  private static Object comparable(Object value) {
    return value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value;
  }

  private static List<Path> listAll(Path base) throws IOException {
    try (Stream<Path> all = Files.walk(base)) {
      return all.filter(Files::isRegularFile).toList();
    }
  }

  private static void deleteTree(Path base) throws IOException {
    try (Stream<Path> all = Files.walk(base)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
