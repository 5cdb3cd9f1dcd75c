package dev.tiering.cli;

import dev.tiering.core.ByteSize;
import dev.tiering.core.Tier;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.parquet.Compactor;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiering compact}: merges small lake files into files of the target size. */
@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description =
        "Merge files under the small size into files of about 128 MiB, per partition,"
            + " crash-safely; report files over 500 MiB.")
final class CompactCommand implements Callable<Integer> {

  @Mixin TableOptions tables;

  @Option(
      names = "--small",
      paramLabel = "SIZE",
      defaultValue = "10MiB",
      description = "Merge files under this size (default: ${DEFAULT-VALUE}).")
  ByteSize small;

  @Option(
      names = "--min-age-minutes",
      paramLabel = "M",
      defaultValue = "10",
      description = {
        "Leave files of commits younger than this alone (default: ${DEFAULT-VALUE}):"
            + " a scan running since before them keeps its snapshot."
      })
  long minAgeMinutes;

  @Option(names = "--dry-run", description = "Report what would be merged; change nothing.")
  boolean dryRun;

  @Option(
      names = {"-v", "--verbose"},
      description = "List every file.")
  boolean verbose;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PathResolver paths = tiers.resolver();
    PrintWriter out = spec.commandLine().getOut();
    int code = 0;
    try (Progress progress = Progress.of("compact", paths, dryRun)) {
      LayoutOptions.requireRoots(paths, progress, Tier.COLD);
      if (!dryRun) {
        LayoutOptions.refuseRootOnOthersTiers(paths, spec);
      }
      Compactor compactor =
          Compactor.builder(paths)
              .storage(progress)
              .smallFileBytes(Ranges.bytes(spec, "--small", small, 1))
              .minCommitAge(
                  java.time.Duration.ofMinutes(
                      Ranges.check(spec, "--min-age-minutes", minAgeMinutes, 0, 60, "minutes")))
              .build();
      for (TableOptions.Selected t : tables.select(TableOptions.reader(paths, progress))) {
        try {
          code =
              Math.max(
                  code,
                  Reports.print(
                      out, Reports.run(compactor.compact(t.zone(), t.table()), dryRun), verbose));
        } catch (java.io.IOException | RuntimeException e) {
          // One table that cannot be compacted (a damaged schema.json) must not stop the others.
          out.println(Reports.failedTable("compact", t.zone() + "." + t.table(), e));
          code = Math.max(code, 1);
        }
      }
    }
    return code;
  }
}
