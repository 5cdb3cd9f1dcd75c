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
          + " options, file system, free space, writable roots; and the lake's content: tables"
          + " that cannot be read, foreign files and directories.",
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
        new java.util.ArrayList<>(
            new Doctor(paths, storage, java.nio.file.Path.of("/proc"))
                .withProbe(StatusCommand.unfinishedWork(paths, storage))
                .examine());
    findings.addAll(lakeContent(TableOptions.reader(paths, storage)));
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

  /**
   * The lake's content: a finding per table that cannot be read and per foreign item (see {@code
   * tiering ls}), or one that all is well.
   */
  static List<Doctor.Finding> lakeContent(dev.tiering.parquet.LakeReader lake) {
    List<Doctor.Finding> findings = new java.util.ArrayList<>();
    String fix =
        "move it out of the lake: the SDK never reads it, but an engine's *.parquet glob may";
    int tables = 0;
    for (dev.tiering.core.Zone zone : dev.tiering.core.Zone.values()) {
      List<dev.tiering.core.TableName> names;
      try {
        for (dev.tiering.parquet.LakeReader.Foreign item : lake.foreign(zone)) {
          findings.add(foreign(item, fix));
        }
        names = lake.tables(zone);
      } catch (java.nio.file.NoSuchFileException noZone) {
        continue;
      } catch (java.io.IOException e) {
        findings.add(
            new Doctor.Finding(
                "lake content",
                dev.tiering.core.health.HealthLevel.WARNING,
                "zone " + zone + " cannot be listed: " + TieringCli.describe(e),
                "make it readable by the user that runs tiering"));
        continue;
      }
      for (dev.tiering.core.TableName table : names) {
        tables++;
        try {
          for (dev.tiering.parquet.LakeReader.Foreign item : lake.foreign(zone, table)) {
            findings.add(foreign(item, fix));
          }
        } catch (java.io.IOException | RuntimeException e) {
          findings.add(
              new Doctor.Finding(
                  "lake content",
                  dev.tiering.core.health.HealthLevel.CRITICAL,
                  zone
                      + "."
                      + table
                      + " cannot be read: "
                      + (e instanceof java.io.IOException io
                          ? TieringCli.describe(io)
                          : e.getMessage()),
                  "restore or move aside what the message names; its readers and its DuckDB"
                      + " view fail until then, the other tables are not affected"));
        }
      }
    }
    if (findings.isEmpty()) {
      findings.add(
          new Doctor.Finding(
              "lake content",
              dev.tiering.core.health.HealthLevel.OK,
              tables + " table(s), each readable, nothing foreign",
              ""));
    }
    return findings;
  }

  private static Doctor.Finding foreign(dev.tiering.parquet.LakeReader.Foreign item, String fix) {
    return new Doctor.Finding(
        "lake content",
        dev.tiering.core.health.HealthLevel.WARNING,
        "foreign: " + item.path() + ": " + item.reason(),
        fix);
  }
}
