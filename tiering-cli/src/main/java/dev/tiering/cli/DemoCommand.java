package dev.tiering.cli;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataRef;
import dev.tiering.core.PathResolver;
import dev.tiering.core.Placement;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tiering demo}: shows the seed's placement of every data kind under a demo root. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Show where the seed design places each kind of data, under --root (default ./data).")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--root", paramLabel = "DIR", defaultValue = "data",
      description = "Base directory holding hot/ and lake/ (default: ./data).")
  Path root;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PathResolver paths = new PathResolver(TierLayout.under(root));
    SlmId slm = SlmId.of(3);
    BatchId batch = BatchId.of("batch-0001");
    TableName predictions = TableName.of("slm_predictions");
    List<DataRef> refs = List.of(
        DataRef.intermediate(slm, batch),
        DataRef.crosscheck(slm, batch),
        DataRef.clean(Zone.SILVER, predictions),
        DataRef.cache(Zone.SILVER, predictions),
        DataRef.archive(Zone.SILVER, predictions),
        DataRef.raw(TableName.of("inference_inputs")));
    out.printf("Seed placement under %s%n%n", paths.layout().hotRoot().getParent());
    out.printf("%-46s %-5s %-13s %s%n", "data", "tier", "area", "path");
    for (DataRef ref : refs) {
      Placement placement = paths.resolve(ref);
      out.printf("%-46s %-5s %-13s %s%n", ref, placement.tier(), placement.area().id(),
          placement.path());
    }
    out.printf("%nExplain any of these with: tiering route --explain KIND ...%n");
    return 0;
  }
}
