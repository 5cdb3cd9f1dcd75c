package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.schema.EvolutionPolicy;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.IncompatibleSchemaException;
import dev.tiering.schema.QualityRule;
import dev.tiering.schema.RowValidationException;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeWriterTest {

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");

  @TempDir Path base;
  private PathResolver paths;
  private final AtomicReference<Instant> now = new AtomicReference<>(NOON);
  private Clock clock;

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
  }

  private LakeWriter lake() {
    return LakeWriter.builder(paths).clock(clock).build();
  }

  private Path partition() {
    return base.resolve("lake/clean/silver/slm_predictions/2025/11/10");
  }

  private List<String> namesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void secondWriteOnTheSameDayAddsAFileAndKeepsTheFirst() throws Exception {
    LakeWriteResult first =
        lake().writeCleanData(Predictions.schema(), Predictions.rows(1000, NOON, 1));
    now.set(NOON.plusSeconds(3600));
    LakeWriteResult second =
        lake().writeCleanData(Predictions.schema(), Predictions.rows(500, NOON, 2));

    assertThat(namesIn(partition()))
        .hasSize(2)
        .allMatch(n -> n.matches("part-000000000[12]-[0-9a-f-]{36}\\.parquet"))
        .contains(
            first.files().get(0).file().getFileName().toString(),
            second.files().get(0).file().getFileName().toString());
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(partition().resolve("*.parquet"))
                    + ")"))
        .isEqualTo(1500L);
    assertThat(first.sidecar().schema().version()).hasToString("1.0.0");
    assertThat(second.sidecar().schema().version()).hasToString("1.0.0");
    assertThat(second.sidecar().quality().rowCount()).isEqualTo(1500);
    assertThat(
            SchemaSidecar.read(paths.schemaFile(Zone.SILVER, TableName.of("slm_predictions")))
                .schema()
                .schemaExtras())
        .containsEntry("partition_layout", "\"seed\"");
  }

  @Test
  void anExceptionMidwayLeavesNoVisibleFileAndAnUnchangedSidecar() throws Exception {
    lake().writeCleanData(Predictions.schema(), Predictions.rows(100, NOON, 1));
    Path sidecar = paths.schemaFile(Zone.SILVER, TableName.of("slm_predictions"));
    byte[] before = Files.readAllBytes(sidecar);
    List<String> filesBefore = namesIn(partition());

    assertThatThrownBy(
            () -> {
              try (LakeTableWriter writer = lake().open(Predictions.schema())) {
                for (Map<String, Object> row : Predictions.rows(100_000, NOON, 2)) {
                  writer.write(row);
                }
                throw new IllegalStateException("upstream failed after 100000 rows");
              }
            })
        .hasMessage("upstream failed after 100000 rows");

    List<Map<String, Object>> withBadRow = Predictions.rows(50_000, NOON, 3);
    withBadRow.get(40_000).put("prediction", "not a number");
    assertThatThrownBy(() -> lake().writeCleanData(Predictions.schema(), withBadRow))
        .isInstanceOf(RowValidationException.class)
        .hasMessageStartingWith("Row 40000, field 'prediction': (float64) value 'not a number'");

    assertThat(namesIn(partition())).isEqualTo(filesBefore);
    assertThat(Files.readAllBytes(sidecar)).isEqualTo(before);
  }

  @Test
  void aPublishThatFailsHalfwayLeavesNothingOfTheWrite() throws Exception {
    lake().writeCleanData(Predictions.schema(), Predictions.rows(100, NOON, 1));
    Path sidecar = paths.schemaFile(Zone.SILVER, TableName.of("slm_predictions"));
    Object rowsBefore =
        Duck.scalar(
            "SELECT count(*) FROM read_parquet("
                + Duck.literal(base.resolve("lake/clean/silver/slm_predictions/**/*.parquet"))
                + ")");
    byte[] before = Files.readAllBytes(sidecar);
    // The second file's publish fails, as in a partition directory the process may not write.
    int[] publishes = {0};
    Storage failing =
        new ForwardingStorage(Storage.forLayout(paths.layout())) {
          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            PendingFile real = super.create(target, mode);
            if (!target.getFileName().toString().endsWith(".staged")) {
              return real;
            }
            return new dev.tiering.core.storage.ForwardingPendingFile(real) {
              @Override
              public void commit() throws IOException {
                if (++publishes[0] == 2) {
                  throw new java.nio.file.AccessDeniedException(target.toString());
                }
                real.commit();
              }
            };
          }
        };
    List<Map<String, Object>> rows = Predictions.rows(3000, NOON, 2);
    for (int i = 0; i < rows.size(); i++) {
      rows.get(i).put("timestamp", NOON.plus(Duration.ofDays(i % 3)));
    }

    assertThatThrownBy(
            () ->
                LakeWriter.builder(paths)
                    .clock(clock)
                    .storage(failing)
                    .build()
                    .writeCleanData(
                        Predictions.schema(),
                        rows,
                        LakeWriteOptions.defaults().partitionBy("timestamp")))
        .isInstanceOf(java.nio.file.AccessDeniedException.class);

    assertThat(publishes[0]).isEqualTo(2);
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(base.resolve("lake/clean/silver/slm_predictions/**/*.parquet"))
                    + ")"))
        .isEqualTo(rowsBefore);
    assertThat(Files.readAllBytes(sidecar)).isEqualTo(before);
  }

  @Test
  void anInvalidRowCanBeSkippedAndTheRestCommitted() throws Exception {
    TableSchema schema = Predictions.schema();
    int prediction = schema.indexOf("prediction");
    int ts = schema.indexOf("timestamp");
    int slm = schema.indexOf("slm_id");
    int skipped = 0;
    LakeWriteResult result;
    try (LakeTableWriter writer = lake().open(schema)) {
      for (int i = 0; i < 100; i++) {
        try {
          writer.setTimestamp(ts, NOON).setInt(slm, 1);
          writer.setDouble(prediction, i % 10 == 0 ? Double.NaN : 0.5);
          writer.endRow();
        } catch (RowValidationException refused) {
          skipped++;
        }
      }
      writer.setTimestamp(ts, NOON);
      assertThatThrownBy(writer::endRow)
          .isInstanceOf(RowValidationException.class)
          .hasMessageContaining("field 'slm_id'")
          .hasMessageContaining("required but missing");
      result = writer.commit();
    }
    assertThat(skipped).isEqualTo(10);
    assertThat(result.rows()).isEqualTo(90);
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(result.files().get(0).file())
                    + ")"))
        .isEqualTo(90L);
  }

  @Test
  void anIncompatibleSchemaIsRefusedBeforeAnyRowIsWritten() throws Exception {
    lake().writeCleanData(Predictions.schema(), Predictions.rows(10, NOON, 1));
    TableSchema s = Predictions.schema();
    TableSchema changed =
        new TableSchema(
            s.table(),
            s.zone(),
            s.version(),
            s.createdAt(),
            List.of(
                s.fields().get(0), s.fields().get(1).withType(FieldType.STRING), s.fields().get(2)),
            s.partitionBy(),
            s.extras(),
            s.schemaExtras());
    List<String> before = namesIn(partition());

    assertThatThrownBy(() -> lake().open(changed))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("1 of 1 change(s) are incompatible")
        .hasMessageContaining("changed type of 'slm_id' from int32 to string [incompatible]");
    assertThat(namesIn(partition())).isEqualTo(before);

    LakeWriteResult major =
        lake()
            .writeCleanData(
                changed,
                List.of(Map.of("timestamp", NOON, "slm_id", "phi-3", "prediction", 0.1)),
                LakeWriteOptions.defaults().evolution(EvolutionPolicy.NEW_MAJOR));
    assertThat(major.sidecar().schema().version()).hasToString("2.0.0");
    // A new major version drops the nullable fields the write left out: it is the new schema.
    assertThat(major.sidecar().schema().field("confidence")).isEmpty();
  }

  @Test
  void anotherPartitionLayoutIsRefusedForAnExistingTable() throws Exception {
    lake().writeCleanData(Predictions.schema(), Predictions.rows(10, NOON, 1));
    LakeWriter hive =
        LakeWriter.builder(paths).clock(clock).layout(PartitionLayout.HIVE_DATE).build();
    assertThatThrownBy(() -> hive.open(Predictions.schema()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Table silver.slm_predictions lays out partitions as \"seed\" but this writer"
                + " uses \"hive\" (use the table's layout; one table with two layouts cannot be"
                + " queried as one)");
  }

  @Test
  void filesRollAtTheTargetSize() throws Exception {
    LakeWriter small =
        LakeWriter.builder(paths)
            .clock(clock)
            .settings(
                WriterSettings.lake().toBuilder()
                    .targetFileBytes(1024 * 1024)
                    .rowGroupBytes(1024 * 1024)
                    .build())
            .build();
    LakeWriteResult result =
        small.writeCleanData(Predictions.schema(), Predictions.rows(400_000, NOON, 5));

    // About 1 MiB each: rolling is checked after every batch of 16,384 rows.
    assertThat(result.files().size()).isEqualTo((int) Math.ceil(result.bytes() / (1024.0 * 1024)));
    assertThat(result.files().size()).isGreaterThan(1);
    assertThat(result.files()).allSatisfy(f -> assertThat(f.bytes()).isLessThan(2 * 1024 * 1024));
    assertThat(result.files().stream().mapToLong(WriteResult::rows).sum()).isEqualTo(400_000);
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(partition().resolve("*.parquet"))
                    + ")"))
        .isEqualTo(400_000L);
  }

  @Test
  void rowsSpanningManyDaysKeepFewFilesOpenAndLandInTheirDays() throws Exception {
    LakeWriter twoOpen = LakeWriter.builder(paths).clock(clock).maxOpenPartitions(2).build();
    List<Map<String, Object>> rows = Predictions.rows(5000, NOON, 6);
    for (int i = 0; i < rows.size(); i++) {
      // Runs of 100 rows per day, the days cycling: more days than open files.
      rows.get(i).put("timestamp", NOON.plus(Duration.ofDays((i / 100) % 5)).plusSeconds(i));
    }
    LakeWriteResult result =
        twoOpen.writeCleanData(
            Predictions.schema(), rows, LakeWriteOptions.defaults().partitionBy("timestamp"));

    assertThat(result.files()).hasSize(50);
    List<Map<String, Object>> perDay =
        Duck.query(
            "SELECT date::VARCHAR AS d, count(*) AS n FROM"
                + " read_parquet("
                + Duck.literal(base.resolve("lake/clean/silver/slm_predictions/**/*.parquet"))
                + ") GROUP BY date ORDER BY date");
    assertThat(perDay)
        .extracting(m -> m.get("d") + "=" + m.get("n"))
        .containsExactly(
            "2025-11-10=1000",
            "2025-11-11=1000",
            "2025-11-12=1000",
            "2025-11-13=1000",
            "2025-11-14=1000");
    assertThat(
            new LakeReader(paths)
                .files(
                    Zone.SILVER,
                    TableName.of("slm_predictions"),
                    java.time.LocalDate.of(2025, 11, 12),
                    java.time.LocalDate.of(2025, 11, 13)))
        .extracting(LakeReader.DataFile::day)
        .containsOnly(java.time.LocalDate.of(2025, 11, 12), java.time.LocalDate.of(2025, 11, 13));
    // A range of years walks the tree instead of looking each day up: same answer.
    assertThat(
            new LakeReader(paths)
                .files(
                    Zone.SILVER,
                    TableName.of("slm_predictions"),
                    java.time.LocalDate.of(2020, 1, 1),
                    java.time.LocalDate.of(2025, 11, 13)))
        .extracting(LakeReader.DataFile::day)
        .containsOnly(
            java.time.LocalDate.of(2025, 11, 10),
            java.time.LocalDate.of(2025, 11, 11),
            java.time.LocalDate.of(2025, 11, 12),
            java.time.LocalDate.of(2025, 11, 13));
  }

  @Test
  void aTableWithoutRulesStillRecordsAccuracyTheShareOfOfferedRowsThatWereValid() throws Exception {
    try (LakeTableWriter writer = lake().open(Predictions.schema())) {
      for (Map<String, Object> row : Predictions.rows(3, NOON, 1)) {
        writer.write(row);
      }
      Map<String, Object> bad = new java.util.HashMap<>(Predictions.rows(1, NOON, 2).get(0));
      bad.put("slm_id", "not a number");
      assertThatThrownBy(() -> writer.write(bad)).isInstanceOf(IllegalArgumentException.class);
      assertThat(writer.commit().sidecar().quality().accuracy()).isEqualTo(0.75);
    }
    String json = Files.readString(paths.schemaFile(Zone.SILVER, TableName.of("slm_predictions")));
    assertThat(json).contains("\"completeness\": ", "\"accuracy\": 0.75,", "\"last_validated\": ");
  }

  @Test
  void qualityMetricsOfTheWriteAreMergedIntoTheSidecar() throws Exception {
    LakeWriteOptions options =
        LakeWriteOptions.defaults()
            .rules(
                List.of(
                    QualityRule.of(
                        "prediction_in_0_1",
                        row ->
                            row.getDouble("prediction") >= 0 && row.getDouble("prediction") <= 1)));
    List<Map<String, Object>> rows = Predictions.rows(1000, NOON, 7);
    for (int i = 0; i < 100; i++) {
      rows.get(i).put("prediction", 1.5);
    }
    lake().writeCleanData(Predictions.schema(), rows, options);
    LakeWriteResult second =
        lake().writeCleanData(Predictions.schema(), Predictions.rows(1000, NOON, 8), options);

    var quality = second.sidecar().quality();
    assertThat(quality.rowCount()).isEqualTo(2000);
    assertThat(quality.accuracy()).isEqualTo(0.95);
    assertThat(quality.fieldQuality().get("confidence").nulls()).isEqualTo(200);
    assertThat(quality.completeness()).isEqualTo(1 - 200.0 / (2000 * 5));
    assertThat(quality.lastValidated()).isEqualTo(NOON);
  }

  @Test
  void theBufferedAppenderWritesFewFilesAtTheThresholds() throws Exception {
    LakeWriter lake = lake();
    List<Map<String, Object>> rows = Predictions.rows(30, NOON, 9);
    try (BufferedLakeAppender appender =
        lake.appender(
            Predictions.schema(),
            LakeWriteOptions.defaults(),
            64L * 1024 * 1024,
            Duration.ofMinutes(5))) {
      for (int i = 0; i < 10; i++) {
        assertThat(appender.append(rows.get(i))).isEmpty();
      }
      now.set(NOON.plusSeconds(301));
      assertThat(appender.flushIfDue()).hasValueSatisfying(r -> assertThat(r.rows()).isEqualTo(10));
      for (int i = 10; i < 30; i++) {
        appender.append(rows.get(i));
      }
      Map<String, Object> bad = new HashMap<>(rows.get(0));
      bad.put("slm_id", null);
      assertThatThrownBy(() -> appender.append(bad)).isInstanceOf(RowValidationException.class);
    }
    assertThat(namesIn(partition())).hasSize(2);
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(partition().resolve("*.parquet"))
                    + ")"))
        .isEqualTo(30L);
  }

  @Test
  void aTableWithoutPartitionsKeepsFilesInItsDirectory() throws Exception {
    TableSchema flat =
        TableSchema.builder(Zone.GOLD, "consensus")
            .required("input_id", FieldType.INT64)
            .nullable("agreement", FieldType.FLOAT64)
            .build();
    LakeWriteResult result = lake().writeCleanData(flat, List.of(Map.of("input_id", 1L)));
    assertThat(result.files().get(0).file().getParent())
        .isEqualTo(base.resolve("lake/clean/gold/consensus"));
    assertThatThrownBy(() -> lake().open(flat, LakeWriteOptions.defaults().partitionBy("input_id")))
        .hasMessage(
            "Cannot partition gold.consensus by 'input_id': it is int64 (use a timestamp"
                + " or date field)");
  }

  /**
   * A commit of the buffered appender that fails before its commit point (a full lake, here the
   * commit record cannot be written) rolls back, as it must; but the rows it buffered, which the
   * caller handed over in earlier {@code append} calls that returned normally, must not vanish with
   * it: once the cause is gone, the next flush or the close should commit them. Today the failed
   * flush drops them, and the caller, who no longer has them, cannot write them again.
   */
  @Test
  void aFlushThatFailsBeforeItsCommitPointKeepsTheBufferedRowsForTheNextFlush() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean full =
        new java.util.concurrent.atomic.AtomicBoolean(false);
    Storage failing =
        new ForwardingStorage(Storage.local()) {
          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            if (full.get() && target.getFileName().toString().endsWith(".pending.json")) {
              throw new IOException("No space left on device");
            }
            return super.create(target, mode);
          }
        };
    LakeWriter lake = LakeWriter.builder(paths).storage(failing).clock(clock).build();
    List<Map<String, Object>> rows = Predictions.rows(10, NOON, 9);
    BufferedLakeAppender appender =
        lake.appender(
            Predictions.schema(),
            LakeWriteOptions.defaults(),
            64L * 1024 * 1024,
            Duration.ofHours(1));
    for (Map<String, Object> row : rows) {
      assertThat(appender.append(row)).isEmpty();
    }
    full.set(true);
    assertThatThrownBy(appender::flush).isInstanceOf(IOException.class);
    full.set(false);
    appender.close();
    long committed = 0;
    try (ParquetRowReader read =
        new LakeReader(paths).scan(Zone.SILVER, TableName.of("slm_predictions"))) {
      while (read.next()) {
        committed++;
      }
    } catch (java.nio.file.NoSuchFileException noTableYet) {
      // nothing committed at all
    }
    assertThat(committed).as("rows committed once the disk had room again").isEqualTo(10);
  }

  /**
   * A flush that fails while it publishes its files may have lost them: the appender says how many
   * rows and closes, so no later append or close passes for a commit.
   */
  @Test
  void aFlushThatFailsWhilePublishingClosesTheAppenderNamingTheRowsLost() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean broken =
        new java.util.concurrent.atomic.AtomicBoolean(false);
    Storage failing =
        new ForwardingStorage(Storage.local()) {
          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            PendingFile file = super.create(target, mode);
            if (!broken.get() || !PathResolver.isStagedName(target.getFileName().toString())) {
              return file;
            }
            return new dev.tiering.core.storage.ForwardingPendingFile(file) {
              @Override
              public void commit() throws IOException {
                close();
                throw new IOException("Input/output error (injected)");
              }
            };
          }
        };
    LakeWriter lake = LakeWriter.builder(paths).storage(failing).clock(clock).build();
    BufferedLakeAppender appender =
        lake.appender(
            Predictions.schema(),
            LakeWriteOptions.defaults(),
            64L * 1024 * 1024,
            Duration.ofHours(1));
    broken.set(true);
    for (Map<String, Object> row : Predictions.rows(10, NOON, 9)) {
      appender.append(row);
    }
    assertThatThrownBy(appender::flush).isInstanceOf(IOException.class);
    broken.set(false);
    assertThatThrownBy(() -> appender.append(Predictions.rows(1, NOON, 1).get(0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Appender for silver.slm_predictions lost 10 row(s) when a flush");
    assertThatThrownBy(appender::close)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("append them again through a new appender");
  }
}
