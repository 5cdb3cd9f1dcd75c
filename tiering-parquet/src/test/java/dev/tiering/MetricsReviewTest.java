package dev.tiering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.metrics.CacheRead;
import dev.tiering.core.metrics.FilePublished;
import dev.tiering.core.metrics.HealthChecked;
import dev.tiering.core.metrics.LifecycleCompleted;
import dev.tiering.core.metrics.LifecycleCompleted.Effect;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.OperationFailed;
import dev.tiering.core.metrics.TableCommitted;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriteResult;
import dev.tiering.parquet.WriteResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review attacks on the metrics events: exact figures, and listeners that throw. */
@SuppressWarnings("DoNotCallSuggester")
class MetricsReviewTest {

  record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");

  @TempDir Path base;

  private Tiering tiering(MetricsListener listener, Instant now) throws java.io.IOException {
    return Tiering.builder()
        .layout(Storage.createRoots(TierLayout.under(base)))
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .metrics(listener)
        .build();
  }

  private static List<Prediction> rows(int count, Instant start) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                new Prediction(
                    i, 3, i % 2 == 0 ? "cat" : "dog", i * 0.5, start.plus(Duration.ofHours(i))))
        .toList();
  }

  /** Sneaky throw: what a Kotlin or Lombok {@code @SneakyThrows} listener does. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> void sneaky(Throwable e) throws E {
    throw (E) e;
  }

  /** A listener whose every method throws {@code error}. */
  static MetricsListener throwing(Throwable error) {
    return new MetricsListener() {
      @Override
      public void filePublished(FilePublished event) {
        MetricsReviewTest.<RuntimeException>sneaky(error);
      }

      @Override
      public void tableCommitted(TableCommitted event) {
        MetricsReviewTest.<RuntimeException>sneaky(error);
      }

      @Override
      public void lifecycleCompleted(LifecycleCompleted event) {
        MetricsReviewTest.<RuntimeException>sneaky(error);
      }

      @Override
      public void cacheRead(CacheRead event) {
        MetricsReviewTest.<RuntimeException>sneaky(error);
      }

      @Override
      public void healthChecked(HealthChecked event) {
        MetricsReviewTest.<RuntimeException>sneaky(error);
      }

      @Override
      public void operationFailed(OperationFailed event) {
        MetricsReviewTest.<RuntimeException>sneaky(error);
      }
    };
  }

  private long filesIn(String table) throws IOException {
    try (Stream<Path> files = Files.walk(base.resolve("lake/clean/silver").resolve(table))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).count();
    }
  }

  // ---------------------------------------------------------------- listener that throws an Error

  @Test
  void aListenerThrowingAnErrorDoesNotFailAPublishedStagingWrite() throws Exception {
    // e.g. a Micrometer class missing at run time: NoClassDefFoundError is an Error.
    Tiering tiering = tiering(throwing(new NoClassDefFoundError("io/micrometer/Counter")), NOON);
    Path file = base.resolve("hot/staging/slm_3_b1.parquet");

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                tiering
                    .staging()
                    .writeIntermediate(
                        SlmId.of(3), BatchId.of("b1"), Prediction.class, rows(5, NOON)));

    assertThat(file).as("the file was published").exists();
    assertThat(thrown).as("the caller was told the write failed").isNull();
  }

  @Test
  void aListenerThrowingAnErrorDoesNotMakeACommittedLakeWriteLookFailed() throws Exception {
    Tiering broken = tiering(throwing(new AssertionError("listener bug")), NOON);

    // The application retries a write that "failed", as it must for a real failure.
    int attempts = 0;
    for (int i = 0; i < 2; i++) {
      attempts++;
      try {
        broken.lake().writeCleanData(Zone.SILVER, "dup", Prediction.class, rows(4, NOON));
        break;
      } catch (Throwable e) {
        // retry
      }
    }
    long files = filesIn("dup");
    assertThat(files).as("data files in silver.dup after " + attempts + " attempt(s)").isEqualTo(1);
    assertThat(attempts).isEqualTo(1);
  }

  @Test
  void aListenerSneakyThrowingIOExceptionDoesNotFailACommittedStagingWrite() throws Exception {
    Tiering tiering = tiering(throwing(new IOException("push gateway down")), NOON);

    assertThatCode(
            () ->
                tiering
                    .staging()
                    .writeIntermediate(
                        SlmId.of(3), BatchId.of("b2"), Prediction.class, rows(5, NOON)))
        .doesNotThrowAnyException();
  }

  @Test
  void aListenerThrowingAnErrorDoesNotFailACleanupThatRan() throws Exception {
    Tiering setup = tiering(MetricsListener.NONE, NOON);
    setup
        .staging()
        .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(3, NOON));
    Tiering broken = tiering(throwing(new StackOverflowError()), NOON);

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> broken.janitor().cleanupBatch(BatchId.of("b1")).execute());

    assertThat(base.resolve("hot/staging/slm_1_b1.parquet")).doesNotExist();
    assertThat(thrown).isNull();
  }

  @Test
  void aListenerThrowingAnErrorDoesNotFailAHealthCheck() throws Exception {
    Tiering broken = tiering(throwing(new AssertionError("x")), NOON);
    assertThatCode(() -> broken.health().check()).doesNotThrowAnyException();
  }

  @Test
  void aRuntimeExceptionFromOperationFailedKeepsTheOriginalError() throws Exception {
    Tiering setup = tiering(MetricsListener.NONE, NOON);
    setup
        .staging()
        .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(1, NOON));
    Tiering broken = tiering(throwing(new IllegalStateException("down")), NOON);

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                broken
                    .staging()
                    .writeIntermediate(
                        SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(1, NOON)));

    assertThat(thrown).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
  }

  @Test
  void runtimeExceptionsFromEveryCallbackChangeNothing() throws Exception {
    Tiering broken = tiering(throwing(new IllegalStateException("down")), NOON);
    WriteResult staged =
        broken
            .staging()
            .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(3, NOON));
    LakeWriteResult lake =
        broken.lake().writeCleanData(Zone.SILVER, "t", Prediction.class, rows(3, NOON));
    Path lakeFile = lake.files().get(0).file();
    broken.cache().promote(lakeFile).execute();
    assertThat(broken.cache().forRead(List.of(lakeFile)).get(0)).isNotEqualTo(lakeFile);
    broken.cache().evict(lakeFile).execute();
    assertThat(broken.janitor().cleanupBatch(BatchId.of("b1")).execute().removedFiles()).isOne();
    assertThat(staged.file()).doesNotExist();
    assertThat(broken.health().check().checks()).isNotEmpty();
  }

  // ---------------------------------------------------------------- exact figures

  @Test
  void aPartitionedLakeWriteReportsEachFileWithItsSizeOnDisk() throws Exception {
    MetricsEventsTest.Recording recording = new MetricsEventsTest.Recording();
    Tiering tiering = tiering(recording, NOON);
    // 60 hourly rows: three days, so three partition files.
    LakeWriteResult result =
        tiering
            .lake()
            .writeCleanData(
                Zone.SILVER,
                "parted",
                Prediction.class,
                rows(60, NOON),
                LakeWriteOptions.defaults().partitionBy("ts"));

    List<FilePublished> files = recording.of(FilePublished.class);
    assertThat(result.files()).hasSizeGreaterThan(1);
    assertThat(files).hasSize(result.files().size());
    long sum = 0;
    long rows = 0;
    for (FilePublished f : files) {
      assertThat(f.bytes()).as(f.file().toString()).isEqualTo(Files.size(f.file()));
      sum += f.bytes();
      rows += f.rows();
    }
    TableCommitted commit = recording.of(TableCommitted.class).get(0);
    assertThat(commit.bytes()).isEqualTo(sum);
    assertThat(commit.rows()).isEqualTo(rows).isEqualTo(60);
    assertThat(commit.files()).isEqualTo(files.size());
    assertThat(commit.commit()).isEqualTo(result.commit());
  }

  @Test
  void successiveCommitsCarryIncreasingCommitNumbersAndAReplayTheOriginalNumber() throws Exception {
    MetricsEventsTest.Recording recording = new MetricsEventsTest.Recording();
    Tiering tiering = tiering(recording, NOON);
    LakeWriteResult a =
        tiering
            .lake()
            .writeCleanData(
                Zone.SILVER,
                "n",
                Prediction.class,
                rows(2, NOON),
                LakeWriteOptions.defaults().writeId("a"));
    LakeWriteResult b =
        tiering
            .lake()
            .writeCleanData(
                Zone.SILVER,
                "n",
                Prediction.class,
                rows(2, NOON),
                LakeWriteOptions.defaults().writeId("b"));
    tiering
        .lake()
        .writeCleanData(
            Zone.SILVER,
            "n",
            Prediction.class,
            rows(2, NOON),
            LakeWriteOptions.defaults().writeId("a"));

    List<TableCommitted> commits = recording.of(TableCommitted.class);
    assertThat(commits)
        .extracting(TableCommitted::commit)
        .containsExactly(a.commit(), b.commit(), a.commit());
    assertThat(b.commit()).isGreaterThan(a.commit());
    assertThat(commits).extracting(TableCommitted::replayed).containsExactly(false, false, true);
    assertThat(recording.of(FilePublished.class)).hasSize(2);
  }

  private Map<Path, Long> filesUnder(Path dir) throws IOException {
    Map<Path, Long> sizes = new HashMap<>();
    if (!Files.exists(dir)) {
      return sizes;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        // Staging's batch records are the SDK's bookkeeping, like journals: never reported.
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
            && !p.getParent().getFileName().toString().equals(".batch-records")) {
          sizes.put(
              p,
              Files.readAttributes(
                      p,
                      java.nio.file.attribute.BasicFileAttributes.class,
                      LinkOption.NOFOLLOW_LINKS)
                  .size());
        }
      }
    }
    return sizes;
  }

  @Test
  void cleanupOfOldBatchesReportsExactlyWhatDisappeared() throws Exception {
    Tiering setup = tiering(MetricsListener.NONE, NOON);
    for (int b = 0; b < 5; b++) {
      for (int s = 0; s < 3; s++) {
        setup
            .staging()
            .writeIntermediate(
                SlmId.of(s), BatchId.of("b" + b), Prediction.class, rows(3 + b * s, NOON));
      }
      setup
          .staging()
          .writeCrosscheck(SlmId.of(0), BatchId.of("b" + b), Prediction.class, rows(2, NOON));
    }
    // A link in staging: removing it frees the link, not its target.
    Path target = base.resolve("elsewhere.parquet");
    Files.write(target, new byte[50_000]);
    Files.createSymbolicLink(base.resolve("hot/staging/slm_9_b0.parquet"), target);

    Map<Path, Long> before = filesUnder(base.resolve("hot"));
    MetricsEventsTest.Recording recording = new MetricsEventsTest.Recording();
    // A day later: past any grace period.
    Tiering later = tiering(recording, Instant.now().plus(Duration.ofDays(1)));
    LifecycleReport preview = later.janitor().cleanupOldBatches(2).preview();
    assertThat(recording.events).isEmpty();
    LifecycleReport report = later.janitor().cleanupOldBatches(2).execute();
    assertThat(report.removedFiles()).isEqualTo(preview.removedFiles());
    Map<Path, Long> after = filesUnder(base.resolve("hot"));

    long goneFiles = 0;
    long goneBytes = 0;
    for (Map.Entry<Path, Long> e : before.entrySet()) {
      if (!after.containsKey(e.getKey())) {
        goneFiles++;
        goneBytes += e.getValue();
      }
    }
    LifecycleCompleted event = recording.of(LifecycleCompleted.class).get(0);
    assertThat(target).exists();
    assertThat(event.files(Effect.DELETED)).isEqualTo(goneFiles);
    assertThat(event.bytes(Effect.DELETED)).isEqualTo(goneBytes);
    assertThat(event.failures()).isZero();
  }

  @Test
  void cacheReadsCountHitsMissesAndADamagedCopyAsAMiss() throws Exception {
    MetricsEventsTest.Recording recording = new MetricsEventsTest.Recording();
    Tiering tiering = tiering(recording, NOON);
    LakeWriteResult a =
        tiering.lake().writeCleanData(Zone.SILVER, "ca", Prediction.class, rows(3, NOON));
    LakeWriteResult b =
        tiering.lake().writeCleanData(Zone.SILVER, "cb", Prediction.class, rows(4, NOON));
    Path fa = a.files().get(0).file();
    Path fb = b.files().get(0).file();
    tiering.cache().promote(fa).execute();
    tiering.cache().promote(fb).execute();
    List<Path> read = tiering.cache().forRead(List.of(fb));
    // Damage b's copy: truncate it.
    Files.write(read.get(0), new byte[1]);
    recording.events.clear();

    tiering.cache().forRead(List.of(fa, fb, fa, base.resolve("lake/none.parquet")));

    assertThat(recording.of(CacheRead.class))
        .containsExactly(new CacheRead(2, 2, 2 * Files.size(fa)));
  }
}
