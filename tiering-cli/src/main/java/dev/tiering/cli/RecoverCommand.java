package dev.tiering.cli;

import dev.tiering.core.PathResolver;
import dev.tiering.core.TempFileSweeper;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
    List<Path> removed = TempFileSweeper.forLayout(paths.layout()).recover(paths);
    removed.forEach(path -> out.println("  removed abandoned temporary file " + path));
    out.println("recover: " + removed.size() + " abandoned temporary file(s) removed");
    int code = 0;
    var orphans = dev.tiering.core.HotCache.builder(paths).build().removeOrphans(false);
    if (!orphans.actions().isEmpty() || !orphans.ok()) {
      code = Math.max(code, Reports.print(out, orphans, true));
    }
    Compactor compactor = Compactor.builder(paths).build();
    LakeReader lake = new LakeReader(paths);
    TableOptions all = new TableOptions();
    for (TableOptions.Selected t : all.select(lake)) {
      var report = compactor.recover(t.zone(), t.table());
      if (!report.actions().isEmpty() || !report.ok()) {
        code = Math.max(code, Reports.print(out, report, true));
      }
    }
    out.flush();
    return code;
  }
}
