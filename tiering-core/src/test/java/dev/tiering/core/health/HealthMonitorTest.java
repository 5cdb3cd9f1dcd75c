package dev.tiering.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.Area;
import dev.tiering.core.ByteSize;
import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.FaultyStorage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthMonitorTest {

  private static final long GIB = 1024L * 1024 * 1024;

  @TempDir Path base;
  private PathResolver paths;
  private Path staging;

  @BeforeEach
  void setUp() throws IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    staging = Files.createDirectories(paths.areaRoot(Area.STAGING));
    Files.createDirectories(paths.layout().lakeRoot());
  }

  /** A sparse file: exactly {@code bytes} long, no disk used. */
  private void stagingOf(long bytes) throws IOException {
    try (var files = Files.list(staging)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    try (RandomAccessFile file =
        new RandomAccessFile(staging.resolve("slm_0_b.parquet").toFile(), "rw")) {
      file.setLength(bytes);
    }
  }

  private HealthCheck check(String name, HealthMonitor monitor) throws IOException {
    return monitor.check().checks().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void stagingLevelsAtTheSeedsBoundariesToTheByte() throws IOException {
    HealthMonitor monitor = HealthMonitor.builder(paths).build();
    long[][] cases = {
      {4 * GIB, 0},
      {4 * GIB + 1, 0},
      {10 * GIB, 0},
      {10 * GIB + 1, 1},
      {30 * GIB, 1},
      {30 * GIB + 1, 2}
    };
    for (long[] c : cases) {
      stagingOf(c[0]);
      HealthCheck staging = check("staging size", monitor);
      assertThat(staging.level().exitCode()).as("%d bytes", c[0]).isEqualTo((int) c[1]);
      assertThat(staging.value()).isEqualTo((double) c[0]);
    }
    stagingOf(4 * GIB);
    assertThat(check("staging size", monitor).message()).endsWith("normal (below 4.0 GiB)");
    stagingOf(9 * GIB + GIB / 2);
    assertThat(check("staging size", monitor).message())
        .isEqualTo("9.5 GiB in " + staging + ", above the normal 4.0 GiB");
    stagingOf(30 * GIB + 1);
    assertThat(check("staging size", monitor).message())
        .endsWith(
            "above 30.0 GiB: the cleanup job failed (run 'tiering cleanup --keep-recent 2' now)");
  }

  @Test
  void theSeedsStringComparisonMisfiresButOursDoesNot() throws IOException {
    // The seed's awk compares "9.5G" > "10G" as strings: true, a false alarm. We compare bytes.
    assertThat("9.5G".compareTo("10G") > 0).isTrue();
    stagingOf(9 * GIB + GIB / 2);
    assertThat(check("staging size", HealthMonitor.builder(paths).build()).level())
        .isEqualTo(HealthLevel.OK);
  }

  @Test
  void fullnessLevelsAtTheBoundariesThroughAControlledUsageSource() throws IOException {
    FaultyStorage storage = new FaultyStorage();
    HealthMonitor monitor = HealthMonitor.builder(paths).storage(storage).build();
    long total = 80_000_000_000L;
    long[][] cases = {
      {total / 10, 0}, {total / 10 - 1, 1}, {total / 20, 1}, {total / 20 - 1, 2}, {0, 2}
    };
    for (long[] c : cases) {
      storage.usage(total, c[0]);
      assertThat(check("hot tier fullness", monitor).level().exitCode())
          .as("%d usable of %d", c[0], total)
          .isEqualTo((int) c[1]);
      assertThat(check("lake fullness", monitor).level().exitCode()).isEqualTo((int) c[1]);
    }
    storage.usage(total, total / 10 - 1);
    assertThat(check("hot tier fullness", monitor).message())
        .isEqualTo(
            "90.0% full (67.1 GiB of"
                + " 74.5 GiB) at "
                + base.resolve("hot")
                + ", above the 90.0% limit: run 'tiering cleanup"
                + " --keep-recent 2' and check that the cleanup timer runs");
  }

  @Test
  void aMissingTierRootIsCriticalAndItsOtherChecksAreSkipped() throws IOException {
    Files.delete(paths.layout().lakeRoot());
    HealthReport report = HealthMonitor.builder(paths).build().check();
    assertThat(report.level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(report.checks())
        .extracting(HealthCheck::name)
        .contains("lake root", "staging size", "hot tier fullness")
        .doesNotContain("lake fullness");
    assertThat(check("lake root", HealthMonitor.builder(paths).build()).message())
        .startsWith(paths.layout().lakeRoot() + " does not exist: is the lake disk mounted");
  }

  @Test
  void theCleanCacheIsCheckedAgainstItsBudget() throws IOException {
    Path cached = Files.createDirectories(base.resolve("hot/clean/gold/t/2025/11/10"));
    Files.write(cached.resolve("part-1.parquet"), new byte[1000]);
    HealthMonitor within =
        HealthMonitor.builder(paths)
            .thresholds(HealthThresholds.builder().cacheBudget(ByteSize.of(1000)).build())
            .build();
    HealthMonitor over =
        HealthMonitor.builder(paths)
            .thresholds(HealthThresholds.builder().cacheBudget(ByteSize.of(999)).build())
            .build();
    assertThat(check("clean cache size", within).level()).isEqualTo(HealthLevel.OK);
    assertThat(check("clean cache size", over).level()).isEqualTo(HealthLevel.WARNING);
  }

  @Test
  void ioSamplesAreComputedAsIostatDoesAndJudgedPerTier() {
    HealthMonitor monitor = HealthMonitor.builder(paths).build();
    var before = new ProcFiles.DiskCounters(1000, 5000, 20_000);
    var after = new ProcFiles.DiskCounters(1100, 6000, 20_810);
    HealthMonitor.IoSample sample = HealthMonitor.IoSample.between(before, after, 1000);
    assertThat(sample.awaitMillis()).isEqualTo(10.0);
    assertThat(sample.utilizationPercent()).isEqualTo(81.0);

    List<HealthCheck> hot = monitor.ioChecks(Tier.HOT, "/dev/vdb (254:16)", sample);
    assertThat(hot)
        .extracting(HealthCheck::level)
        .containsExactly(HealthLevel.OK, HealthLevel.WARNING);
    List<HealthCheck> slowSsd =
        monitor.ioChecks(Tier.HOT, "/dev/vdb", new HealthMonitor.IoSample(50, 10.01, 10));
    assertThat(slowSsd.get(0).level()).isEqualTo(HealthLevel.WARNING);
    List<HealthCheck> hdd =
        monitor.ioChecks(Tier.COLD, "/dev/vdc", new HealthMonitor.IoSample(50, 49.9, 10));
    assertThat(hdd.get(0).level()).isEqualTo(HealthLevel.OK);
    assertThat(
            monitor
                .ioChecks(Tier.COLD, "/dev/vdc", new HealthMonitor.IoSample(50, 50.5, 10))
                .get(0)
                .message())
        .contains("above 50 ms for an HDD: batch lake writes");
  }

  @Test
  void aLiveSampleOnThisMachineDoesNotFail() throws IOException {
    HealthReport report = HealthMonitor.builder(paths).build().check(Duration.ofMillis(200));
    assertThat(report.checks().size()).isGreaterThanOrEqualTo(5);
    assertThat(report.checks()).anyMatch(c -> c.name().startsWith("hot disk"));
  }

  @Test
  void theReportSerializesToJson() {
    HealthReport report =
        new HealthReport(
            Instant.parse("2025-11-10T12:00:00Z"),
            List.of(
                new HealthCheck(
                    "staging size", 1024, 2048, 4096, "bytes", HealthLevel.OK, "1.0 KiB \"fine\""),
                new HealthCheck(
                    "hot tier fullness",
                    91.25,
                    90,
                    Double.NaN,
                    "percent",
                    HealthLevel.WARNING,
                    "a\nb")));
    assertThat(report.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(report.toJson())
        .isEqualTo(
            "{\n  \"at\": \"2025-11-10T12:00:00Z\",\n"
                + "  \"level\": \"warning\",\n  \"checks\": [\n"
                + "    {\"name\": \"staging size\", \"value\": 1024, \"warning\": 2048, \"critical\":"
                + " 4096, \"unit\": \"bytes\","
                + " \"level\": \"ok\", \"message\": \"1.0 KiB \\\"fine\\\"\"},\n"
                + "    {\"name\": \"hot tier fullness\", \"value\": 91.250, \"warning\": 90,"
                + " \"critical\": null, \"unit\": \"percent\", \"level\": \"warning\", \"message\":"
                + " \"a\\nb\"}\n  ]\n}\n");
  }

  @Test
  void theGuardRefusesStagingWritesAboveItsLimit() throws IOException {
    FaultyStorage storage = new FaultyStorage().usage(1000, 100);
    HotTierGuard guard = new HotTierGuard(paths, storage, 0.90);
    guard.check(staging.resolve("slm_1_b.parquet"));
    storage.usage(1000, 70);
    assertThatThrownBy(() -> guard.check(staging.resolve("slm_1_b.parquet")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Cannot write slm_1_b.parquet: hot tier "
                + base.resolve("hot")
                + " is 93.0%"
                + " full (930 B of 1000 B), above the 90% limit (run 'tiering cleanup --keep-recent 2',"
                + " or free space on the SSD)");
  }

  @Test
  void thresholdsAreBuiltInTheirUnitsAndMustBeOrdered() {
    assertThatThrownBy(
            () ->
                HealthThresholds.builder()
                    .staging(ByteSize.of(10), ByteSize.of(5), ByteSize.of(20))
                    .build())
        .hasMessage(
            "Invalid staging limits 10 B / 5 B / 20 B (use 0 <"
                + " normal <= warning <= critical)");
    assertThatThrownBy(() -> HealthThresholds.builder().hotFullnessPercent(95, 90).build())
        .hasMessageContaining("use 0 < warning <= critical <= 100");
    HealthThresholds limits =
        HealthThresholds.builder()
            .ssdAwait(Duration.ofMillis(5))
            .hotFullnessPercent(85, 95)
            .build();
    assertThat(limits.ssdAwaitMillis()).isEqualTo(5.0);
    assertThat(limits.hotWarningFraction()).isEqualTo(0.85);
    assertThat(HealthThresholds.defaults())
        .hasToString(
            "staging 4.0 GiB / 10.0 GiB / 30.0 GiB,"
                + " hot tier 90.0% / 95.0%, lake 90.0% / 95.0%, cache 40.0 GiB, await 10.0 ms (SSD) /"
                + " 50.0 ms (HDD), utilization 80.0%");
    assertThat(limits.toBuilder().build()).isEqualTo(limits);
  }

  @SuppressWarnings("unused")
  private static final Clock FIXED = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  @Test
  void aReportPrintsAsTheStatusCommandDoesInItsUnits() {
    HealthReport report =
        new HealthReport(
            Instant.parse("2025-11-10T12:00:00Z"),
            java.util.List.of(
                new HealthCheck(
                    "staging size",
                    10.737418240e9,
                    10.737418240e9,
                    3.2212254720e10,
                    "bytes",
                    HealthLevel.WARNING,
                    "above 10.0 GiB"),
                new HealthCheck("hot tier full", 71.0, 80, 90, "percent", HealthLevel.OK, "ok")));
    assertThat(report.toString())
        .isEqualTo(report.format())
        .isEqualTo(
            "tiering status at 2025-11-10T12:00:00Z: WARNING\n\n"
                + "  staging size             warning  10.0 GiB / warn 10.0 GiB / crit 30.0 GiB"
                + " [###.......]  above 10.0 GiB\n"
                + "  hot tier full            ok       71.0% / warn 80% / crit 90%              "
                + "[#######...]  ok\n");
  }

  @Test
  void anAreaOnItsOwnDeviceIsMeasuredOnItsOwnAndReportedOnce() throws IOException {
    Path archive = Files.createDirectories(paths.areaRoot(Area.LAKE_ARCHIVE)).toRealPath();
    Path raw = Files.createDirectories(archive.resolve("../raw")).toRealPath();
    Files.createDirectories(paths.areaRoot(Area.LAKE_CLEAN));
    // The root file system holds the tiers; the archive and raw areas share a disk of their own.
    Path proc = Files.createDirectories(base.resolve("proc/self")).getParent();
    Files.writeString(
        proc.resolve("self/mountinfo"),
        "1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
            + "2 1 8:32 / "
            + archive
            + " rw,noatime shared:2 - ext4 /dev/sdc rw\n"
            + "3 1 8:32 /raw "
            + raw
            + " rw,noatime shared:3 - ext4 /dev/sdc rw\n");
    dev.tiering.core.storage.Storage disks =
        new dev.tiering.core.storage.ForwardingStorage(dev.tiering.core.storage.Storage.local()) {
          @Override
          public dev.tiering.core.storage.StoreUsage usage(Path path) {
            return path.toAbsolutePath().startsWith(archive)
                    || path.toAbsolutePath().startsWith(raw)
                ? dev.tiering.core.storage.StoreUsage.of(100 * GIB, 1 * GIB)
                : dev.tiering.core.storage.StoreUsage.of(100 * GIB, 75 * GIB);
          }
        };
    HealthReport report =
        HealthMonitor.builder(paths).storage(disks).procRoot(proc).build().check();

    assertThat(report.checks())
        .extracting(HealthCheck::name)
        .containsExactly(
            "staging size",
            "hot tier fullness",
            "lake fullness",
            "lake/archive fullness",
            "clean cache size");
    assertThat(
            check(
                    "lake fullness",
                    HealthMonitor.builder(paths).storage(disks).procRoot(proc).build())
                .level())
        .isEqualTo(HealthLevel.OK);
    HealthCheck archiveDisk =
        report.checks().stream()
            .filter(c -> c.name().equals("lake/archive fullness"))
            .findFirst()
            .orElseThrow();
    assertThat(archiveDisk.level()).isEqualTo(HealthLevel.CRITICAL);
    assertThat(archiveDisk.message())
        .isEqualTo(
            "99.0% full (99.0 GiB of 100.0 GiB) at "
                + paths.areaRoot(Area.LAKE_ARCHIVE)
                + " (lake/archive, lake/raw on /dev/sdc, device 8:32, apart from the lake root),"
                + " above the 95.0% limit: move or delete old data there, or add capacity");
    assertThat(report.level()).isEqualTo(HealthLevel.CRITICAL);
  }
}
