package dev.tiering.cli;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.DataRef;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.Placement;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tiering route}: where a kind of data goes, and which rule says so. */
@Command(
    name = "route",
    mixinStandardHelpOptions = true,
    description = {
      "Print where data of a kind goes, or with no KIND the routing rules in match order.",
      "KIND: intermediate, crosscheck, clean, cache, archive, raw."
    })
final class RouteCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "What the data is.")
  DataKind kind;

  @Option(names = "--explain", description = "Print the rule and reasoning, not just the path.")
  boolean explain;

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "bronze, silver or gold (clean, cache, archive).")
  Zone zone;

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description = "Table name (clean, cache, archive).")
  TableName table;

  @Option(names = "--source", paramLabel = "NAME", description = "Source name (raw).")
  TableName source;

  @Option(names = "--slm", paramLabel = "N", description = "SLM id (intermediate, crosscheck).")
  SlmId slm;

  @Option(
      names = "--batch",
      paramLabel = "ID",
      description = "Batch id (intermediate, crosscheck).")
  BatchId batch;

  @Option(
      names = "--date",
      paramLabel = "yyyy-MM-dd",
      description = "Show this date's partition of the table.")
  LocalDate date;

  @Option(
      names = "--layout",
      paramLabel = "LAYOUT",
      defaultValue = "seed",
      description = "Partition layout for --date: seed (yyyy/MM/dd), hive (date=...), hive-ymd.")
  PartitionLayout layout;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PathResolver paths = tiers.resolver();
    if (kind == null) {
      out.print(paths.rules());
      out.flush();
      return 0;
    }
    DataRef ref;
    try {
      if (table != null && source != null) {
        throw new IllegalArgumentException("Give --table or --source, not both");
      }
      ref = new DataRef(kind, zone, table != null ? table : source, slm, batch);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), e.getMessage() + " (see 'tiering route --help')", e);
    }
    if (date != null && kind.isStaging()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--date applies to table kinds, not " + kind);
    }
    Placement placement = paths.resolve(ref);
    out.println(explain ? placement.explain() : placement.path());
    if (date != null) {
      out.println(
          (explain ? "partition " + date + " (" + layout + " layout): " : "")
              + paths.partitionDir(ref, date, layout));
    }
    return 0;
  }
}
