package dev.tiering.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.Area;
import dev.tiering.core.TableName;
import dev.tiering.core.Tier;
import dev.tiering.core.Zone;
import dev.tiering.core.metrics.CacheRead;
import dev.tiering.core.metrics.FilePublished;
import dev.tiering.core.metrics.HealthChecked;
import dev.tiering.core.metrics.LifecycleCompleted;
import dev.tiering.core.metrics.OperationFailed;
import dev.tiering.core.metrics.TableCommitted;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Review attacks on {@link TieringMetrics}: totals under concurrency, names as exported. */
@SuppressWarnings({"LongDoubleConversion", "NarrowCalculation"})
class TieringMetricsReviewTest {

  private static final Area[] AREAS = {Area.STAGING, Area.LAKE_CLEAN};

  @Test
  void manyWriterThreadsGiveExactTotals() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TieringMetrics metrics = TieringMetrics.bindTo(registry);
    int threads = 8;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      done.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < perThread; i++) {
                  metrics.filePublished(
                      new FilePublished(
                          AREAS[i % 2], "", Path.of("/x"), 3, 1000 + 1, Duration.ofMillis(1)));
                  metrics.cacheRead(new CacheRead(1, 2, 7));
                  metrics.tableCommitted(
                      new TableCommitted(
                          Zone.SILVER,
                          TableName.of("t" + (i % 3)),
                          i,
                          1,
                          3,
                          1001,
                          Duration.ofMillis(2),
                          i % 10 == 0));
                  metrics.operationFailed(new OperationFailed("lake commit", "E" + (i % 4)));
                  if (i % 100 == 0) {
                    metrics.healthChecked(
                        new HealthChecked(
                            Instant.ofEpochSecond(id * 1_000_000L + i),
                            List.of(),
                            List.of(new HealthChecked.TierUsage(Tier.HOT, i, 10 * i + 1, 0.5)),
                            OptionalLong.of(i),
                            OptionalLong.empty()));
                  }
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    long n = (long) threads * perThread;
    assertThat(
            registry.get("tiering.files.written").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .isEqualTo(n);
    assertThat(
            registry.get("tiering.bytes.written").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .isEqualTo(n * 1001);
    assertThat(
            registry.get("tiering.rows.written").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .isEqualTo(n * 3);
    assertThat(registry.get("tiering.cache.hits").counter().count()).isEqualTo(n);
    assertThat(registry.get("tiering.cache.misses").counter().count()).isEqualTo(2 * n);
    assertThat(registry.get("tiering.commits").timers().stream().mapToLong(t -> t.count()).sum())
        .isEqualTo(n - n / 10);
    assertThat(
            registry.get("tiering.commits.replayed").counters().stream()
                .mapToDouble(c -> c.count())
                .sum())
        .isEqualTo(n / 10);
    assertThat(registry.get("tiering.errors").counters().stream().mapToDouble(c -> c.count()).sum())
        .isEqualTo(n);
    assertThat(registry.get("tiering.cache.hit.ratio").gauge().value()).isEqualTo(1.0 / 3);
    String scrape = registry.scrape();
    assertThat(scrape).contains("tiering_tier_fullness{tier=\"hot\"} 0.5");
  }

  @Test
  void everyMetricTheDashboardAndAlertsNameIsExported() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TieringMetrics metrics = TieringMetrics.bindTo(registry);
    metrics.filePublished(
        new FilePublished(Area.STAGING, "", Path.of("/x"), 1, 1, Duration.ofMillis(1)));
    metrics.tableCommitted(
        new TableCommitted(
            Zone.SILVER, TableName.of("t"), 1, 1, 1, 1, Duration.ofMillis(1), false));
    metrics.tableCommitted(
        new TableCommitted(Zone.SILVER, TableName.of("t"), 1, 1, 1, 1, Duration.ofMillis(1), true));
    for (LifecycleCompleted.Operation op : LifecycleCompleted.Operation.values()) {
      metrics.lifecycleCompleted(
          new LifecycleCompleted(
              op,
              "x",
              List.of(new LifecycleCompleted.Outcome(LifecycleCompleted.Effect.EVICTED, 1, 1)),
              1,
              Duration.ofMillis(1)));
    }
    metrics.cacheRead(new CacheRead(1, 1, 1));
    metrics.operationFailed(new OperationFailed("x", "Y"));
    metrics.healthChecked(
        new HealthChecked(
            Instant.now(),
            List.of(new HealthChecked.Check("a", 1, "", 2)),
            List.of(
                new HealthChecked.TierUsage(Tier.HOT, 1, 2, 0.5),
                new HealthChecked.TierUsage(Tier.COLD, 1, 2, 0.5)),
            OptionalLong.of(1),
            OptionalLong.of(1)));
    String scrape = registry.scrape();
    java.util.Set<String> exported = new java.util.TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        exported.add(line.split("[{ ]")[0]);
      }
    }
    String files =
        java.nio.file.Files.readString(Path.of("../deploy/prometheus/alerts.yml"))
            + java.nio.file.Files.readString(Path.of("../deploy/grafana/tiering.json"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("tiering_[a-z_]+").matcher(files);
    java.util.Set<String> referenced = new java.util.TreeSet<>();
    while (m.find()) {
      referenced.add(m.group());
    }
    referenced.removeAll(exported);
    // names the files use that are neither exported series nor a dashboard uid etc.
    assertThat(referenced).isEmpty();
  }

  @Test
  void aTierNoLongerMeasuredReadsNaNLikeStaging() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TieringMetrics metrics = TieringMetrics.bindTo(registry);
    metrics.healthChecked(
        new HealthChecked(
            Instant.now(),
            List.of(),
            List.of(new HealthChecked.TierUsage(Tier.HOT, 95, 100, 0.95)),
            OptionalLong.of(5),
            OptionalLong.of(5)));
    // Next check: the hot root is gone (unmounted), so neither the tier nor staging is measured.
    metrics.healthChecked(
        new HealthChecked(
            Instant.now(),
            List.of(new HealthChecked.Check("hot tier root", 0, "", 2)),
            List.of(),
            OptionalLong.empty(),
            OptionalLong.empty()));

    assertThat(registry.get("tiering.staging.bytes").gauge().value()).isNaN();
    assertThat(registry.get("tiering.tier.fullness").tag("tier", "hot").gauge().value())
        .as("hot fullness after a check that could not measure it")
        .isNaN();
  }
}
