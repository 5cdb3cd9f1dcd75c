package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.RowValidator;
import dev.tiering.schema.TableSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An adversarial review of the page encoders (ColumnChunkEncoder, Hybrid, rowGroupRows), kept as
 * tests: extreme values through all three readers in both page versions, with and without parallel
 * encoding; dictionaries past 2^16 entries; exact row caps; DuckDB's filter pushdown and our range
 * pruning at the statistics' bounds; page and row-group sizes with long strings. Three findings,
 * now fixed, are named in their tests.
 */
class EncoderReviewTest {

  @TempDir Path base;

  private static final TableSchema EXTREMES =
      TableSchema.builder(Zone.SILVER, "extremes")
          .required("row", FieldType.INT32)
          .nullable("i32", FieldType.INT32)
          .nullable("i64", FieldType.INT64)
          .nullable("f32", FieldType.FLOAT32)
          .nullable("f64", FieldType.FLOAT64)
          .nullable("flag", FieldType.BOOLEAN)
          .nullable("text", FieldType.STRING)
          .nullable("blob", FieldType.BINARY)
          .nullable("dec9", FieldType.decimal(9, 2))
          .nullable("dec18", FieldType.decimal(18, 0))
          .nullable("dec19", FieldType.decimal(19, 4))
          .nullable("dec38", FieldType.decimal(38, 0))
          .nullable("dec38s", FieldType.decimal(38, 38))
          .nullable("ts", FieldType.TIMESTAMP)
          .nullable("day", FieldType.DATE)
          .nullable("allnull", FieldType.STRING)
          .required("constant", FieldType.INT64)
          .nullable("one", FieldType.STRING)
          .nullable("uniq", FieldType.INT64)
          .required("rtext", FieldType.STRING)
          .build();

  private static final Object[] I32 = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1};
  private static final Object[] I64 = {Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L};
  private static final Object[] F32 = {
    Float.NaN,
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    -0.0f,
    0.0f,
    Float.MIN_VALUE,
    -Float.MIN_VALUE,
    Float.MAX_VALUE,
    -Float.MAX_VALUE,
    1.5f
  };
  private static final Object[] F64 = {
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    -0.0,
    0.0,
    Double.MIN_VALUE,
    -Double.MIN_VALUE,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    Math.PI
  };
  private static final Object[] TEXT = {
    "",
    "a",
    "é",
    "\u0000",
    "😀 supplementary 𝄞",
    "€".repeat(5000),
    "x".repeat(20_000),
    "\uFFFF",
    "z"
  };
  private static final Object[] BLOB = {
    new byte[0], new byte[] {0}, new byte[] {(byte) 0xff}, new byte[] {(byte) 0x80, 0}, bigBlob()
  };
  private static final Object[] DEC9 = {
    new BigDecimal("9999999.99"),
    new BigDecimal("-9999999.99"),
    new BigDecimal("0.00"),
    new BigDecimal("-0.01")
  };
  private static final Object[] DEC18 = {
    new BigDecimal("999999999999999999"), new BigDecimal("-999999999999999999"), BigDecimal.ZERO
  };
  private static final Object[] DEC19 = {
    new BigDecimal("999999999999999.9999"),
    new BigDecimal("-999999999999999.9999"),
    new BigDecimal("0.0000"),
    new BigDecimal("-0.0001"),
    new BigDecimal("922337203685477.5808"),
    new BigDecimal("-922337203685477.5809")
  };
  private static final Object[] DEC38 = {
    new BigDecimal(BigInteger.TEN.pow(38).subtract(BigInteger.ONE)),
    new BigDecimal(BigInteger.TEN.pow(38).subtract(BigInteger.ONE).negate()),
    BigDecimal.ZERO,
    new BigDecimal("-1"),
    new BigDecimal(BigInteger.ONE.shiftLeft(63)),
    new BigDecimal(BigInteger.ONE.shiftLeft(63).negate().subtract(BigInteger.ONE))
  };
  private static final Object[] DEC38S = {
    new BigDecimal("0." + "9".repeat(38)),
    new BigDecimal("-0." + "9".repeat(38)),
    new BigDecimal("0." + "0".repeat(37) + "1"),
    new BigDecimal("-0." + "0".repeat(37) + "1")
  };
  private static final Object[] TS = {
    Instant.parse("1677-09-21T00:12:43.145225Z"),
    Instant.parse("2262-04-11T23:47:16.854775Z"),
    Instant.EPOCH,
    Instant.parse("1969-12-31T23:59:59.999999Z")
  };
  private static final Object[] DAY = {
    LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31), LocalDate.EPOCH, LocalDate.of(1969, 12, 31)
  };

  private static byte[] bigBlob() {
    byte[] b = new byte[10_000];
    new Random(7).nextBytes(b);
    return b;
  }

  private static Object pick(Object[] values, Random random) {
    return values[random.nextInt(values.length)];
  }

  /** Rows with extremes; rows 1000-1299 all null in every nullable column. */
  static List<Map<String, Object>> extremeRows(int n, long seed) {
    Random random = new Random(seed);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new HashMap<>();
      boolean allNull = i >= 1000 && i < 1300;
      boolean nulls = allNull || random.nextInt(10) == 0;
      row.put("row", i);
      row.put("i32", nulls ? null : pick(I32, random));
      row.put("i64", nulls ? null : pick(I64, random));
      row.put("f32", nulls ? null : pick(F32, random));
      row.put("f64", nulls ? null : pick(F64, random));
      row.put("flag", nulls ? null : random.nextBoolean());
      row.put("text", nulls ? null : pick(TEXT, random));
      row.put("blob", nulls ? null : pick(BLOB, random));
      row.put("dec9", nulls ? null : pick(DEC9, random));
      row.put("dec18", nulls ? null : pick(DEC18, random));
      row.put("dec19", nulls ? null : pick(DEC19, random));
      row.put("dec38", nulls ? null : pick(DEC38, random));
      row.put("dec38s", nulls ? null : pick(DEC38S, random));
      row.put("ts", nulls ? null : pick(TS, random));
      row.put("day", nulls ? null : pick(DAY, random));
      row.put("allnull", null);
      row.put("constant", 42L);
      row.put("one", allNull || i % 3 == 0 ? null : "only");
      // Repetitive in even thousands, unique in odd ones: the dictionary falls back, then
      // (in a new row group) restarts.
      row.put("uniq", nulls ? null : (i / 1000) % 2 == 0 ? (long) (i % 3) : random.nextLong());
      row.put("rtext", (i / 1000) % 2 == 0 ? "r" + (i % 5) : "u" + random.nextLong());
      rows.add(row);
    }
    return rows;
  }

  private Path write(
      String name, TableSchema schema, List<Map<String, Object>> rows, WriterSettings settings)
      throws Exception {
    StagingWriter writer =
        StagingWriter.builder(
                new PathResolver(Storage.createRoots(TierLayout.under(base.resolve(name)))))
            .settings(settings)
            .build();
    return writer.writeIntermediate(SlmId.of(1), BatchId.of("b" + name), schema, rows).file();
  }

  /** The rows as the row reader's canonical values (binaries as printed bytes). */
  private static List<Map<String, Object>> canonical(
      TableSchema schema, List<Map<String, Object>> rows) {
    RowValidator validator = RowValidator.of(schema).allowingNonFinite();
    List<Map<String, Object>> out = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      Object[] values = validator.validate(rows.get(r), r);
      Map<String, Object> row = new HashMap<>();
      for (int f = 0; f < values.length; f++) {
        Object v = values[f];
        row.put(schema.fields().get(f).name(), v instanceof byte[] b ? Arrays.toString(b) : v);
      }
      out.add(row);
    }
    return out;
  }

  private static void assertOurReadersReadBack(
      Path file, TableSchema schema, List<Map<String, Object>> rows) throws Exception {
    List<Map<String, Object>> expected = canonical(schema, rows);
    List<Map<String, Object>> byRows =
        ReadBack.rows(ParquetRowReader.open(file, schema), schema.fields());
    assertThat(byRows).as("ParquetRowReader").hasSize(expected.size());
    for (int r = 0; r < expected.size(); r++) {
      assertThat(byRows.get(r)).as("ParquetRowReader row %d", r).isEqualTo(expected.get(r));
    }
    List<Map<String, Object>> byColumns = ReadBack.columns(ColumnarReader.open(file, schema));
    assertThat(byColumns).as("ColumnarReader").hasSize(expected.size());
    for (int r = 0; r < expected.size(); r++) {
      assertThat(byColumns.get(r)).as("ColumnarReader row %d", r).isEqualTo(expected.get(r));
    }
  }

  /** DuckDB's value of a column as comparable text; the same form from our own values. */
  private static String duckExpr(Field field) {
    String n = field.name();
    return switch (field.type().kind()) {
      case BINARY -> "hex(" + n + ")";
      case DECIMAL -> n + "::VARCHAR";
      case TIMESTAMP -> "epoch_us(" + n + ")";
      case DATE -> "datediff('day', DATE '1970-01-01', " + n + ")";
      case FLOAT32, FLOAT64 -> "CAST(" + n + " AS VARCHAR)";
      default -> n;
    };
  }

  private static Object ours(Field field, Object v) {
    if (v == null) {
      return null;
    }
    return switch (field.type().kind()) {
      case BINARY -> HexFormat.of().withUpperCase().formatHex((byte[]) v);
      case DECIMAL -> ((BigDecimal) v).toPlainString();
      case TIMESTAMP ->
          v instanceof Instant i ? ChronoUnit.MICROS.between(Instant.EPOCH, i) : (Long) v;
      case DATE -> v instanceof LocalDate d ? (int) d.toEpochDay() : v;
      default -> v;
    };
  }

  private static void assertDuckDbReadsBack(
      Path file, TableSchema schema, List<Map<String, Object>> rows) throws Exception {
    RowValidator validator = RowValidator.of(schema).allowingNonFinite();
    StringBuilder select = new StringBuilder();
    for (Field field : schema.fields()) {
      select.append(select.length() == 0 ? "" : ", ").append(duckExpr(field));
      if (field.type().kind() == FieldType.Kind.FLOAT32
          || field.type().kind() == FieldType.Kind.FLOAT64) {
        select.append(", ").append(field.name()).append(" AS raw_").append(field.name());
      }
    }
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT " + select + " FROM read_parquet(" + Duck.literal(file) + ")")) {
      int r = 0;
      while (rs.next()) {
        Object[] expected = validator.validate(rows.get(r), r);
        int c = 1;
        for (int f = 0; f < expected.length; f++) {
          Field field = schema.fields().get(f);
          Object duck = rs.getObject(c++);
          FieldType.Kind kind = field.type().kind();
          if (kind == FieldType.Kind.FLOAT32 || kind == FieldType.Kind.FLOAT64) {
            Object raw = rs.getObject(c++);
            if (expected[f] == null) {
              assertThat(raw).as("row %d %s", r, field.name()).isNull();
            } else {
              double want = ((Number) expected[f]).doubleValue();
              double got = ((Number) raw).doubleValue();
              assertThat(Double.isNaN(got) ? "NaN" : Double.toString(got))
                  .as("row %d %s", r, field.name())
                  .isEqualTo(Double.isNaN(want) ? "NaN" : Double.toString(want));
            }
            continue;
          }
          Object want = ours(field, expected[f]);
          if (duck instanceof Number number && want instanceof Number wanted) {
            assertThat(number.longValue())
                .as("row %d %s", r, field.name())
                .isEqualTo(wanted.longValue());
          } else if (duck instanceof String s && want instanceof String w) {
            if (kind == FieldType.Kind.DECIMAL) {
              assertThat(new BigDecimal(s))
                  .as("row %d %s", r, field.name())
                  .isEqualByComparingTo(new BigDecimal(w));
            } else {
              assertThat(s).as("row %d %s", r, field.name()).isEqualTo(w);
            }
          } else {
            assertThat(duck).as("row %d %s", r, field.name()).isEqualTo(want);
          }
        }
        r++;
      }
      assertThat(r).as("DuckDB rows").isEqualTo(rows.size());
    }
  }

  @ParameterizedTest
  @CsvSource({"true,true", "true,false", "false,true", "false,false"})
  void extremesRoundTripThroughAllThreeReaders(boolean v2, boolean parallel) throws Exception {
    List<Map<String, Object>> rows = extremeRows(4000, 11);
    WriterSettings settings =
        WriterSettings.staging().toBuilder()
            .pageV2(v2)
            .pageBytes(8192)
            .rowGroupRows(1000)
            .allowNonFinite(true)
            .encoders(parallel ? java.util.concurrent.ForkJoinPool.commonPool() : null)
            .build();
    Path file = write("x" + v2 + parallel, EXTREMES, rows, settings);
    assertOurReadersReadBack(file, EXTREMES, rows);
    assertDuckDbReadsBack(file, EXTREMES, rows);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void extremesRoundTripWithBigRowGroupsAndDefaultPages(boolean v2) throws Exception {
    List<Map<String, Object>> rows = extremeRows(20_000, 12);
    WriterSettings settings =
        WriterSettings.staging().toBuilder().pageV2(v2).allowNonFinite(true).build();
    Path file = write("big" + v2, EXTREMES, rows, settings);
    assertOurReadersReadBack(file, EXTREMES, rows);
    assertDuckDbReadsBack(file, EXTREMES, rows);
  }

  private static final TableSchema CODES =
      TableSchema.builder(Zone.SILVER, "codes")
          .required("code", FieldType.INT64)
          .required("name", FieldType.STRING)
          .nullable("f", FieldType.FLOAT32)
          .required("d", FieldType.decimal(25, 3))
          .build();

  /** Dictionaries past 65,536 and 131,072 entries: id bit widths of 17 and 18. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void dictionariesWithMoreThan65536EntriesRoundTrip(boolean v2) throws Exception {
    int n = 180_000;
    List<Map<String, Object>> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int k = i < 16_384 ? i % 100 : i;
      Map<String, Object> row = new HashMap<>();
      row.put("code", (long) k * 1_000_003L);
      row.put("name", "n-" + k);
      row.put("f", i % 7 == 0 ? null : (float) k);
      row.put("d", BigDecimal.valueOf(k, 3).negate());
      rows.add(row);
    }
    Path file =
        write("dict" + v2, CODES, rows, WriterSettings.staging().toBuilder().pageV2(v2).build());
    assertOurReadersReadBack(file, CODES, rows);
    Map<String, Object> agg =
        Duck.query(
                "SELECT count(*) AS n, sum(code)::VARCHAR AS codes, count(DISTINCT name) AS names,"
                    + " sum(f)::VARCHAR AS fs, sum(d)::VARCHAR AS ds,"
                    + " sum(hash(name) % 1000003)::VARCHAR AS h FROM read_parquet("
                    + Duck.literal(file)
                    + ")")
            .get(0);
    long codes = 0;
    double fs = 0;
    BigDecimal ds = BigDecimal.ZERO;
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Map<String, Object> row : rows) {
      codes += (Long) row.get("code");
      names.add((String) row.get("name"));
      fs += row.get("f") == null ? 0 : (Float) row.get("f");
      ds = ds.add((BigDecimal) row.get("d"));
    }
    assertThat(agg.get("n")).isEqualTo((long) n);
    assertThat(agg.get("codes")).isEqualTo(Long.toString(codes));
    assertThat(agg.get("names")).isEqualTo((long) names.size());
    assertThat(new BigDecimal((String) agg.get("ds"))).isEqualByComparingTo(ds);
    assertThat(Double.parseDouble((String) agg.get("fs")))
        .isCloseTo(fs, org.assertj.core.data.Offset.offset(fs * 1e-9));
    // Row by row for the strings, and the dictionary really went past 17 bits.
    List<Map<String, Object>> duckRows =
        Duck.query("SELECT name, code FROM read_parquet(" + Duck.literal(file) + ")");
    for (int i = 0; i < n; i++) {
      assertThat(duckRows.get(i).get("name")).as("row %d", i).isEqualTo(rows.get(i).get("name"));
      assertThat(duckRows.get(i).get("code")).as("row %d", i).isEqualTo(rows.get(i).get("code"));
    }
  }

  private static final TableSchema ONE_INT =
      TableSchema.builder(Zone.SILVER, "one_int")
          .required("v", FieldType.INT32)
          .nullable("s", FieldType.STRING)
          .build();

  @ParameterizedTest
  @ValueSource(ints = {1000, 1001, 16_383, 16_384, 16_385, 20_000, 32_768})
  void rowGroupRowsCutsGroupsOfExactlyThatManyRows(int cap) throws Exception {
    int n = 3 * cap + 5;
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Map.of("v", i, "s", "s" + (i % 10)));
    }
    Path file =
        write(
            "cap" + cap,
            ONE_INT,
            rows,
            WriterSettings.staging().toBuilder().rowGroupRows(cap).build());
    List<Long> groups = new ArrayList<>();
    for (Map<String, Object> g :
        Duck.query(
            "SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata("
                + Duck.literal(file)
                + ") GROUP BY row_group_id ORDER BY row_group_id")) {
      groups.add(((Number) g.get("n")).longValue());
    }
    assertThat(groups).containsExactly((long) cap, (long) cap, (long) cap, 5L);
    assertOurReadersReadBack(file, ONE_INT, rows);
  }

  private static final TableSchema FLOATS =
      TableSchema.builder(Zone.SILVER, "floats")
          .required("g", FieldType.INT32)
          .nullable("d", FieldType.FLOAT64)
          .nullable("f", FieldType.FLOAT32)
          .build();

  /**
   * DuckDB orders NaN above every number and pushes filters to row-group statistics. A count with
   * the filter pushed down must equal the count computed without pushdown (an aggregate FILTER).
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void duckDbFiltersOnNanAndZeroAgreeWithAnUnprunedCount(boolean v2) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    // Group 0: numbers and one NaN. Group 1: only NaN. Group 2: only +0.0. Group 3: only -0.0.
    // Group 4: nulls and NaN.
    for (int i = 0; i < 5000; i++) {
      int g = i / 1000;
      Map<String, Object> row = new HashMap<>();
      row.put("g", g);
      Double d =
          switch (g) {
            case 0 -> i == 500 ? Double.NaN : (double) (i % 10);
            case 1 -> Double.NaN;
            case 2 -> 0.0;
            case 3 -> -0.0;
            default -> i % 2 == 0 ? null : Double.NaN;
          };
      row.put("d", d);
      row.put("f", d == null ? null : d.floatValue());
      rows.add(row);
    }
    Path file =
        write(
            "nan" + v2,
            FLOATS,
            rows,
            WriterSettings.staging().toBuilder()
                .pageV2(v2)
                .rowGroupRows(1000)
                .allowNonFinite(true)
                .build());
    assertOurReadersReadBack(file, FLOATS, rows);
    String from = " FROM read_parquet(" + Duck.literal(file) + ")";
    List<String> predicates =
        List.of(
            "d > 5",
            "d > 100",
            "d = 'NaN'::DOUBLE",
            "isnan(d)",
            "d IS NOT NULL",
            "d = 0.0",
            "d = -0.0",
            "d >= 0.0",
            "d <= -0.0",
            "d < 0",
            "f > 5",
            "f = 'NaN'::FLOAT",
            "f = 0.0",
            "f <= -0.0",
            "f IS NOT NULL");
    List<String> wrong = new ArrayList<>();
    for (String p : predicates) {
      Object pushed = Duck.scalar("SELECT count(*)" + from + " WHERE " + p);
      Object unpruned = Duck.scalar("SELECT count(*) FILTER (WHERE " + p + ")" + from);
      if (!pushed.equals(unpruned)) {
        wrong.add(p + ": pushed " + pushed + " vs unpruned " + unpruned);
      }
    }
    assertThat(wrong).isEmpty();
  }

  /** Every row group's min and max of every column, looked up with = in DuckDB. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void duckDbEqualityAtEachGroupsMinAndMaxFindsEveryRow(boolean v2) throws Exception {
    List<Map<String, Object>> rows = extremeRows(3000, 13);
    Path file =
        write(
            "eq" + v2,
            EXTREMES,
            rows,
            WriterSettings.staging().toBuilder()
                .pageV2(v2)
                .pageBytes(8192)
                .rowGroupRows(1000)
                .allowNonFinite(true)
                .build());
    RowValidator validator = RowValidator.of(EXTREMES).allowingNonFinite();
    List<Object[]> canon = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      canon.add(validator.validate(rows.get(r), r));
    }
    List<String> wrong = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duck.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      for (int f = 0; f < EXTREMES.fields().size(); f++) {
        Field field = EXTREMES.fields().get(f);
        String literalType = literalType(field);
        if (literalType == null) {
          continue;
        }
        // Distinct values per column: few, by construction (except uniq/rtext: sample).
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (Object[] row : canon) {
          if (row[f] != null) {
            counts.merge(literal(field, row[f]), 1L, Long::sum);
          }
        }
        int checked = 0;
        for (Map.Entry<String, Long> e : counts.entrySet()) {
          if (checked++ > 40) {
            break;
          }
          String sql =
              "SELECT count(*) FROM read_parquet("
                  + Duck.literal(file)
                  + ") WHERE "
                  + field.name()
                  + " = "
                  + e.getKey();
          try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            long got = rs.getLong(1);
            if (got != e.getValue()) {
              wrong.add(
                  sql.replaceAll("\\(.*\\.parquet'\\)", "(f)")
                      + ": "
                      + got
                      + " not "
                      + e.getValue());
            }
          }
        }
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static String literalType(Field field) {
    return switch (field.type().kind()) {
      case FLOAT32, FLOAT64 -> null; // NaN/-0.0 handled by the dedicated test
      default -> "x";
    };
  }

  private static String literal(Field field, Object v) {
    return switch (field.type().kind()) {
      case STRING ->
          "'" + ((String) v).replace("'", "''").replace("\u0000", "' || chr(0) || '") + "'";
      case BINARY -> "unhex('" + HexFormat.of().formatHex((byte[]) v) + "')";
      case DECIMAL ->
          "'"
              + ((BigDecimal) v).toPlainString()
              + "'::DECIMAL("
              + field.type().precision()
              + ","
              + field.type().scale()
              + ")";
      case TIMESTAMP -> "make_timestamptz(CAST(" + v + " AS BIGINT))";
      case DATE -> "(DATE '1970-01-01' + " + v + ")";
      case BOOLEAN -> v.toString();
      case INT32 -> "CAST(" + v + " AS INTEGER)";
      case INT64 -> "CAST(" + v + " AS BIGINT)";
      default -> v.toString();
    };
  }

  /** Our ColumnarReader's timeRange and dateRange at each row group's exact bounds. */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void timeAndDateRangesAtExactGroupBoundsKeepTheirRows(boolean v2) throws Exception {
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "times")
            .nullable("ts", FieldType.TIMESTAMP)
            .nullable("day", FieldType.DATE)
            .build();
    List<Map<String, Object>> rows = new ArrayList<>();
    Random random = new Random(5);
    long[] tsBounds = {Long.MIN_VALUE + 1_000_000, -1, 0, 1, Long.MAX_VALUE};
    for (int i = 0; i < 6000; i++) {
      Map<String, Object> row = new HashMap<>();
      int g = i / 1000;
      boolean nulls = random.nextInt(5) == 0 || g == 5;
      long micros = g % 2 == 0 ? random.nextLong() : tsBounds[random.nextInt(tsBounds.length)];
      row.put("ts", nulls ? null : micros);
      row.put("day", nulls ? null : LocalDate.ofEpochDay(random.nextInt(2_000_000) - 1_000_000));
      rows.add(row);
    }
    Path file =
        write(
            "ranges" + v2,
            schema,
            rows,
            WriterSettings.staging().toBuilder().pageV2(v2).rowGroupRows(1000).build());
    for (int g = 0; g < 5; g++) {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      long dmin = Long.MAX_VALUE;
      long dmax = Long.MIN_VALUE;
      for (int i = g * 1000; i < (g + 1) * 1000; i++) {
        Long ts = (Long) rows.get(i).get("ts");
        if (ts != null) {
          min = Math.min(min, ts);
          max = Math.max(max, ts);
          long day = ((LocalDate) rows.get(i).get("day")).toEpochDay();
          dmin = Math.min(dmin, day);
          dmax = Math.max(dmax, day);
        }
      }
      for (long bound : new long[] {min, max}) {
        Instant at = Instant.EPOCH.plus(bound, ChronoUnit.MICROS);
        long expected = rows.stream().filter(r -> Long.valueOf(bound).equals(r.get("ts"))).count();
        long found = 0;
        try (ColumnarReader reader =
            ColumnarReader.open(
                Storage.local(),
                List.of(file),
                schema,
                ColumnarReader.Options.defaults().timeRange("ts", at, at))) {
          for (ColumnBatch batch; (batch = reader.next()) != null; ) {
            for (int r = 0; r < batch.rows(); r++) {
              if (!batch.isNull("ts", r) && batch.longs("ts")[r] == bound) {
                found++;
              }
            }
          }
        }
        assertThat(found).as("group %d ts %d", g, bound).isEqualTo(expected);
      }
      for (long bound : new long[] {dmin, dmax}) {
        LocalDate at = LocalDate.ofEpochDay(bound);
        long expected = rows.stream().filter(r -> at.equals(r.get("day"))).count();
        long found = 0;
        try (ColumnarReader reader =
            ColumnarReader.open(
                Storage.local(),
                List.of(file),
                schema,
                ColumnarReader.Options.defaults().dateRange("day", at, at))) {
          for (ColumnBatch batch; (batch = reader.next()) != null; ) {
            for (int r = 0; r < batch.rows(); r++) {
              if (!batch.isNull("day", r) && batch.ints("day")[r] == bound) {
                found++;
              }
            }
          }
        }
        assertThat(found).as("group %d day %d", g, bound).isEqualTo(expected);
      }
    }
  }

  /**
   * Found by this review: in the lowest second of the microsecond range, the floored second times a
   * million overflowed although the instant fits, and the bound saturated, skipping the group.
   */
  @Test
  void aTimeRangeInTheLowestSecondOfMicrosecondsKeepsTheGroupHoldingIt() throws Exception {
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "lowest").required("ts", FieldType.TIMESTAMP).build();
    long micros = Long.MIN_VALUE + 1;
    List<Map<String, Object>> rows = List.of(Map.of("ts", micros));
    Path file = write("lowest", schema, rows, WriterSettings.staging());
    Instant at = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    long found = 0;
    try (ColumnarReader reader =
        ColumnarReader.open(
            Storage.local(),
            List.of(file),
            schema,
            ColumnarReader.Options.defaults().timeRange("ts", at, at))) {
      for (ColumnBatch batch; (batch = reader.next()) != null; ) {
        found += batch.rows();
      }
    }
    assertThat(found).as("rows at %s (%d us)", at, micros).isEqualTo(1);
  }

  /** A date-partitioned lake write over many days: every partition's rows, by DuckDB's filter. */
  @Test
  void datePartitionedLakeWriteOverManyDaysKeepsEveryRowAndDate() throws Exception {
    PathResolver paths =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("lake"))));
    Instant start = Instant.parse("2024-01-01T00:00:00Z");
    List<Map<String, Object>> rows = Predictions.rows(1000, start, 9);
    Random random = new Random(3);
    Map<LocalDate, Long> perDay = new java.util.TreeMap<>();
    for (Map<String, Object> row : rows) {
      Instant ts = start.plusSeconds(random.nextInt(20) * 86_400L + random.nextInt(86_400));
      row.put("timestamp", ts);
      perDay.merge(LocalDate.ofInstant(ts, java.time.ZoneOffset.UTC), 1L, Long::sum);
    }
    LakeWriter.builder(paths)
        .settings(WriterSettings.lake().toBuilder().pageV2(false).build())
        .build()
        .writeCleanData(
            Predictions.schema(), rows, LakeWriteOptions.defaults().partitionBy("timestamp"));
    String glob = Duck.literal(base.resolve("lake/lake/clean/silver/slm_predictions/**/*.parquet"));
    List<String> wrong = new ArrayList<>();
    Map<LocalDate, Long> byDuck = new java.util.TreeMap<>();
    for (Map<String, Object> g :
        Duck.query(
            "SELECT date::VARCHAR AS d, count(*) AS n FROM read_parquet("
                + glob
                + ") WHERE timestamp::DATE = date GROUP BY date")) {
      byDuck.put(LocalDate.parse((String) g.get("d")), (Long) g.get("n"));
    }
    assertThat(byDuck).isEqualTo(perDay);
    // Pushed-down equality on the partition column at a sample of days.
    int k = 0;
    for (Map.Entry<LocalDate, Long> e : perDay.entrySet()) {
      if (k++ % 3 != 0) {
        continue;
      }
      Object n =
          Duck.scalar(
              "SELECT count(*) FROM read_parquet("
                  + glob
                  + ") WHERE date = DATE '"
                  + e.getKey()
                  + "'");
      if (!Long.valueOf(e.getValue()).equals(n)) {
        wrong.add(e.getKey() + ": " + n + " not " + e.getValue());
      }
    }
    assertThat(wrong).isEmpty();
  }

  private static final TableSchema TEXTS =
      TableSchema.builder(Zone.SILVER, "texts")
          .required("i", FieldType.INT32)
          .nullable("s", FieldType.STRING)
          .build();

  /** Uncompressed sizes of the data pages of column {@code column}, by parquet-java. */
  private static List<Integer> pageSizes(Path file, String column) throws Exception {
    List<Integer> sizes = new ArrayList<>();
    try (ParquetFileReader reader =
        ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file))) {
      ColumnDescriptor descriptor =
          reader.getFileMetaData().getSchema().getColumns().stream()
              .filter(d -> d.getPath()[0].equals(column))
              .findFirst()
              .orElseThrow();
      for (PageReadStore group; (group = reader.readNextRowGroup()) != null; ) {
        PageReader pages = group.getPageReader(descriptor);
        for (DataPage page; (page = pages.readPage()) != null; ) {
          sizes.add(page.getUncompressedSize());
        }
      }
    }
    return sizes;
  }

  /**
   * Found by this review: pages were cut by UTF-16 chars, so strings of 3-byte characters ('€')
   * made pages of 3.7x pageBytes. Each string here is 2,000 chars, 6,000 UTF-8 bytes.
   */
  @Test
  void pagesOfMultiByteStringsSplitNearPageBytes() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("i", i);
      row.put("s", i + "€".repeat(2000));
      rows.add(row);
    }
    Path file =
        write(
            "utf8pages", TEXTS, rows, WriterSettings.staging().toBuilder().pageBytes(8192).build());
    assertOurReadersReadBack(file, TEXTS, rows);
    List<Integer> sizes = pageSizes(file, "s");
    int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    // One value past the limit is unavoidable: 8,192 + one 6,004-byte value.
    assertThat(largest).as("largest page of %s", sizes).isLessThanOrEqualTo(8192 + 6004 + 64);
  }

  /** A string far larger than pageBytes gets its own page, and the next page is small. */
  @Test
  void aStringLongerThanPageBytesGetsItsOwnPage() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("i", i);
      row.put("s", i % 10 == 0 ? "L" + i + "x".repeat(100_000) : "short" + i);
      rows.add(row);
    }
    Path file =
        write(
            "longpage", TEXTS, rows, WriterSettings.staging().toBuilder().pageBytes(8192).build());
    assertOurReadersReadBack(file, TEXTS, rows);
    assertDuckDbReadsBack(file, TEXTS, rows);
    List<Integer> sizes = pageSizes(file, "s");
    assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElseThrow())
        .isLessThan(2 * 100_010);
  }

  /**
   * Found by this review: a batch ended only at 16,384 rows, so 600 incompressible 48 KiB strings
   * (28 MiB) made one row group whatever rowGroupBytes said, and memory had no bound by bytes.
   * Batches now end at a byte budget too.
   */
  @Test
  void rowGroupsOfLongStringsAreCutNearRowGroupBytes() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < 600; i++) {
      char[] chars = new char[48 * 1024];
      for (int c = 0; c < chars.length; c++) {
        chars[c] = (char) ('!' + random.nextInt(90));
      }
      Map<String, Object> row = new HashMap<>();
      row.put("i", i);
      row.put("s", new String(chars));
      rows.add(row);
    }
    Path file =
        write(
            "rgbytes",
            TEXTS,
            rows,
            WriterSettings.staging().toBuilder().rowGroupBytes(1024 * 1024).build());
    List<Long> groupBytes = new ArrayList<>();
    try (ParquetFileReader reader =
        ParquetFileReader.open(new org.apache.parquet.io.LocalInputFile(file))) {
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        groupBytes.add(block.getCompressedSize());
      }
    }
    assertThat(groupBytes.stream().mapToLong(Long::longValue).max().orElseThrow())
        .as("compressed bytes of row groups %s", groupBytes)
        .isLessThan(3L * 1024 * 1024);
  }

  @Test
  void anEmptyFileAndASingleRowFileReadBack() throws Exception {
    for (int n : new int[] {0, 1}) {
      List<Map<String, Object>> rows = extremeRows(n, 1);
      Path file =
          write(
              "tiny" + n,
              EXTREMES,
              rows,
              WriterSettings.staging().toBuilder().allowNonFinite(true).build());
      assertOurReadersReadBack(file, EXTREMES, rows);
      assertDuckDbReadsBack(file, EXTREMES, rows);
    }
  }

  /** Hybrid encoding edge cases: widths 0-32, runs at group boundaries, >504 literals. */
  @Test
  void hybridEdgeCasesDecodeThroughParquetJava() throws Exception {
    Random random = new Random(99);
    for (int width = 0; width <= 32; width++) {
      for (int pattern = 0; pattern < 6; pattern++) {
        int count = new int[] {1, 7, 8, 9, 505, 4097}[pattern];
        int[] values = new int[count];
        long bound = 1L << width;
        for (int i = 0; i < count; i++) {
          int kind = (i / 13) % 3;
          values[i] =
              width == 0
                  ? 0
                  : kind == 0
                      ? (int) (bound - 1)
                      : kind == 1
                          ? (int) (random.nextLong() & (bound - 1))
                          : values[Math.max(0, i - 1)];
        }
        PageBytes out = new PageBytes(1);
        Hybrid.encode(values, count, width, out);
        var decoder =
            new org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder(
                width, new java.io.ByteArrayInputStream(out.toByteArray()));
        for (int i = 0; i < count; i++) {
          assertThat(decoder.readInt())
              .as("width %d count %d at %d", width, count, i)
              .isEqualTo(values[i]);
        }
      }
    }
  }
}
