package dev.tiering.core.lifecycle;

import dev.tiering.core.Area;
import dev.tiering.core.DataKind;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.lifecycle.internal.PartitionWalker;
import dev.tiering.core.routing.DataRef;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy}: moves lake partitions older than their zone's lake retention
 * from {@code <lake>/clean/} to {@code <lake>/archive/}, keeping their relative paths (and a copy
 * of the table's {@code schema.json}, so archived data stays self-describing); then deletes
 * archived partitions that reached the archive longer ago than the archive retention, never
 * bronze's without the policy's opt-in.
 *
 * <p>A lake partition's age is its date, in any layout; a partition dated before 2000-01-01 or
 * after today is reported and left alone unless the policy names it (a wrong clock or a bad date
 * says nothing of age). An archived partition's age is the time the archiver recorded when it moved
 * files into it ({@code .tiering-archived} in the partition, published atomically before the first
 * file moves), never its date or its files' times, so one pass never archives and deletes the same
 * partition. A partition archived before such records existed is recorded as arriving when a pass
 * first sees it.
 *
 * <p>Each partition is archived under its lock, after any interrupted compaction in it is settled
 * (see {@link CompactionJournal}), so that no merged row is archived twice. Files move one by one,
 * each atomically, so a reader listing a partition during archiving may see part of it in each
 * place. A preview reports exactly what an execution would do on the same disk, in the same words:
 * it settles nothing, but reports what settling would remove. A failure on one path is reported and
 * the rest go on. Thread-safe.
 */
public final class Archiver {

  private static final Logger log = LoggerFactory.getLogger(Archiver.class);

  private static final java.time.Duration LOCK_TIMEOUT = java.time.Duration.ofMinutes(10);

  /** The first line of an arrival record (see {@link PathResolver#archiveRecordFile}). */
  private static final String RECORD_HEADER = "tiering-archived 1";

  private static final String ARRIVED = "arrived";

  private final PathResolver paths;
  private final Storage storage;
  private final Clock clock;
  private final dev.tiering.core.metrics.MetricsListener metrics;

  /**
   * An archiver on the layout's storage (see {@link Storage#forLayout}) with the system clock.
   *
   * @param paths where the lake and the archive are
   */
  public Archiver(PathResolver paths) {
    this(paths, Storage.forLayout(paths.layout()), Clock.systemUTC());
  }

  /**
   * An archiver on the given storage and clock.
   *
   * @param paths where the lake and the archive are
   * @param storage the storage that moves and deletes files
   * @param clock the clock that says what today is, for partition ages
   */
  public Archiver(PathResolver paths, Storage storage, Clock clock) {
    this(paths, storage, clock, dev.tiering.core.metrics.MetricsListener.NONE);
  }

  /**
   * An archiver on the given storage and clock that reports what it archives.
   *
   * @param paths where the lake and the archive are
   * @param storage the storage that moves and deletes files
   * @param clock the clock that says what today is, for partition ages
   * @param metrics where each executed plan's result goes
   */
  public Archiver(
      PathResolver paths,
      Storage storage,
      Clock clock,
      dev.tiering.core.metrics.MetricsListener metrics) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage =
        Objects.requireNonNull(storage, "storage").reportingFullTiers(paths.layout(), "archive");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = dev.tiering.core.metrics.internal.GuardedListener.of(metrics);
  }

  /**
   * Applies the policy.
   *
   * @param policy the retention of each zone
   * @return the plan, to preview or execute
   */
  public LifecyclePlan apply(RetentionPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    return LifecyclePlan.of("retention", preview -> apply(policy, preview))
        .reportingTo(dev.tiering.core.metrics.LifecycleCompleted.Operation.ARCHIVE, metrics);
  }

  private LifecycleReport apply(RetentionPolicy policy, boolean dryRun) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("retention", dryRun);
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, clock.getZone());
    // The archive partitions this pass moves files into: their archive retention starts now, so
    // the second phase leaves them alone (a retention of zero would delete what it just archived).
    Set<Path> arrivedNow = new HashSet<>();
    for (Map.Entry<Zone, Period> lake : policy.lake().entrySet()) {
      Zone zone = lake.getKey();
      LocalDate cutoff = today.minus(lake.getValue());
      for (TableName table : tables(Area.LAKE_CLEAN, zone, report)) {
        archiveTable(policy, zone, table, cutoff, today, now, report, arrivedNow);
      }
    }
    for (Map.Entry<Zone, Period> archive : policy.archive().entrySet()) {
      Zone zone = archive.getKey();
      Instant cutoff =
          ZonedDateTime.ofInstant(now, clock.getZone()).minus(archive.getValue()).toInstant();
      for (TableName table : tables(Area.LAKE_ARCHIVE, zone, report)) {
        Path tableDir = paths.resolve(DataRef.archive(zone, table)).path();
        for (PartitionWalker.Partition partition : partitions(tableDir, report)) {
          if (!arrivedNow.contains(partition.dir())) {
            expire(policy, zone, partition.dir(), tableDir, cutoff, now, report);
          }
        }
      }
    }
    return report.finish(log);
  }

  private void archiveTable(
      RetentionPolicy policy,
      Zone zone,
      TableName table,
      LocalDate cutoff,
      LocalDate today,
      Instant now,
      LifecycleReport.Builder report,
      Set<Path> arrivedNow) {
    Path tableDir = paths.tableDir(zone, table);
    boolean sidecarCopied = false;
    for (PartitionWalker.Partition partition : partitions(tableDir, report)) {
      LocalDate day = partition.day();
      String implausible = PlausibleTime.implausible(day, today);
      if (implausible != null && !policy.includes(zone, table, day)) {
        keepFiles(
            partition.dir(),
            "its partition is dated "
                + day
                + ", "
                + implausible
                + ", so its age is unknown (a wrong clock or a bad date?) and retention leaves it"
                + " alone; to archive it, name it (--include-partition "
                + zone
                + "."
                + table
                + "/"
                + day
                + ")",
            report);
        continue;
      }
      if (implausible == null && !day.isBefore(cutoff)) {
        continue;
      }
      if (!sidecarCopied) {
        copySidecar(zone, table, report);
        sidecarCopied = true;
      }
      try {
        archivePartition(zone, table, partition.dir(), now, report, arrivedNow);
      } catch (IOException | RuntimeException e) {
        log.debug("Cannot archive partition {}", partition.dir(), e);
        report.fail(partition.dir(), "archive the partition", e);
      }
      removeEmptyDirs(partition.dir(), tableDir, report);
    }
  }

  /**
   * Moves one partition's files to the archive, under the partition's lock and with any interrupted
   * compaction settled first: otherwise both its inputs and its outputs would be archived, every
   * merged row twice. The arrival record is published before the first file moves, so no archived
   * file is ever older than the record says. A preview takes no lock (it creates nothing) and
   * reports what settling would do, then the files settling would leave.
   */
  private void archivePartition(
      Zone zone,
      TableName table,
      Path dir,
      Instant now,
      LifecycleReport.Builder report,
      Set<Path> arrivedNow)
      throws IOException {
    Path archiveDir = paths.counterpart(dir, DataKind.ARCHIVE);
    if (report.dryRun()) {
      archiveSettled(dir, archiveDir, now, report, arrivedNow);
      return;
    }
    try (java.io.Closeable lock =
        CompactionJournal.lockPartition(storage, paths, zone, table, dir, LOCK_TIMEOUT)) {
      if (archiveSettled(dir, archiveDir, now, report, arrivedNow)) {
        CompactionJournal.removeEpoch(storage, dir);
      }
    }
  }

  /** Settles, then archives; true if every file moved (in a preview: would move). */
  private boolean archiveSettled(
      Path dir, Path archiveDir, Instant now, LifecycleReport.Builder report, Set<Path> arrivedNow)
      throws IOException {
    Set<Path> settledAway = new HashSet<>();
    if (!CompactionJournal.settle(storage, dir, report, settledAway)) {
      // settle() refused a journal (and reported why): moving the files could lose rows.
      keepFiles(
          dir,
          "its partition has a compaction journal that could not be settled (see the failures)",
          report);
      return false;
    }
    List<FileEntry> files = new ArrayList<>();
    for (FileEntry file : entries(dir, report)) {
      if (!settledAway.contains(file.path())) {
        files.add(file);
      }
    }
    if (files.isEmpty()) {
      return true;
    }
    if (!report.dryRun()) {
      // Before the first move: a crash after it leaves archived files no older than the record.
      StampFile.write(
          storage, paths.archiveRecordFile(archiveDir), RECORD_HEADER, Map.of(ARRIVED, now));
    }
    arrivedNow.add(archiveDir);
    boolean moved = true;
    for (FileEntry file : files) {
      Path target = paths.counterpart(file.path(), DataKind.ARCHIVE);
      try {
        if (!report.dryRun()) {
          storage.transfer(file.path(), target);
        }
        report.add(LifecycleReport.Verb.ARCHIVED, file.path(), file.size(), target.toString());
      } catch (IOException | RuntimeException e) {
        moved = false;
        log.debug("Cannot archive {}", file.path(), e);
        report.fail(file.path(), "move to the archive", e);
      }
    }
    return moved;
  }

  /**
   * Deletes an archived partition whose arrival record is older than the archive retention. A
   * partition without a record (archived before records existed) is recorded as arriving now; one
   * whose record cannot be used is kept and reported.
   */
  private void expire(
      RetentionPolicy policy,
      Zone zone,
      Path dir,
      Path tableDir,
      Instant cutoff,
      Instant now,
      LifecycleReport.Builder report) {
    Path record = paths.archiveRecordFile(dir);
    Optional<Instant> arrived;
    try {
      arrived =
          StampFile.read(storage, record, RECORD_HEADER, List.of(ARRIVED)).map(m -> m.get(ARRIVED));
    } catch (StampFile.DamagedException e) {
      keepFiles(
          dir,
          "its arrival record " + record + " cannot be used: " + e.getMessage() + UNTRUSTED,
          report);
      return;
    } catch (IOException e) {
      report.fail(record, "read the arrival record", e);
      return;
    }
    if (arrived.isEmpty()) {
      List<FileEntry> files = entries(dir, report);
      if (files.isEmpty()) {
        return;
      }
      keep(
          files,
          "no record of when its partition reached the archive (archived by an earlier version):"
              + " it is recorded as arriving today, "
              + LocalDate.ofInstant(now, clock.getZone())
              + ", and archive retention counts from then",
          report);
      if (!report.dryRun()) {
        try {
          StampFile.write(storage, record, RECORD_HEADER, Map.of(ARRIVED, now));
        } catch (IOException e) {
          report.fail(record, "write the arrival record", e);
        }
      }
      return;
    }
    String implausible = PlausibleTime.implausible(arrived.get(), now);
    if (implausible != null) {
      keepFiles(
          dir,
          "its arrival record " + record + " cannot be trusted: " + implausible + UNTRUSTED,
          report);
      return;
    }
    if (!arrived.get().isBefore(cutoff)) {
      return;
    }
    List<FileEntry> files = entries(dir, report);
    if (!files.isEmpty() && zone == Zone.BRONZE && !policy.deletesBronze()) {
      keep(files, "bronze is never deleted without allowingBronzeDeletion()", report);
      return;
    }
    boolean deletedAll = true;
    for (FileEntry file : files) {
      deletedAll &= delete(file, report);
    }
    if (deletedAll && !report.dryRun()) {
      // The record goes last: until every file is gone, it is what dates them. (With no files
      // left, this finishes a pass that stopped between its last delete and the record.)
      deleteRecord(record, report);
    }
    removeEmptyDirs(dir, tableDir, report);
  }

  private static final String UNTRUSTED =
      "; archive retention leaves it alone (check the clock and the record; remove the record to"
          + " count its retention from the next pass)";

  private void deleteRecord(Path record, LifecycleReport.Builder report) {
    try {
      storage.delete(record);
    } catch (IOException e) {
      report.fail(record, "delete the arrival record", e);
    }
  }

  /** Reports every file of {@code dir} as kept, with why. */
  private void keepFiles(Path dir, String why, LifecycleReport.Builder report) {
    keep(entries(dir, report), why, report);
  }

  private static void keep(List<FileEntry> files, String why, LifecycleReport.Builder report) {
    for (FileEntry file : files) {
      report.add(LifecycleReport.Verb.KEPT, file.path(), file.size(), why);
    }
  }

  private void copySidecar(Zone zone, TableName table, LifecycleReport.Builder report) {
    Path sidecar = paths.schemaFile(zone, table);
    try {
      Optional<FileEntry> found = storage.stat(sidecar);
      if (found.isPresent() && found.get().isFile()) {
        Path target = paths.counterpart(sidecar, DataKind.ARCHIVE);
        if (!report.dryRun()) {
          storage.copy(sidecar, target, WriteMode.REPLACE);
        }
        report.add(
            LifecycleReport.Verb.WRITTEN,
            target,
            found.get().size(),
            "a copy of " + sidecar + ", so that the archive describes itself");
      }
    } catch (IOException e) {
      report.fail(sidecar, "copy to the archive", e);
    }
  }

  /** True if the file is gone (or in a preview: would be). */
  private boolean delete(FileEntry file, LifecycleReport.Builder report) {
    try {
      if (report.dryRun() || storage.delete(file.path())) {
        report.add(
            LifecycleReport.Verb.DELETED, file.path(), file.size(), "past archive retention");
      }
      return true;
    } catch (IOException e) {
      report.fail(file.path(), "delete", e);
      return false;
    }
  }

  private void removeEmptyDirs(Path dir, Path stopAt, LifecycleReport.Builder report) {
    if (report.dryRun()) {
      return;
    }
    for (Path d = dir; d != null && !d.equals(stopAt) && d.startsWith(stopAt); d = d.getParent()) {
      try {
        if (!storage.list(d).isEmpty()) {
          return;
        }
        storage.delete(d);
      } catch (IOException notEmptyAfterAll) {
        return;
      }
    }
  }

  /**
   * The tables of a zone in a table area: directories whose names are valid table names. A zone
   * directory that cannot be listed is reported, and has no tables for this pass.
   */
  private List<TableName> tables(Area area, Zone zone, LifecycleReport.Builder report) {
    Path zoneDir = paths.areaRoot(area).resolve(zone.id());
    List<TableName> tables = new ArrayList<>();
    List<FileEntry> entries;
    try {
      entries = storage.list(zoneDir);
    } catch (IOException e) {
      report.fail(zoneDir, "list", e);
      return tables;
    }
    for (FileEntry entry : entries) {
      if (entry.isDirectory()) {
        try {
          tables.add(TableName.of(entry.name()));
        } catch (IllegalArgumentException notATable) {
          log.debug("Skipping {}: not a table directory", entry.path());
        }
      }
    }
    return tables;
  }

  /** The partitions of a table; a directory that cannot be listed is reported and skipped. */
  private List<PartitionWalker.Partition> partitions(
      Path tableDir, LifecycleReport.Builder report) {
    try {
      return new PartitionWalker(paths, storage)
          .partitions(tableDir, null, (dir, e) -> report.fail(dir, "list", e));
    } catch (IOException e) {
      report.fail(tableDir, "list", e);
      return List.of();
    }
  }

  /**
   * The files retention moves or deletes in a partition: its regular files that are not hidden
   * (hidden ones are the SDK's own: epoch markers, journals, staged files, records). Anything else
   * that is not hidden (a link, a FIFO, a directory) is reported as kept, in words; a partition
   * that cannot be listed is reported, with no files.
   */
  private List<FileEntry> entries(Path dir, LifecycleReport.Builder report) {
    List<FileEntry> files = new ArrayList<>();
    List<FileEntry> listing;
    try {
      listing = storage.list(dir);
    } catch (IOException e) {
      report.fail(dir, "list", e);
      return files;
    }
    for (FileEntry entry : listing) {
      if (entry.name().startsWith(".")) {
        continue;
      }
      if (entry.isFile()) {
        files.add(entry);
      } else {
        report.add(
            LifecycleReport.Verb.KEPT,
            entry.path(),
            entry.size(),
            "it is "
                + entry.type().inWords()
                + ", not a file: retention moves and deletes only files (move or remove it by hand)");
      }
    }
    return files;
  }
}
