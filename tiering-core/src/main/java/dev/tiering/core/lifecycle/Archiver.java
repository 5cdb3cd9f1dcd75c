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
import java.util.stream.Collectors;
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
 * says nothing of age). An archived file's age is the time the archiver recorded for it when it
 * moved it ({@code .tiering-archived} in the partition, one line per file, published atomically
 * before the files move), never its partition's date or its time, so one pass never archives and
 * deletes the same file, and a file that moves late never postpones the others. A file archived
 * before such records existed is recorded as arriving when a pass first sees it; a partition dated
 * after today is never deleted. A lake file whose archive target holds different bytes is reported
 * as a failure, in the preview as in the execution, and stays.
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
   * @throws IllegalArgumentException if the policy names a partition of a zone without a lake
   *     retention, or one whose date is plausible (retention archives it by its age)
   */
  public LifecyclePlan apply(RetentionPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    LocalDate today = LocalDate.ofInstant(clock.instant(), clock.getZone());
    for (RetentionPolicy.NamedPartition named : policy.included()) {
      String name = named.zone().id() + "." + named.table() + "/" + named.day();
      if (!policy.lake().containsKey(named.zone())) {
        throw new IllegalArgumentException(
            "Cannot include partition "
                + name
                + ": zone "
                + named.zone().id()
                + " has no lake retention, so nothing of it is archived (give "
                + named.zone().id()
                + " a lake retention too, or name no partition of it)");
      }
      if (PlausibleTime.implausible(named.day(), today) == null) {
        throw new IllegalArgumentException(
            "Cannot include partition "
                + name
                + ": its date is from "
                + PlausibleTime.FLOOR
                + " to today ("
                + today
                + "), so retention archives it by its age (name only partitions dated before "
                + PlausibleTime.FLOOR
                + " or after today, which retention otherwise leaves alone)");
      }
    }
    return LifecyclePlan.of("retention", preview -> apply(policy, preview))
        .reportingTo(dev.tiering.core.metrics.LifecycleCompleted.Operation.ARCHIVE, metrics);
  }

  private LifecycleReport apply(RetentionPolicy policy, boolean dryRun) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("retention", dryRun);
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, clock.getZone());
    for (Map.Entry<Zone, Period> lake : policy.lake().entrySet()) {
      Zone zone = lake.getKey();
      LocalDate cutoff = today.minus(lake.getValue());
      for (TableName table : tables(Area.LAKE_CLEAN, zone, report)) {
        archiveTable(policy, zone, table, cutoff, today, now, report);
      }
    }
    for (Map.Entry<Zone, Period> archive : policy.archive().entrySet()) {
      Zone zone = archive.getKey();
      Instant cutoff =
          ZonedDateTime.ofInstant(now, clock.getZone()).minus(archive.getValue()).toInstant();
      for (TableName table : tables(Area.LAKE_ARCHIVE, zone, report)) {
        Path tableDir = paths.resolve(DataRef.archive(zone, table)).path();
        for (PartitionWalker.Partition partition : partitions(tableDir, report)) {
          // What this pass moved arrived now: a retention of zero does not delete it.
          expire(policy, zone, partition, tableDir, cutoff, now, report);
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
      LifecycleReport.Builder report) {
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
        archivePartition(zone, table, partition.dir(), now, report);
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
      Zone zone, TableName table, Path dir, Instant now, LifecycleReport.Builder report)
      throws IOException {
    Path archiveDir = paths.counterpart(dir, DataKind.ARCHIVE);
    if (report.dryRun()) {
      archiveSettled(dir, archiveDir, now, report);
      return;
    }
    try (java.io.Closeable lock =
        CompactionJournal.lockPartition(storage, paths, zone, table, dir, LOCK_TIMEOUT)) {
      if (archiveSettled(dir, archiveDir, now, report)) {
        CompactionJournal.removeEpoch(storage, dir);
      }
    }
  }

  /** Settles, then archives; true if every file moved (in a preview: would move). */
  private boolean archiveSettled(
      Path dir, Path archiveDir, Instant now, LifecycleReport.Builder report) throws IOException {
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
    Path recordFile = paths.archiveRecordFile(archiveDir);
    ArrivalRecord record;
    try {
      record = ArrivalRecord.read(storage, recordFile).orElse(ArrivalRecord.empty());
    } catch (StampFile.DamagedException e) {
      // Replacing it would date what is there now; the archive phase reports it the same way.
      keep(
          files,
          "the arrival record "
              + recordFile
              + " of its archive partition cannot be used: "
              + e.getMessage()
              + "; retention moves nothing into that partition (check the record, or remove it: its"
              + " files then count as arriving at the next pass)",
          report);
      return false;
    }
    // Decided before anything changes, by what the execution will meet: a different file of a
    // name in the archive is a failure in the preview as in the execution, never "would archive".
    boolean moved = true;
    List<FileEntry> movable = new ArrayList<>();
    for (FileEntry file : files) {
      Path target = paths.counterpart(file.path(), DataKind.ARCHIVE);
      if (!ArrivalRecord.canHold(file.name())) {
        moved = false;
        report.fail(
            file.path(),
            "move to the archive",
            new IOException(
                "its name holds a line break, which the archive's arrival record cannot hold;"
                    + " nothing was moved (rename it)"));
        continue;
      }
      Optional<java.nio.file.FileAlreadyExistsException> conflict =
          Storage.transferConflict(storage, file.path(), target);
      if (conflict.isPresent()) {
        moved = false;
        report.fail(file.path(), "move to the archive", conflict.get());
      } else {
        movable.add(file);
      }
    }
    if (movable.isEmpty()) {
      return moved;
    }
    if (!report.dryRun()) {
      // Before the first move: a crash after it leaves no archived file older than the record
      // says. Files that arrived earlier keep their own times.
      List<FileEntry> present = new ArrayList<>();
      if (record.all() != null) {
        for (FileEntry there : storage.list(archiveDir)) {
          if (there.isFile() && ArrivalRecord.canHold(there.name())) {
            present.add(there);
          }
        }
      }
      record
          .with(present, movable.stream().map(FileEntry::name).toList(), now)
          .write(storage, recordFile);
    }
    for (FileEntry file : movable) {
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
   * Deletes the files of an archived partition that arrived longer ago than the archive retention,
   * each by its own arrival time. A file the record does not date (archived before records existed,
   * or put there by hand) is recorded as arriving now; a partition whose record cannot be used is
   * kept and reported, and so is a file whose recorded arrival is implausible.
   */
  private void expire(
      RetentionPolicy policy,
      Zone zone,
      PartitionWalker.Partition partition,
      Path tableDir,
      Instant cutoff,
      Instant now,
      LifecycleReport.Builder report) {
    Path dir = partition.dir();
    Path recordFile = paths.archiveRecordFile(dir);
    Optional<ArrivalRecord> read;
    try {
      read = ArrivalRecord.read(storage, recordFile);
    } catch (StampFile.DamagedException e) {
      keepFiles(
          dir,
          "its arrival record " + recordFile + " cannot be used: " + e.getMessage() + UNTRUSTED,
          report);
      return;
    } catch (IOException e) {
      report.fail(recordFile, "read the arrival record", e);
      return;
    }
    ArrivalRecord record = read.orElse(ArrivalRecord.empty());
    String implausibleAll =
        record.all() == null ? null : PlausibleTime.implausible(record.all(), now);
    if (implausibleAll != null) {
      // Said of every file, before any file's own time is weighed against it.
      keepFiles(
          dir,
          "its arrival record " + recordFile + " cannot be trusted: " + implausibleAll + UNTRUSTED,
          report);
      return;
    }
    List<FileEntry> files;
    try {
      files = dataFiles(storage.list(dir), report);
    } catch (IOException e) {
      // Nothing is dated, nor the record changed, by a listing that failed.
      report.fail(dir, "list", e);
      return;
    }
    LocalDate today = LocalDate.ofInstant(now, clock.getZone());
    String future =
        partition.day().isAfter(today)
            ? "its partition is dated "
                + partition.day()
                + ", after today ("
                + today
                + "): archive retention never deletes a partition dated in the future (a clock"
                + " that is behind?); delete it by hand if it is not wanted"
            : null;
    List<String> unrecorded = new ArrayList<>();
    List<FileEntry> due = new ArrayList<>();
    for (FileEntry file : files) {
      Instant arrived = record.arrival(file);
      if (arrived == null || !ArrivalRecord.canHold(file.name())) {
        report.add(
            LifecycleReport.Verb.KEPT,
            file.path(),
            file.size(),
            "no record of when it reached the archive (archived by an earlier version, or put"
                + " there by hand): it is recorded as arriving today, "
                + today
                + ", and archive retention counts from then");
        if (ArrivalRecord.canHold(file.name())) {
          unrecorded.add(file.name());
        }
        continue;
      }
      String implausible = PlausibleTime.implausible(arrived, now);
      if (implausible != null) {
        report.add(
            LifecycleReport.Verb.KEPT,
            file.path(),
            file.size(),
            "its arrival record " + recordFile + " cannot be trusted: " + implausible + UNTRUSTED);
      } else if (arrived.isBefore(cutoff)) {
        due.add(file);
      }
    }
    if (!due.isEmpty() && future != null) {
      keep(due, future, report);
      due.clear();
    } else if (!due.isEmpty() && zone == Zone.BRONZE && !policy.deletesBronze()) {
      keep(due, "bronze is never deleted without allowingBronzeDeletion()", report);
      due.clear();
    }
    Set<String> deleted = new HashSet<>();
    for (FileEntry file : due) {
      if (delete(file, report)) {
        deleted.add(file.name());
      }
    }
    if (!report.dryRun() && (read.isPresent() || !unrecorded.isEmpty())) {
      // Each file keeps its time; what is gone leaves the record after it (until then, the
      // record is what dates it). With nothing left to date, the record goes.
      List<FileEntry> left = new ArrayList<>();
      for (FileEntry file : files) {
        if (!deleted.contains(file.name()) && ArrivalRecord.canHold(file.name())) {
          left.add(file);
        }
      }
      updateRecord(record, left, unrecorded, deleted, now, recordFile, report);
    }
    removeEmptyDirs(dir, tableDir, report);
  }

  /**
   * Rewrites the record to date exactly the files {@code left}, if that changes it; deletes it if
   * none is left.
   */
  private void updateRecord(
      ArrivalRecord record,
      List<FileEntry> left,
      List<String> unrecorded,
      Set<String> deleted,
      Instant now,
      Path recordFile,
      LifecycleReport.Builder report) {
    try {
      if (left.isEmpty()) {
        storage.delete(recordFile);
        return;
      }
      if (deleted.isEmpty() && unrecorded.isEmpty()) {
        return;
      }
      ArrivalRecord next = record.with(left, unrecorded, now);
      Map<String, Instant> kept = new java.util.TreeMap<>(next.times());
      kept.keySet().retainAll(left.stream().map(FileEntry::name).collect(Collectors.toSet()));
      new ArrivalRecord(kept, null).write(storage, recordFile);
    } catch (IOException e) {
      report.fail(
          recordFile, left.isEmpty() ? "delete the arrival record" : "write the arrival record", e);
    }
  }

  private static final String UNTRUSTED =
      "; archive retention leaves it alone (check the clock and the record; remove the record to"
          + " count its retention from the next pass)";

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
        if (Storage.transferConflict(storage, sidecar, target).isEmpty()
            && storage.stat(target).isPresent()) {
          return; // the archive has this very copy: rewriting it each pass would change nothing
        }
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
    try {
      return dataFiles(storage.list(dir), report);
    } catch (IOException e) {
      report.fail(dir, "list", e);
      return new ArrayList<>();
    }
  }

  /** The regular files of a listing that are not hidden; anything else not hidden is kept. */
  private static List<FileEntry> dataFiles(
      List<FileEntry> listing, LifecycleReport.Builder report) {
    List<FileEntry> files = new ArrayList<>();
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
