package dev.tiering.core.health;

import dev.tiering.core.Area;
import dev.tiering.core.ByteSize;
import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import dev.tiering.core.metrics.HealthChecked;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.OperationFailed;
import dev.tiering.core.metrics.internal.GuardedListener;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.StoreUsage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the tiers against {@link HealthThresholds}, as {@code du -sh}, {@code df} and {@code
 * iostat -x} would, but comparing sizes as numbers, not as text (where "9G" sorts above "10G"):
 * staging size, hot tier and lake fullness, the clean cache against its budget, and, when sampled,
 * each tier device's utilization and average wait from {@code /proc/diskstats}. Thread-safe.
 */
public final class HealthMonitor {

  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);
  private static final String STAGING_CHECK = "staging size";
  private static final String CACHE_CHECK = "clean cache size";

  private final PathResolver paths;
  private final Storage storage;
  private final HealthThresholds limits;
  private final Clock clock;
  private final ProcFiles proc;
  private final MetricsListener metrics;
  private final List<HealthProbe> probes;

  private HealthMonitor(Builder b) {
    this.paths = b.paths;
    this.storage = b.storage != null ? b.storage : Storage.forLayout(b.paths.layout());
    this.limits = b.limits;
    this.clock = b.clock;
    this.proc = new ProcFiles(b.procRoot);
    this.metrics = GuardedListener.of(b.metrics);
    this.probes = List.copyOf(b.probes);
  }

  /**
   * {@return a builder of a monitor of the tiers of {@code paths}}
   *
   * @param paths the tiers to check
   */
  public static Builder builder(PathResolver paths) {
    return new Builder(paths);
  }

  /** {@return the limits checks compare against} */
  public HealthThresholds thresholds() {
    return limits;
  }

  /**
   * Checks sizes and fullness, without sampling disk I/O. Logs the report.
   *
   * @return the report
   * @throws IOException if the staging area or the cache cannot be listed, or a tier cannot be
   *     measured
   */
  public HealthReport check() throws IOException {
    return check(Duration.ZERO);
  }

  /**
   * Checks sizes and fullness and, for a positive {@code ioInterval}, each tier device's I/O
   * sampled over that interval (as {@code iostat -x} does). Logs the report.
   *
   * @param ioInterval how long to sample disk I/O; zero or negative to skip it
   * @return the report
   * @throws IOException if the staging area or the cache cannot be listed, or a tier cannot be
   *     measured
   * @throws java.io.InterruptedIOException if interrupted while sampling disk I/O
   */
  public HealthReport check(Duration ioInterval) throws IOException {
    if (!GuardedListener.enabled(metrics)) {
      return check(ioInterval, new ArrayList<>());
    }
    List<HealthChecked.TierUsage> usages = new ArrayList<>();
    HealthReport report;
    try {
      report = check(ioInterval, usages);
    } catch (IOException | RuntimeException e) {
      metrics.operationFailed(OperationFailed.of("health check", e));
      throw e;
    }
    metrics.healthChecked(figures(report, usages));
    return report;
  }

  /** The report's figures, for metrics; staging and cache sizes only where they were measured. */
  private static HealthChecked figures(HealthReport report, List<HealthChecked.TierUsage> usages) {
    List<HealthChecked.Check> checks = new ArrayList<>();
    OptionalLong staging = OptionalLong.empty();
    OptionalLong cache = OptionalLong.empty();
    for (HealthCheck check : report.checks()) {
      checks.add(
          new HealthChecked.Check(
              check.name(), check.value(), check.unit(), check.level().exitCode()));
      if (check.name().equals(STAGING_CHECK)) {
        staging = OptionalLong.of((long) check.value());
      } else if (check.name().equals(CACHE_CHECK)) {
        cache = OptionalLong.of((long) check.value());
      }
    }
    return new HealthChecked(report.at(), checks, usages, staging, cache);
  }

  private HealthReport check(Duration ioInterval, List<HealthChecked.TierUsage> usages)
      throws IOException {
    List<HealthCheck> checks = new ArrayList<>();
    HealthCheck hotRoot = root(Tier.HOT);
    HealthCheck lakeRoot = root(Tier.COLD);
    if (hotRoot != null) {
      checks.add(hotRoot);
    } else {
      checks.add(staging());
      checks.add(
          fullness(
              "hot tier fullness",
              Tier.HOT,
              limits.hotWarningFraction(),
              limits.hotCriticalFraction(),
              usages,
              "run 'tiering cleanup --keep-recent 2' and check that the" + " cleanup timer runs"));
      checks.addAll(
          areaDevices(
              Tier.HOT,
              limits.hotWarningFraction(),
              limits.hotCriticalFraction(),
              "run 'tiering cleanup --keep-recent 2' or evict cache entries"));
    }
    if (lakeRoot != null) {
      checks.add(lakeRoot);
    } else {
      checks.add(
          fullness(
              "lake fullness",
              Tier.COLD,
              limits.lakeWarningFraction(),
              limits.lakeCriticalFraction(),
              usages,
              "archive or delete old data ('tiering archive'), or add" + " capacity"));
      checks.addAll(
          areaDevices(
              Tier.COLD,
              limits.lakeWarningFraction(),
              limits.lakeCriticalFraction(),
              "move or delete old data there, or add capacity"));
    }
    if (hotRoot == null) {
      checks.add(cache());
    }
    if (!ioInterval.isZero() && !ioInterval.isNegative()) {
      checks.addAll(io(ioInterval));
    }
    if (hotRoot == null && lakeRoot == null) {
      for (HealthProbe probe : probes) {
        checks.add(run(probe));
      }
    }
    HealthReport report = new HealthReport(clock.instant(), checks);
    report.log(log);
    return report;
  }

  /** The probe's check; one that cannot read what it checks is a warning saying so. */
  static HealthCheck run(HealthProbe probe) {
    try {
      return Objects.requireNonNull(probe.check(), "a probe's check");
    } catch (IOException | RuntimeException e) {
      log.warn("A health probe failed: {}", e.toString());
      return new HealthCheck(
          "probe " + probe.getClass().getSimpleName(),
          0,
          Double.NaN,
          Double.NaN,
          "",
          HealthLevel.WARNING,
          "could not be checked: " + e.getMessage());
    }
  }

  /**
   * A CRITICAL check if a tier root is missing, not a directory or unreadable (a typo in a unit
   * file, an unmounted disk), else null. The tier's other checks are then skipped: they would
   * measure whatever disk holds the nearest existing parent and look fine.
   */
  private HealthCheck root(Tier tier) {
    Path root = paths.layout().root(tier);
    String shown = paths.layout().display(root);
    String name = tier == Tier.HOT ? "hot tier root" : "lake root";
    String problem;
    try {
      java.util.Optional<FileEntry> entry = storage.stat(root);
      problem =
          entry.isEmpty()
              ? "does not exist"
              : !entry.get().isDirectory() ? "is not a directory" : null;
      if (problem == null) {
        storage.list(root);
      }
    } catch (IOException e) {
      problem = "cannot be read (" + e.getMessage() + ")";
    }
    if (problem == null) {
      return null;
    }
    return new HealthCheck(
        name,
        0,
        Double.NaN,
        Double.NaN,
        "",
        HealthLevel.CRITICAL,
        shown
            + " "
            + problem
            + ": is the "
            + (tier == Tier.HOT ? "SSD" : "lake disk")
            + " mounted, and is the root"
            + " right (--root/--"
            + (tier == Tier.HOT ? "hot" : "lake")
            + ", "
            + (tier == Tier.HOT ? TierLayout.HOT_ROOT_ENV : TierLayout.LAKE_ROOT_ENV)
            + " or the unit's Environment=)?");
  }

  private HealthCheck staging() throws IOException {
    long bytes = 0;
    Path dir = paths.areaRoot(Area.STAGING);
    for (FileEntry entry : storage.list(dir)) {
      if (entry.isFile()) {
        bytes += entry.size();
      }
    }
    String size = ByteSize.of(bytes).toString();
    if (bytes > limits.stagingCriticalBytes()) {
      return new HealthCheck(
          STAGING_CHECK,
          bytes,
          limits.stagingWarningBytes(),
          limits.stagingCriticalBytes(),
          "bytes",
          HealthLevel.CRITICAL,
          size
              + " in "
              + dir
              + ", above "
              + ByteSize.of(limits.stagingCriticalBytes())
              + ": the cleanup job failed (run 'tiering cleanup --keep-recent 2' now)");
    }
    if (bytes > limits.stagingWarningBytes()) {
      return new HealthCheck(
          STAGING_CHECK,
          bytes,
          limits.stagingWarningBytes(),
          limits.stagingCriticalBytes(),
          "bytes",
          HealthLevel.WARNING,
          size
              + " in "
              + dir
              + ", above "
              + ByteSize.of(limits.stagingWarningBytes())
              + ": investigate the cleanup job ('tiering cleanup --keep-recent 2 --dry-run')");
    }
    String note =
        bytes > limits.stagingNormalBytes()
            ? ", above the normal " + ByteSize.of(limits.stagingNormalBytes())
            : ", normal (below " + ByteSize.of(limits.stagingNormalBytes()) + ")";
    return new HealthCheck(
        STAGING_CHECK,
        bytes,
        limits.stagingWarningBytes(),
        limits.stagingCriticalBytes(),
        "bytes",
        HealthLevel.OK,
        size + " in " + dir + note);
  }

  private HealthCheck fullness(
      String name,
      Tier tier,
      double warning,
      double critical,
      List<HealthChecked.TierUsage> usages,
      String fix)
      throws IOException {
    Path root = paths.layout().root(tier);
    StoreUsage usage = storage.usage(root);
    usages.add(
        new HealthChecked.TierUsage(
            tier, usage.usedBytes(), usage.totalBytes(), usage.usedFraction()));
    return fullness(name, root.toString(), usage, warning, critical, fix);
  }

  /**
   * One check per device that holds areas of {@code tier} but not its root: an archive or raw area
   * mounted on a disk of its own fills on its own, and the root's figure says nothing of it. Each
   * such device is reported once, named by its first area, with every area on it. Without a
   * readable mount table (not Linux) the areas are taken to be on the root's device, as before.
   */
  private List<HealthCheck> areaDevices(Tier tier, double warning, double critical, String fix)
      throws IOException {
    if (tier == Tier.COLD && !paths.layout().lakeIsLocal()) {
      return List.of();
    }
    List<ProcFiles.Mount> mounts;
    try {
      mounts = proc.mounts();
    } catch (IOException noMountTable) {
      return List.of();
    }
    String rootDevice =
        ProcFiles.mountOf(mounts, paths.layout().root(tier))
            .map(ProcFiles.Mount::device)
            .orElse(null);
    Map<String, List<Area>> byDevice = new java.util.LinkedHashMap<>();
    Map<String, ProcFiles.Mount> mountOfDevice = new java.util.HashMap<>();
    for (Area area : Area.values()) {
      Path dir = paths.areaRoot(area);
      if (area.tier() != tier || storage.stat(dir).filter(FileEntry::isDirectory).isEmpty()) {
        continue; // an area not made yet is created on the root's device
      }
      Optional<ProcFiles.Mount> mount = ProcFiles.mountOf(mounts, dir);
      if (mount.isEmpty() || mount.get().device().equals(rootDevice)) {
        continue;
      }
      byDevice.computeIfAbsent(mount.get().device(), d -> new ArrayList<>()).add(area);
      mountOfDevice.putIfAbsent(mount.get().device(), mount.get());
    }
    List<HealthCheck> checks = new ArrayList<>();
    for (Map.Entry<String, List<Area>> device : byDevice.entrySet()) {
      List<Area> areas = device.getValue();
      ProcFiles.Mount mount = mountOfDevice.get(device.getKey());
      String names =
          String.join(
              ", ", areas.stream().map(a -> tier.rootName() + "/" + a.directoryName()).toList());
      checks.add(
          fullness(
              tier.rootName() + "/" + areas.get(0).directoryName() + " fullness",
              paths.areaRoot(areas.get(0))
                  + " ("
                  + names
                  + " on "
                  + mount.source()
                  + ", device "
                  + device.getKey()
                  + ", apart from the "
                  + (tier == Tier.HOT ? "hot tier" : "lake")
                  + " root)",
              storage.usage(paths.areaRoot(areas.get(0))),
              warning,
              critical,
              fix));
    }
    return checks;
  }

  private static HealthCheck fullness(
      String name, String where, StoreUsage usage, double warning, double critical, String fix) {
    double fraction = usage.usedFraction();
    HealthLevel level =
        fraction > critical
            ? HealthLevel.CRITICAL
            : fraction > warning ? HealthLevel.WARNING : HealthLevel.OK;
    double limit = level == HealthLevel.CRITICAL ? critical : warning;
    String message =
        percent(fraction)
            + " full ("
            + ByteSize.of(usage.usedBytes())
            + " of "
            + ByteSize.of(usage.totalBytes())
            + ") at "
            + where
            + (level == HealthLevel.OK
                ? ", within " + percent(warning)
                : ", above the " + percent(limit) + " limit: " + fix);
    return new HealthCheck(
        name, fraction * 100, warning * 100, critical * 100, "percent", level, message);
  }

  private HealthCheck cache() throws IOException {
    long bytes = treeSize(paths.areaRoot(Area.CLEAN_CACHE));
    long budget = limits.cacheBudgetBytes();
    HealthLevel level = bytes > budget ? HealthLevel.WARNING : HealthLevel.OK;
    return new HealthCheck(
        CACHE_CHECK,
        bytes,
        budget,
        Double.NaN,
        "bytes",
        level,
        ByteSize.of(bytes)
            + " of a "
            + ByteSize.of(budget)
            + " budget"
            + (level == HealthLevel.OK
                ? ""
                : ": over budget (run 'tiering cache verify' and check that eviction runs)"));
  }

  private long treeSize(Path dir) throws IOException {
    long bytes = 0;
    for (FileEntry entry : storage.list(dir)) {
      if (entry.isDirectory()) {
        bytes += treeSize(entry.path());
      } else if (entry.isFile()) {
        bytes += entry.size();
      }
    }
    return bytes;
  }

  private List<HealthCheck> io(Duration interval) throws IOException {
    List<ProcFiles.Mount> mounts;
    Map<String, ProcFiles.DiskCounters> before;
    try {
      mounts = proc.mounts();
      before = proc.diskStats();
    } catch (IOException unavailable) {
      return List.of(
          new HealthCheck(
              "disk i/o",
              0,
              Double.NaN,
              Double.NaN,
              "ms",
              HealthLevel.OK,
              "not measured: " + unavailable.getMessage() + " (Linux /proc is needed)"));
    }
    long start = System.nanoTime();
    try {
      Thread.sleep(interval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("Interrupted while sampling disk I/O");
    }
    Map<String, ProcFiles.DiskCounters> after = proc.diskStats();
    double elapsedMs = (System.nanoTime() - start) / 1e6;
    List<HealthCheck> checks = new ArrayList<>();
    for (Tier tier : Tier.values()) {
      Path root = paths.layout().root(tier);
      if (tier == Tier.COLD && !paths.layout().lakeIsLocal()) {
        checks.add(
            new HealthCheck(
                tier + " disk i/o",
                0,
                Double.NaN,
                Double.NaN,
                "ms",
                HealthLevel.OK,
                "not measured: the lake is on "
                    + paths.layout().lakeStore()
                    + ", not a local device (watch it"
                    + " with that file system's own tools)"));
        continue;
      }
      Optional<ProcFiles.Mount> mount = ProcFiles.mountOf(mounts, root);
      ProcFiles.DiskCounters b = mount.map(m -> before.get(m.device())).orElse(null);
      ProcFiles.DiskCounters a = mount.map(m -> after.get(m.device())).orElse(null);
      String device = mount.map(m -> m.source() + " (" + m.device() + ")").orElse("unknown device");
      if (a == null || b == null) {
        checks.add(
            new HealthCheck(
                tier + " disk i/o",
                0,
                Double.NaN,
                Double.NaN,
                "ms",
                HealthLevel.OK,
                "not measured: "
                    + device
                    + " of "
                    + root
                    + " has no /proc/diskstats entry (overlay or network"
                    + " file system?)"));
        continue;
      }
      checks.addAll(ioChecks(tier, device, IoSample.between(b, a, elapsedMs)));
    }
    return checks;
  }

  /** Utilization and average wait over one interval, as {@code iostat -x} computes them. */
  record IoSample(double utilizationPercent, double awaitMillis, long ios) {
    static IoSample between(
        ProcFiles.DiskCounters before, ProcFiles.DiskCounters after, double elapsedMillis) {
      long ios = after.ios() - before.ios();
      double await = ios == 0 ? 0 : (double) (after.ioMillis() - before.ioMillis()) / ios;
      double util =
          elapsedMillis <= 0
              ? 0
              : Math.min(100, 100.0 * (after.busyMillis() - before.busyMillis()) / elapsedMillis);
      return new IoSample(util, await, ios);
    }
  }

  List<HealthCheck> ioChecks(Tier tier, String device, IoSample sample) {
    double awaitLimit = tier == Tier.HOT ? limits.ssdAwaitMillis() : limits.hddAwaitMillis();
    HealthLevel awaitLevel =
        sample.awaitMillis() > awaitLimit ? HealthLevel.WARNING : HealthLevel.OK;
    HealthLevel utilLevel =
        sample.utilizationPercent() > limits.utilizationPercent()
            ? HealthLevel.WARNING
            : HealthLevel.OK;
    String kind = tier == Tier.HOT ? "SSD" : "HDD";
    return List.of(
        new HealthCheck(
            tier + " disk await",
            sample.awaitMillis(),
            awaitLimit,
            Double.NaN,
            "ms",
            awaitLevel,
            String.format(
                    Locale.ROOT,
                    "%.1f ms average wait over %d I/Os on %s",
                    sample.awaitMillis(),
                    sample.ios(),
                    device)
                + (awaitLevel == HealthLevel.OK
                    ? ""
                    : ", above "
                        + (int) awaitLimit
                        + " ms for an "
                        + kind
                        + (tier == Tier.COLD
                            ? ": batch lake writes (BufferedLakeAppender) and avoid concurrent writers"
                            : ": slow SSD, check for contention between staging and the cache"))),
        new HealthCheck(
            tier + " disk utilization",
            sample.utilizationPercent(),
            limits.utilizationPercent(),
            Double.NaN,
            "percent",
            utilLevel,
            String.format(Locale.ROOT, "%.0f%% busy on %s", sample.utilizationPercent(), device)
                + (utilLevel == HealthLevel.OK
                    ? ""
                    : ", above "
                        + (int) limits.utilizationPercent()
                        + "%: the device is saturated")));
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
  }

  /** Builds a {@link HealthMonitor}. */
  public static final class Builder {
    private final PathResolver paths;
    private Storage storage;
    private MetricsListener metrics = MetricsListener.NONE;
    private HealthThresholds limits = HealthThresholds.defaults();
    private Clock clock = Clock.systemUTC();
    private Path procRoot = Path.of("/proc");
    private final List<HealthProbe> probes = new ArrayList<>();

    private Builder(PathResolver paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /**
     * Sets the storage (default: {@link Storage#forLayout} of the tiers); usage figures come from
     * it.
     *
     * @param value the storage
     * @return this builder
     */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /**
     * Sets the limits (default: {@link HealthThresholds#defaults()}).
     *
     * @param value the limits
     * @return this builder
     */
    public Builder thresholds(HealthThresholds value) {
      this.limits = Objects.requireNonNull(value, "thresholds");
      return this;
    }

    /**
     * Sets the clock for report times (default: the system clock, UTC).
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets where {@code self/mountinfo} and {@code diskstats} are read from (default {@code
     * /proc}).
     *
     * @param value the directory read as {@code /proc}
     * @return this builder
     */
    public Builder procRoot(Path value) {
      this.procRoot = Objects.requireNonNull(value, "procRoot");
      return this;
    }

    /**
     * Sets where metrics go.
     *
     * @param value the listener; default {@link MetricsListener#NONE}, which records nothing
     * @return this builder
     */
    public Builder metrics(MetricsListener value) {
      this.metrics = Objects.requireNonNull(value, "metrics");
      return this;
    }

    /**
     * Adds a check that runs after the monitor's own ones, when both tier roots are there (see
     * {@link HealthProbe}).
     *
     * @param value the probe
     * @return this builder
     */
    public Builder probe(HealthProbe value) {
      probes.add(Objects.requireNonNull(value, "probe"));
      return this;
    }

    /** {@return the monitor} */
    public HealthMonitor build() {
      return new HealthMonitor(this);
    }
  }
}
