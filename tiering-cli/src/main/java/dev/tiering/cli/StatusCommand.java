package dev.tiering.cli;

import dev.tiering.core.ByteSize;
import dev.tiering.core.health.HealthMonitor;
import dev.tiering.core.health.HealthReport;
import dev.tiering.core.health.HealthThresholds;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.micrometer.TieringMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tiering status}: the health report, for people, or for machines as JSON (--json) or in the
 * Prometheus text format (--prometheus, optionally written to a node_exporter textfile).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Check staging size, tier fullness, the clean cache and disk I/O against the"
          + " seed's limits.",
      "With --prometheus, the same figures in the Prometheus text format; with --textfile FILE,"
          + " written atomically to FILE (for node_exporter's textfile collector), the only file"
          + " status ever writes.",
      "Exit code: 0 ok, 1 warning, 2 critical (for cron and systemd timers)."
    })
final class StatusCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Option(
      names = "--prometheus",
      description =
          "Print the figures in the Prometheus text format, as Micrometer's Prometheus registry"
              + " renders them (tiering_staging_bytes, tiering_tier_fullness, ...).")
  boolean prometheus;

  @Option(
      names = "--textfile",
      paramLabel = "FILE",
      description =
          "With --prometheus: write the figures to FILE (a .prom file in node_exporter's"
              + " --collector.textfile.directory) atomically instead of printing them.")
  Path textfile;

  @Option(
      names = "--interval",
      paramLabel = "SECONDS",
      defaultValue = "1",
      description =
          "Sample disk I/O over this many seconds, as iostat -x does; 0 skips it"
              + " (default: ${DEFAULT-VALUE}).")
  double interval;

  @Option(
      names = "--cache-budget",
      paramLabel = "SIZE",
      defaultValue = "40GiB",
      description = "The clean cache budget to check against (default: ${DEFAULT-VALUE}).")
  ByteSize cacheBudget;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try {
      return report();
    } catch (Exception e) {
      if (!json) {
        throw e;
      }
      // A machine reading --json gets JSON on every path, with the same exit code as the text.
      int code =
          e instanceof CommandLine.ParameterException || e instanceof IllegalArgumentException
              ? TieringCli.EXIT_USAGE
              : e instanceof java.io.IOException ? TieringCli.EXIT_IO : TieringCli.EXIT_SOFTWARE;
      String message =
          e instanceof java.io.IOException io
              ? TieringCli.describe(io)
              : String.valueOf(e.getMessage());
      java.util.Map<String, Object> error = new java.util.LinkedHashMap<>();
      error.put("error", message);
      error.put("exit_code", code);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          new com.fasterxml.jackson.databind.ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(error));
      out.flush();
      return code;
    }
  }

  private int report() throws Exception {
    Ranges.check(spec, "--interval", interval, 0, 3600, "seconds");
    if (prometheus && json) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--json and --prometheus clash (choose one output format)");
    }
    if (textfile != null && !prometheus) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--textfile " + textfile + " needs --prometheus (it writes the Prometheus text format)");
    }
    if (prometheus) {
      return prometheus();
    }
    Ranges.bytes(spec, "--cache-budget", cacheBudget, 1);
    dev.tiering.core.routing.PathResolver paths = tiers.resolver();
    Storage storage = tiers.storage(paths, true);
    HealthMonitor monitor =
        HealthMonitor.builder(paths)
            .storage(storage)
            .thresholds(HealthThresholds.builder().cacheBudget(cacheBudget).build())
            .probe(unfinishedWork(paths, storage))
            .build();
    HealthReport report = monitor.check(Duration.ofMillis((long) (interval * 1000)));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.print(report.toJson());
    } else {
      out.print(report.format());
    }
    out.flush();
    return report.level().exitCode();
  }

  /** Unfinished lake commits and compactions: what a glob reader sees part or twice of. */
  static dev.tiering.parquet.UnfinishedWork unfinishedWork(
      dev.tiering.core.routing.PathResolver paths, Storage storage) {
    java.time.Clock clock = java.time.Clock.systemUTC();
    return new dev.tiering.parquet.UnfinishedWork(
        paths, storage, new dev.tiering.schema.SidecarStore(paths, storage, clock), clock);
  }

  /** The meters a status run exports: what the health check measured, not per-process counts. */
  private static boolean measuredByHealthCheck(String meter) {
    return meter.startsWith("tiering.tier.")
        || meter.equals("tiering.staging.bytes")
        || meter.equals("tiering.cache.bytes")
        || meter.startsWith("tiering.health.");
  }

  private int prometheus() throws Exception {
    dev.tiering.core.routing.PathResolver paths = tiers.resolver();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Counters of writes and cache reads count this process's, which are none: left out, so
    // that a scrape never mistakes them for the applications'.
    registry
        .config()
        .meterFilter(MeterFilter.denyUnless(id -> measuredByHealthCheck(id.getName())));
    Storage storage = tiers.storage(paths, true);
    HealthMonitor monitor =
        HealthMonitor.builder(paths)
            .storage(storage)
            .thresholds(HealthThresholds.builder().cacheBudget(cacheBudget).build())
            .metrics(TieringMetrics.bindTo(registry))
            .probe(unfinishedWork(paths, storage))
            .build();
    HealthReport report = monitor.check(Duration.ofMillis((long) (interval * 1000)));
    String text = registry.scrape();
    if (textfile != null) {
      checkTextfile(textfile.toAbsolutePath().normalize());
      publish(Storage.local(), textfile, text);
    } else {
      PrintWriter out = spec.commandLine().getOut();
      out.print(text);
      out.flush();
    }
    return report.level().exitCode();
  }

  /**
   * Refuses a --textfile whose directory is missing (a typo would write where no collector looks,
   * and create directories as root) or that is a symbolic link (the rename would replace the link,
   * not what it points to, and the collector would read stale figures through it).
   */
  private void checkTextfile(Path file) {
    Path dir = file.getParent();
    if (dir == null || !java.nio.file.Files.isDirectory(dir)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--textfile "
              + textfile
              + ": directory "
              + dir
              + " does not exist (point it at node_exporter's --collector.textfile.directory)");
    }
    if (java.nio.file.Files.isSymbolicLink(file)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--textfile "
              + textfile
              + " is a symbolic link; replacing it would replace the link, not its target"
              + " (give the real file's path)");
    }
  }

  /**
   * Replaces {@code file} with {@code text} through the storage's atomic publish: node_exporter
   * reads the old file or the new one, never a part. The file is outside the tiers (a collector's
   * directory), so it is named as given; the temporary file is hidden and does not end in {@code
   * .prom}, so the collector never reads it.
   */
  static void publish(Storage storage, Path file, String text) throws java.io.IOException {
    Path target = file.toAbsolutePath().normalize();
    try (PendingFile pending = storage.create(target, WriteMode.REPLACE)) {
      pending.stream().write(text.getBytes(StandardCharsets.UTF_8));
      pending.commit();
    }
  }
}
