package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.RowSchema;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java records in and out: their columns, the lake, staging, and what cannot be mapped. */
class RecordsTest {

  record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}

  record Payment(
      @Column(name = "ts") Instant when,
      @Column(required = true) String account,
      @Column(precision = 18, scale = 2) BigDecimal amount,
      Integer retries) {}

  record Unmappable(long id, List<String> tags) {}

  record Money(BigDecimal amount) {}

  @TempDir Path base;

  private static List<Prediction> predictions(int slm, int n) {
    List<Prediction> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(
          new Prediction(
              i,
              slm,
              i % 3 == 0 ? null : "label-" + i % 5,
              i / 100.0,
              Instant.parse("2025-11-10T12:00:00Z").plusSeconds(i * 3600L + slm)));
    }
    return rows;
  }

  @Test
  void recordsGoToTheLakeAndComeBackEqualAndDuckDbReadsTheirColumns() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    List<Prediction> written = predictions(3, 50);
    LakeWriteResult result =
        LakeWriter.builder(paths)
            .build()
            .writeCleanData(
                Zone.SILVER,
                "slm_predictions",
                Prediction.class,
                written,
                LakeWriteOptions.defaults().partitionBy("ts"));

    assertThat(result.rows()).isEqualTo(50);
    assertThat(result.sidecar().schema().fields())
        .extracting(Field::name)
        .containsExactly("input_id", "slm_id", "label", "score", "ts");
    assertThat(result.sidecar().schema().fields())
        .extracting(Field::nullable)
        .containsExactly(false, false, true, false, true);
    try (Stream<Prediction> read =
        new LakeReader(paths).read(Zone.SILVER, "slm_predictions", Prediction.class)) {
      assertThat(read.toList()).containsExactlyInAnyOrderElementsOf(written);
    }
    Path table = paths.tableDir(Zone.SILVER, TableName.of("slm_predictions"));
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(table.resolve("**/*.parquet"))
                    + ") WHERE label IS NULL AND slm_id = 3"))
        .isEqualTo(17L);
  }

  @Test
  void anSlmJobWritesRecordsAndTheCoordinatorReadsTheWholeBatch() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter staging = StagingWriter.builder(paths).build();
    List<Prediction> all = new ArrayList<>();
    for (int slm = 0; slm < 3; slm++) {
      staging.writeIntermediate(
          SlmId.of(slm), BatchId.of("b42"), Prediction.class, predictions(slm, 20));
      all.addAll(predictions(slm, 20));
    }
    staging.writeIntermediate(SlmId.of(0), BatchId.of("b43"), Prediction.class, predictions(0, 5));
    try (Stream<Prediction> batch = staging.readBatch(BatchId.of("b42"), Prediction.class)) {
      assertThat(batch.toList()).isEqualTo(all);
    }
  }

  @Test
  void aCoordinatorThatNamesItsSlmsReadsExactlyThemOrNothing() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter staging = StagingWriter.builder(paths).build();
    BatchId batch = BatchId.of("b42");
    List<SlmId> seven = SlmId.range(0, 7);
    assertThatThrownBy(() -> staging.readBatch(batch, Prediction.class, seven))
        .isInstanceOfSatisfying(
            IncompleteBatchException.class,
            e -> {
              assertThat(e.batch()).isEqualTo(batch);
              assertThat(e.missing()).isEqualTo(seven);
              assertThat(e.unexpected()).isEmpty();
            })
        .hasMessage(
            "Batch b42 is not complete: no intermediate file yet of SLM(s) 0, 1, 2, 3, 4, 5, 6"
                + " (expected SLM(s) 0, 1, 2, 3, 4, 5, 6). Nothing was read: wait for the jobs to"
                + " commit and read again, or name the SLMs the batch really has");

    List<Prediction> all = new ArrayList<>();
    for (int slm : new int[] {0, 2, 5}) {
      staging.writeIntermediate(SlmId.of(slm), batch, Prediction.class, predictions(slm, 20));
      all.addAll(predictions(slm, 20));
    }
    assertThatThrownBy(() -> staging.readBatch(batch, Prediction.class, SlmId.range(0, 3)))
        .isInstanceOfSatisfying(
            IncompleteBatchException.class,
            e -> {
              assertThat(e.missing()).containsExactly(SlmId.of(1));
              assertThat(e.unexpected()).containsExactly(SlmId.of(5));
            })
        .hasMessageStartingWith(
            "Batch b42 is not complete: no intermediate file yet of SLM(s) 1; files of SLM(s) 5"
                + " that were not expected");
    assertThatThrownBy(
            () ->
                staging.readBatchColumns(
                    batch,
                    SlmId.range(0, 6),
                    RowSchema.builder().required("input_id", FieldType.INT64).build(),
                    ColumnarReader.Options.defaults()))
        .isInstanceOfSatisfying(
            IncompleteBatchException.class,
            e -> assertThat(e.missing()).containsExactly(SlmId.of(1), SlmId.of(3), SlmId.of(4)));
    assertThatThrownBy(() -> staging.readBatch(batch, Prediction.class, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read batch b42 expecting no SLMs (name the SLMs whose jobs write it)");

    try (Stream<Prediction> read =
        staging.readBatch(
            batch, Prediction.class, List.of(SlmId.of(5), SlmId.of(0), SlmId.of(2)))) {
      assertThat(read.toList()).isEqualTo(all);
    }
  }

  @Test
  void annotationsNameColumnsRequireThemAndGiveDecimalsTheirScale() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    LakeWriter lake = LakeWriter.builder(paths).build();
    Payment payment =
        new Payment(Instant.parse("2025-11-10T08:00:00Z"), "acct-1", new BigDecimal("12.50"), null);
    LakeWriteResult result =
        lake.writeCleanData(Zone.GOLD, "payments", Payment.class, List.of(payment));
    assertThat(result.sidecar().schema().fields())
        .extracting(f -> f.name() + " " + f.type().name() + (f.nullable() ? "?" : ""))
        .containsExactly(
            "ts timestamp?", "account string", "amount decimal(18,2)?", "retries int32?");
    try (Stream<Payment> read = new LakeReader(paths).read(Zone.GOLD, "payments", Payment.class)) {
      assertThat(read.toList()).containsExactly(payment);
    }
    assertThatThrownBy(
            () ->
                lake.writeCleanData(
                    Zone.GOLD,
                    "payments",
                    Payment.class,
                    List.of(new Payment(Instant.now(), null, BigDecimal.ONE, 1))))
        .hasMessageContaining("account");
  }

  @Test
  void whatCannotBeMappedIsRefusedBeforeAnythingIsWritten() throws java.io.IOException {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    LakeWriter lake = LakeWriter.builder(paths).build();
    assertThatThrownBy(
            () ->
                lake.writeCleanData(
                    Zone.SILVER,
                    "things",
                    Unmappable.class,
                    List.of(new Unmappable(1, List.of("a")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot map Unmappable.tags of type List (use int, long, float, double,"
                + " boolean, their boxes, String, Instant, LocalDate, BigDecimal or byte[])");
    assertThatThrownBy(
            () ->
                lake.writeCleanData(
                    Zone.SILVER, "money", Money.class, List.of(new Money(BigDecimal.ONE))))
        .hasMessageContaining(
            "a BigDecimal column needs"
                + " its precision and scale (annotate it @Column(precision = 18, scale = 2))");
    assertThat(base.resolve("lake")).isEmptyDirectory();
    assertThat(RecordMapping.snakeCase("inputId")).isEqualTo("input_id");
    assertThat(RecordMapping.snakeCase("HTTPCode")).isEqualTo("http_code");
    assertThat(RecordMapping.snakeCase("score2Value")).isEqualTo("score2_value");
  }
}
