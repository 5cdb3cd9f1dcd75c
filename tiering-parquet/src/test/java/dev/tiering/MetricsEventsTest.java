package dev.tiering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.metrics.CacheRead;
import dev.tiering.core.metrics.FilePublished;
import dev.tiering.core.metrics.HealthChecked;
import dev.tiering.core.metrics.LifecycleCompleted;
import dev.tiering.core.metrics.LifecycleCompleted.Effect;
import dev.tiering.core.metrics.LifecycleCompleted.Operation;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.OperationFailed;
import dev.tiering.core.metrics.TableCommitted;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.LakeWriteResult;
import dev.tiering.parquet.WriteResult;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics SPI: every service of {@link Tiering} reports exact figures after success. */
class MetricsEventsTest {

  record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");

  @TempDir Path base;

  /** Records every event, in order. */
  static final class Recording implements MetricsListener {
    final List<Object> events = new ArrayList<>();

    @Override
    public synchronized void filePublished(FilePublished event) {
      events.add(event);
    }

    @Override
    public synchronized void tableCommitted(TableCommitted event) {
      events.add(event);
    }

    @Override
    public synchronized void lifecycleCompleted(LifecycleCompleted event) {
      events.add(event);
    }

    @Override
    public synchronized void cacheRead(CacheRead event) {
      events.add(event);
    }

    @Override
    public synchronized void healthChecked(HealthChecked event) {
      events.add(event);
    }

    @Override
    public synchronized void operationFailed(OperationFailed event) {
      events.add(event);
    }

    <T> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  private Tiering tiering(MetricsListener listener) throws java.io.IOException {
    return Tiering.builder()
        .layout(Storage.createRoots(TierLayout.under(base)))
        .clock(Clock.fixed(NOON, ZoneOffset.UTC))
        .metrics(listener)
        .build();
  }

  private static List<Prediction> rows(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> new Prediction(i, 3, i % 2 == 0 ? "cat" : "dog", 0.5, NOON))
        .toList();
  }

  @Test
  void aStagingWriteReportsItsAreaRowsAndTheBytesOnDisk() throws Exception {
    Recording recording = new Recording();
    WriteResult written =
        tiering(recording)
            .staging()
            .writeIntermediate(SlmId.of(3), BatchId.of("b1"), Prediction.class, rows(10));

    FilePublished event = recording.of(FilePublished.class).get(0);
    assertThat(recording.events).hasSize(1);
    assertThat(event.area()).isEqualTo(Area.STAGING);
    assertThat(event.tier()).isEqualTo(dev.tiering.core.Tier.HOT);
    assertThat(event.table()).isEmpty();
    assertThat(event.file()).isEqualTo(base.resolve("hot/staging/slm_3_b1.parquet"));
    assertThat(event.rows()).isEqualTo(10);
    assertThat(event.bytes()).isEqualTo(Files.size(written.file())).isEqualTo(written.bytes());
    assertThat(event.duration()).isPositive();
  }

  @Test
  void aLakeWriteReportsEachFileAndOneCommitAndAReplayWritesNothingNew() throws Exception {
    Recording recording = new Recording();
    Tiering tiering = tiering(recording);
    LakeWriteResult first =
        tiering
            .lake()
            .writeCleanData(
                Zone.SILVER,
                "predictions",
                Prediction.class,
                rows(7),
                dev.tiering.parquet.LakeWriteOptions.defaults().writeId("w1"));
    tiering
        .lake()
        .writeCleanData(
            Zone.SILVER,
            "predictions",
            Prediction.class,
            rows(7),
            dev.tiering.parquet.LakeWriteOptions.defaults().writeId("w1"));

    List<FilePublished> files = recording.of(FilePublished.class);
    assertThat(files).hasSize(1);
    assertThat(files.get(0).area()).isEqualTo(Area.LAKE_CLEAN);
    assertThat(files.get(0).table()).isEqualTo("silver.predictions");
    assertThat(files.get(0).rows()).isEqualTo(7);
    assertThat(files.get(0).bytes()).isEqualTo(Files.size(first.files().get(0).file()));
    List<TableCommitted> commits = recording.of(TableCommitted.class);
    assertThat(commits).hasSize(2);
    assertThat(commits.get(0).qualifiedName()).isEqualTo("silver.predictions");
    assertThat(commits.get(0).table()).isEqualTo(TableName.of("predictions"));
    assertThat(commits.get(0).commit()).isEqualTo(first.commit());
    assertThat(commits.get(0).files()).isEqualTo(1);
    assertThat(commits.get(0).rows()).isEqualTo(7);
    assertThat(commits.get(0).bytes()).isEqualTo(first.bytes());
    assertThat(commits.get(0).replayed()).isFalse();
    assertThat(commits.get(1).replayed()).isTrue();
  }

  @Test
  void cleanupCacheAndHealthReportWhatTheyDidAndAPreviewReportsNothing() throws Exception {
    Recording recording = new Recording();
    Tiering tiering = tiering(recording);
    WriteResult staged =
        tiering
            .staging()
            .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(5));
    LakeWriteResult lake =
        tiering.lake().writeCleanData(Zone.GOLD, "stats", Prediction.class, rows(4));
    Path lakeFile = lake.files().get(0).file();
    recording.events.clear();

    tiering.janitor().cleanupBatch(BatchId.of("b1")).preview();
    assertThat(recording.events).isEmpty();
    tiering.janitor().cleanupBatch(BatchId.of("b1")).execute();
    tiering.cache().promote(lakeFile).execute();
    tiering.cache().forRead(List.of(lakeFile, lakeFile.resolveSibling("missing.parquet")));
    tiering.cache().evict(lakeFile).execute();

    List<LifecycleCompleted> runs = recording.of(LifecycleCompleted.class);
    assertThat(runs)
        .extracting(LifecycleCompleted::operation)
        .containsExactly(Operation.CLEANUP, Operation.CACHE_PROMOTE, Operation.CACHE_EVICT);
    assertThat(runs.get(0).description()).isEqualTo("cleanup batch b1");
    assertThat(runs.get(0).files(Effect.DELETED)).isEqualTo(1);
    assertThat(runs.get(0).bytes(Effect.DELETED)).isEqualTo(staged.bytes());
    assertThat(runs.get(0).failures()).isZero();
    assertThat(runs.get(1).outcomes())
        .containsExactly(new LifecycleCompleted.Outcome(Effect.CACHED, 1, lake.bytes()));
    assertThat(runs.get(2).outcomes())
        .containsExactly(new LifecycleCompleted.Outcome(Effect.EVICTED, 1, lake.bytes()));
    assertThat(recording.of(CacheRead.class)).containsExactly(new CacheRead(1, 1, lake.bytes()));

    tiering.health().check();
    HealthChecked health = recording.of(HealthChecked.class).get(0);
    assertThat(health.stagingBytes()).hasValue(0);
    // Every copy was evicted: what is left is the cache's own index, which the check counts.
    assertThat(health.cacheBytes()).hasValue(Files.size(base.resolve("hot/clean/.cache-index")));
    assertThat(health.tiers())
        .extracting(HealthChecked.TierUsage::tier)
        .containsExactly(dev.tiering.core.Tier.HOT, dev.tiering.core.Tier.COLD);
    assertThat(health.checks())
        .extracting(HealthChecked.Check::name)
        .containsExactly(
            "staging size",
            "hot tier fullness",
            "lake fullness",
            "clean cache size",
            "unfinished work");
  }

  @Test
  void aFailedWriteReportsItsKindAndNoFile() throws Exception {
    Recording recording = new Recording();
    Tiering tiering = tiering(recording);
    tiering.staging().writeIntermediate(SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(1));
    recording.events.clear();

    assertThatThrownBy(
            () ->
                tiering
                    .staging()
                    .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(1)))
        .isInstanceOf(FileAlreadyExistsException.class);
    // Refused before a file was opened: nothing was published, and nothing is counted twice.
    assertThat(recording.of(FilePublished.class)).isEmpty();
  }

  @Test
  void aListenerThatThrowsBreaksNoWriteCleanupOrCheck() throws Exception {
    MetricsListener broken =
        new MetricsListener() {
          @Override
          public void filePublished(FilePublished event) {
            throw new IllegalStateException("metrics backend down");
          }

          @Override
          public void tableCommitted(TableCommitted event) {
            throw new IllegalStateException("metrics backend down");
          }

          @Override
          public void lifecycleCompleted(LifecycleCompleted event) {
            throw new IllegalStateException("metrics backend down");
          }

          @Override
          public void healthChecked(HealthChecked event) {
            throw new IllegalStateException("metrics backend down");
          }
        };
    Tiering tiering = tiering(broken);

    WriteResult staged =
        tiering
            .staging()
            .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(3));
    LakeWriteResult lake =
        tiering.lake().writeCleanData(Zone.GOLD, "stats", Prediction.class, rows(3));

    assertThat(staged.file()).exists();
    assertThat(lake.rows()).isEqualTo(3);
    assertThat(lake.files().get(0).file()).exists();
    assertThat(tiering.janitor().cleanupBatch(BatchId.of("b1")).execute().removedFiles())
        .isEqualTo(1);
    assertThat(tiering.health().check().checks()).hasSize(5);
  }
}
