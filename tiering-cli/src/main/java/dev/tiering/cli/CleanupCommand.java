package dev.tiering.cli;

import dev.tiering.core.BatchId;
import dev.tiering.core.LifecycleReport;
import dev.tiering.core.StagingJanitor;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiering cleanup}: empties staging, replacing the seed's {@code find ... -delete}. */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
    description = {"Remove staging files of one batch, or of all but the most recent batches.",
        "Never removes files being written, files younger than the grace period, or link targets."})
final class CleanupCommand implements Callable<Integer> {

  @ArgGroup(multiplicity = "1")
  Which which;

  static final class Which {
    @Option(names = "--batch", paramLabel = "ID", description = "Remove this batch's files.")
    BatchId batch;

    @Option(names = "--keep-recent", paramLabel = "N",
        description = "Keep the N most recent batches (by newest file), remove the rest.")
    Integer keepRecent;
  }

  @Option(names = "--dry-run", description = "Report what would be removed; change nothing.")
  boolean dryRun;

  @Option(names = "--archive", description = "Move files to <lake>/archive/staging/ instead of deleting.")
  boolean archive;

  @Option(names = "--grace-minutes", paramLabel = "M", defaultValue = "5",
      description = "Never remove files younger than this (default: ${DEFAULT-VALUE}).")
  long graceMinutes;

  @Option(names = {"-v", "--verbose"}, description = "List every file.")
  boolean verbose;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try (Progress progress = Progress.of("cleanup", tiers.resolver())) {
      StagingJanitor janitor = StagingJanitor.builder(tiers.resolver()).storage(progress)
          .grace(Duration.ofMinutes(graceMinutes)).archive(archive).build();
      if (which.keepRecent != null && which.keepRecent < 0) {
        throw new IllegalArgumentException("Invalid --keep-recent " + which.keepRecent + " (use 0 or more)");
      }
      LifecycleReport report = which.batch != null ? janitor.cleanupBatch(which.batch, dryRun)
          : janitor.cleanupOldBatches(which.keepRecent, dryRun);
      progress.close();
      return Reports.print(spec.commandLine().getOut(), report, verbose);
    }
  }
}
