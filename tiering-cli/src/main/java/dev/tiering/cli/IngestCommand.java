package dev.tiering.cli;

import dev.tiering.core.TableName;
import dev.tiering.core.lifecycle.RawIngestor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tiering ingest}: copies input files into the lake's raw area with checksums. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Copy input files to <lake>/raw/SOURCE/<today>/ atomically, each with a"
            + " sha256sum-compatible checksum file.")
final class IngestCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to ingest.")
  List<Path> files;

  @Option(
      names = "--source",
      paramLabel = "NAME",
      required = true,
      description = "The source name.")
  TableName source;

  @Option(names = "--dry-run", description = "Report what would be copied; change nothing.")
  boolean dryRun;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    int code = 0;
    dev.tiering.core.routing.PathResolver paths = tiers.resolver();
    try (Progress progress = Progress.of("ingest", paths, dryRun)) {
      LayoutOptions.requireRoots(paths, progress, dev.tiering.core.Tier.COLD);
      if (!dryRun) {
        LayoutOptions.refuseRootOnOthersTiers(paths, spec);
      }
      RawIngestor ingestor = new RawIngestor(paths, progress, Clock.systemUTC());
      for (Path file : files) {
        code =
            Math.max(
                code,
                Reports.print(
                    spec.commandLine().getOut(),
                    Reports.run(ingestor.ingest(file, source), dryRun),
                    true));
      }
    }
    return code;
  }
}
