package dev.tiering.cli;

import dev.tiering.core.PathResolver;
import dev.tiering.core.TempFileSweeper;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tiering recover}: cleans up after crashed writers and interrupted compactions. */
@Command(name = "recover", mixinStandardHelpOptions = true,
    description = "Remove temporary files that crashed writers left (never a live writer's) and"
        + " cache copies an interrupted promote left, and finish or roll back interrupted"
        + " compactions.")
final class RecoverCommand implements Callable<Integer> {

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PathResolver paths = tiers.resolver();
    PrintWriter out = spec.commandLine().getOut();
    LayoutOptions.requireRoots(paths, dev.tiering.core.Storage.forLayout(paths.layout()),
        dev.tiering.core.Tier.HOT, dev.tiering.core.Tier.COLD);
    int code = Reports.print(out, TempFileSweeper.forLayout(paths.layout()).recover(paths), true);
    var orphans = dev.tiering.core.HotCache.builder(paths).build().removeOrphans(false);
    if (!orphans.actions().isEmpty() || !orphans.ok()) {
      code = Math.max(code, Reports.print(out, orphans, true));
    }
    Compactor compactor = Compactor.builder(paths).build();
    LakeReader lake = new LakeReader(paths);
    TableOptions all = new TableOptions();
    for (TableOptions.Selected t : all.select(lake)) {
      try {
        var report = compactor.recover(t.zone(), t.table());
        if (!report.actions().isEmpty() || !report.ok()) {
          code = Math.max(code, Reports.print(out, report, true));
        }
      } catch (java.io.IOException | RuntimeException e) {
        // One table that cannot be read (a damaged schema.json) must not stop the others.
        out.println("  FAILED        " + t.zone() + "." + t.table() + ": " + e.getMessage());
        code = Math.max(code, 1);
      }
    }
    out.flush();
    return code;
  }
}
