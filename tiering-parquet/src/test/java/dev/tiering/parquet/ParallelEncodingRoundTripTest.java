package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three writers of many-row-group files and one compaction run at once on one shared encoder pool,
 * releasing native contexts per row group; every table is then checked exactly by DuckDB and by the
 * SDK's reader.
 */
class ParallelEncodingRoundTripTest {

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");
  private static final long MIB = 1 << 20;

  @TempDir Path base;

  static TableSchema schema(String table) {
    return TableSchema.builder(Zone.SILVER, table)
        .required("a", FieldType.INT64)
        .required("b", FieldType.FLOAT64)
        .nullable("s", FieldType.STRING)
        .nullable("i", FieldType.INT32)
        .required("t", FieldType.TIMESTAMP)
        .nullable("f", FieldType.BOOLEAN)
        .build();
  }

  static long writeTable(LakeWriter lake, String table, int rows) throws Exception {
    try (LakeTableWriter w = lake.open(schema(table))) {
      for (int r = 0; r < rows; r++) {
        w.setLong(0, r).setDouble(1, r * 0.5);
        if (r % 7 == 0) {
          w.setNull(2);
        } else {
          w.setString(2, "value-" + (r * 0x9E3779B97F4A7C15L) + "-" + (r * 31L % 977));
        }
        if (r % 11 == 0) {
          w.setNull(3);
        } else {
          w.setInt(3, r % 100_000);
        }
        w.setTimestampMicros(4, 1_700_000_000_000_000L + r * 1000L);
        if (r % 13 == 0) {
          w.setNull(5);
        } else {
          w.setBoolean(5, r % 2 == 0);
        }
        w.endRow();
      }
      return w.commit().files().size();
    }
  }

  static String glob(Path dir) {
    return "read_parquet(" + Duck.literal(dir.resolve("**/*.parquet")) + ")";
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void parallelWritersAndACompactionRoundTripExactly() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    ForkJoinPool encoders = new ForkJoinPool(4);
    WriterSettings settings =
        WriterSettings.lake().toBuilder()
            .rowGroupBytes(MIB)
            .pageBytes(64 * 1024)
            .encoders(encoders)
            .build();
    // The compaction's input: 3 days x 8 small files of 25,000 rows.
    TableName predictions = TableName.of("slm_predictions");
    for (int d = 0; d < 3; d++) {
      Instant at = NOON.plusSeconds(86_400L * d);
      LakeWriter small =
          LakeWriter.builder(paths)
              .settings(settings)
              .clock(Clock.fixed(at, ZoneOffset.UTC))
              .build();
      for (int f = 0; f < 8; f++) {
        small.writeCleanData(
            Predictions.schema(),
            Predictions.rows(25_000, at.plusSeconds(f * 30_000L), d * 100 + f));
      }
    }
    Path predictionsDir = paths.tableDir(Zone.SILVER, predictions);
    String before =
        "SELECT count(*) AS n, sum(slm_id) AS s, sum(round(prediction * 10000)::BIGINT) AS p,"
            + " count(confidence) AS c, sum(length(label)) AS l FROM "
            + glob(predictionsDir);
    Object expected = Duck.query(before).get(0);

    int rows = 300_000;
    LakeWriter lake = LakeWriter.builder(paths).settings(settings).build();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        String table = "wide_" + t;
        work.add(
            pool.submit(
                () -> {
                  writeTable(lake, table, rows);
                  return null;
                }));
      }
      work.add(
          pool.submit(
              () -> {
                LifecycleReport report =
                    Compactor.builder(paths)
                        .minCommitAge(java.time.Duration.ZERO)
                        .settings(settings)
                        .build()
                        .compact(Zone.SILVER, predictions)
                        .execute();
                if (!report.ok()) {
                  problems.add("compaction: " + report.failures());
                }
                return null;
              }));
      for (Future<?> f : work) {
        f.get(240, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      encoders.shutdownNow();
    }
    assertThat(problems).isEmpty();
    assertThat(Duck.query(before).get(0)).isEqualTo(expected);
    try (Stream<Path> files = Files.walk(predictionsDir)) {
      assertThat(files.filter(p -> p.toString().endsWith(".parquet")).count()).isEqualTo(3);
    }
    // Exact sums: DuckDB and the SDK's reader.
    long n = rows;
    for (int t = 0; t < 3; t++) {
      Path dir = paths.tableDir(Zone.SILVER, TableName.of("wide_" + t));
      var duck =
          Duck.query(
                  "SELECT count(*) AS n, sum(a) AS a, sum(b) AS b, count(s) AS s,"
                      + " sum(i) AS i, count(f) AS f, sum(CASE WHEN f THEN 1 ELSE 0 END) AS ft,"
                      + " sum(length(s)) AS sl FROM "
                      + glob(dir))
              .get(0);
      long expectA = n * (n - 1) / 2;
      long expectS = 0;
      long expectI = 0;
      long expectF = 0;
      long expectFt = 0;
      long expectSl = 0;
      for (long r = 0; r < n; r++) {
        if (r % 7 != 0) {
          expectS++;
          expectSl += ("value-" + (r * 0x9E3779B97F4A7C15L) + "-" + (r * 31L % 977)).length();
        }
        if (r % 11 != 0) {
          expectI += r % 100_000;
        }
        if (r % 13 != 0) {
          expectF++;
          if (r % 2 == 0) {
            expectFt++;
          }
        }
      }
      assertThat(((Number) duck.get("n")).longValue()).isEqualTo(n);
      assertThat(((Number) duck.get("a")).longValue()).isEqualTo(expectA);
      assertThat(((Number) duck.get("b")).doubleValue()).isEqualTo(expectA * 0.5);
      assertThat(((Number) duck.get("s")).longValue()).isEqualTo(expectS);
      assertThat(((Number) duck.get("i")).longValue()).isEqualTo(expectI);
      assertThat(((Number) duck.get("f")).longValue()).isEqualTo(expectF);
      assertThat(((Number) duck.get("ft")).longValue()).isEqualTo(expectFt);
      assertThat(((Number) duck.get("sl")).longValue()).isEqualTo(expectSl);
      long sdkRows = 0;
      long sdkA = 0;
      long sdkSl = 0;
      try (ParquetRowReader r =
          new LakeReader(paths).scan(Zone.SILVER, TableName.of("wide_" + t))) {
        while (r.next()) {
          sdkRows++;
          sdkA += r.getLong(0);
          String s = r.getString(2);
          sdkSl += s == null ? 0 : s.length();
        }
      }
      assertThat(sdkRows).isEqualTo(n);
      assertThat(sdkA).isEqualTo(expectA);
      assertThat(sdkSl).isEqualTo(expectSl);
    }
  }
}
