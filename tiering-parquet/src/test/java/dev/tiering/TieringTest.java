package dev.tiering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One entry point: every service it hands out shares its layout, storage and clock. */
class TieringTest {

  record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}

  @TempDir Path base;

  @Test
  void theSeedsFunctionsThroughOneEntryPointShareItsStorageAndClock() throws Exception {
    Set<String> writers = ConcurrentHashMap.newKeySet();
    Storage watched =
        new ForwardingStorage(Storage.local()) {
          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            String name = target.getFileName().toString();
            writers.add(
                name.startsWith("slm_")
                    ? "staging file"
                    : name.endsWith(".staged")
                        ? "lake file"
                        : name.endsWith(".pending.json")
                            ? "commit record"
                            : name.equals("schema.json") ? "sidecar" : name);
            return super.create(target, mode);
          }
        };
    Instant noon = Instant.parse("2025-11-10T12:00:00Z");
    Tiering tiering =
        Tiering.builder()
            .layout(Storage.createRoots(TierLayout.under(base)))
            .storage(watched)
            .clock(Clock.fixed(noon, ZoneOffset.UTC))
            .build();

    List<Prediction> predictions =
        List.of(
            new Prediction(1, 3, "cat", 0.9, noon),
            new Prediction(2, 3, "dog", 0.4, noon.plusSeconds(1)));
    tiering
        .staging()
        .writeIntermediate(SlmId.of(3), BatchId.of("b42"), Prediction.class, predictions);
    List<Prediction> batch;
    try (Stream<Prediction> rows =
        tiering.staging().readBatch(BatchId.of("b42"), Prediction.class)) {
      batch = rows.toList();
    }
    tiering.lake().writeCleanData(Zone.SILVER, "slm_predictions", Prediction.class, batch);
    assertThat(tiering.janitor().cleanupBatch(BatchId.of("b42")).execute().removedFiles())
        .isEqualTo(1);

    assertThat(batch).isEqualTo(predictions);
    try (Stream<Prediction> silver =
        tiering.reader().read(Zone.SILVER, "slm_predictions", Prediction.class)) {
      assertThat(silver.toList()).isEqualTo(predictions);
    }
    // The lake's partition is the clock's day, and the sidecar was written through the storage.
    assertThat(base.resolve("lake/clean/silver/slm_predictions/2025/11/10")).isDirectory();
    assertThat(writers).contains("staging file", "lake file", "commit record", "sidecar");
    assertThat(tiering.paths().layout().hotRoot()).isEqualTo(base.resolve("hot"));
    try (Stream<Path> staging = Files.list(base.resolve("hot/staging"))) {
      assertThat(staging.map(p -> p.getFileName().toString()))
          .containsOnly(".batches.lock", ".batch-records");
    }
    // The batch's record (when it was written, for cleanup) went with its last file.
    try (Stream<Path> records = Files.list(base.resolve("hot/staging/.batch-records"))) {
      assertThat(records).isEmpty();
    }
  }

  @Test
  void tiersThatAreNotThereAreNeverCreatedAndTheFirstWriteAsksWhetherTheyAreMounted()
      throws Exception {
    // TIERING_HOT_ROOT pointing at a disk that is not mounted: the SDK must not fill the disk
    // below the mount point (the root file system) in its place.
    Tiering tiering = Tiering.builder().root(base.resolve("unmounted")).build();
    Instant noon = Instant.parse("2025-11-10T12:00:00Z");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                tiering
                    .staging()
                    .writeIntermediate(
                        SlmId.of(3),
                        BatchId.of("b42"),
                        Prediction.class,
                        List.of(new Prediction(1, 3, "cat", 0.9, noon))))
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessageContaining(
            "The hot tier root "
                + base.resolve("unmounted/hot")
                + " does not exist, so nothing was written to "
                + base.resolve("unmounted/hot/staging"))
        .hasMessageContaining("is the SSD mounted?");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                tiering
                    .lake()
                    .writeCleanData(
                        Zone.SILVER,
                        "slm_predictions",
                        Prediction.class,
                        List.of(new Prediction(1, 3, "cat", 0.9, noon))))
        .hasMessageContaining("The lake root " + base.resolve("unmounted/lake") + " does not exist")
        .hasMessageContaining("is the lake disk mounted?");
    tiering.janitor().cleanupOldBatches(1).execute(); // nothing to clean, nothing made
    assertThat(base.resolve("unmounted")).doesNotExist();
  }
}
