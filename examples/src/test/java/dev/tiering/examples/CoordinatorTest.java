package dev.tiering.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.IncompleteBatchException;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.StagingWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator against the timing of its SLM jobs. */
class CoordinatorTest {

  private static final int SLMS = 7;
  private static final int ROWS = 500;

  @TempDir Path base;

  /**
   * The seed's failure mode: a coordinator that runs before the last jobs committed. It must write
   * nothing and clean nothing; run again once the jobs are done, it writes every prediction to
   * silver exactly once.
   */
  @Test
  void startedBeforeItsJobsFinishItWritesNothingThenEveryPredictionExactlyOnce() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter staging = StagingWriter.builder(paths).build();
    Coordinator coordinator =
        new Coordinator(
            staging,
            LakeWriter.builder(paths).build(),
            StagingJanitor.builder(paths).grace(Duration.ZERO).build());
    BatchId batch = BatchId.of("b3");
    Instant start = Instant.parse("2025-11-10T12:00:00Z");
    List<SlmId> slms = SlmId.range(0, SLMS);

    // Nothing staged yet, then 4 of 7 jobs done: the coordinator starts each time, too early.
    assertThatThrownBy(() -> coordinator.process(batch, slms))
        .isInstanceOf(IncompleteBatchException.class)
        .hasMessageContaining("no intermediate file yet of SLM(s) 0, 1, 2, 3, 4, 5, 6");
    for (int s = 0; s < 4; s++) {
      new SlmInferenceJob(staging, SlmId.of(s)).run(batch, 1000, ROWS, start);
    }
    assertThatThrownBy(() -> coordinator.process(batch, slms))
        .isInstanceOfSatisfying(
            IncompleteBatchException.class,
            e -> assertThat(e.missing()).containsExactly(SlmId.of(4), SlmId.of(5), SlmId.of(6)));
    assertThat(coordinator.committed(batch)).isFalse();
    assertThat(Files.exists(base.resolve("lake/clean/silver/slm_predictions"))).isFalse();
    assertThat(stagedFiles()).hasSize(4);

    for (int s = 4; s < SLMS; s++) {
      new SlmInferenceJob(staging, SlmId.of(s)).run(batch, 1000, ROWS, start);
    }
    Coordinator.BatchResult result = coordinator.process(batch, slms);
    assertThat(result.slms()).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(result.stagingRows()).isEqualTo(SLMS * ROWS);
    assertThat(coordinator.committed(batch)).isTrue();

    // Every valid prediction once: (slm, input) pairs are unique and complete.
    String silver =
        "read_parquet('" + base.resolve("lake/clean/silver/slm_predictions/**/*.parquet") + "')";
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(*), count(DISTINCT (slm_id, input_id)), count(DISTINCT slm_id),"
                    + " min(input_id), max(input_id) FROM "
                    + silver)) {
      rs.next();
      assertThat(rs.getLong(1))
          .isEqualTo(result.silverRows())
          .isEqualTo(SLMS * ROWS - result.rejected());
      assertThat(rs.getLong(2)).isEqualTo(rs.getLong(1));
      assertThat(rs.getLong(3)).isEqualTo(SLMS);
      assertThat(rs.getLong(4)).isEqualTo(1000);
      assertThat(rs.getLong(5)).isEqualTo(1000 + ROWS - 1);
    }
  }

  private List<Path> stagedFiles() throws Exception {
    try (Stream<Path> files = Files.list(base.resolve("hot/staging"))) {
      return files.filter(p -> p.getFileName().toString().startsWith("slm_")).toList();
    }
  }

  /**
   * A batch whose jobs all committed and found no inputs (an hour without traffic): every expected
   * SLM has its file, with 0 rows. The batch is complete, so the coordinator should settle it
   * (nothing to write, staging cleaned) rather than fail on it on every run: it writes silver with
   * the batch as write id and 0 rows, which the lake refuses ("the id would be used up").
   */
  @Test
  void aCompleteBatchWithNoPredictionsIsSettledNotRefusedOnEveryRun() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter staging = StagingWriter.builder(paths).build();
    Coordinator coordinator =
        new Coordinator(
            staging,
            LakeWriter.builder(paths).build(),
            StagingJanitor.builder(paths).grace(Duration.ZERO).build());
    BatchId batch = BatchId.of("b9");
    List<SlmId> slms = SlmId.range(0, 3);
    for (SlmId slm : slms) {
      new SlmInferenceJob(staging, slm).run(batch, 1000, 0, Instant.parse("2025-11-10T12:00:00Z"));
    }
    Coordinator.BatchResult result = coordinator.process(batch, slms);
    assertThat(result.stagingRows()).isZero();
    assertThat(result.silverRows()).isZero();
  }

  private Coordinator isolated;
  private StagingWriter isolatedStaging;

  private void isolatedCoordinator() throws Exception {
    isolatedCoordinator(false);
  }

  private void isolatedCoordinator(boolean replaceExisting) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    isolatedStaging = StagingWriter.builder(paths).replaceExisting(replaceExisting).build();
    isolated =
        new Coordinator(
            isolatedStaging,
            LakeWriter.builder(paths).build(),
            StagingJanitor.builder(paths).grace(Duration.ZERO).build());
  }

  private void stage(BatchId batch, long firstInput) throws Exception {
    for (SlmId slm : SlmId.range(0, 3)) {
      new SlmInferenceJob(isolatedStaging, slm)
          .run(batch, firstInput, 100, Instant.parse("2025-11-10T12:00:00Z"));
    }
  }

  private Path silverSidecar() {
    return base.resolve("lake/clean/silver/slm_predictions/schema.json");
  }

  private List<String> staged(BatchId batch) throws Exception {
    try (Stream<Path> files = Files.list(base.resolve("hot/staging"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("slm_") && n.endsWith("_" + batch.value() + ".parquet"))
          .toList();
    }
  }

  /**
   * A batch silver could not take keeps its staging files "to be written from again"; once the
   * table is fixed, the coordinator goes on with new batches (a service does not wait for an
   * operator). Two later batches must not clean the failed batch's staging away.
   */
  @Test
  void aBatchATableLacksKeepsItsStagingFilesWhileLaterBatchesAreCleanedUp() throws Exception {
    isolatedCoordinator();
    List<SlmId> slms = SlmId.range(0, 3);
    stage(BatchId.of("b1"), 0);
    assertThat(isolated.process(BatchId.of("b1"), slms).failures()).isEmpty();

    String json = Files.readString(silverSidecar());
    Files.writeString(silverSidecar(), json.replaceFirst("\\{", "{\"zone\": \"silver\", "));
    stage(BatchId.of("b2"), 1000);
    assertThat(isolated.process(BatchId.of("b2"), slms).failures()).hasSize(1);
    Files.writeString(silverSidecar(), json); // the operator fixes the table

    stage(BatchId.of("b3"), 2000);
    assertThat(isolated.process(BatchId.of("b3"), slms).failures()).isEmpty();
    stage(BatchId.of("b4"), 3000);
    assertThat(isolated.process(BatchId.of("b4"), slms).failures()).isEmpty();

    assertThat(isolated.committed(BatchId.of("b2"))).isFalse();
    assertThat(staged(BatchId.of("b2"))).as("staging of b2, which silver never got").hasSize(3);

    // The hot tier's cleanup timer goes by age alone: the coordinator's pin keeps b2 from it.
    StagingJanitor timer =
        StagingJanitor.builder(new PathResolver(TierLayout.under(base)))
            .grace(Duration.ZERO)
            .build();
    assertThat(timer.pinned()).containsExactly(BatchId.of("b2"));
    timer.cleanupOldBatches(0).execute();
    assertThat(staged(BatchId.of("b2"))).as("b2 after the timer's cleanup").hasSize(3);

    // Processed again, it is settled and unpinned (and, the only batch left, among the 2 newest).
    assertThat(isolated.process(BatchId.of("b2"), slms).failures()).isEmpty();
    assertThat(isolated.committed(BatchId.of("b2"))).isTrue();
    assertThat(timer.pinned()).isEmpty();
  }

  /**
   * A batch that silver committed before its schema.json was damaged, processed again: whether
   * silver has it cannot be told (its commits are read with its schema.json), so it is reported as
   * that, not as "not written", which would send the operator to redo a batch silver has; and
   * nothing is written to silver.
   */
  @Test
  void aBatchATableMayAlreadyHaveIsReportedAsUnknownNotAsNotWritten() throws Exception {
    isolatedCoordinator(true);
    List<SlmId> slms = SlmId.range(0, 3);
    stage(BatchId.of("b1"), 0);
    assertThat(isolated.process(BatchId.of("b1"), slms).failures()).isEmpty();
    Path silver = silverSidecar().getParent();
    String json = Files.readString(silverSidecar());
    Files.writeString(silverSidecar(), json.replaceFirst("\\{", "{\"zone\": \"silver\", "));
    List<String> before = treeOf(silver);

    Coordinator.BatchResult again = isolated.process(BatchId.of("b1"), slms);

    assertThat(again.failures())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("silver.slm_predictions: cannot tell whether it has the batch: ")
        .endsWith("not valid JSON: Duplicate field 'zone'");
    assertThat(treeOf(silver)).isEqualTo(before);
    assertThat(staged(BatchId.of("b1"))).hasSize(3);
  }

  private static List<String> treeOf(Path dir) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.map(p -> dir.relativize(p).toString()).sorted().toList();
    }
  }

  /**
   * The documented recovery: a batch silver could not take, processed again once the table is
   * fixed, writes what silver lacks, with the coordinator's staging writer as built by default: the
   * cross-check files the first attempt wrote are written again.
   */
  @Test
  void aFailedBatchProcessedAgainAfterTheFixWritesWhatSilverLacks() throws Exception {
    isolatedCoordinator();
    List<SlmId> slms = SlmId.range(0, 3);
    stage(BatchId.of("b1"), 0);
    assertThat(isolated.process(BatchId.of("b1"), slms).failures()).isEmpty();
    String json = Files.readString(silverSidecar());
    Files.writeString(silverSidecar(), json.replaceFirst("\\{", "{\"zone\": \"silver\", "));
    stage(BatchId.of("b2"), 1000);
    assertThat(isolated.process(BatchId.of("b2"), slms).failures()).hasSize(1);
    Files.writeString(silverSidecar(), json);

    Coordinator.BatchResult again = isolated.process(BatchId.of("b2"), slms);

    assertThat(again.failures()).isEmpty();
    assertThat(isolated.committed(BatchId.of("b2"))).isTrue();
  }

  /** Ages every commit record of every table, as a week passing between batches would. */
  private void ageCommitRecords(Duration by) throws Exception {
    try (Stream<Path> all = Files.walk(base.resolve("lake/clean"))) {
      for (Path p :
          all.filter(p -> p.getParent().getFileName().toString().equals("_commits")).toList()) {
        Files.setLastModifiedTime(
            p,
            java.nio.file.attribute.FileTime.from(
                Files.getLastModifiedTime(p).toInstant().minus(by)));
      }
    }
  }

  /**
   * A weekly coordinator: a batch's commit records are a week old when two newer batches exist.
   * With the default commit retention (7 days) they are pruned, and the coordinator can no longer
   * tell the batch settled: it keeps it (and warns), never deletes what a table may lack. With a
   * retention longer than its batches are apart, it cleans the batch as usual.
   */
  @Test
  void aWeeklyCoordinatorCleansSettledBatchesOnlyWhileTheirCommitRecordsAreKept() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    isolatedStaging = StagingWriter.builder(paths).build();
    List<SlmId> slms = SlmId.range(0, 3);
    for (boolean longRetention : new boolean[] {false, true}) {
      String run = longRetention ? "long" : "short";
      LakeWriter.Builder lake = LakeWriter.builder(paths);
      if (longRetention) {
        lake.commitRetention(new dev.tiering.schema.CommitRetention(Duration.ofDays(30), 10_000));
      }
      isolated =
          new Coordinator(
              isolatedStaging,
              lake.build(),
              StagingJanitor.builder(paths).grace(Duration.ZERO).build());
      stage(BatchId.of(run + "-b1"), 0);
      assertThat(isolated.process(BatchId.of(run + "-b1"), slms).failures()).isEmpty();
      ageCommitRecords(Duration.ofDays(8));
      for (int b = 2; b <= 3; b++) {
        stage(BatchId.of(run + "-b" + b), 1000L * b);
        assertThat(isolated.process(BatchId.of(run + "-b" + b), slms).failures()).isEmpty();
      }

      assertThat(staged(BatchId.of(run + "-b1")))
          .as("%s retention: b1, settled, beyond the 2 newest", run)
          .hasSize(longRetention ? 0 : 3);
    }
  }
}
