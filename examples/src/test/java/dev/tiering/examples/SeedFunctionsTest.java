package dev.tiering.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.Tiering;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.storage.Storage;
import dev.tiering.examples.SeedFunctions.Prediction;
import dev.tiering.parquet.IncompleteBatchException;
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
    Map<Long, List<Prediction>> byInput =
        seed.readIntermediateResults("b42", 3).stream()
            .collect(Collectors.groupingBy(Prediction::inputId));
    List<Prediction> majority =
        byInput.values().stream()
            .flatMap(
                votes -> {
                  Map<String, Long> count =
                      votes.stream()
                          .collect(Collectors.groupingBy(Prediction::label, Collectors.counting()));
                  String winner =
                      count.entrySet().stream()
                          .max(Map.Entry.comparingByValue())
                          .orElseThrow()
                          .getKey();
                  return votes.stream().filter(p -> p.label().equals(winner));
                })
            .toList();
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

  /**
   * The pattern that lost a batch: a coordinator that ran before its jobs read an empty batch,
   * committed 0 rows under the batch's write id, and its rerun was a replay of nothing followed by
   * a cleanup of every prediction. Now the read refuses, and so would the empty write.
   */
  @Test
  void aCoordinatorThatRunsBeforeItsJobsCannotUseUpTheBatch() throws Exception {
    Tiering tiering = Tiering.builder().layout(Storage.createRoots(TierLayout.under(base))).build();
    SeedFunctions seed = new SeedFunctions(tiering);
    Instant now = Instant.parse("2025-11-10T12:00:00Z");
    seed.saveIntermediateResult(0, "b3", List.of(new Prediction(1, 0, "cat", 0.9, now)));

    assertThatThrownBy(() -> seed.readIntermediateResults("b3", 3))
        .isInstanceOf(IncompleteBatchException.class)
        .hasMessageStartingWith(
            "Batch b3 is not complete: no intermediate file yet of SLM(s) 1, 2");
    assertThatThrownBy(() -> seed.saveCleanData("b3", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot commit write id 'b3' to silver.slm_predictions with no rows");
    assertThat(tiering.lake().committed(Zone.SILVER, TableName.of("slm_predictions"), "b3"))
        .isEmpty();

    for (int slm = 1; slm < 3; slm++) {
      seed.saveIntermediateResult(slm, "b3", List.of(new Prediction(1, slm, "cat", 0.8, now)));
    }
    List<Prediction> all = seed.readIntermediateResults("b3", 3);
    seed.saveCleanData("b3", all);
    seed.cleanupBatch("b3");
    try (Stream<Prediction> silver =
        tiering.reader().read(Zone.SILVER, "slm_predictions", Prediction.class)) {
      assertThat(silver.toList()).containsExactlyInAnyOrderElementsOf(all).hasSize(3);
    }
  }
}
