package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.Seeded;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties over generated schemas and rows: every schema survives schema.json and the Parquet
 * schema unchanged, and every batch of rows either comes back from the file exactly as written or
 * is refused whole, naming the bad row and field, with nothing visible.
 */
class SchemaAndRowPropertiesTest {

  @TempDir Path temp;

  @Test
  void everySchemaSurvivesTheSidecarAndTheParquetSchema() {
    Seeded.forAll(
        500,
        EDGE_SCHEMAS,
        SchemaAndRowPropertiesTest::anySchema,
        SchemaAndRowPropertiesTest::describe,
        schema -> {
          SchemaSidecar sidecar =
              new SchemaSidecar(
                  schema,
                  new QualityMetrics(
                      1.0, null, Instant.parse("2026-01-01T00:00:00Z"), 0L, null, null, null));
          SchemaSidecar back = SchemaSidecar.parse(sidecar.toJson(), "generated");
          assertThat(back.schema().fields()).isEqualTo(schema.fields());
          assertThat(back.toJson()).isEqualTo(sidecar.toJson());

          TableSchema fromParquet =
              ParquetSchemas.toTableSchema(
                  ParquetSchemas.toMessageType(schema), schema.zone(), schema.table());
          assertThat(fromParquet.fields())
              .extracting(Field::name, Field::type, Field::nullable)
              .containsExactlyElementsOf(
                  schema.fields().stream()
                      .map(f -> tuple(f.name(), f.type(), f.nullable()))
                      .toList());
        });
  }

  @Test
  void rowsComeBackExactlyOrAreRefusedWhole() {
    Seeded.forAll(
        75,
        edgeBatches(),
        SchemaAndRowPropertiesTest::anyBatch,
        Batch::toString,
        batch -> {
          Path base = Files.createTempDirectory(temp, "case");
          PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
          TableSchema schema = batch.schema();
          StagingWriter staging =
              StagingWriter.builder(paths)
                  .settings(
                      WriterSettings.staging().toBuilder()
                          .allowNonFinite(batch.allowNonFinite())
                          .build())
                  .build();
          Path file = paths.intermediateFile(SlmId.of(1), BatchId.of("p"));
          try {
            staging.writeIntermediate(SlmId.of(1), BatchId.of("p"), schema, batch.rows());
          } catch (RowValidationException refused) {
            assertThat(batch.spoil())
                .as("only a spoiled batch is refused: " + refused.getMessage())
                .isNotNull();
            assertThat(refused.rowNumber()).as("the refused row").isEqualTo(batch.spoil().row());
            assertThat(refused.field()).as("the refused field").isEqualTo(batch.spoil().field());
            assertThat(listAll(base)).isEmpty();
            return;
          }
          assertThat(batch.spoil()).as("a spoiled batch is refused").isNull();
          List<List<Object>> back = new ArrayList<>();
          try (ParquetRowReader reader =
              ParquetRowReader.open(Storage.local(), List.of(file), schema)) {
            while (reader.next()) {
              List<Object> values = new ArrayList<>();
              for (int i = 0; i < schema.fields().size(); i++) {
                values.add(comparable(reader.get(i)));
              }
              back.add(values);
            }
          }
          List<List<Object>> expected = new ArrayList<>();
          for (Map<String, Object> row : batch.rows()) {
            List<Object> values = new ArrayList<>();
            for (Field field : schema.fields()) {
              values.add(comparable(canonical(field.type(), row.get(field.name()))));
            }
            expected.add(values);
          }
          assertThat(back).isEqualTo(expected);
        });
  }

  private static final List<FieldType> PLAIN_TYPES =
      List.of(
          FieldType.TIMESTAMP,
          FieldType.DATE,
          FieldType.INT32,
          FieldType.INT64,
          FieldType.FLOAT32,
          FieldType.FLOAT64,
          FieldType.BOOLEAN,
          FieldType.STRING,
          FieldType.BINARY);

  /** Every type, with decimals at each Parquet storage boundary (int32, int64, fixed bytes). */
  private static final List<FieldType> ALL_TYPES =
      Stream.concat(
              PLAIN_TYPES.stream(),
              Stream.of(
                  FieldType.decimal(1, 0),
                  FieldType.decimal(9, 9),
                  FieldType.decimal(10, 0),
                  FieldType.decimal(18, 4),
                  FieldType.decimal(19, 19),
                  FieldType.decimal(38, 0),
                  FieldType.decimal(38, 38)))
          .toList();

  /**
   * One field of every type, all required and all nullable; single fields with the shortest and
   * longest names and the narrowest and widest decimals.
   */
  private static final List<TableSchema> EDGE_SCHEMAS =
      List.of(
          schema(
              ALL_TYPES.stream().map(t -> Field.required("f_" + ALL_TYPES.indexOf(t), t)).toList()),
          schema(
              ALL_TYPES.stream().map(t -> Field.nullable("f_" + ALL_TYPES.indexOf(t), t)).toList()),
          schema(List.of(Field.required("a", FieldType.INT32))),
          schema(List.of(Field.nullable("z" + "9_".repeat(63) + "z", FieldType.STRING))),
          schema(List.of(Field.required("d", FieldType.decimal(38, 38)))),
          schema(List.of(Field.nullable("d", FieldType.decimal(1, 0)))));

  /**
   * One to eight uniquely named fields (never {@code date}); half of them decimals of any precision
   * and scale, half one of the other types; half nullable.
   */
  private static TableSchema anySchema(Random random) {
    int size = 1 + random.nextInt(8);
    Map<String, Field> fields = new LinkedHashMap<>();
    while (fields.size() < size) {
      StringBuilder name = new StringBuilder().append((char) ('a' + random.nextInt(26)));
      for (int i = random.nextInt(12); i > 0; i--) {
        name.append(FIELD_CHARS.charAt(random.nextInt(FIELD_CHARS.length())));
      }
      int precision = 1 + random.nextInt(FieldType.MAX_DECIMAL_PRECISION);
      FieldType type =
          random.nextBoolean()
              ? PLAIN_TYPES.get(random.nextInt(PLAIN_TYPES.size()))
              : FieldType.decimal(precision, random.nextInt(precision + 1));
      Field field =
          random.nextBoolean()
              ? Field.nullable(name.toString(), type)
              : Field.required(name.toString(), type);
      if (!field.name().equals(TableSchema.DATE_PARTITION)) {
        fields.putIfAbsent(field.name(), field);
      }
    }
    return schema(List.copyOf(fields.values()));
  }

  private static final String FIELD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_";

  private static TableSchema schema(List<Field> fields) {
    TableSchema.Builder b = TableSchema.builder(Zone.SILVER, "generated");
    fields.forEach(b::field);
    return b.build();
  }

  private static String describe(TableSchema schema) {
    return schema.fields().stream()
        .map(f -> f.name() + " " + f.type() + (f.nullable() ? " nullable" : ""))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * A batch of rows to write, and the one bad value planted in it, if any.
   *
   * @param spoil the bad value, or null if every row is valid
   */
  private record Batch(
      TableSchema schema, List<Map<String, Object>> rows, boolean allowNonFinite, Spoil spoil) {
    @Override
    public String toString() {
      return describe(schema)
          + ", "
          + rows.size()
          + " rows"
          + (allowNonFinite ? ", NaN allowed" : "")
          + (spoil == null ? "" : ", spoiled by " + spoil);
    }
  }

  /**
   * A value the schema refuses, planted in one row.
   *
   * @param field the field it is set to, or null for a key that names no field
   */
  private record Spoil(String what, int row, String field, Object value) {
    @Override
    public String toString() {
      return what + " in row " + row + ", field " + field + ": " + value;
    }
  }

  private static final String UNKNOWN_FIELD = "not_a_field_of_any_generated_schema";

  /**
   * A generated schema and 1-300 rows; one batch in four spoiled by a value the schema refuses, one
   * in eight written with NaN and infinities allowed.
   */
  private static Batch anyBatch(Random random) {
    return batch(
        anySchema(random),
        1 + random.nextInt(300),
        random.nextInt(8) == 0,
        random.nextInt(4) == 0 ? -1 : -2,
        random);
  }

  /**
   * Single rows of every type, all required and all null; 300 rows; bad values in the first and the
   * last row.
   */
  private static List<Batch> edgeBatches() {
    TableSchema required = EDGE_SCHEMAS.get(0);
    TableSchema nullable = EDGE_SCHEMAS.get(1);
    Map<String, Object> allNull = new HashMap<>();
    nullable.fields().forEach(f -> allNull.put(f.name(), null));
    return List.of(
        batch(required, 1, false, -2, new Random(1)),
        new Batch(nullable, List.of(allNull, new HashMap<>()), false, null),
        batch(nullable, 300, true, -2, new Random(2)),
        batch(required, 300, false, 0, new Random(3)),
        batch(required, 300, false, 299, new Random(4)),
        batch(nullable, 300, true, 150, new Random(5)));
  }

  /**
   * Rows for {@code schema}, spoiled in row {@code spoilRow}, or in a random row if it is -1, or
   * not at all if it is -2.
   */
  private static Batch batch(
      TableSchema schema, int n, boolean allowNonFinite, int spoilRow, Random random) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      rows.add(row(schema, random, allowNonFinite));
    }
    Spoil spoil =
        spoilRow == -2
            ? null
            : spoil(schema, spoilRow == -1 ? random.nextInt(n) : spoilRow, allowNonFinite, random);
    if (spoil != null) {
      rows.get(spoil.row())
          .put(spoil.field() == null ? UNKNOWN_FIELD : spoil.field(), spoil.value());
    }
    return new Batch(schema, rows, allowNonFinite, spoil);
  }

  /** One of five kinds of bad value; the old property planted only the first. */
  private static Spoil spoil(TableSchema schema, int row, boolean allowNonFinite, Random random) {
    List<Field> fields = schema.fields();
    List<Field> required = fields.stream().filter(f -> !f.nullable()).toList();
    List<Field> floats =
        fields.stream()
            .filter(
                f ->
                    f.type().kind() == FieldType.Kind.FLOAT32
                        || f.type().kind() == FieldType.Kind.FLOAT64)
            .toList();
    List<Field> ranged =
        fields.stream()
            .filter(
                f ->
                    switch (f.type().kind()) {
                      case BOOLEAN, STRING, BINARY, FLOAT64 -> false;
                      default -> true;
                    })
            .toList();
    int kind = random.nextInt(5);
    if (kind == 1 && !required.isEmpty()) {
      return new Spoil("null in a required field", row, pick(required, random).name(), null);
    }
    if (kind == 2 && !floats.isEmpty() && !allowNonFinite) {
      Field field = pick(floats, random);
      Object value =
          List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)
              .get(random.nextInt(3));
      return new Spoil(
          "a non-finite value",
          row,
          field.name(),
          field.type().equals(FieldType.FLOAT64) ? ((Float) value).doubleValue() : value);
    }
    if (kind == 3) {
      return new Spoil("a key that names no field", row, null, 1);
    }
    if (kind == 4 && !ranged.isEmpty()) {
      Field field = pick(ranged, random);
      FieldType type = field.type();
      Object value =
          switch (type.kind()) {
            case INT32 -> random.nextBoolean() ? Integer.MAX_VALUE + 1L : Integer.MIN_VALUE - 1L;
            case INT64 -> BigInteger.ONE.shiftLeft(63);
            case FLOAT32 -> 0.1d; // a double not exact as a float
            case DATE -> random.nextBoolean() ? LocalDate.MAX : LocalDate.MIN;
            case TIMESTAMP -> random.nextBoolean() ? Instant.MAX : Instant.MIN;
            // one digit too many, or one decimal place too many
            default ->
                random.nextBoolean()
                    ? new BigDecimal(BigInteger.TEN.pow(type.precision()), type.scale())
                    : BigDecimal.ONE.movePointLeft(type.scale() + 1);
          };
      return new Spoil("a value out of range", row, field.name(), value);
    }
    return new Spoil(
        "a value no type accepts", row, pick(fields, random).name(), List.of("not", "a", "value"));
  }

  private static <T> T pick(List<T> values, Random random) {
    return values.get(random.nextInt(values.size()));
  }

  /** A row: one value in five of a nullable field null, or (as often) its key left out. */
  private static Map<String, Object> row(
      TableSchema schema, Random random, boolean allowNonFinite) {
    Map<String, Object> row = new HashMap<>();
    for (Field field : schema.fields()) {
      if (field.nullable() && random.nextInt(5) == 0) {
        if (random.nextBoolean()) {
          row.put(field.name(), null);
        }
        continue;
      }
      row.put(
          field.name(),
          random.nextInt(10) == 0
              ? edgeValue(field.type(), random, allowNonFinite)
              : value(field.type(), random));
    }
    return row;
  }

  /** A typical value, as the old property made them, with negative decimals and times too. */
  private static Object value(FieldType type, Random random) {
    return switch (type.kind()) {
      case TIMESTAMP ->
          Instant.ofEpochSecond(
              random.nextLong(-2_000_000_000L, 2_000_000_000L),
              random.nextBoolean()
                  ? random.nextInt(1_000_000) * 1000L
                  : random.nextInt(1_000_000_000));
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
      case DECIMAL -> {
        BigInteger unscaled =
            new BigInteger(Math.max(1, (int) Math.floor(type.precision() * 3.3) - 1), random);
        yield new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), type.scale());
      }
    };
  }

  /**
   * A boundary value of the type, or one of another Java type the type accepts: extreme and
   * negative-zero numbers, the first and last dates, empty text and bytes, the largest decimals;
   * NaN and infinities only where allowed.
   */
  private static Object edgeValue(FieldType type, Random random, boolean allowNonFinite) {
    List<Object> edges =
        switch (type.kind()) {
          case TIMESTAMP ->
              List.of(
                  Instant.EPOCH,
                  Instant.ofEpochSecond(-1, 999_999_999),
                  Instant.ofEpochSecond(0, 999),
                  Instant.parse("0001-01-01T00:00:00Z"),
                  Instant.parse("9999-12-31T23:59:59.999999999Z"));
          case DATE ->
              List.of(
                  LocalDate.of(1, 1, 1),
                  LocalDate.of(9999, 12, 31),
                  LocalDate.EPOCH,
                  LocalDate.of(1969, 12, 31));
          case INT32 ->
              List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, (short) -7, (byte) 127);
          case INT64 ->
              List.of(
                  Long.MIN_VALUE,
                  Long.MAX_VALUE,
                  0L,
                  -1L,
                  Integer.MIN_VALUE,
                  BigInteger.valueOf(Long.MAX_VALUE));
          case FLOAT32 ->
              allowNonFinite
                  ? List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f)
                  : List.of(
                      -0.0f,
                      0.0f,
                      Float.MIN_VALUE,
                      -Float.MAX_VALUE,
                      Float.MAX_VALUE,
                      Float.MIN_NORMAL,
                      0.5d,
                      16_777_216L);
          case FLOAT64 ->
              allowNonFinite
                  ? List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0d)
                  : List.of(
                      -0.0d,
                      0.0d,
                      Double.MIN_VALUE,
                      -Double.MAX_VALUE,
                      Double.MAX_VALUE,
                      Double.MIN_NORMAL,
                      0.1f,
                      9_007_199_254_740_992L);
          case BOOLEAN -> List.of(true, false);
          case STRING ->
              List.of("", "\u0000\t\n\u007f", "\ud83d\ude00".repeat(100), "a".repeat(5000));
          case BINARY -> List.of(new byte[0], new byte[] {0}, new byte[5000]);
          case DECIMAL -> {
            BigInteger max = BigInteger.TEN.pow(type.precision()).subtract(BigInteger.ONE);
            List<Object> decimals =
                new ArrayList<>(
                    List.of(
                        new BigDecimal(max, type.scale()),
                        new BigDecimal(max.negate(), type.scale()),
                        BigDecimal.ZERO,
                        BigDecimal.ONE.movePointLeft(type.scale())));
            if (type.precision() - type.scale() >= 19) {
              decimals.add(Long.MIN_VALUE);
            } else if (type.precision() > type.scale()) {
              decimals.add(BigInteger.ONE.negate());
            }
            yield decimals;
          }
        };
    return edges.get(random.nextInt(edges.size()));
  }

  /** Unicode text, supplementary characters included. */
  private static String text(Random random) {
    StringBuilder s = new StringBuilder();
    int length = random.nextInt(20);
    for (int i = 0; i < length; i++) {
      int cp =
          switch (random.nextInt(4)) {
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
        // Microseconds, truncated toward the earlier one (nanos are never negative).
        yield Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
      }
      case DATE -> (int) ((LocalDate) value).toEpochDay();
      case INT32 -> ((Number) value).intValue();
      case INT64 -> ((Number) value).longValue();
      case FLOAT32 -> ((Number) value).floatValue();
      case FLOAT64 -> ((Number) value).doubleValue();
      case DECIMAL ->
          (value instanceof BigDecimal d
                  ? d
                  : new BigDecimal(
                      value instanceof Long l ? BigInteger.valueOf(l) : (BigInteger) value))
              .setScale(type.scale());
      default -> value;
    };
  }

  private static Object comparable(Object value) {
    return value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value;
  }

  /** Every file under {@code base} but the staging area's own batch lock file, which stays. */
  private static List<Path> listAll(Path base) throws IOException {
    try (Stream<Path> all = Files.walk(base)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals(".batches.lock"))
          // Staging's batch records are the SDK's bookkeeping, like the lock file.
          .filter(p -> !p.getParent().getFileName().toString().equals(".batch-records"))
          .toList();
    }
  }
}
