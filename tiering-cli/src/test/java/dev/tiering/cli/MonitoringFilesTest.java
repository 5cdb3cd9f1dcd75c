package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.Area;
import dev.tiering.core.TableName;
import dev.tiering.core.Tier;
import dev.tiering.core.Zone;
import dev.tiering.core.health.HealthThresholds;
import dev.tiering.core.metrics.CacheRead;
import dev.tiering.core.metrics.FilePublished;
import dev.tiering.core.metrics.HealthChecked;
import dev.tiering.core.metrics.LifecycleCompleted;
import dev.tiering.core.metrics.OperationFailed;
import dev.tiering.core.metrics.TableCommitted;
import dev.tiering.micrometer.TieringMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code deploy/} name only metrics we
 * export, under the names a Prometheus registry gives them, and the design's thresholds.
 */
class MonitoringFilesTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Pattern METRIC = Pattern.compile("\\btiering_[a-z_]+");

  private static Set<String> exported;

  /** Every sample name a Prometheus scrape shows once each kind of event has arrived. */
  @BeforeAll
  static void scrapeEveryMetric() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    TieringMetrics metrics = TieringMetrics.bindTo(registry);
    metrics.filePublished(
        new FilePublished(Area.STAGING, "", Path.of("/s.parquet"), 1, 2, Duration.ofMillis(3)));
    metrics.tableCommitted(
        new TableCommitted(
            Zone.SILVER, TableName.of("t"), 1, 1, 1, 2, Duration.ofMillis(3), false));
    for (LifecycleCompleted.Operation operation : LifecycleCompleted.Operation.values()) {
      metrics.lifecycleCompleted(
          new LifecycleCompleted(
              operation,
              operation.label(),
              List.of(new LifecycleCompleted.Outcome(LifecycleCompleted.Effect.DELETED, 1, 2)),
              0,
              Duration.ofMillis(3)));
    }
    metrics.cacheRead(new CacheRead(1, 1, 2));
    metrics.healthChecked(
        new HealthChecked(
            Instant.EPOCH,
            List.of(),
            List.of(new HealthChecked.TierUsage(Tier.HOT, 1, 2, 0.5)),
            OptionalLong.of(1),
            OptionalLong.of(1)));
    metrics.operationFailed(new OperationFailed("staging write", "IOException"));
    exported = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        exported.add(line.split("[{ ]", 2)[0]);
      }
    }
  }

  private static List<String> metricsIn(String expression) {
    List<String> names = new ArrayList<>();
    Matcher m = METRIC.matcher(expression);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  @Test
  void everyDashboardPanelQueriesMetricsWeExport() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(DEPLOY.resolve("grafana/tiering.json").toFile());
    List<String> titles = new ArrayList<>();

    for (JsonNode panel : dashboard.get("panels")) {
      titles.add(panel.get("title").asText());
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        String expr = target.get("expr").asText();
        assertThat(metricsIn(expr)).as(expr).isNotEmpty();
        assertThat(exported).as(expr).containsAll(metricsIn(expr));
      }
    }
    assertThat(titles)
        .contains(
            "Tier usage",
            "Staging size",
            "Write throughput per tier",
            "Cache hit ratio",
            "Cleanup activity",
            "Compaction activity");
  }

  @Test
  void theStagingPanelDrawsTheDesignsFourTenAndThirtyGigabyteLines() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(DEPLOY.resolve("grafana/tiering.json").toFile());
    JsonNode staging = null;
    for (JsonNode panel : dashboard.get("panels")) {
      if (panel.get("title").asText().equals("Staging size")) {
        staging = panel;
      }
    }
    assertThat(staging).isNotNull();
    JsonNode defaults = staging.get("fieldConfig").get("defaults");
    List<Long> lines = new ArrayList<>();
    for (JsonNode step : defaults.get("thresholds").get("steps")) {
      if (!step.get("value").isNull()) {
        lines.add(step.get("value").asLong());
      }
    }
    HealthThresholds design = HealthThresholds.defaults();
    assertThat(lines)
        .containsExactly(
            design.stagingNormalBytes(),
            design.stagingWarningBytes(),
            design.stagingCriticalBytes());
    assertThat(lines).containsExactly(4L << 30, 10L << 30, 30L << 30);
    assertThat(defaults.get("custom").get("thresholdsStyle").get("mode").asText())
        .isEqualTo("line");
  }

  @Test
  void theAlertRulesUseTheDesignsThresholdsAndMetricsWeExport() throws Exception {
    String rules = Files.readString(DEPLOY.resolve("prometheus/alerts.yml"));
    HealthThresholds design = HealthThresholds.defaults();
    List<String> expressions = new ArrayList<>();
    for (String line : rules.split("\n")) {
      if (line.trim().startsWith("expr:")) {
        expressions.add(line.trim().substring("expr:".length()).trim());
      }
    }

    assertThat(expressions)
        .contains(
            "tiering_staging_bytes > "
                + design.stagingWarningBytes()
                + " and tiering_staging_bytes <= "
                + design.stagingCriticalBytes(),
            "tiering_staging_bytes > " + design.stagingCriticalBytes(),
            "tiering_tier_fullness{tier=\"hot\"} > "
                + String.format(java.util.Locale.ROOT, "%.2f", design.hotWarningFraction()));
    for (String expr : expressions) {
      assertThat(exported).as(expr).containsAll(metricsIn(expr));
    }
  }

  @Test
  void promtoolAcceptsTheAlertRules() throws Exception {
    Path promtool = PrometheusStatusTest.Promtool.find();
    Assumptions.assumeTrue(
        promtool != null,
        "promtool is not on PATH (apt-get install prometheus; .ci/run installs it)");

    PrometheusStatusTest.Promtool.Result check =
        PrometheusStatusTest.Promtool.run(
            promtool, "", "check", "rules", DEPLOY.resolve("prometheus/alerts.yml").toString());

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 7 rules found");
  }
}
