package dev.tiering.cli;

import dev.tiering.core.BatchId;
import dev.tiering.core.Tier;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiering cleanup}: empties staging, replacing the seed's {@code find ... -delete}. */
@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    description = {
      "Remove staging files of one batch, or of all but the most recent batches.",
      "Never removes files being written, batches inside the grace period, or link targets.",
      "Batch ages come from the SDK's record of each batch, never from file times a restore or a"
          + " wrong clock can set."
    })
final class CleanupCommand implements Callable<Integer> {

  @ArgGroup(multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--batch", paramLabel = "ID", description = "Remove this batch's files.")
    BatchId batch;

    @Option(
        names = "--keep-recent",
        paramLabel = "N",
        description =
            "Keep the N most recent batches (by when each was first written, as the SDK records"
                + " it, never by file times; N >= 1), remove the rest.")
    Integer keepRecent;

    @Option(
        names = "--all",
        description =
            "Remove every batch, the newest included (batches a"
                + " live writer holds are still kept).")
    boolean all;
  }

  @Option(names = "--dry-run", description = "Report what would be removed; change nothing.")
  boolean dryRun;

  @Option(
      names = "--archive",
      description = "Move files to <lake>/archive/staging/ instead of deleting.")
  boolean archive;

  @Option(
      names = "--grace-minutes",
      paramLabel = "M",
      defaultValue = "5",
      description =
          "Never remove a batch published to within this many minutes (default:"
              + " ${DEFAULT-VALUE}).")
  long graceMinutes;

  @Option(
      names = {"-v", "--verbose"},
      description = "List every file.")
  boolean verbose;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (which.keepRecent != null && which.keepRecent < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid --keep-recent "
              + which.keepRecent
              + ": "
              + (which.keepRecent == 0
                  ? "it would remove every batch, the" + " newest included (use --all to mean that)"
                  : "use 1 or more"));
    }
    PathResolver paths = tiers.resolver();
    try (Progress progress = Progress.of("cleanup", paths, dryRun)) {
      LayoutOptions.requireRoots(
          paths, progress, archive ? new Tier[] {Tier.HOT, Tier.COLD} : new Tier[] {Tier.HOT});
      if (!dryRun) {
        LayoutOptions.refuseRootOnOthersTiers(paths, spec);
      }
      StagingJanitor janitor =
          StagingJanitor.builder(paths)
              .storage(progress)
              .grace(
                  Duration.ofMinutes(
                      Ranges.check(
                          spec,
                          "--grace-minutes",
                          graceMinutes,
                          0,
                          10L * 366 * 24 * 60,
                          "minutes")))
              .archive(archive)
              .build();
      LifecycleReport report =
          Reports.run(
              which.batch != null
                  ? janitor.cleanupBatch(which.batch)
                  : janitor.cleanupOldBatches(which.all ? 0 : which.keepRecent),
              dryRun);
      progress.close();
      return Reports.print(spec.commandLine().getOut(), report, verbose);
    }
  }
}
