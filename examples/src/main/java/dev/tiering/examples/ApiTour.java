package dev.tiering.examples;

import dev.tiering.Tiering;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.DataRef;
import dev.tiering.core.routing.Placement;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriteResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The five-minute tour of the README, as code that compiles and runs (a test runs it, and checks
 * that the README shows exactly this code).
 */
public final class ApiTour {

  private ApiTour() {}

  /** Runs the tour under {@code args[0]} (default {@code ./data}). */
  public static void main(String[] args) throws IOException {
    tour(Path.of(args.length > 0 ? args[0] : "data"));
  }

  /** The tour, on both tiers under {@code base}. */
  public static void tour(Path base) throws IOException {
    // tour:start
    // One entry point: the tiers, their storage and clock, and every service on them.
    // The SDK never creates a tier root (a missing one is an unmounted disk): make them once.
    Storage.createRoots(TierLayout.under(base)); // as 'tiering init --root' does
    Tiering tiering = Tiering.builder().root(base).build(); // or Tiering.fromEnvironment()

    // Where data goes: explicit rules, and every placement says which rule chose it.
    Placement staged =
        tiering.paths().resolve(DataRef.intermediate(SlmId.of(3), BatchId.of("b42")));
    System.out.println(staged.explain());

    // Rows are plain Java records: the columns are input_id, slm_id, label, score, ts.
    record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}

    // An SLM job: its predictions to the SSD (zstd 3), complete or not at all.
    List<Prediction> predictions = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      predictions.add(new Prediction(i, 3, i % 3 == 0 ? "dog" : "cat", i / 1000.0, Instant.now()));
    }
    tiering
        .staging()
        .writeIntermediate(SlmId.of(3), BatchId.of("b42"), Prediction.class, predictions);

    // The coordinator: the batch back once every SLM it expects has committed, clean rows to
    // the lake (zstd 5, schema.json versioned, metrics merged), committed once however retried.
    List<Prediction> clean;
    try (Stream<Prediction> batch =
        tiering.staging().readBatch(BatchId.of("b42"), Prediction.class, List.of(SlmId.of(3)))) {
      clean = batch.filter(p -> p.score() >= 0.5).toList();
    }
    LakeWriteResult written =
        tiering
            .lake()
            .writeCleanData(
                Zone.SILVER,
                "slm_predictions",
                Prediction.class,
                clean,
                LakeWriteOptions.defaults().partitionBy("ts").writeId("b42"));
    System.out.println(
        "schema "
            + written.sidecar().schema().version()
            + ", commit "
            + written.commit()
            + ", "
            + written.rows()
            + " rows");

    // Reading back a date range, as records, in bounded memory.
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    try (Stream<Prediction> rows =
        tiering.reader().read(Zone.SILVER, "slm_predictions", Prediction.class, today, today)) {
      rows.limit(3).forEach(System.out::println);
    }

    // Keeping the hot tier healthy: operations are plans, previewed or executed.
    System.out.println(tiering.janitor().cleanupBatch(BatchId.of("b42")).execute().summary());
    System.out.println(tiering.health().check().format());
    // tour:end
  }
}
