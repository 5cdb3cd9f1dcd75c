package dev.tiering.cli;

import dev.tiering.core.ByteSize;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.routing.DataRef;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.parquet.LakeWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiering cache}: the SSD clean-data cache. */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    description = "The SSD cache of clean lake data: list, promote, evict, verify.",
    subcommands = {
      CacheCommand.ListEntries.class,
      CacheCommand.Promote.class,
      CacheCommand.Evict.class,
      CacheCommand.Verify.class
    })
final class CacheCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand (use list, promote, evict or verify)");
  }

  /** Options every cache command shares. */
  static final class CacheOptions {
    @Option(
        names = "--budget",
        paramLabel = "SIZE",
        defaultValue = "40GiB",
        description = "The cache's byte budget (default: ${DEFAULT-VALUE}).")
    ByteSize budget;

    @Mixin LayoutOptions tiers;

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec spec;

    HotCache cache(PathResolver paths, Progress progress) {
      return HotCache.builder(paths)
          .budget(Ranges.bytes(spec, "--budget", budget, 1))
          .storage(progress)
          .build();
    }
  }

  /** What to promote or evict: a table, or one day of it. */
  static final class Target {
    @Option(
        names = "--zone",
        paramLabel = "ZONE",
        required = true,
        description = "bronze, silver or gold.")
    Zone zone;

    @Option(names = "--table", paramLabel = "NAME", required = true, description = "The table.")
    TableName table;

    @Option(
        names = "--date",
        paramLabel = "yyyy-MM-dd",
        description = "One partition (default: the whole table).")
    LocalDate date;

    Path lakePath(PathResolver paths, dev.tiering.core.storage.Storage storage)
        throws java.io.IOException {
      if (date == null) {
        return paths.tableDir(zone, table);
      }
      PartitionLayout layout =
          LakeWriter.layoutOf(TableOptions.reader(paths, storage).sidecar(zone, table).schema())
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "Table "
                              + zone
                              + "."
                              + table
                              + " has no date partitions (leave out --date)"));
      return paths.partitionDir(DataRef.clean(zone, table), date, layout);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List cached files, least recently used first.")
  static final class ListEntries implements Callable<Integer> {
    @Mixin CacheOptions options;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PathResolver paths = options.tiers.resolver();
      try (Progress progress = Progress.of("cache", paths, true)) {
        LayoutOptions.requireRoots(paths, progress, dev.tiering.core.Tier.HOT);
        HotCache cache = options.cache(paths, progress);
        List<HotCache.Entry> entries = cache.entries();
        long used = 0;
        for (HotCache.Entry entry : entries) {
          out.printf(
              "  %-24s %10s  %s%n",
              entry.lastAccess(), ByteSize.of(entry.bytes()), entry.lakeFile());
          used += entry.bytes();
        }
        out.printf(
            "%d file(s), %s of a %s budget%n",
            entries.size(), ByteSize.of(used), ByteSize.of(cache.budget()));
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description =
          "Copy a table or a partition into the SSD cache, evicting the least recently used.")
  static final class Promote implements Callable<Integer> {
    @Mixin CacheOptions options;
    @Mixin Target target;

    @Option(names = "--dry-run", description = "Report what would be copied and evicted.")
    boolean dryRun;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PathResolver paths = options.tiers.resolver();
      try (Progress progress = Progress.of("cache promote", paths, dryRun)) {
        LayoutOptions.requireRoots(
            paths, progress, dev.tiering.core.Tier.HOT, dev.tiering.core.Tier.COLD);
        if (!dryRun) {
          LayoutOptions.refuseRootOnOthersTiers(paths, spec);
        }
        return Reports.print(
            spec.commandLine().getOut(),
            Reports.run(
                options.cache(paths, progress).promote(target.lakePath(paths, progress)), dryRun),
            true);
      }
    }
  }

  @Command(
      name = "evict",
      mixinStandardHelpOptions = true,
      description = "Remove the cached copies of a table or a partition.")
  static final class Evict implements Callable<Integer> {
    @Mixin CacheOptions options;
    @Mixin Target target;

    @Option(names = "--dry-run", description = "Report what would be removed.")
    boolean dryRun;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PathResolver paths = options.tiers.resolver();
      try (Progress progress = Progress.of("cache evict", paths, dryRun)) {
        LayoutOptions.requireRoots(
            paths, progress, dev.tiering.core.Tier.HOT, dev.tiering.core.Tier.COLD);
        if (!dryRun) {
          LayoutOptions.refuseRootOnOthersTiers(paths, spec);
        }
        return Reports.print(
            spec.commandLine().getOut(),
            Reports.run(
                options.cache(paths, progress).evict(target.lakePath(paths, progress)), dryRun),
            true);
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Reread every cached copy; drop corrupt copies and copies of vanished lake files.")
  static final class Verify implements Callable<Integer> {
    @Mixin CacheOptions options;

    @Option(names = "--dry-run", description = "Report what would be dropped.")
    boolean dryRun;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PathResolver paths = options.tiers.resolver();
      try (Progress progress = Progress.of("cache verify", paths, dryRun)) {
        LayoutOptions.requireRoots(
            paths, progress, dev.tiering.core.Tier.HOT, dev.tiering.core.Tier.COLD);
        if (!dryRun) {
          LayoutOptions.refuseRootOnOthersTiers(paths, spec);
        }
        return Reports.print(
            spec.commandLine().getOut(),
            Reports.run(options.cache(paths, progress).verify(), dryRun),
            false);
      }
    }
  }
}
