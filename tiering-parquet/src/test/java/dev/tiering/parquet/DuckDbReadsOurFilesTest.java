package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.TableSchema;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** DuckDB, an engine that shares no code with us, reads what we write. */
class DuckDbReadsOurFilesTest {

  @TempDir Path base;

  @Test
  void duckDbReadsAStagingFileWithTheRightTypesAndValues() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    List<Map<String, Object>> rows = Predictions.rows(10_000, Predictions.START, 1);
    WriteResult written =
        StagingWriter.builder(paths)
            .build()
            .writeIntermediate(SlmId.of(4), BatchId.of("b1"), Predictions.schema(), rows);
    String file = Duck.literal(written.file());

    Map<String, Object> stats =
        Duck.query(
                "SELECT count(*) AS n, count(confidence) AS c,"
                    + " min(timestamp) AS first, max(timestamp) AS last, sum(slm_id) AS slms,"
                    + " count(DISTINCT label) AS labels FROM read_parquet("
                    + file
                    + ")")
            .get(0);
    assertThat(stats.get("n")).isEqualTo(10_000L);
    assertThat(stats.get("c")).isEqualTo(9_000L);
    assertThat(((OffsetDateTime) stats.get("first")).toInstant()).isEqualTo(Predictions.START);
    assertThat(((OffsetDateTime) stats.get("last")).toInstant())
        .isEqualTo(Predictions.START.plusSeconds(9_999));
    long expectedSlms = rows.stream().mapToLong(r -> (Integer) r.get("slm_id")).sum();
    assertThat(((Number) stats.get("slms")).longValue()).isEqualTo(expectedSlms);
    assertThat(stats.get("labels")).isEqualTo(20L);
    double expectedSum = rows.stream().mapToDouble(r -> (Double) r.get("prediction")).sum();
    assertThat((Double) Duck.scalar("SELECT sum(prediction) FROM read_parquet(" + file + ")"))
        .isCloseTo(expectedSum, org.assertj.core.data.Offset.offset(1e-6));

    List<Map<String, Object>> types =
        Duck.query(
            "SELECT column_name, column_type FROM (DESCRIBE"
                + " SELECT * FROM read_parquet("
                + file
                + "))");
    assertThat(types)
        .extracting(m -> m.get("column_name") + " " + m.get("column_type"))
        .containsExactly(
            "timestamp TIMESTAMP WITH TIME ZONE",
            "slm_id INTEGER",
            "prediction DOUBLE",
            "confidence DOUBLE",
            "label VARCHAR");
  }

  @Test
  void everyColumnChunkIsZstd() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    WriteResult staging =
        StagingWriter.builder(paths)
            .build()
            .writeIntermediate(
                SlmId.of(1),
                BatchId.of("z"),
                RoundTripTest.ALL_TYPES,
                RoundTripTest.allTypeRows(100));
    LakeWriteResult lake =
        LakeWriter.builder(paths)
            .build()
            .writeCleanData(Predictions.schema(), Predictions.rows(1000, Predictions.START, 2));
    for (Path file : List.of(staging.file(), lake.files().get(0).file())) {
      List<Map<String, Object>> codecs =
          Duck.query(
              "SELECT DISTINCT compression FROM" + " parquet_metadata(" + Duck.literal(file) + ")");
      assertThat(codecs).extracting(m -> m.get("compression")).containsExactly("ZSTD");
    }
    long chunks =
        ((Number)
                Duck.scalar(
                    "SELECT count(*) FROM parquet_metadata(" + Duck.literal(staging.file()) + ")"))
            .longValue();
    assertThat(chunks).isEqualTo(RoundTripTest.ALL_TYPES.fields().size());
  }

  @Test
  void duckDbSeesEveryTypeAsWeWroteIt() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    WriteResult written =
        StagingWriter.builder(paths)
            .build()
            .writeIntermediate(
                SlmId.of(1),
                BatchId.of("types"),
                RoundTripTest.ALL_TYPES,
                RoundTripTest.allTypeRows(5));
    Map<String, Object> first =
        Duck.query(
                "SELECT epoch_us(ts) AS ts, day::VARCHAR AS day, i32, i64,"
                    + " f32, f64, flag, text, dec9::VARCHAR AS dec9, dec18::VARCHAR AS dec18,"
                    + " dec38::VARCHAR AS dec38 FROM read_parquet("
                    + Duck.literal(written.file())
                    + ") LIMIT 1 OFFSET 1")
            .get(0);
    assertThat(first.get("ts"))
        .isEqualTo(
            Instant.parse("1969-12-31T23:59:59.999999Z").plusSeconds(86_400).getEpochSecond()
                    * 1_000_000
                + 999_999);
    assertThat(first.get("day")).isEqualTo(LocalDate.of(1, 1, 1).plusDays(1000).toString());
    assertThat(first.get("i32")).isEqualTo(Integer.MAX_VALUE - 1);
    assertThat(first.get("i64")).isEqualTo(Long.MAX_VALUE - 1);
    assertThat(first.get("f32")).isEqualTo(-1.5f);
    assertThat(first.get("f64")).isEqualTo(Math.PI);
    assertThat(first.get("flag")).isEqualTo(false);
    assertThat(first.get("text")).isEqualTo("zone-ü-ab-€");
    assertThat(new BigDecimal((String) first.get("dec9"))).isEqualByComparingTo("-9999998.99");
    assertThat(new BigDecimal((String) first.get("dec18")))
        .isEqualByComparingTo("-123456789011.345678");
    assertThat(new BigDecimal((String) first.get("dec38")))
        .isEqualByComparingTo("9999999999999999999999999998.9999999999");
  }

  /**
   * The seed's own query, against four days of data partitioned by the timestamp column: it must
   * return exactly the rows of November, in every layout.
   */
  @ParameterizedTest
  @EnumSource(PartitionLayout.class)
  void theSeedsQueryReturnsTheRightRowsInEveryLayout(PartitionLayout layout) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    LakeWriter lake = LakeWriter.builder(paths).layout(layout).build();
    Instant oct30 = Instant.parse("2025-10-30T00:00:00Z");
    List<Map<String, Object>> rows = Predictions.rows(4 * 24 * 60, oct30.plusSeconds(30), 3);
    rows.forEach(
        r -> r.put("timestamp", ((Instant) r.get("timestamp")).plusSeconds(59L * rows.indexOf(r))));
    LakeWriteResult result =
        lake.writeCleanData(
            Predictions.schema(), rows, LakeWriteOptions.defaults().partitionBy("timestamp"));
    long november =
        rows.stream()
            .filter(
                r ->
                    !((Instant) r.get("timestamp")).isBefore(Instant.parse("2025-11-01T00:00:00Z")))
            .count();
    assertThat(november).isBetween(1L, (long) rows.size() - 1);
    assertThat(result.files()).hasSize(4);

    String glob = Duck.literal(base.resolve("lake/clean/silver/slm_predictions/**/*.parquet"));
    String seedQuery = "SELECT count(*) FROM read_parquet(" + glob + ") WHERE date >= '2025-11-01'";
    assertThat(Duck.scalar(seedQuery)).isEqualTo(november);
    if (layout != PartitionLayout.DATE_PATH) {
      assertThat(
              Duck.scalar(
                  "SELECT count(*) FROM read_parquet("
                      + glob
                      + ", hive_partitioning = true) WHERE date >= '2025-11-01'"))
          .isEqualTo(november);
    }
    assertThat(Duck.scalar("SELECT count(*) FROM read_parquet(" + glob + ")"))
        .isEqualTo((long) rows.size());
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + glob
                    + ") WHERE date <> CAST(timezone('UTC', timestamp) AS DATE)"))
        .isEqualTo(0L);
  }

  @Test
  void levelFiveIsNoLargerThanLevelThreeOnCompressibleData() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    TableSchema schema = StagingWriter.withoutPartitions(Predictions.schema());
    List<Map<String, Object>> rows = Predictions.rows(200_000, Predictions.START, 4);
    long level3 =
        StagingWriter.builder(paths)
            .build()
            .writeIntermediate(SlmId.of(1), BatchId.of("l3"), schema, rows)
            .bytes();
    long level5 =
        StagingWriter.builder(paths)
            .settings(WriterSettings.lake())
            .build()
            .writeIntermediate(SlmId.of(1), BatchId.of("l5"), schema, rows)
            .bytes();
    long level19 =
        StagingWriter.builder(paths)
            .settings(WriterSettings.staging().toBuilder().compressionLevel(19).build())
            .build()
            .writeIntermediate(SlmId.of(1), BatchId.of("l19"), schema, rows)
            .bytes();
    assertThat(level5).isLessThanOrEqualTo(level3);
    assertThat(level19).isLessThan(level3);
    assertThat(Files.size(paths.intermediateFile(SlmId.of(1), BatchId.of("l5")))).isEqualTo(level5);
  }
}
