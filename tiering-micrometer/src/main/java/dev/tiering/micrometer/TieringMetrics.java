package dev.tiering.micrometer;

import dev.tiering.core.Tier;
import dev.tiering.core.metrics.CacheRead;
import dev.tiering.core.metrics.FilePublished;
import dev.tiering.core.metrics.HealthChecked;
import dev.tiering.core.metrics.LifecycleCompleted;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.OperationFailed;
import dev.tiering.core.metrics.TableCommitted;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The SDK's metrics in a Micrometer {@link MeterRegistry}, under conventional names and tags (the
 * Prometheus names, as a Prometheus registry renders them, are in {@code docs/operations.md}):
 *
 * <ul>
 *   <li>{@code tiering.files.written}, {@code tiering.bytes.written}, {@code tiering.rows.written}
 *       (counters) and {@code tiering.file.write} (timer), tagged {@code tier} and {@code area};
 *   <li>{@code tiering.commits} (timer) and {@code tiering.commits.replayed} (counter), tagged
 *       {@code zone} and {@code table};
 *   <li>{@code tiering.lifecycle.files} and {@code tiering.lifecycle.bytes} (counters, tagged
 *       {@code operation} and {@code effect}), {@code tiering.lifecycle.runs} (timer) and {@code
 *       tiering.lifecycle.failures} (counter), tagged {@code operation};
 *   <li>{@code tiering.cache.hits}, {@code tiering.cache.misses}, {@code tiering.cache.evictions}
 *       (counters) and {@code tiering.cache.hit.ratio} (gauge);
 *   <li>from each health check (gauges): {@code tiering.tier.used.bytes}, {@code
 *       tiering.tier.capacity.bytes} and {@code tiering.tier.fullness} (0 to 1) tagged {@code
 *       tier}, {@code tiering.staging.bytes}, {@code tiering.cache.bytes}, {@code
 *       tiering.health.level} (0 ok, 1 warning, 2 critical) and {@code tiering.health.checked.time}
 *       (epoch seconds);
 *   <li>{@code tiering.errors} (counter), tagged {@code operation} and {@code kind}.
 * </ul>
 *
 * <p>Gauges read NaN until the first health check. Works with any registry the application has.
 * Thread-safe.
 *
 * <pre>{@code
 * Tiering tiering = Tiering.builder().metrics(TieringMetrics.bindTo(registry)).build();
 * }</pre>
 */
public final class TieringMetrics implements MetricsListener {

  private static final String BYTES = "bytes";

  private final MeterRegistry registry;
  private final Counter cacheHits;
  private final Counter cacheMisses;
  private final Counter cacheEvictions;

  // Gauges hold their state weakly: these fields keep it for as long as this binding lives.
  private final Map<Tier, DoubleHolder> tierUsed = new EnumMap<>(Tier.class);
  private final Map<Tier, DoubleHolder> tierCapacity = new EnumMap<>(Tier.class);
  private final Map<Tier, DoubleHolder> tierFullness = new EnumMap<>(Tier.class);
  private final DoubleHolder stagingBytes = new DoubleHolder();
  private final DoubleHolder cacheBytes = new DoubleHolder();
  private final DoubleHolder healthLevel = new DoubleHolder();
  private final DoubleHolder checkedAt = new DoubleHolder();

  private TieringMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.cacheHits =
        Counter.builder("tiering.cache.hits")
            .description("Lake files served from their hot-tier copy")
            .register(registry);
    this.cacheMisses =
        Counter.builder("tiering.cache.misses")
            .description("Lake files read from the lake: not cached, or a damaged copy dropped")
            .register(registry);
    this.cacheEvictions =
        Counter.builder("tiering.cache.evictions")
            .description("Copies removed from the hot cache, to make room or on request")
            .register(registry);
    Gauge.builder("tiering.cache.hit.ratio", this, TieringMetrics::hitRatio)
        .description("Cache hits over all cache reads since start; NaN before the first read")
        .register(registry);
    for (Tier tier : Tier.values()) {
      tierUsed.put(tier, new DoubleHolder());
      tierCapacity.put(tier, new DoubleHolder());
      tierFullness.put(tier, new DoubleHolder());
    }
    stagingBytes.register(
        registry, "tiering.staging.bytes", BYTES, "Bytes in the hot staging area", "");
    cacheBytes.register(
        registry, "tiering.cache.bytes", BYTES, "Bytes in the hot clean cache area", "");
    healthLevel.register(
        registry,
        "tiering.health.level",
        null,
        "Worst level of the last health check: 0 ok, 1 warning, 2 critical",
        "");
    checkedAt.register(
        registry,
        "tiering.health.checked.time",
        "seconds",
        "When the last health check ran, in seconds since the epoch",
        "");
  }

  /**
   * {@return a listener that records the SDK's metrics in {@code registry}} Counters and timers
   * appear as events arrive; the health gauges are registered at once and read NaN until the first
   * health check.
   *
   * @param registry the application's registry
   */
  public static TieringMetrics bindTo(MeterRegistry registry) {
    return new TieringMetrics(Objects.requireNonNull(registry, "registry"));
  }

  private static String tag(Tier tier) {
    return tier.name().toLowerCase(Locale.ROOT);
  }

  private double hitRatio() {
    double hits = cacheHits.count();
    double all = hits + cacheMisses.count();
    return all == 0 ? Double.NaN : hits / all;
  }

  @Override
  public void filePublished(FilePublished event) {
    String tier = tag(event.tier());
    String area = event.area().toString();
    Counter.builder("tiering.files.written")
        .description("Data files published, complete")
        .tags("tier", tier, "area", area)
        .register(registry)
        .increment();
    Counter.builder("tiering.bytes.written")
        .description("Bytes of the data files published")
        .tags("tier", tier, "area", area)
        .register(registry)
        .increment((double) event.bytes());
    Counter.builder("tiering.rows.written")
        .description("Rows in the data files published")
        .tags("tier", tier, "area", area)
        .register(registry)
        .increment((double) event.rows());
    Timer.builder("tiering.file.write")
        .description("Time from opening a data file (or its lake write) to its publication")
        .tags("tier", tier, "area", area)
        .register(registry)
        .record(event.duration());
  }

  @Override
  public void tableCommitted(TableCommitted event) {
    String zone = event.zone().toString();
    String table = event.table().toString();
    if (event.replayed()) {
      Counter.builder("tiering.commits.replayed")
          .description("Lake writes whose write id the table had committed: nothing was written")
          .tags("zone", zone, "table", table)
          .register(registry)
          .increment();
      return;
    }
    Timer.builder("tiering.commits")
        .description("Lake writes committed, timed from opening the write to its commit")
        .tags("zone", zone, "table", table)
        .register(registry)
        .record(event.duration());
  }

  @Override
  public void lifecycleCompleted(LifecycleCompleted event) {
    String operation = event.operation().label();
    Timer.builder("tiering.lifecycle.runs")
        .description("Lifecycle operations run (not previews): cleanup, cache, archive, compaction")
        .tags("operation", operation)
        .register(registry)
        .record(event.duration());
    for (LifecycleCompleted.Outcome outcome : event.outcomes()) {
      String effect = outcome.effect().label();
      Counter.builder("tiering.lifecycle.files")
          .description("Files a lifecycle operation deleted, archived, cached, evicted or merged")
          .tags("operation", operation, "effect", effect)
          .register(registry)
          .increment((double) outcome.files());
      Counter.builder("tiering.lifecycle.bytes")
          .description("Bytes of the files a lifecycle operation acted on")
          .tags("operation", operation, "effect", effect)
          .register(registry)
          .increment((double) outcome.bytes());
      if (outcome.effect() == LifecycleCompleted.Effect.EVICTED) {
        cacheEvictions.increment((double) outcome.files());
      }
    }
    Counter.builder("tiering.lifecycle.failures")
        .description("Files or directories a lifecycle operation could not handle")
        .tags("operation", operation)
        .register(registry)
        .increment(event.failures());
  }

  @Override
  public void cacheRead(CacheRead event) {
    cacheHits.increment(event.hits());
    cacheMisses.increment(event.misses());
  }

  @Override
  public void healthChecked(HealthChecked event) {
    // A tier this check could not measure (its root unmounted, say) reads NaN, not its last
    // figure: an alert on stale fullness would fire, or stay silent, on data that is gone.
    java.util.Set<Tier> measured = EnumSet.noneOf(Tier.class);
    for (HealthChecked.TierUsage usage : event.tiers()) {
      Tier tier = usage.tier();
      measured.add(tier);
      registerTierGauges(tier);
      tierUsed.get(tier).value = usage.usedBytes();
      tierCapacity.get(tier).value = usage.totalBytes();
      tierFullness.get(tier).value = usage.usedFraction();
    }
    for (Tier tier : Tier.values()) {
      if (!measured.contains(tier)) {
        tierUsed.get(tier).value = Double.NaN;
        tierCapacity.get(tier).value = Double.NaN;
        tierFullness.get(tier).value = Double.NaN;
      }
    }
    stagingBytes.value =
        event.stagingBytes().isPresent() ? event.stagingBytes().getAsLong() : Double.NaN;
    cacheBytes.value = event.cacheBytes().isPresent() ? event.cacheBytes().getAsLong() : Double.NaN;
    healthLevel.value = event.severity();
    checkedAt.value = event.at().toEpochMilli() / 1000.0;
  }

  /** Registers a tier's gauges when it is first measured (registering again is harmless). */
  private void registerTierGauges(Tier tier) {
    tierUsed
        .get(tier)
        .register(
            registry,
            "tiering.tier.used.bytes",
            BYTES,
            "Bytes in use on the tier's store (df's Used)",
            tag(tier));
    tierCapacity
        .get(tier)
        .register(
            registry,
            "tiering.tier.capacity.bytes",
            BYTES,
            "Capacity of the tier's store",
            tag(tier));
    tierFullness
        .get(tier)
        .register(
            registry,
            "tiering.tier.fullness",
            null,
            "Share of the tier's store in use, 0 to 1, as df's Use% computes it",
            tag(tier));
  }

  @Override
  public void operationFailed(OperationFailed event) {
    Counter.builder("tiering.errors")
        .description("Operations that failed with an exception, by operation and kind")
        .tags("operation", event.operation(), "kind", event.kind())
        .register(registry)
        .increment();
  }

  /** A gauge's value, NaN until set. */
  private static final class DoubleHolder {
    volatile double value = Double.NaN;

    double get() {
      return value;
    }

    void register(
        MeterRegistry registry, String name, String unit, String description, String tier) {
      Gauge.Builder<DoubleHolder> gauge =
          Gauge.builder(name, this, DoubleHolder::get).description(description);
      if (unit != null) {
        gauge.baseUnit(unit);
      }
      if (!tier.isEmpty()) {
        gauge.tags("tier", tier);
      }
      gauge.register(registry);
    }
  }
}
