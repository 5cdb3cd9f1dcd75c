package dev.tiering.cli;

import dev.tiering.core.ByteSize;
import dev.tiering.core.health.HealthMonitor;
import dev.tiering.core.health.HealthReport;
import dev.tiering.core.health.HealthThresholds;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiering status}: the health report, for people or (with --json) for machines. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Check staging size, tier fullness, the clean cache and disk I/O against the"
          + " seed's limits.",
      "Exit code: 0 ok, 1 warning, 2 critical (for cron and systemd timers)."
    })
final class StatusCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

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
    Ranges.bytes(spec, "--cache-budget", cacheBudget, 1);
    dev.tiering.core.routing.PathResolver paths = tiers.resolver();
    HealthMonitor monitor =
        HealthMonitor.builder(paths)
            .storage(tiers.storage(paths, true))
            .thresholds(HealthThresholds.builder().cacheBudget(cacheBudget).build())
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
}
