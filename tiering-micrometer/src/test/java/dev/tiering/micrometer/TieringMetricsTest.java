package dev.tiering.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.Tiering;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.StoreUsage;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeWriteResult;
import dev.tiering.parquet.WriteResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small pipeline through {@link Tiering} with a Micrometer registry: every figure, exactly. */
class TieringMetricsTest {

  record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");

  @TempDir Path base;

  /** Local disks whose sizes are fixed, so that the fullness gauges have exact values. */
  private Storage fixedSizes() {
    Path hot = base.resolve("hot");
    return new ForwardingStorage(Storage.local()) {
      @Override
      public StoreUsage usage(Path path) {
        return path.startsWith(hot)
            ? new StoreUsage(100_000, 5_000, 5_000)
            : new StoreUsage(1_000_000, 600_000, 600_000);
      }
    };
  }

  private static List<Prediction> rows(int slm, int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> new Prediction(i, slm, i % 3 == 0 ? "cat" : "dog", 0.25, NOON))
        .toList();
  }

  /** A counter's count, which must be a whole number. */
  private static long count(MeterRegistry registry, String name, String... tags) {
    double count = registry.get(name).tags(tags).counter().count();
    assertThat(count).as(name).isEqualTo(Math.rint(count));
    return (long) count;
  }

  @Test
  void aSmallPipelineLeavesExactCountersAndGauges() throws IOException {
    MeterRegistry registry = new SimpleMeterRegistry();
    TieringMetrics metrics = TieringMetrics.bindTo(registry);
    Tiering tiering =
        Tiering.builder()
            .layout(Storage.createRoots(TierLayout.under(base)))
            .storage(fixedSizes())
            .clock(Clock.fixed(NOON, ZoneOffset.UTC))
            .metrics(metrics)
            .build();
    // Built on its own, with the same listener: commits just made are old enough to merge.
    Compactor compactor =
        Compactor.builder(tiering.paths())
            .storage(tiering.storage())
            .sidecars(tiering.sidecars())
            .minCommitAge(Duration.ZERO)
            .metrics(metrics)
            .build();

    // Staging: two SLMs in batch b1, one in b2.
    WriteResult b1s1 =
        tiering
            .staging()
            .writeIntermediate(SlmId.of(1), BatchId.of("b1"), Prediction.class, rows(1, 10));
    WriteResult b1s2 =
        tiering
            .staging()
            .writeIntermediate(SlmId.of(2), BatchId.of("b1"), Prediction.class, rows(2, 20));
    WriteResult b2s1 =
        tiering
            .staging()
            .writeIntermediate(SlmId.of(1), BatchId.of("b2"), Prediction.class, rows(1, 5));
    // The lake: two writes to one partition, two small files.
    LakeWriteResult first =
        tiering.lake().writeCleanData(Zone.SILVER, "predictions", Prediction.class, rows(1, 7));
    LakeWriteResult second =
        tiering.lake().writeCleanData(Zone.SILVER, "predictions", Prediction.class, rows(2, 4));
    Path firstFile = first.files().get(0).file();
    Path secondFile = second.files().get(0).file();
    // Cleanup of b1, a cache promote and a read of both lake files, then compaction.
    tiering.janitor().cleanupBatch(BatchId.of("b1")).execute();
    tiering.cache().promote(firstFile).execute();
    tiering.cache().forRead(List.of(firstFile, secondFile));
    compactor.compact(Zone.SILVER, TableName.of("predictions")).execute();
    Path compacted;
    try (Stream<Path> files = Files.list(firstFile.getParent())) {
      compacted = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    tiering.health().check();

    // Files written, per tier and area.
    assertThat(count(registry, "tiering.files.written", "tier", "hot", "area", "hot/staging"))
        .isEqualTo(3);
    assertThat(count(registry, "tiering.rows.written", "tier", "hot", "area", "hot/staging"))
        .isEqualTo(35);
    assertThat(count(registry, "tiering.bytes.written", "tier", "hot", "area", "hot/staging"))
        .isEqualTo(b1s1.bytes() + b1s2.bytes() + b2s1.bytes());
    assertThat(count(registry, "tiering.files.written", "tier", "cold", "area", "lake/clean"))
        .isEqualTo(2);
    assertThat(count(registry, "tiering.rows.written", "tier", "cold", "area", "lake/clean"))
        .isEqualTo(11);
    assertThat(count(registry, "tiering.bytes.written", "tier", "cold", "area", "lake/clean"))
        .isEqualTo(first.bytes() + second.bytes());
    assertThat(registry.get("tiering.file.write").tags("area", "hot/staging").timer().count())
        .isEqualTo(3);
    assertThat(
            registry
                .get("tiering.commits")
                .tags("zone", "silver", "table", "predictions")
                .timer()
                .count())
        .isEqualTo(2);

    // Cleanup, cache and compaction.
    assertThat(
            count(registry, "tiering.lifecycle.files", "operation", "cleanup", "effect", "deleted"))
        .isEqualTo(2);
    assertThat(
            count(registry, "tiering.lifecycle.bytes", "operation", "cleanup", "effect", "deleted"))
        .isEqualTo(b1s1.bytes() + b1s2.bytes());
    assertThat(
            count(
                registry,
                "tiering.lifecycle.files",
                "operation",
                "cache_promote",
                "effect",
                "cached"))
        .isEqualTo(1);
    assertThat(
            count(
                registry,
                "tiering.lifecycle.bytes",
                "operation",
                "cache_promote",
                "effect",
                "cached"))
        .isEqualTo(first.bytes());
    assertThat(count(registry, "tiering.cache.hits")).isEqualTo(1);
    assertThat(count(registry, "tiering.cache.misses")).isEqualTo(1);
    assertThat(count(registry, "tiering.cache.evictions")).isZero();
    assertThat(registry.get("tiering.cache.hit.ratio").gauge().value()).isEqualTo(0.5);
    assertThat(
            count(
                registry, "tiering.lifecycle.files", "operation", "compaction", "effect", "merged"))
        .isEqualTo(2);
    assertThat(
            count(
                registry, "tiering.lifecycle.bytes", "operation", "compaction", "effect", "merged"))
        .isEqualTo(first.bytes() + second.bytes());
    assertThat(
            count(
                registry,
                "tiering.lifecycle.files",
                "operation",
                "compaction",
                "effect",
                "written"))
        .isEqualTo(1);
    assertThat(
            count(
                registry,
                "tiering.lifecycle.bytes",
                "operation",
                "compaction",
                "effect",
                "written"))
        .isEqualTo(Files.size(compacted));
    assertThat(
            registry.get("tiering.lifecycle.runs").tags("operation", "compaction").timer().count())
        .isEqualTo(1);
    assertThat(count(registry, "tiering.lifecycle.failures", "operation", "cleanup")).isZero();
    assertThat(registry.find("tiering.errors").counters()).isEmpty();

    // Gauges from the health check.
    assertThat(registry.get("tiering.staging.bytes").gauge().value())
        .isEqualTo((double) b2s1.bytes());
    assertThat(registry.get("tiering.cache.bytes").gauge().value())
        .isEqualTo((double) treeSize(base.resolve("hot/clean")));
    assertThat(registry.get("tiering.tier.used.bytes").tags("tier", "hot").gauge().value())
        .isEqualTo(95_000);
    assertThat(registry.get("tiering.tier.capacity.bytes").tags("tier", "hot").gauge().value())
        .isEqualTo(100_000);
    assertThat(registry.get("tiering.tier.fullness").tags("tier", "hot").gauge().value())
        .isEqualTo(0.95);
    assertThat(registry.get("tiering.tier.fullness").tags("tier", "cold").gauge().value())
        .isEqualTo(0.4);
    // The hot tier is 95% full: above the 90% warning, not above the 95% critical limit.
    assertThat(registry.get("tiering.health.level").gauge().value()).isEqualTo(1);
    assertThat(registry.get("tiering.health.checked.time").gauge().value())
        .isEqualTo((double) NOON.getEpochSecond());
  }

  @Test
  void gaugesReadNotANumberBeforeTheFirstHealthCheck() {
    MeterRegistry registry = new SimpleMeterRegistry();
    TieringMetrics.bindTo(registry);

    assertThat(registry.get("tiering.staging.bytes").gauge().value()).isNaN();
    assertThat(registry.get("tiering.cache.hit.ratio").gauge().value()).isNaN();
    assertThat(registry.get("tiering.health.level").gauge().value()).isNaN();
  }

  @Test
  void aFailedStagingWriteIsCountedByKind() throws IOException {
    MeterRegistry registry = new SimpleMeterRegistry();
    Tiering tiering =
        Tiering.builder()
            .layout(Storage.createRoots(TierLayout.under(base)))
            .metrics(TieringMetrics.bindTo(registry))
            .build();
    try (var writer =
        tiering
            .staging()
            .openIntermediate(
                SlmId.of(1),
                BatchId.of("b1"),
                new dev.tiering.schema.RowSchema(
                    List.of(
                        dev.tiering.schema.Field.required(
                            "x", dev.tiering.schema.FieldType.INT64))))) {
      writer.write(java.util.Map.of("x", 1L));
      // Someone else publishes the same file first: this commit must not replace it.
      Files.createDirectories(writer.target().getParent());
      Files.writeString(writer.target(), "theirs");
      org.assertj.core.api.Assertions.assertThatThrownBy(writer::commit)
          .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
    }

    assertThat(
            count(
                registry,
                "tiering.errors",
                "operation",
                "staging write",
                "kind",
                "FileAlreadyExistsException"))
        .isEqualTo(1);
    assertThat(registry.find("tiering.files.written").counters()).isEmpty();
  }

  private static long treeSize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
