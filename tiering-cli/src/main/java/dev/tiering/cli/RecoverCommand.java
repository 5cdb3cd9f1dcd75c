package dev.tiering.cli;

import dev.tiering.core.lifecycle.TempFileSweeper;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tiering recover}: cleans up after crashed writers and interrupted compactions. */
@Command(
    name = "recover",
    mixinStandardHelpOptions = true,
    description =
        "Remove temporary files that crashed writers left (never a live writer's) and"
            + " cache copies an interrupted promote left, and finish or roll back interrupted"
            + " compactions.")
final class RecoverCommand implements Callable<Integer> {

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PathResolver paths = tiers.resolver();
    PrintWriter out = spec.commandLine().getOut();
    LayoutOptions.requireRoots(
        paths,
        dev.tiering.core.storage.Storage.forLayout(paths.layout()),
        dev.tiering.core.Tier.HOT,
        dev.tiering.core.Tier.COLD);
    int code = Reports.print(out, TempFileSweeper.forLayout(paths.layout()).recover(paths), true);
    var orphans =
        dev.tiering.core.lifecycle.HotCache.builder(paths).build().removeOrphans().execute();
    if (!orphans.actions().isEmpty() || !orphans.ok()) {
      code = Math.max(code, Reports.print(out, orphans, true));
    }
    code = Math.max(code, recoverCommits(paths, out));
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

  /**
   * Finishes or undoes lake writes a crash interrupted, in every table directory with a commit log:
   * also a new table whose first commit crashed before its schema.json was written.
   */
  private static int recoverCommits(PathResolver paths, PrintWriter out) {
    dev.tiering.schema.SidecarStore sidecars = new dev.tiering.schema.SidecarStore(paths);
    dev.tiering.core.storage.Storage storage =
        dev.tiering.core.storage.Storage.forLayout(paths.layout());
    int code = 0;
    for (dev.tiering.core.Zone zone : dev.tiering.core.Zone.values()) {
      java.util.List<dev.tiering.core.storage.FileEntry> dirs;
      try {
        dirs = storage.list(paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN).resolve(zone.id()));
      } catch (java.io.IOException e) {
        out.println("  FAILED        " + zone + ": " + e.getMessage());
        code = 1;
        continue;
      }
      for (dev.tiering.core.storage.FileEntry dir : dirs) {
        dev.tiering.core.TableName table;
        try {
          table = dev.tiering.core.TableName.of(dir.name());
        } catch (IllegalArgumentException notATable) {
          continue;
        }
        if (!dir.isDirectory()) {
          continue;
        }
        try {
          var settled = sidecars.recover(zone, table);
          if (settled.rolledForward() > 0) {
            out.println(
                "  FINISHED      "
                    + zone
                    + "."
                    + table
                    + ": "
                    + settled.rolledForward()
                    + " commit(s) a crash interrupted after their commit point");
          }
          if (settled.rolledBack() > 0) {
            out.println(
                "  UNDONE        "
                    + zone
                    + "."
                    + table
                    + ": "
                    + settled.rolledBack()
                    + " write(s) a crash interrupted before their commit point");
          }
        } catch (java.io.IOException | RuntimeException e) {
          out.println("  FAILED        " + zone + "." + table + ": " + e.getMessage());
          code = 1;
        }
      }
    }
    return code;
  }
}
