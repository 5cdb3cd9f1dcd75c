package dev.tiering;

import dev.tiering.core.TierLayout;
import dev.tiering.core.health.Doctor;
import dev.tiering.core.health.HealthMonitor;
import dev.tiering.core.lifecycle.Archiver;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.lifecycle.RawIngestor;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.RoutingRules;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.parquet.WriterSettings;
import dev.tiering.schema.SidecarStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The SDK's entry point: one place that owns the tier layout, the routing rules, the storage, the
 * clock and the table sidecars, and hands out every service built on them, so that all of them
 * agree. Immutable and thread-safe; services are made on each call and are cheap.
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

  private Tiering(Builder b) {
    TierLayout layout = b.layout != null ? b.layout : TierLayout.defaults();
    this.paths = new PathResolver(layout, b.rules != null ? b.rules : RoutingRules.defaults());
    this.storage =
        (b.storage != null ? b.storage : Storage.forLayout(layout)).reportingFullTiers(layout);
    this.clock = b.clock;
    this.sidecars = new SidecarStore(paths, storage, clock);
    this.stagingSettings = b.stagingSettings;
    this.lakeSettings = b.lakeSettings;
  }

  /** A builder: the seed's {@code /data/hot} and {@code /data/lake} unless told otherwise. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The tiers the environment names ({@code TIERING_HOT_ROOT} and {@code TIERING_LAKE_ROOT}, or
   * {@code TIERING_ROOT}; else {@code /data/hot} and {@code /data/lake}), as the command line reads
   * them.
   *
   * @throws IllegalArgumentException if a variable is set to an empty or relative path
   */
  public static Tiering fromEnvironment() {
    return builder().layout(TierLayout.fromEnvironment()).build();
  }

  /** Where data goes: the layout and the routing rules, explaining every placement. */
  public PathResolver paths() {
    return paths;
  }

  /** The storage every service uses. */
  public Storage storage() {
    return storage;
  }

  /** The table sidecars ({@code schema.json}, commits) every service uses. */
  public SidecarStore sidecars() {
    return sidecars;
  }

  /** Staging writers for SLM jobs (zstd 3 on the SSD). */
  public StagingWriter staging() {
    return StagingWriter.builder(paths).storage(storage).settings(stagingSettings).build();
  }

  /** The lake writer for the coordinator (zstd 5, versioned sidecars, commits). */
  public LakeWriter lake() {
    return LakeWriter.builder(paths)
        .storage(storage)
        .settings(lakeSettings)
        .sidecars(sidecars)
        .clock(clock)
        .build();
  }

  /** A reader of lake tables (as of their last commit). */
  public LakeReader reader() {
    return new LakeReader(paths, storage, sidecars, null);
  }

  /** Staging cleanup. */
  public StagingJanitor janitor() {
    return StagingJanitor.builder(paths).storage(storage).clock(clock).build();
  }

  /** The SSD cache of clean data. */
  public HotCache cache() {
    return HotCache.builder(paths).storage(storage).clock(clock).build();
  }

  /** Compaction of small lake files. */
  public Compactor compactor() {
    return Compactor.builder(paths)
        .storage(storage)
        .settings(lakeSettings)
        .sidecars(sidecars)
        .build();
  }

  /** Archive and retention. */
  public Archiver archiver() {
    return new Archiver(paths, storage, clock);
  }

  /** Raw input ingestion. */
  public RawIngestor ingestor() {
    return new RawIngestor(paths, storage, clock);
  }

  /** Health checks (what {@code tiering status} prints). */
  public HealthMonitor health() {
    return HealthMonitor.builder(paths).storage(storage).clock(clock).build();
  }

  /** Setup checks against the design (what {@code tiering doctor} prints). */
  public Doctor doctor() {
    return new Doctor(paths, storage, Path.of("/proc"));
  }

  /** Builds a {@link Tiering}. */
  public static final class Builder {
    private TierLayout layout;
    private RoutingRules rules;
    private Storage storage;
    private Clock clock = Clock.systemUTC();
    private WriterSettings stagingSettings = WriterSettings.staging();
    private WriterSettings lakeSettings = WriterSettings.lake();

    private Builder() {}

    /** A base directory holding {@code hot/} and {@code lake/} (tests, demos, one-disk setups). */
    public Builder root(Path base) {
      return layout(TierLayout.under(Objects.requireNonNull(base, "base")));
    }

    /** The tier roots (default: {@link TierLayout#defaults()}). */
    public Builder layout(TierLayout value) {
      this.layout = Objects.requireNonNull(value, "layout");
      return this;
    }

    /** The routing rules (default: {@link RoutingRules#defaults()}). */
    public Builder rules(RoutingRules value) {
      this.rules = Objects.requireNonNull(value, "rules");
      return this;
    }

    /** The storage (default: local disks, or the provider of the lake's URI scheme). */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /** The clock for write dates, metrics, ages and retention (default: system UTC). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Settings of staging files (default: {@link WriterSettings#staging()}, zstd 3). */
    public Builder stagingSettings(WriterSettings value) {
      this.stagingSettings = Objects.requireNonNull(value, "stagingSettings");
      return this;
    }

    /** Settings of lake files (default: {@link WriterSettings#lake()}, zstd 5). */
    public Builder lakeSettings(WriterSettings value) {
      this.lakeSettings = Objects.requireNonNull(value, "lakeSettings");
      return this;
    }

    /** Builds it. */
    public Tiering build() {
      return new Tiering(this);
    }
  }
}
