package dev.tiering.cli;

import dev.tiering.core.health.Doctor;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code tiering doctor}: checks the seed's filesystem setup and says how to fix it. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check the tiers against the seed's filesystem setup: separate devices, mount"
          + " options, file system, free space, writable roots.",
      "Exit code: 0 ok, 1 warning, 2" + " critical."
    })
final class DoctorCommand implements Callable<Integer> {

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    dev.tiering.core.routing.PathResolver paths = tiers.resolver();
    dev.tiering.core.storage.Storage storage = tiers.storage(paths, true);
    List<Doctor.Finding> findings =
        new Doctor(paths, storage, java.nio.file.Path.of("/proc"))
            .withProbe(StatusCommand.unfinishedWork(paths, storage))
            .examine();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("tiering doctor: %s%n%n", Doctor.level(findings).name());
    for (Doctor.Finding finding : findings) {
      out.printf(
          "  %-10s %-20s %s%n", "[" + finding.level() + "]", finding.check(), finding.message());
      if (!finding.fix().isEmpty()) {
        out.printf("  %-10s %-20s fix: %s%n", "", "", finding.fix());
      }
    }
    out.flush();
    return Doctor.level(findings).exitCode();
  }
}
