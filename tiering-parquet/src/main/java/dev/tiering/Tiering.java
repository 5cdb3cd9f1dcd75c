package dev.tiering;

import dev.tiering.core.TierLayout;
import dev.tiering.core.health.Doctor;
import dev.tiering.core.health.HealthMonitor;
import dev.tiering.core.lifecycle.Archiver;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.lifecycle.RawIngestor;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.RoutingRules;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.parquet.UnfinishedWork;
import dev.tiering.parquet.WriterSettings;
import dev.tiering.schema.SidecarStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The SDK's entry point: one place that owns the tier layout, the routing rules, the storage, the
 * clock and the table sidecars, and hands out every service built on them, so that all of them
 * agree. Immutable and thread-safe; services are made on each call and are cheap, and all of them
 * send their metrics to the one {@link Builder#metrics listener} set here.
 *
 * <pre>{@code
 * Tiering tiering = Tiering.builder().root(Path.of("/data")).build();   // /data/hot, /data/lake
 * tiering.staging().writeIntermediate(SlmId.of(3), BatchId.of("b42"), schema, rows);
 * tiering.lake().writeCleanData(schema, rows);
 * tiering.janitor().cleanupBatch(BatchId.of("b42")).execute();
 * }</pre>
 */
public final class Tiering {

  private final PathResolver paths;
  private final Storage storage;
  private final Clock clock;
  private final SidecarStore sidecars;
  private final WriterSettings stagingSettings;
  private final WriterSettings lakeSettings;
  private final MetricsListener metrics;

  private Tiering(Builder b) {
    TierLayout layout = b.layout != null ? b.layout : TierLayout.defaults();
    this.paths = new PathResolver(layout, b.rules != null ? b.rules : RoutingRules.defaults());
    this.storage =
        (b.storage != null ? b.storage : Storage.forLayout(layout)).reportingFullTiers(layout);
    this.clock = b.clock;
    this.sidecars = new SidecarStore(paths, storage, clock);
    this.stagingSettings = b.stagingSettings;
    this.lakeSettings = b.lakeSettings;
    this.metrics = b.metrics;
  }

  /** {@return a builder on {@code /data/hot} and {@code /data/lake} unless told otherwise} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the SDK on the tiers the environment names} Reads them as the command line does (see
   * {@link TierLayout#fromEnvironment()}): the system properties {@code tiering.hot.root} and
   * {@code tiering.lake.root} or {@code tiering.root}, else the variables {@code TIERING_HOT_ROOT}
   * and {@code TIERING_LAKE_ROOT} or {@code TIERING_ROOT}, else {@code /data/hot} and {@code
   * /data/lake}.
   *
   * @throws IllegalArgumentException if a property or variable is set to an empty or relative path
   * @throws IllegalStateException if no storage provider on the class path serves the lake's URI
   *     scheme
   */
  public static Tiering fromEnvironment() {
    return builder().layout(TierLayout.fromEnvironment()).build();
  }

  /** {@return where data goes: the layout and the routing rules, explaining every placement} */
  public PathResolver paths() {
    return paths;
  }

  /** {@return the storage every service uses} */
  public Storage storage() {
    return storage;
  }

  /** {@return the table sidecars ({@code schema.json}, commits) every service uses} */
  public SidecarStore sidecars() {
    return sidecars;
  }

  /** {@return a staging writer for SLM jobs (zstd 3 on the hot tier, by default)} */
  public StagingWriter staging() {
    return StagingWriter.builder(paths)
        .storage(storage)
        .settings(stagingSettings)
        .clock(clock)
        .metrics(metrics)
        .build();
  }

  /**
   * {@return a lake writer for the coordinator (zstd 5 by default, versioned sidecars, commits)}
   */
  public LakeWriter lake() {
    return LakeWriter.builder(paths)
        .storage(storage)
        .settings(lakeSettings)
        .sidecars(sidecars)
        .clock(clock)
        .metrics(metrics)
        .build();
  }

  /** {@return a reader of lake tables, as of their last commit, without a hot cache} */
  public LakeReader reader() {
    return new LakeReader(paths, storage, sidecars, null);
  }

  /** {@return the cleanup of staging files} */
  public StagingJanitor janitor() {
    return StagingJanitor.builder(paths).storage(storage).clock(clock).metrics(metrics).build();
  }

  /** {@return the hot tier's cache of clean lake data} */
  public HotCache cache() {
    return HotCache.builder(paths).storage(storage).clock(clock).metrics(metrics).build();
  }

  /** {@return the compaction of small lake files, written with the lake settings} */
  public Compactor compactor() {
    return Compactor.builder(paths)
        .storage(storage)
        .settings(lakeSettings)
        .sidecars(sidecars)
        .metrics(metrics)
        .build();
  }

  /** {@return archiving and retention of lake data} */
  public Archiver archiver() {
    return new Archiver(paths, storage, clock, metrics);
  }

  /** {@return the ingestion of raw input files into the lake} */
  public RawIngestor ingestor() {
    return new RawIngestor(paths, storage, clock);
  }

  /**
   * {@return the health checks (what {@code tiering status} prints), with the lake's unfinished
   * commits and compactions (see {@link UnfinishedWork})}
   */
  public HealthMonitor health() {
    return HealthMonitor.builder(paths)
        .storage(storage)
        .clock(clock)
        .metrics(metrics)
        .probe(unfinishedWork())
        .build();
  }

  /**
   * {@return the setup checks of the tiers' devices, mounts and file systems (what {@code tiering
   * doctor} prints)}
   */
  public Doctor doctor() {
    return new Doctor(paths, storage, Path.of("/proc")).withProbe(unfinishedWork());
  }

  /**
   * {@return the lake's commits and compactions that stopped half-way, which a glob reader sees
   * part or twice of until {@code tiering recover} finishes them}
   */
  public UnfinishedWork unfinishedWork() {
    return new UnfinishedWork(paths, storage, sidecars, clock);
  }

  /** Builds a {@link Tiering}. */
  public static final class Builder {
    private TierLayout layout;
    private RoutingRules rules;
    private Storage storage;
    private Clock clock = Clock.systemUTC();
    private WriterSettings stagingSettings = WriterSettings.staging();
    private WriterSettings lakeSettings = WriterSettings.lake();
    private MetricsListener metrics = MetricsListener.NONE;

    private Builder() {}

    /**
     * Puts both tiers under one base directory (tests, demos, one-disk setups).
     *
     * @param base the directory holding {@code hot/} and {@code lake/}
     * @return this builder
     */
    public Builder root(Path base) {
      return layout(TierLayout.under(Objects.requireNonNull(base, "base")));
    }

    /**
     * Sets the tier roots.
     *
     * @param value the roots; default {@link TierLayout#defaults()}
     * @return this builder
     */
    public Builder layout(TierLayout value) {
      this.layout = Objects.requireNonNull(value, "layout");
      return this;
    }

    /**
     * Sets the routing rules.
     *
     * @param value the rules; default {@link RoutingRules#defaults()}
     * @return this builder
     */
    public Builder rules(RoutingRules value) {
      this.rules = Objects.requireNonNull(value, "rules");
      return this;
    }

    /**
     * Sets the storage.
     *
     * @param value the storage; default local disks, or the provider of the lake's URI scheme
     * @return this builder
     */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /**
     * Sets the clock for write dates, metrics, ages and retention.
     *
     * @param value the clock; default the system clock in UTC
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets how staging files are written.
     *
     * @param value the settings; default {@link WriterSettings#staging()}, zstd 3
     * @return this builder
     */
    public Builder stagingSettings(WriterSettings value) {
      this.stagingSettings = Objects.requireNonNull(value, "stagingSettings");
      return this;
    }

    /**
     * Sets how lake files are written, by the lake writer and the compactor.
     *
     * @param value the settings; default {@link WriterSettings#lake()}, zstd 5
     * @return this builder
     */
    public Builder lakeSettings(WriterSettings value) {
      this.lakeSettings = Objects.requireNonNull(value, "lakeSettings");
      return this;
    }

    /**
     * Sets where every service sends its metrics: files published, commits, cleanup, cache, archive
     * and compaction results, health checks and failures (the {@code tiering-micrometer} module
     * binds this to a Micrometer registry). A listener that throws never fails an operation: its
     * exception is logged at WARN.
     *
     * @param value the listener; default {@link MetricsListener#NONE}, which records nothing and
     *     costs nothing
     * @return this builder
     */
    public Builder metrics(MetricsListener value) {
      this.metrics = Objects.requireNonNull(value, "metrics");
      return this;
    }

    /**
     * Builds the SDK.
     *
     * @return the SDK, on these settings
     * @throws IllegalStateException if no storage was set and no provider on the class path serves
     *     the lake's URI scheme
     */
    public Tiering build() {
      return new Tiering(this);
    }
  }
}
