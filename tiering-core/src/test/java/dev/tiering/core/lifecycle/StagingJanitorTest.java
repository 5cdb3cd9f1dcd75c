package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.ByteSize;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.LockMode;
import dev.tiering.core.storage.LockProbe;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.core.testing.FaultyStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingJanitorTest {

  private static final Instant NOW = Instant.parse("2025-11-10T12:00:00Z");

  @TempDir Path base;
  private PathResolver paths;
  private Path staging;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    staging = Files.createDirectories(paths.areaRoot(Area.STAGING));
  }

  private Path stage(StagingFile file, Duration age) throws IOException {
    Path path = Files.writeString(paths.stagingFile(file), "data of " + file);
    Files.setLastModifiedTime(path, FileTime.from(NOW.minus(age)));
    return path;
  }

  /** The seed's scenario: 7 SLMs, 5 batches, batch i written i hours after the first. */
  private void sevenSlmsFiveBatches() throws IOException {
    for (int b = 1; b <= 5; b++) {
      for (int slm = 0; slm < 7; slm++) {
        BatchId batch = BatchId.of("batch-" + b);
        stage(StagingFile.intermediate(SlmId.of(slm), batch), Duration.ofHours(10 - b));
        stage(StagingFile.crosscheck(SlmId.of(slm), batch), Duration.ofHours(10 - b));
      }
    }
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(staging)) {
      // The batch lock file is the janitor's own and stays.
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(".batches.lock"))
          .sorted()
          .toList();
    }
  }

  private StagingJanitor janitor() {
    return StagingJanitor.builder(paths).clock(clock).build();
  }

  @Test
  void keepRecentTwoLeavesExactlyTheTwoNewestBatches() throws IOException {
    sevenSlmsFiveBatches();

    LifecycleReport report = janitor().cleanupOldBatches(2).execute();

    assertThat(report.removedFiles()).isEqualTo(3 * 14);
    assertThat(report.ok()).isTrue();
    assertThat(names())
        .hasSize(28)
        .allMatch(n -> n.endsWith("_batch-4.parquet") || n.endsWith("_batch-5.parquet"));
    assertThat(janitor().batches())
        .extracting(b -> b.batch().value())
        .containsExactly("batch-5", "batch-4");
  }

  @Test
  void aDryRunReportsTheSameAndChangesNothing() throws IOException {
    sevenSlmsFiveBatches();
    LifecycleReport dry = janitor().cleanupOldBatches(2).preview();
    assertThat(names()).hasSize(70);
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.removedFiles()).isEqualTo(42);
    assertThat(dry.summary())
        .isEqualTo(
            "cleanup keeping the 2 most recent batches (dry run,"
                + " nothing changed): would delete 42 file(s) ("
                + ByteSize.of(dry.removedBytes())
                + "), would keep 28, 0 failure(s)");
    assertThat(janitor().cleanupOldBatches(2).execute().actions(LifecycleReport.Verb.DELETED))
        .extracting(LifecycleReport.Action::path)
        .containsExactlyInAnyOrderElementsOf(
            dry.actions(LifecycleReport.Verb.DELETED).stream()
                .map(LifecycleReport.Action::path)
                .toList());
  }

  @Test
  void cleanupBatchRemovesEverySlmIdPresentNotOnlyZeroToSix() throws IOException {
    BatchId batch = BatchId.of("b42");
    long bytes = 0;
    for (int slm : new int[] {0, 6, 7, 42, 1000}) {
      bytes +=
          Files.size(stage(StagingFile.intermediate(SlmId.of(slm), batch), Duration.ofHours(1)));
    }
    bytes += Files.size(stage(StagingFile.crosscheck(SlmId.of(42), batch), Duration.ofHours(1)));
    stage(StagingFile.intermediate(SlmId.of(1), BatchId.of("b43")), Duration.ofHours(1));

    LifecycleReport report = janitor().cleanupBatch(batch).execute();

    assertThat(report.removedFiles()).isEqualTo(6);
    assertThat(report.removedBytes()).isEqualTo(bytes);
    assertThat(names()).containsExactly("slm_1_b43.parquet");
  }

  @Test
  void liveTempFilesYoungBatchesAndForeignFilesSurvive() throws IOException {
    BatchId batch = BatchId.of("b1");
    Path old = stage(StagingFile.intermediate(SlmId.of(1), batch), Duration.ofHours(2));
    Path young =
        stage(StagingFile.intermediate(SlmId.of(2), BatchId.of("b0")), Duration.ofMinutes(1));
    Path foreign = Files.writeString(staging.resolve("notes.txt"), "keep");
    // A live writer of another batch: its temporary file is never touched.
    try (PendingFile live =
        Storage.local()
            .create(paths.intermediateFile(SlmId.of(3), BatchId.of("b2")), WriteMode.CREATE_NEW)) {
      live.stream().write(1);
      live.stream().flush();

      LifecycleReport report = janitor().cleanupOldBatches(0).execute();

      assertThat(report.actions(LifecycleReport.Verb.DELETED))
          .extracting(LifecycleReport.Action::path)
          .containsExactly(old);
      assertThat(report.actions(LifecycleReport.Verb.KEPT))
          .singleElement()
          .satisfies(
              a ->
                  assertThat(a.detail())
                      .isEqualTo("batch b0 has a file younger than the 5-minute grace period"));
      assertThat(young).exists();
      assertThat(foreign).exists();
      assertThat(names()).anyMatch(n -> Storage.isTemporary(n));
      live.commit();
    }
    assertThat(paths.intermediateFile(SlmId.of(3), BatchId.of("b2"))).exists();
  }

  @Test
  void aBatchWithOneFileInsideTheGracePeriodIsKeptWholeNotHalfDeleted() throws IOException {
    for (int slm = 2; slm <= 4; slm++) {
      stage(StagingFile.intermediate(SlmId.of(slm), BatchId.of("b1")), Duration.ofHours(2));
    }
    stage(StagingFile.intermediate(SlmId.of(1), BatchId.of("b1")), Duration.ofSeconds(30));
    stage(StagingFile.intermediate(SlmId.of(1), BatchId.of("b2")), Duration.ofSeconds(20));
    stage(StagingFile.intermediate(SlmId.of(1), BatchId.of("b3")), Duration.ofSeconds(10));

    LifecycleReport report = janitor().cleanupOldBatches(2).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED)).isEmpty();
    assertThat(names()).filteredOn(n -> n.contains("_b1.")).hasSize(4);
  }

  @Test
  void aLinkIsRemovedAsALinkAndItsTargetSurvives(@TempDir Path outside) throws IOException {
    Path target = Files.writeString(outside.resolve("precious.parquet"), "precious");
    Path link = paths.intermediateFile(SlmId.of(5), BatchId.of("b1"));
    Files.createSymbolicLink(link, target);
    Files.setLastModifiedTime(target, FileTime.from(NOW.minus(Duration.ofDays(1))));
    Files.getFileAttributeView(
            link,
            java.nio.file.attribute.BasicFileAttributeView.class,
            java.nio.file.LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.from(NOW.minus(Duration.ofDays(1))), null, null);

    LifecycleReport report = janitor().cleanupBatch(BatchId.of("b1")).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .singleElement()
        .satisfies(a -> assertThat(a.detail()).isEqualTo("link removed, its target left alone"));
    assertThat(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.readString(target)).isEqualTo("precious");
  }

  @Test
  void oneFailedDeleteIsReportedAndTheRestGoOn() throws IOException {
    sevenSlmsFiveBatches();
    Path stuck = paths.intermediateFile(SlmId.of(3), BatchId.of("batch-1"));
    FaultyStorage storage = new FaultyStorage().failDeletes(stuck::equals);
    StagingJanitor janitor = StagingJanitor.builder(paths).clock(clock).storage(storage).build();

    LifecycleReport report = janitor.cleanupBatch(BatchId.of("batch-1")).execute();

    assertThat(report.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo(stuck))
        .satisfies(f -> assertThat(f.error()).contains("Delete failed (injected)"));
    assertThat(report.removedFiles()).isEqualTo(13);
    assertThat(names()).contains("slm_3_batch-1.parquet").hasSize(70 - 13);
  }

  @Test
  void archivingMovesOldBatchesToTheLakeArchiveEvenAcrossDevices() throws IOException {
    sevenSlmsFiveBatches();
    FaultyStorage crossDevice = new FaultyStorage().crossDevice(true);
    StagingJanitor archiving =
        StagingJanitor.builder(paths).clock(clock).storage(crossDevice).archive(true).build();

    LifecycleReport report = archiving.cleanupOldBatches(4).execute();

    assertThat(report.actions(LifecycleReport.Verb.ARCHIVED)).hasSize(14);
    Path archived = base.resolve("lake/archive/staging/batch-1/slm_0_batch-1.parquet");
    assertThat(Files.readString(archived)).isEqualTo("data of slm_0_batch-1.parquet");
    assertThat(names()).hasSize(56).noneMatch(n -> n.contains("batch-1."));
  }

  @Test
  void aBatchStillBeingWrittenIsKeptWholeHoweverOld() throws IOException {
    sevenSlmsFiveBatches();
    // SLM 6 is still writing batch-1 (a laggard), hours after the others finished it: what counts
    // is that its writer holds the batch, not how old any file is.
    try (java.io.Closeable laggard =
        StagingJanitor.holdBatch(paths, Storage.local(), BatchId.of("batch-1"))) {
      LifecycleReport report = janitor().cleanupOldBatches(2).execute();

      assertThat(report.actions(LifecycleReport.Verb.DELETED))
          .hasSize(2 * 7 * 2)
          .noneMatch(a -> a.path().getFileName().toString().contains("batch-1"));
      assertThat(report.actions(LifecycleReport.Verb.KEPT))
          .filteredOn(a -> a.path().getFileName().toString().contains("batch-1"))
          .hasSize(14)
          .allSatisfy(
              a ->
                  assertThat(a.detail())
                      .isEqualTo("batch batch-1 is still being written (a live writer holds it)"));

      assertThat(janitor().cleanupBatch(BatchId.of("batch-1")).execute().removedFiles()).isZero();
    }
    LifecycleReport after = janitor().cleanupBatch(BatchId.of("batch-1")).execute();
    assertThat(after.removedFiles()).isEqualTo(14);
    assertThat(names()).noneMatch(n -> n.contains("batch-1."));
  }

  @Test
  void aBatchHeldByAnotherProcessIsKeptWhole() throws Exception {
    sevenSlmsFiveBatches();
    Process writer = LockProbe.hold(paths.stagingLockFile(), "batch batch-2", LockMode.SHARED);
    try {
      LifecycleReport report = janitor().cleanupOldBatches(0).execute();
      assertThat(report.actions(LifecycleReport.Verb.KEPT))
          .hasSize(14)
          .allSatisfy(a -> assertThat(a.path().getFileName().toString()).contains("batch-2."));
      assertThat(names()).hasSize(14);
    } finally {
      writer.destroyForcibly();
    }
  }

  @Test
  void aBatchAskedForIsRemovedAtOnceWithoutAGracePeriod() throws IOException {
    stage(StagingFile.intermediate(SlmId.of(0), BatchId.of("b9")), Duration.ZERO);
    stage(StagingFile.crosscheck(SlmId.of(0), BatchId.of("b9")), Duration.ZERO);

    assertThat(janitor().cleanupOldBatches(0).execute().removedFiles()).isZero();
    assertThat(janitor().cleanupBatch(BatchId.of("b9")).execute().removedFiles()).isEqualTo(2);
    assertThat(names()).isEmpty();
  }

  @Test
  void aDryRunCreatesNoLockFile() throws IOException {
    sevenSlmsFiveBatches();
    LifecycleReport report = janitor().cleanupOldBatches(2).preview();
    assertThat(report.removedFiles()).isEqualTo(3 * 14);
    assertThat(paths.stagingLockFile()).doesNotExist();
    assertThat(names()).hasSize(70);
  }

  @Test
  void aTemporaryFileLeftByACrashProtectsNothing() throws IOException {
    sevenSlmsFiveBatches();
    Path leftover =
        Files.writeString(
            staging.resolve(".slm_3_batch-1.parquet.00ff00ff00ff00ff.tmp"), "partial");
    Files.setLastModifiedTime(leftover, FileTime.from(NOW.minus(Duration.ofHours(2))));

    LifecycleReport report = janitor().cleanupOldBatches(2).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED)).hasSize(3 * 7 * 2);
    assertThat(leftover).exists();
    assertThat(Storage.temporaryTarget("slm_3_batch-1.parquet")).isEmpty();
  }
}
