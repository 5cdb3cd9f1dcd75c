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
      // The batch lock file and the batch records are the janitor's own.
      return files
          .map(p -> p.getFileName().toString())
          .filter(
              n ->
                  !n.equals(".batches.lock")
                      && !n.equals(".batch-records")
                      && !n.equals(".batch-pins"))
          .sorted()
          .toList();
    }
  }

  private StagingJanitor janitor() {
    return StagingJanitor.builder(paths).clock(clock).build();
  }

  /**
   * A coordinator pins a batch some lake table could not take: cleanup by age (the hot tier's
   * timer) keeps it, in the preview as in the execution, without counting it among the most recent,
   * until it is unpinned; removed by name, it goes with its pin.
   */
  @Test
  void aPinnedBatchIsKeptByAgeUntilUnpinnedAndGoesWithItsPinWhenRemovedByName() throws IOException {
    writeBatch("b1", NOW.minus(Duration.ofHours(3)), 2);
    writeBatch("b2", NOW.minus(Duration.ofHours(2)), 2);
    writeBatch("b3", NOW.minus(Duration.ofHours(1)), 2);
    StagingJanitor janitor = janitor();
    janitor.pin(BatchId.of("b1"));
    janitor.pin(BatchId.of("b3"));

    LifecycleReport preview = janitor.cleanupOldBatches(1).preview();
    LifecycleReport report = janitor.cleanupOldBatches(1).execute();

    assertThat(report.actions()).isEqualTo(preview.actions());
    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .as("b2 is the newest unpinned batch: kept")
        .isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .filteredOn(a -> a.path().getFileName().toString().endsWith("_b1.parquet"))
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.detail()).startsWith("batch b1 is pinned ("));
    assertThat(janitor.pinned()).containsExactly(BatchId.of("b1"), BatchId.of("b3"));

    janitor.unpin(BatchId.of("b1"));
    assertThat(janitor.cleanupOldBatches(1).execute().removedFiles()).isEqualTo(2);
    assertThat(names()).noneMatch(n -> n.endsWith("_b1.parquet"));

    janitor.cleanupBatch(BatchId.of("b3")).execute();
    assertThat(janitor.pinned()).isEmpty();
    assertThat(names()).containsExactly("slm_0_b2.parquet", "slm_1_b2.parquet");
  }

  /**
   * A coordinator pins a batch after cleanup chose it but before cleanup locked it: the pins are
   * read again under the batch locks, so the batch is kept. (A pin waits for those locks, so one
   * written later lands after the removal, never during it.)
   */
  @Test
  void aPinWrittenAfterCleanupChoseTheBatchButBeforeItLockedItKeepsTheBatch() throws IOException {
    writeBatch("b1", NOW.minus(Duration.ofHours(3)), 2);
    StagingJanitor coordinator = janitor();
    java.util.concurrent.atomic.AtomicBoolean pinned =
        new java.util.concurrent.atomic.AtomicBoolean();
    Storage pinsBeforeLocking =
        new dev.tiering.core.storage.ForwardingStorage(Storage.local()) {
          @Override
          public java.util.Optional<java.io.Closeable> tryLock(
              Path lockFile, String key, dev.tiering.core.storage.LockMode mode, Duration timeout)
              throws IOException {
            if (mode == dev.tiering.core.storage.LockMode.EXCLUSIVE
                && pinned.compareAndSet(false, true)) {
              coordinator.pin(BatchId.of("b1"));
            }
            return super.tryLock(lockFile, key, mode, timeout);
          }
        };
    StagingJanitor cleanup =
        StagingJanitor.builder(paths).clock(clock).storage(pinsBeforeLocking).build();

    LifecycleReport report = cleanup.cleanupOldBatches(0).execute();

    assertThat(pinned).isTrue();
    assertThat(report.actions(LifecycleReport.Verb.DELETED)).isEmpty();
    assertThat(names()).containsExactly("slm_0_b1.parquet", "slm_1_b1.parquet");
  }

  /**
   * Removing a batch by name removes its pin only once no file of it is left, under the batch's
   * lock: a live writer's batch keeps its pin, and a directory named like a pin is not a pin.
   */
  @Test
  void aBatchRemovedByNameKeepsItsPinWhileALiveWriterHoldsItAndLeavesOddPinsAlone()
      throws IOException {
    StagingJanitor janitor = janitor();
    janitor.pin(BatchId.of("b1"));
    try (java.io.Closeable hold =
        StagingJanitor.holdBatch(paths, Storage.local(), BatchId.of("b1"), clock)) {
      janitor.cleanupBatch(BatchId.of("b1")).execute();
      Files.writeString(paths.intermediateFile(SlmId.of(0), BatchId.of("b1")), "rows");
    }
    assertThat(janitor.pinned()).containsExactly(BatchId.of("b1"));

    writeBatch("b2", NOW.minus(Duration.ofHours(3)), 1);
    Path odd = Files.createDirectories(paths.stagingBatchPin(BatchId.of("b2")));
    Files.writeString(odd.resolve("keep"), "x");
    assertThat(janitor.pinned()).containsExactly(BatchId.of("b1"));
    janitor.cleanupBatch(BatchId.of("b2")).execute();
    assertThat(odd.resolve("keep")).exists();
    assertThat(names()).containsExactly("slm_0_b1.parquet");
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
                      .isEqualTo("batch b0 was written to within the 5-minute grace period"));
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
    // Batch-1 was recorded when it began, nine hours ago.
    StagingJanitor.holdBatch(
            paths,
            Storage.local(),
            BatchId.of("batch-1"),
            Clock.fixed(NOW.minus(Duration.ofHours(9)), ZoneOffset.UTC))
        .close();
    // SLM 6 is still writing batch-1 (a laggard), hours after the others finished it: what counts
    // is that its writer holds the batch, not how old any file is.
    try (java.io.Closeable laggard =
        StagingJanitor.holdBatch(paths, Storage.local(), BatchId.of("batch-1"), clock)) {
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

  /**
   * Writes a batch as a writer does: holding it (which records its first write and last publish by
   * {@code clock}) while its files are published, each with the clock's time as modification time.
   */
  private void writeBatch(String id, Instant at, int slms) throws IOException {
    BatchId batch = BatchId.of(id);
    // Each reading is a millisecond on: the hold records "first" at `at`, "last" a millisecond on.
    dev.tiering.core.testing.TickingClock clock =
        new dev.tiering.core.testing.TickingClock(at.minusMillis(1));
    try (java.io.Closeable hold = StagingJanitor.holdBatch(paths, Storage.local(), batch, clock)) {
      for (int slm = 0; slm < slms; slm++) {
        Path file =
            Files.writeString(paths.intermediateFile(SlmId.of(slm), batch), "rows of " + id);
        Files.setLastModifiedTime(file, FileTime.from(at));
      }
    }
  }

  private void touch(Path file, String instant) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse(instant)));
  }

  @Test
  void aFileDatedInTheFutureNeitherKeepsItsBatchNorDeletesTheNewest() throws IOException {
    writeBatch("b1", NOW.minus(Duration.ofHours(2)), 7);
    writeBatch("b2", NOW.minus(Duration.ofHours(1)), 7);
    // Restored with cp -a, tar or rsync -t from a machine with a wrong clock, or touched.
    Path future = paths.intermediateFile(SlmId.of(3), BatchId.of("b1"));
    touch(future, "2099-01-01T00:00:00Z");

    LifecycleReport report = janitor().cleanupOldBatches(1).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .hasSize(7)
        .allSatisfy(a -> assertThat(a.path().getFileName().toString()).endsWith("_b1.parquet"));
    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .filteredOn(a -> a.path().equals(future))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.detail())
                    .isEqualTo(
                        "its modification time 2099-01-01T00:00:00Z is in the future (now is"
                            + " 2025-11-10T12:00:00Z): not used to date its batch (restored with"
                            + " cp -a, tar or rsync -t, touched, or written under a wrong clock?)"));
    assertThat(names()).hasSize(7).allMatch(n -> n.endsWith("_b2.parquet"));
    // The record went with the batch's last file.
    assertThat(paths.stagingBatchRecord(BatchId.of("b1"))).doesNotExist();
    assertThat(paths.stagingBatchRecord(BatchId.of("b2"))).exists();
  }

  @Test
  void withoutRecordsBatchesRankByTheirOldestPlausibleFileTimeAndAFutureOneIsNotUsed()
      throws IOException {
    for (int slm = 0; slm < 7; slm++) {
      stage(StagingFile.intermediate(SlmId.of(slm), BatchId.of("b1")), Duration.ofHours(2));
      stage(StagingFile.intermediate(SlmId.of(slm), BatchId.of("b2")), Duration.ofHours(1));
    }
    touch(paths.intermediateFile(SlmId.of(3), BatchId.of("b1")), "2099-01-01T00:00:00Z");

    LifecycleReport dry = janitor().cleanupOldBatches(1).preview();
    LifecycleReport report = janitor().cleanupOldBatches(1).execute();

    assertThat(dry.actions()).isEqualTo(report.actions());
    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .hasSize(7)
        .allSatisfy(a -> assertThat(a.path().getFileName().toString()).endsWith("_b1.parquet"));
    assertThat(names()).hasSize(7).allMatch(n -> n.endsWith("_b2.parquet"));
  }

  @Test
  void aBatchDatedInTheFutureIsNotInsideTheGracePeriodUntilThen() throws IOException {
    writeBatch("b1", NOW.minus(Duration.ofHours(2)), 3);
    for (int slm = 0; slm < 3; slm++) {
      touch(paths.intermediateFile(SlmId.of(slm), BatchId.of("b1")), "2099-01-01T00:00:00Z");
    }

    LifecycleReport report = janitor().cleanupOldBatches(0).execute();

    assertThat(report.removedFiles()).isEqualTo(3);
    assertThat(names()).isEmpty();
  }

  @Test
  void batchesRankByTheirFirstWriteAndTheGracePeriodRunsFromTheirLastPublish() throws IOException {
    // b1 began first; a laggard published to it a minute ago. b2 began later, finished an hour ago.
    writeBatch("b1", NOW.minus(Duration.ofHours(3)), 6);
    writeBatch("b2", NOW.minus(Duration.ofHours(2)), 7);
    dev.tiering.core.testing.TickingClock laggard =
        new dev.tiering.core.testing.TickingClock(NOW.minus(Duration.ofMinutes(1)).minusMillis(1));
    try (java.io.Closeable hold =
        StagingJanitor.holdBatch(paths, Storage.local(), BatchId.of("b1"), laggard)) {
      Path late =
          Files.writeString(paths.intermediateFile(SlmId.of(6), BatchId.of("b1")), "late rows");
      Files.setLastModifiedTime(late, FileTime.from(NOW.minus(Duration.ofMinutes(1))));
    }

    assertThat(janitor().batches())
        .extracting(b -> b.batch().value(), StagingJanitor.Batch::began)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("b2", NOW.minus(Duration.ofHours(2))),
            org.assertj.core.groups.Tuple.tuple("b1", NOW.minus(Duration.ofHours(3))));
    LifecycleReport report = janitor().cleanupOldBatches(1).execute();

    assertThat(report.removedFiles()).isZero();
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .filteredOn(a -> a.path().getFileName().toString().endsWith("_b1.parquet"))
        .hasSize(7)
        .allSatisfy(
            a ->
                assertThat(a.detail())
                    .isEqualTo("batch b1 was written to within the 5-minute grace period"));

    LifecycleReport later =
        StagingJanitor.builder(paths)
            .clock(Clock.fixed(NOW.plus(Duration.ofMinutes(5)), ZoneOffset.UTC))
            .build()
            .cleanupOldBatches(1)
            .execute();
    assertThat(later.removedFiles()).isEqualTo(7);
    assertThat(names()).hasSize(7).allMatch(n -> n.endsWith("_b2.parquet"));
  }

  @Test
  void aBatchWithNoPlausibleTimeIsKeptAndCountsAsNoneOfTheMostRecent() throws IOException {
    stage(StagingFile.intermediate(SlmId.of(0), BatchId.of("b1")), Duration.ofHours(3));
    stage(StagingFile.intermediate(SlmId.of(0), BatchId.of("b2")), Duration.ofHours(2));
    Path lost = stage(StagingFile.intermediate(SlmId.of(0), BatchId.of("restored")), Duration.ZERO);
    touch(lost, "1970-01-01T00:00:00Z");

    LifecycleReport report = janitor().cleanupOldBatches(1).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .extracting(a -> a.path().getFileName().toString())
        .containsExactly("slm_0_b1.parquet");
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .extracting(a -> a.path().getFileName().toString(), LifecycleReport.Action::detail)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "slm_0_restored.parquet",
                "batch restored has no time to date it by (no batch record, and no plausible"
                    + " modification time): it counts as none of the most recent and is not"
                    + " removed by age (remove it with cleanup --batch restored); its modification"
                    + " time 1970-01-01T00:00:00Z is before 2000-01-01: not used to date its batch"
                    + " (restored with cp -a, tar or rsync -t, touched, or written under a wrong"
                    + " clock?)"),
            org.assertj.core.groups.Tuple.tuple(
                "slm_0_b2.parquet", "batch b2 is among the 1 most recent"));
    assertThat(janitor().cleanupBatch(BatchId.of("restored")).execute().removedFiles())
        .isEqualTo(1);
  }

  @Test
  void aDamagedOrHostileBatchRecordIsReportedAndTheBatchIsDatedByItsFiles() throws IOException {
    writeBatch("b1", NOW.minus(Duration.ofHours(2)), 2);
    writeBatch("b2", NOW.minus(Duration.ofHours(1)), 2);
    Path record = paths.stagingBatchRecord(BatchId.of("b1"));
    for (String hostile :
        List.of(
            "",
            "tiering-batch 1\nfirst 2099-01-01T00:00:00Z\nlast 2099-01-01T00:00:00Z\n",
            "tiering-batch 1\nfirst 2025-11-10T09:00:00Z\n",
            "x".repeat(5000))) {
      Files.writeString(record, hostile);

      List<StagingJanitor.Batch> batches = janitor().batches();

      assertThat(batches)
          .extracting(b -> b.batch().value(), StagingJanitor.Batch::began)
          .as(hostile)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("b2", NOW.minus(Duration.ofHours(1))),
              org.assertj.core.groups.Tuple.tuple("b1", NOW.minus(Duration.ofHours(2))));
      assertThat(batches.get(1).untrusted().values())
          .hasSize(2)
          .allSatisfy(
              why ->
                  assertThat(why)
                      .startsWith("its batch record " + record + " cannot be")
                      .endsWith(", so its batch is dated by its files' times"));
    }
  }

  @Test
  void aBatchRecordGoesWithItsBatchAndAnOrphanedOneWithTheNextCleanup() throws Exception {
    writeBatch("b1", NOW.minus(Duration.ofHours(2)), 2);
    Path record = paths.stagingBatchRecord(BatchId.of("b1"));
    assertThat(Files.readString(record))
        .isEqualTo("tiering-batch 1\nfirst 2025-11-10T10:00:00Z\nlast 2025-11-10T10:00:00.001Z\n");

    janitor().cleanupBatch(BatchId.of("b1")).execute();
    assertThat(record).doesNotExist();

    // A cleanup stopped between the last file and the record; a holder that published nothing
    // but closed its hold (which records, as it cannot know).
    Files.writeString(
        record, "tiering-batch 1\nfirst 2025-11-10T10:00:00Z\nlast 2025-11-10T10:00:00Z\n");
    Path held = paths.stagingBatchRecord(BatchId.of("b9"));
    StagingJanitor.holdBatch(paths, Storage.local(), BatchId.of("b9"), clock).close();
    try (java.io.Closeable writer =
        StagingJanitor.holdBatch(paths, Storage.local(), BatchId.of("b9"), clock)) {
      janitor().cleanupOldBatches(2).execute();
      assertThat(record).doesNotExist();
      assertThat(held).as("a held batch keeps its record").exists();
    }
    janitor().cleanupOldBatches(2).execute();
    assertThat(held).doesNotExist();
    assertThat(names()).isEmpty();
  }

  @Test
  void anImmutableFileKeepsItsBatchRecordAndTheOtherBatchesGo() throws IOException {
    writeBatch("b1", NOW.minus(Duration.ofHours(3)), 3);
    writeBatch("b2", NOW.minus(Duration.ofHours(2)), 3);
    writeBatch("b3", NOW.minus(Duration.ofHours(1)), 3);
    Path stuck = paths.intermediateFile(SlmId.of(1), BatchId.of("b1"));
    // As chattr +i gives it, which root's permission bits would not.
    FaultyStorage storage =
        new FaultyStorage()
            .failDeletes(
                stuck::equals,
                p ->
                    new java.nio.file.FileSystemException(
                        p.toString(), null, "Operation not permitted"));
    StagingJanitor janitor = StagingJanitor.builder(paths).clock(clock).storage(storage).build();

    LifecycleReport report = janitor.cleanupOldBatches(1).execute();

    assertThat(report.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo(stuck))
        .satisfies(
            f -> assertThat(f.describe()).isEqualTo("cannot delete: operation not permitted"));
    assertThat(report.removedFiles()).isEqualTo(5);
    assertThat(names())
        .containsExactly(
            "slm_0_b3.parquet", "slm_1_b1.parquet", "slm_1_b3.parquet", "slm_2_b3.parquet");
    // The batch still has a file, so it keeps the record that dates it; b2's went with it.
    assertThat(paths.stagingBatchRecord(BatchId.of("b1"))).exists();
    assertThat(paths.stagingBatchRecord(BatchId.of("b2"))).doesNotExist();
  }

  @Test
  void theGracePeriodCoversTheTenSecondsALastPublishMayBeRecordedEarly() throws IOException {
    // A close within 10 s of the recorded last publish writes nothing, so the record may be up to
    // 10 s early: the grace period is 10 s longer and never ends before the real last publish.
    writeBatch("b1", NOW.minus(Duration.ofMinutes(5)).minusSeconds(9), 2);
    writeBatch("b2", NOW.minus(Duration.ofMinutes(5)).minusSeconds(11), 2);

    LifecycleReport report = janitor().cleanupOldBatches(0).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .hasSize(2)
        .allSatisfy(a -> assertThat(a.path().getFileName().toString()).endsWith("_b2.parquet"));
    assertThat(names()).containsExactly("slm_0_b1.parquet", "slm_1_b1.parquet");
  }

  @Test
  void aHoldThatPublishedNothingAndIsAbandonedRecordsNothing() throws IOException {
    StagingJanitor.Hold hold =
        StagingJanitor.holdBatch(paths, Storage.local(), BatchId.of("b1"), clock);
    hold.abandon();
    hold.close();

    assertThat(paths.stagingBatchRecord(BatchId.of("b1"))).doesNotExist();
  }

  @Test
  void aLaggardsPublishWhoseRecordWasNotUpdatedStillKeepsItsBatchInsideTheGracePeriod()
      throws IOException {
    // b1 began first and six SLMs finished three hours ago; b2 began later. The seventh SLM of b1
    // published a minute ago, but its hold could not update the record (a full disk for the
    // record's tiny publish, logged at WARN only; or the writer was killed between its publish and
    // its record write), so the record still says b1 was last published three hours ago.
    writeBatch("b1", NOW.minus(Duration.ofHours(3)), 6);
    writeBatch("b2", NOW.minus(Duration.ofHours(2)), 7);
    FaultyStorage recordFails = new FaultyStorage().failCommits(1);
    try (java.io.Closeable hold =
        StagingJanitor.holdBatch(
            paths,
            recordFails,
            BatchId.of("b1"),
            Clock.fixed(NOW.minus(Duration.ofMinutes(1)), ZoneOffset.UTC))) {
      Path late =
          Files.writeString(paths.intermediateFile(SlmId.of(6), BatchId.of("b1")), "late rows");
      Files.setLastModifiedTime(late, FileTime.from(NOW.minus(Duration.ofMinutes(1))));
    }

    LifecycleReport report = janitor().cleanupOldBatches(1).execute();

    // The laggard's file says the batch was published to a minute ago: the coordinator may be
    // about to read all seven files.
    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .as("b1 was published to a minute ago (its newest file's time is plausible)")
        .isEmpty();
    assertThat(names()).filteredOn(n -> n.endsWith("_b1.parquet")).hasSize(7);
  }

  @Test
  void aWriterWhoseClockLagsDoesNotMakeTheNewestBatchTheOldestAndDeleteIt() throws IOException {
    // b1 was written two hours ago by writers with a right clock. b2, the newest batch, is written
    // a minute ago by SLM jobs on a host (or container) whose clock is a day behind the janitor's:
    // plausible times, so the record is trusted, though every file of b2 is newer than it.
    writeBatch("b1", NOW.minus(Duration.ofHours(2)), 7);
    dev.tiering.core.testing.TickingClock lagging =
        new dev.tiering.core.testing.TickingClock(NOW.minus(Duration.ofDays(1)));
    try (java.io.Closeable hold =
        StagingJanitor.holdBatch(paths, Storage.local(), BatchId.of("b2"), lagging)) {
      for (int slm = 0; slm < 7; slm++) {
        Path file = Files.writeString(paths.intermediateFile(SlmId.of(slm), BatchId.of("b2")), "x");
        Files.setLastModifiedTime(file, FileTime.from(NOW.minus(Duration.ofMinutes(1))));
      }
    }

    LifecycleReport report = janitor().cleanupOldBatches(1).execute();

    assertThat(names())
        .as("keep-recent 1 keeps the batch written a minute ago: " + report.actions())
        .filteredOn(n -> n.endsWith("_b2.parquet"))
        .hasSize(7);
  }

  @Test
  void aStaleRecordLeftWithoutFilesDoesNotAgeABatchWrittenAgainUnderItsId() throws IOException {
    // The seed's own find -delete (or a cleanup stopped between a batch's last file and its
    // record) removed batch-1's files a week ago and left its record. Batch ids repeat (batch-1
    // every day): today's batch-1 is the newest batch, written an hour after batch-2.
    Files.createDirectories(paths.stagingBatchRecord(BatchId.of("batch-1")).getParent());
    Files.writeString(
        paths.stagingBatchRecord(BatchId.of("batch-1")),
        "tiering-batch 1\nfirst 2025-11-03T12:00:00Z\nlast 2025-11-03T12:10:00Z\n");
    writeBatch("batch-2", NOW.minus(Duration.ofHours(2)), 7);
    writeBatch("batch-1", NOW.minus(Duration.ofHours(1)), 7);

    LifecycleReport report = janitor().cleanupOldBatches(1).execute();

    assertThat(names())
        .as("keep-recent 1 keeps the batch written an hour ago: " + report.actions())
        .filteredOn(n -> n.endsWith("_batch-1.parquet"))
        .hasSize(7);
  }

  @Test
  void anArchivingCleanupsPreviewSaysWhatTheExecutionDoesWhenTheArchiveHoldsTheName()
      throws IOException {
    // batch-1 was archived yesterday; today's batch-1 (ids repeat) is written and archived too.
    StagingJanitor archiving = StagingJanitor.builder(paths).clock(clock).archive(true).build();
    writeBatch("batch-1", NOW.minus(Duration.ofDays(1)), 2);
    archiving.cleanupBatch(BatchId.of("batch-1")).execute();
    writeBatch("batch-1", NOW.minus(Duration.ofHours(1)), 2);
    Path rewritten =
        Files.writeString(paths.intermediateFile(SlmId.of(0), BatchId.of("batch-1")), "other rows");
    Files.setLastModifiedTime(rewritten, FileTime.from(NOW.minus(Duration.ofHours(1))));

    LifecycleReport dry = archiving.cleanupBatch(BatchId.of("batch-1")).preview();
    LifecycleReport real = archiving.cleanupBatch(BatchId.of("batch-1")).execute();

    assertThat(dry.failures().size() + " failure(s), " + dry.actions().size() + " action(s)")
        .as("preview: " + dry + "%nexecution: " + real)
        .isEqualTo(real.failures().size() + " failure(s), " + real.actions().size() + " action(s)");
  }

  @Test
  void aStrayFileWhereTheBatchRecordsGoDoesNotStopEveryCleanup() throws IOException {
    writeBatch("b1", NOW.minus(Duration.ofHours(3)), 2);
    writeBatch("b2", NOW.minus(Duration.ofHours(2)), 2);
    // A file (or a link) where the records' directory should be: a restore, a hand edit, a
    // hostile user. Before it, cleanup went batch by batch; now every cleanup exits 74.
    Path records = paths.stagingBatchRecord(BatchId.of("b1")).getParent();
    try (Stream<Path> old = Files.list(records)) {
      for (Path record : old.toList()) {
        Files.delete(record);
      }
    }
    Files.delete(records);
    Files.writeString(records, "not a directory");

    LifecycleReport report = janitor().cleanupBatch(BatchId.of("b1")).execute();

    assertThat(report.removedFiles()).isEqualTo(2);
    assertThat(names()).allMatch(n -> n.endsWith("_b2.parquet"));
  }

  @Test
  void aDirectoryNamedLikeARecordAndAStrayFileAmongTheRecordsAreReportedAndLeftAlone()
      throws IOException {
    writeBatch("b1", NOW.minus(Duration.ofHours(3)), 2);
    writeBatch("b2", NOW.minus(Duration.ofHours(2)), 2);
    // A restore or a hand edit: b1's record is a directory (with something in it), and a file
    // of no record's name lies beside the records.
    Path record = paths.stagingBatchRecord(BatchId.of("b1"));
    Files.delete(record);
    Files.writeString(Files.createDirectories(record).resolve("keep.txt"), "an operator's note");
    Path stray = Files.writeString(record.resolveSibling("notes.txt"), "an operator's note");

    LifecycleReport report = janitor().cleanupOldBatches(1).execute();

    assertThat(report.failures()).isEmpty();
    assertThat(names()).allMatch(n -> n.endsWith("_b2.parquet")).hasSize(2);
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .filteredOn(a -> a.path().equals(record) || a.path().equals(stray))
        .extracting(LifecycleReport.Action::detail)
        .containsExactlyInAnyOrder(
            "not cleaned up: it is not a batch record: it is a directory, not a regular file;"
                + " left alone, and batch b1 is dated by its files",
            "not cleaned up: it is not a batch record (its name is not <batch>.record); left"
                + " alone");
    assertThat(record.resolve("keep.txt")).exists();
    assertThat(stray).exists();
  }
}
