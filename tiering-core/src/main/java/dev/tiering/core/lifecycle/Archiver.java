package dev.tiering.core.lifecycle;

import dev.tiering.core.Area;
import dev.tiering.core.DataKind;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.lifecycle.internal.PartitionView;
import dev.tiering.core.lifecycle.internal.PartitionWalker;
import dev.tiering.core.routing.DataRef;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy}: moves lake partitions older than their zone's lake retention
 * from {@code <lake>/clean/} to {@code <lake>/archive/}, keeping their relative paths (and a copy
 * of the table's {@code schema.json}, so archived data stays self-describing); then deletes
 * archived partitions older than the archive retention, never bronze's without the policy's opt-in.
 * A partition's age is its date; partitions of every layout are recognized. Each partition is
 * archived under its lock, after any interrupted compaction in it is settled (see {@link
 * CompactionJournal}), so that no merged row is archived twice. Files move one by one, each
 * atomically, so a reader listing a partition during archiving may see part of it in each place.
 * Thread-safe.
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
    this.storage = Objects.requireNonNull(storage, "storage").reportingFullTiers(paths.layout());
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
    LocalDate today = LocalDate.now(clock);
    for (Map.Entry<Zone, Period> lake : policy.lake().entrySet()) {
      LocalDate cutoff = today.minus(lake.getValue());
      for (TableName table : tables(Area.LAKE_CLEAN, lake.getKey())) {
        archiveTable(lake.getKey(), table, cutoff, report);
      }
    }
    for (Map.Entry<Zone, Period> archive : policy.archive().entrySet()) {
      Zone zone = archive.getKey();
      LocalDate cutoff = today.minus(archive.getValue());
      for (TableName table : tables(Area.LAKE_ARCHIVE, zone)) {
        Path tableDir = paths.resolve(DataRef.archive(zone, table)).path();
        for (PartitionWalker.Partition partition : partitions(tableDir)) {
          if (!partition.day().isBefore(cutoff)) {
            continue;
          }
          for (FileEntry file : dataFiles(partition.dir())) {
            if (zone == Zone.BRONZE && !policy.deletesBronze()) {
              report.add(
                  LifecycleReport.Verb.KEPT,
                  file.path(),
                  file.size(),
                  "bronze is never deleted without allowingBronzeDeletion()");
            } else {
              delete(file, report);
            }
          }
          removeEmptyDirs(partition.dir(), tableDir, report);
        }
      }
    }
    return report.finish(log);
  }

  private void archiveTable(
      Zone zone, TableName table, LocalDate cutoff, LifecycleReport.Builder report)
      throws IOException {
    Path tableDir = paths.tableDir(zone, table);
    boolean sidecarCopied = false;
    for (PartitionWalker.Partition partition : partitions(tableDir)) {
      if (!partition.day().isBefore(cutoff)) {
        continue;
      }
      if (!sidecarCopied && !report.dryRun()) {
        copySidecar(zone, table, report);
        sidecarCopied = true;
      }
      if (report.dryRun()) {
        // A dry run locks and settles nothing: it plans from what readers see.
        for (FileEntry file : PartitionView.files(storage, partition.dir(), PartitionView.ALL)) {
          report.add(
              LifecycleReport.Verb.ARCHIVED,
              file.path(),
              file.size(),
              paths.counterpart(file.path(), DataKind.ARCHIVE).toString());
        }
        continue;
      }
      // Under the partition's lock, with any interrupted compaction settled first: otherwise both
      // its inputs and its outputs would be archived, every merged row twice.
      try (java.io.Closeable lock =
          CompactionJournal.lockPartition(
              storage, paths, zone, table, partition.dir(), LOCK_TIMEOUT)) {
        if (!CompactionJournal.settle(storage, partition.dir(), report)) {
          // settle() refused a journal (and reported why): moving the files could lose rows.
          for (FileEntry file : dataFiles(partition.dir())) {
            report.add(
                LifecycleReport.Verb.KEPT,
                file.path(),
                file.size(),
                "its partition has a"
                    + " compaction journal that could not be settled (see the failures)");
          }
          continue;
        }
        boolean moved = true;
        for (FileEntry file : dataFiles(partition.dir())) {
          Path target = paths.counterpart(file.path(), DataKind.ARCHIVE);
          try {
            storage.transfer(file.path(), target);
            report.add(LifecycleReport.Verb.ARCHIVED, file.path(), file.size(), target.toString());
          } catch (IOException | RuntimeException e) {
            moved = false;
            log.debug("Cannot archive {}", file.path(), e);
            report.fail(file.path(), "move to the archive", e);
          }
        }
        if (moved) {
          CompactionJournal.removeEpoch(storage, partition.dir());
        }
      }
      removeEmptyDirs(partition.dir(), tableDir, report);
    }
  }

  private void copySidecar(Zone zone, TableName table, LifecycleReport.Builder report) {
    Path sidecar = paths.schemaFile(zone, table);
    try {
      if (storage.stat(sidecar).isPresent()) {
        storage.copy(sidecar, paths.counterpart(sidecar, DataKind.ARCHIVE), WriteMode.REPLACE);
      }
    } catch (IOException e) {
      report.fail(sidecar, "copy to the archive", e);
    }
  }

  private void delete(FileEntry file, LifecycleReport.Builder report) {
    try {
      if (report.dryRun() || storage.delete(file.path())) {
        report.add(
            LifecycleReport.Verb.DELETED, file.path(), file.size(), "past archive retention");
      }
    } catch (IOException e) {
      report.fail(file.path(), "delete", e);
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

  /** The tables of a zone in a table area: directories whose names are valid table names. */
  List<TableName> tables(Area area, Zone zone) throws IOException {
    Path zoneDir = paths.areaRoot(area).resolve(zone.id());
    List<TableName> tables = new ArrayList<>();
    for (FileEntry entry : storage.list(zoneDir)) {
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

  private List<PartitionWalker.Partition> partitions(Path tableDir) throws IOException {
    return new PartitionWalker(paths, storage).partitions(tableDir, null);
  }

  private List<FileEntry> dataFiles(Path dir) throws IOException {
    List<FileEntry> files = new ArrayList<>();
    for (FileEntry entry : storage.list(dir)) {
      if (entry.isFile() && !entry.name().startsWith(".")) {
        files.add(entry);
      }
    }
    return files;
  }
}
