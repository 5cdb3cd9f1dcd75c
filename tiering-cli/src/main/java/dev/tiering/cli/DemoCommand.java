package dev.tiering.cli;

import dev.tiering.examples.DemoPipeline;
import dev.tiering.micrometer.TieringMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tiering demo}: the seed's whole design in one run. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the SLM pipeline: per batch, SLM jobs write predictions to staging in"
          + " parallel; the coordinator cross-checks them, writes silver and gold tables and cleans"
          + " staging (keeping the 2 most recent batches). Ends with a summary and the seed's DuckDB"
          + " query.",
      "Running it again adds new batches; nothing is overwritten. `--run ID` again"
          + " resumes that run."
    })
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--root",
      paramLabel = "DIR",
      defaultValue = "data",
      description = "Base directory holding hot/ and lake/ (default: ./${DEFAULT-VALUE}).")
  Path root;

  @Option(
      names = "--batches",
      paramLabel = "N",
      defaultValue = "3",
      description = "Batches to run (default: ${DEFAULT-VALUE}).")
  int batches;

  @Option(
      names = "--slms",
      paramLabel = "N",
      defaultValue = "7",
      description = "SLM jobs per batch (default: ${DEFAULT-VALUE}, as in the seed).")
  int slms;

  @Option(
      names = "--rows-per-slm",
      paramLabel = "N",
      defaultValue = "50000",
      description = "Predictions per SLM per batch (default: ${DEFAULT-VALUE}).")
  int rowsPerSlm;

  @Option(
      names = "--run",
      paramLabel = "ID",
      description = {
        "Start or resume the run with this id (default: a new id from the time)."
            + " A run's data is determined by its id; running an id again resumes it: batches it"
            + " committed are skipped and no row is written twice."
      })
  String runId;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DemoPipeline.Options options =
        new DemoPipeline.Options(
            root.toAbsolutePath().normalize(), batches, slms, rowsPerSlm, runId);
    LayoutOptions.refuseRootOnOthersTiers(
        new dev.tiering.core.routing.PathResolver(
            dev.tiering.core.TierLayout.under(options.root())),
        spec);
    PrintWriter out = spec.commandLine().getOut();
    // The demo is an application embedding the SDK: its metrics go to its own registry, which a
    // real one would expose on /metrics for Prometheus to scrape.
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DemoPipeline.Summary summary =
        DemoPipeline.run(
            options,
            out,
            Progress.onTerminal() ? System.err : null,
            TieringMetrics.bindTo(registry));
    out.println();
    out.println(
        "Metrics went to a Micrometer Prometheus registry in this process (an application serves"
            + " registry.scrape() on /metrics; the host's figures come from 'tiering status"
            + " --prometheus --textfile', see docs/operations.md#metrics). As Prometheus would"
            + " scrape them from this run:");
    for (String line : registry.scrape().split("\n")) {
      if (SHOWN.stream().anyMatch(line::startsWith)) {
        out.println("  " + line);
      }
    }
    out.flush();
    // A batch some table lacks (named above as NOT WRITTEN) is an I/O failure of the run.
    return summary.failed() ? 74 : 0;
  }

  /** The samples the demo ends with: the summary's figures, as the dashboard reads them. */
  private static final List<String> SHOWN =
      List.of(
          "tiering_files_written_total",
          "tiering_bytes_written_total",
          "tiering_rows_written_total",
          "tiering_commits_seconds_count",
          "tiering_lifecycle_files_total",
          "tiering_lifecycle_bytes_total",
          "tiering_staging_bytes",
          "tiering_tier_fullness",
          "tiering_health_level");
}
