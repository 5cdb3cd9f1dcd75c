package dev.tiering.cli;

import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code tiering init}: creates the tier roots, the one command that does. Every other command and
 * the SDK refuse a root that is not there (an unmounted disk), rather than fill the disk below it.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create the tier roots (--root DIR makes DIR/hot and DIR/lake; or --hot and --lake)."
          + " No other command creates a root: a missing one is an unmounted disk until you say"
          + " otherwise. Roots that exist are left as they are.",
      "On a data machine, mount the disks first: a root created on the root file system is"
          + " where nothing should be written."
    })
final class InitCommand implements Callable<Integer> {

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PathResolver paths = tiers.resolver();
    TierLayout layout = paths.layout();
    LayoutOptions.refuseRootOnOthersTiers(paths, spec);
    Storage storage = Storage.forLayout(layout);
    Map<Tier, Boolean> existed = new EnumMap<>(Tier.class);
    for (Tier tier : Tier.values()) {
      Optional<FileEntry> entry = storage.stat(layout.root(tier));
      existed.put(tier, entry.isPresent() && entry.get().isDirectory());
    }
    Storage.createRoots(layout);
    PrintWriter out = spec.commandLine().getOut();
    for (Tier tier : Tier.values()) {
      out.printf(
          "  %-13s %s (%s, %s)%n",
          existed.get(tier) ? "EXISTS" : "CREATED",
          layout.display(layout.root(tier)),
          tier == Tier.HOT ? "hot tier" : "lake",
          tier.device());
    }
    if (LayoutOptions.runningAsRoot() && existed.containsValue(false)) {
      out.println(
          "The new roots belong to root: give them to the user the jobs run as, e.g. sudo chown -R"
              + " tiering: "
              + layout.display(layout.hotRoot())
              + (layout.lakeIsLocal() ? " " + layout.lakeRoot() : ""));
    }
    out.flush();
    return 0;
  }
}
