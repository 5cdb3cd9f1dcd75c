package dev.tiering.cli;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.Archiver;
import dev.tiering.core.lifecycle.RetentionPolicy;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tiering archive}: applies lake and archive retention per zone. */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description = {
      "Move lake partitions older than their zone's retention to the archive, and delete"
          + " archived files that reached the archive longer ago than the archive retention (each"
          + " file dated by its own arrival, so never in the pass that archived it).",
      "Retention per zone as ZONE=DAYS or ZONE=ISO-period, e.g. silver=90 or silver=P2Y."
    })
final class ArchiveCommand implements Callable<Integer> {

  @Option(
      names = "--lake-retention",
      paramLabel = "ZONE=AGE",
      required = true,
      description = "Keep partitions this long in the lake, e.g. silver=90.")
  Map<String, String> lake;

  @Option(
      names = "--archive-retention",
      paramLabel = "ZONE=AGE",
      description =
          "Delete archived files that reached the archive longer ago than this, e.g. silver=P2Y.")
  Map<String, String> archive;

  @Option(
      names = "--allow-bronze-deletion",
      description = "Allow deleting bronze archives (bronze is otherwise never deleted).")
  boolean allowBronzeDeletion;

  @Option(
      names = "--include-partition",
      paramLabel = "ZONE.TABLE/DATE",
      description =
          "Archive this partition although its date is before 2000-01-01 or after today (a wrong"
              + " clock or a bad date, which retention otherwise reports and leaves alone), e.g."
              + " silver.slm_predictions/1970-01-01. Repeatable.")
  List<String> included = List.of();

  @Option(names = "--dry-run", description = "Report what would move or go; change nothing.")
  boolean dryRun;

  @Option(
      names = {"-v", "--verbose"},
      description = "List every file.")
  boolean verbose;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RetentionPolicy policy = RetentionPolicy.none();
    for (Map.Entry<String, String> entry : lake.entrySet()) {
      policy = policy.lake(Zone.parse(entry.getKey()), age(entry.getValue()));
    }
    if (archive != null) {
      for (Map.Entry<String, String> entry : archive.entrySet()) {
        policy = policy.archive(Zone.parse(entry.getKey()), age(entry.getValue()));
      }
    }
    if (allowBronzeDeletion) {
      policy = policy.allowingBronzeDeletion();
    }
    for (String partition : included) {
      policy = included(policy, partition);
    }
    dev.tiering.core.routing.PathResolver paths = tiers.resolver();
    try (Progress progress = Progress.of("archive", paths, dryRun)) {
      LayoutOptions.requireRoots(paths, progress, dev.tiering.core.Tier.COLD);
      if (!dryRun) {
        LayoutOptions.refuseRootOnOthersTiers(paths, spec);
      }
      return Reports.print(
          spec.commandLine().getOut(),
          Reports.run(new Archiver(paths, progress, Clock.systemUTC()).apply(policy), dryRun),
          verbose);
    }
  }

  /** The policy, including the partition named as {@code ZONE.TABLE/yyyy-MM-dd}. */
  static RetentionPolicy included(RetentionPolicy policy, String text) {
    int dot = text.indexOf('.');
    int slash = text.indexOf('/');
    if (dot < 1 || slash < dot + 2 || slash == text.length() - 1) {
      throw new IllegalArgumentException(
          "Invalid --include-partition '"
              + text
              + "' (use ZONE.TABLE/yyyy-MM-dd, e.g. silver.slm_predictions/1970-01-01)");
    }
    LocalDate day;
    try {
      day = LocalDate.parse(text.substring(slash + 1));
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Invalid date in --include-partition '"
              + text
              + "' (use yyyy-MM-dd, as retention reports it, e.g. silver.slm_predictions/1970-01-01)");
    }
    try {
      return policy.includingPartition(
          Zone.parse(text.substring(0, dot)), TableName.of(text.substring(dot + 1, slash)), day);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Invalid --include-partition '" + text + "': " + e.getMessage(), e);
    }
  }

  static Period age(String text) {
    try {
      return text.matches("\\d{1,6}") ? Period.ofDays(Integer.parseInt(text)) : Period.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "Invalid age '" + text + "' (use days, e.g. 90, or an" + " ISO period, e.g. P2Y)");
    }
  }
}
