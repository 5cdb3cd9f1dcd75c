package dev.tiering.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.Tiering;
import dev.tiering.core.BatchId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.storage.Storage;
import dev.tiering.examples.SeedFunctions.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's three functions, and a coordinator around them, in a few lines each. */
class SeedFunctionsTest {

  @TempDir Path base;

  @Test
  void jobsStageACoordinatorVotesWritesSilverOnceAndCleansTheBatch() throws Exception {
    Tiering tiering = Tiering.builder().layout(Storage.createRoots(TierLayout.under(base))).build();
    SeedFunctions seed = new SeedFunctions(tiering);
    Instant now = Instant.parse("2025-11-10T12:00:00Z");
    for (int slm = 0; slm < 3; slm++) {
      seed.saveIntermediateResult(
          slm,
          "b42",
          List.of(
              new Prediction(1, slm, slm == 2 ? "dog" : "cat", 0.9, now),
              new Prediction(2, slm, "bird", 0.7, now)));
    }
    // The coordinator: read the batch, keep the majority label per input, write, clean up.
    List<Prediction> majority;
    try (Stream<Prediction> batch =
        tiering.staging().readBatch(BatchId.of("b42"), Prediction.class)) {
      Map<Long, List<Prediction>> byInput =
          batch.collect(Collectors.groupingBy(Prediction::inputId));
      majority =
          byInput.values().stream()
              .flatMap(
                  votes -> {
                    Map<String, Long> count =
                        votes.stream()
                            .collect(
                                Collectors.groupingBy(Prediction::label, Collectors.counting()));
                    String winner =
                        count.entrySet().stream()
                            .max(Map.Entry.comparingByValue())
                            .orElseThrow()
                            .getKey();
                    return votes.stream().filter(p -> p.label().equals(winner));
                  })
              .toList();
    }
    seed.saveCleanData("b42", majority);
    seed.saveCleanData("b42", majority); // a retry: written once
    seed.cleanupBatch("b42");

    try (Stream<Prediction> silver =
        tiering.reader().read(Zone.SILVER, "slm_predictions", Prediction.class)) {
      assertThat(silver.toList()).containsExactlyInAnyOrderElementsOf(majority).hasSize(5);
    }
    try (Stream<Path> staging = Files.list(base.resolve("hot/staging"))) {
      assertThat(staging.filter(p -> p.getFileName().toString().endsWith(".parquet"))).isEmpty();
    }
  }
}
