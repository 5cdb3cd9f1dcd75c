package dev.tiering.cli;

import dev.tiering.core.ByteSize;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import dev.tiering.schema.SchemaSidecar;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiering ls}: what the lake holds, flagging files that slow queries down. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = {
      "List zones, tables, partitions and files with sizes.",
      "Files under 10 MiB (too many files, slow scans) and over 500 MiB (no pruning) are flagged.",
      "Foreign content is listed with why: files no commit of the table wrote (or whose columns"
          + " or footer are not the table's), directories that are not partitions (2026/02/30,"
          + " abc), directories of a zone that are not tables. The SDK never reads it; an"
          + " engine's *.parquet glob may."
    })
final class LsCommand implements Callable<Integer> {

  @Mixin TableOptions tables;

  @Option(names = "--files", description = "List every file, not just totals per partition.")
  boolean files;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PathResolver paths = tiers.resolver();
    dev.tiering.core.storage.Storage storage = tiers.storage(paths, true);
    LayoutOptions.requireRoots(paths, storage, dev.tiering.core.Tier.COLD);
    LakeReader lake = TableOptions.reader(paths, storage);
    PrintWriter out = spec.commandLine().getOut();
    List<TableOptions.Selected> selected = tables.select(lake);
    if (selected.isEmpty()) {
      out.println("no tables under " + paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN));
    }
    int code = 0;
    int foreign = 0;
    if (tables.table == null) {
      for (dev.tiering.core.Zone zone :
          tables.zone != null ? List.of(tables.zone) : List.of(dev.tiering.core.Zone.values())) {
        try {
          foreign += printForeign(out, lake.foreign(zone));
        } catch (java.nio.file.NoSuchFileException noZone) {
          // A zone never written: nothing in it.
        }
      }
    }
    for (TableOptions.Selected t : selected) {
      SchemaSidecar sidecar;
      List<LakeReader.DataFile> dataFiles;
      List<LakeReader.Foreign> strays;
      try {
        sidecar = lake.sidecar(t.zone(), t.table());
        dataFiles = lake.files(t.zone(), t.table());
        strays = lake.foreign(t.zone(), t.table());
      } catch (java.io.IOException | RuntimeException e) {
        // One table that cannot be read (a damaged schema.json) must not hide the others.
        out.println(
            t.zone()
                + "."
                + t.table()
                + "  FAILED: cannot list it: "
                + (e instanceof java.io.IOException io ? TieringCli.describe(io) : e.getMessage()));
        code = 1;
        continue;
      }
      long bytes = dataFiles.stream().mapToLong(LakeReader.DataFile::bytes).sum();
      long small =
          dataFiles.stream().filter(f -> f.bytes() < Compactor.DEFAULT_SMALL_BYTES).count();
      out.printf(
          "%s.%s  version %s  %d file(s)  %s%s%n",
          t.zone(),
          t.table(),
          sidecar.schema().version(),
          dataFiles.size(),
          ByteSize.of(bytes),
          small > 1
              ? "  ("
                  + small
                  + " small files: run 'tiering compact --zone "
                  + t.zone()
                  + " --table "
                  + t.table()
                  + "')"
              : "");
      Map<LocalDate, List<LakeReader.DataFile>> byDay = new LinkedHashMap<>();
      for (LakeReader.DataFile file : dataFiles) {
        byDay.computeIfAbsent(file.day(), d -> new ArrayList<>()).add(file);
      }
      for (Map.Entry<LocalDate, List<LakeReader.DataFile>> partition : byDay.entrySet()) {
        out.printf(
            "  %-12s %4d file(s) %12s%n",
            partition.getKey() == null ? "(table)" : partition.getKey(),
            partition.getValue().size(),
            ByteSize.of(partition.getValue().stream().mapToLong(LakeReader.DataFile::bytes).sum()));
        if (files) {
          for (LakeReader.DataFile file : partition.getValue()) {
            out.printf(
                "    %12s  %s%s%n",
                ByteSize.of(file.bytes()), file.path().getFileName(), flag(file.bytes()));
          }
        }
      }
      foreign += printForeign(out, strays);
    }
    if (foreign > 0) {
      out.println(
          foreign
              + " foreign item(s): the SDK's readers, views and compaction never read them, but an"
              + " engine's *.parquet glob may; move them out of the lake");
    }
    out.flush();
    return code;
  }

  private static int printForeign(PrintWriter out, List<LakeReader.Foreign> foreign) {
    for (LakeReader.Foreign item : foreign) {
      out.printf("  FOREIGN  %s: %s%n", item.path(), item.reason());
    }
    return foreign.size();
  }

  static String flag(long bytes) {
    if (bytes < Compactor.DEFAULT_SMALL_BYTES) {
      return "  [small: under 10 MiB]";
    }
    return bytes > Compactor.DEFAULT_LARGE_BYTES ? "  [large: over 500 MiB]" : "";
  }
}
