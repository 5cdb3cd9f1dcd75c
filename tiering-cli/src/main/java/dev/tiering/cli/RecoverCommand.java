package dev.tiering.cli;

import dev.tiering.core.Area;
import dev.tiering.core.TableName;
import dev.tiering.core.Tier;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.lifecycle.TempFileSweeper;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.Compactor;
import dev.tiering.schema.SidecarStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tiering recover}: cleans up after crashed writers and interrupted compactions. Each step,
 * and each table within a step, goes on when another fails (a file root left behind that the tiers'
 * owner cannot remove, a damaged {@code schema.json}): recovery does all it can, names every
 * failure once with its path, operation and reason, and exits 1 if any failed.
 */
@Command(
    name = "recover",
    mixinStandardHelpOptions = true,
    description =
        "Remove temporary files that crashed writers left (never a live writer's) and"
            + " cache copies an interrupted promote left, and finish or roll back interrupted"
            + " lake commits and compactions. A failure (named with its path and reason) does not"
            + " stop the rest.")
final class RecoverCommand implements Callable<Integer> {

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** One step of recovery, which may fail on its own. */
  private interface Step {
    int run() throws IOException;
  }

  @Override
  public Integer call() throws Exception {
    PathResolver paths = tiers.resolver();
    PrintWriter out = spec.commandLine().getOut();
    Storage storage = Storage.forLayout(paths.layout());
    LayoutOptions.requireRoots(paths, storage, Tier.HOT, Tier.COLD);
    LayoutOptions.refuseRootOnOthersTiers(paths, spec);
    int code =
        step(
            out,
            "temporary files",
            "remove abandoned temporary files",
            () ->
                Reports.print(out, TempFileSweeper.forLayout(paths.layout()).recover(paths), true));
    code =
        Math.max(
            code,
            step(
                out,
                paths.layout().display(paths.areaRoot(Area.CLEAN_CACHE)),
                "remove orphaned cache copies",
                () -> {
                  var orphans = HotCache.builder(paths).build().removeOrphans().execute();
                  return orphans.actions().isEmpty() && orphans.ok()
                      ? 0
                      : Reports.print(out, orphans, true);
                }));
    SidecarStore sidecars = new SidecarStore(paths);
    Compactor compactor = Compactor.builder(paths).build();
    for (Zone zone : Zone.values()) {
      List<FileEntry> dirs;
      try {
        dirs = storage.list(paths.areaRoot(Area.LAKE_CLEAN).resolve(zone.id()));
      } catch (IOException e) {
        code = Math.max(code, failed(out, zone.toString(), "list the zone's tables", e));
        continue;
      }
      for (FileEntry dir : dirs) {
        TableName table;
        try {
          table = TableName.of(dir.name());
        } catch (IllegalArgumentException notATable) {
          continue;
        }
        if (dir.isDirectory()) {
          code =
              Math.max(code, recoverTable(paths, storage, sidecars, compactor, zone, table, out));
        }
      }
    }
    out.flush();
    return code;
  }

  /**
   * Settles a table's commits, then its compactions: also a new table whose first commit crashed
   * before its schema.json was written. A failure that both steps meet (an unreadable schema.json)
   * is printed once.
   */
  private static int recoverTable(
      PathResolver paths,
      Storage storage,
      SidecarStore sidecars,
      Compactor compactor,
      Zone zone,
      TableName table,
      PrintWriter out) {
    String name = zone + "." + table;
    String commitFailure = null;
    int code = 0;
    try {
      var settled = sidecars.recover(zone, table);
      if (settled.rolledForward() > 0) {
        out.println(
            "  FINISHED      "
                + name
                + ": "
                + settled.rolledForward()
                + " commit(s) a crash interrupted after their commit point");
      }
      if (settled.rolledBack() > 0) {
        out.println(
            "  UNDONE        "
                + name
                + ": "
                + settled.rolledBack()
                + " write(s) a crash interrupted before their commit point");
      }
    } catch (IOException | RuntimeException e) {
      commitFailure = reason(e);
      code = failed(out, name, "settle lake commits", e);
    }
    try {
      if (storage.stat(paths.schemaFile(zone, table)).isEmpty()) {
        return code; // no table yet: nothing was ever compacted
      }
      var report = compactor.recover(zone, table);
      if (!report.actions().isEmpty() || !report.ok()) {
        code = Math.max(code, Reports.print(out, report, true));
      }
    } catch (IOException | RuntimeException e) {
      if (!reason(e).equals(commitFailure)) {
        code = Math.max(code, failed(out, name, "settle compactions", e));
      }
    }
    return code;
  }

  /** Runs one step; a failure is printed and the next step runs. */
  private static int step(PrintWriter out, String what, String operation, Step step) {
    try {
      return step.run();
    } catch (IOException | RuntimeException e) {
      return failed(out, what, operation, e);
    }
  }

  private static int failed(PrintWriter out, String what, String operation, Exception e) {
    out.println("  FAILED        " + what + ": " + operation + ": " + reason(e));
    return 1;
  }

  /** The failure in words: the path and errno text for a file system error (see describe). */
  private static String reason(Exception e) {
    return e instanceof IOException io ? TieringCli.describe(io) : String.valueOf(e.getMessage());
  }
}
