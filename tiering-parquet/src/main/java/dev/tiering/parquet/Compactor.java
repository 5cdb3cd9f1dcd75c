package dev.tiering.parquet;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.LifecyclePlan;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.lifecycle.internal.PartitionView;
import dev.tiering.core.lifecycle.internal.PartitionWalker;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.internal.GuardedListener;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges a table's small files (under 10 MiB by default: many small files make scans slow) into
 * files of the target size, partition by partition, preserving every row, and reports files over
 * 500 MiB, which defeat partition pruning. Crash-safe by an intent journal (see {@link
 * CompactionJournal}): after a crash at any point, the next compaction of the partition (or {@link
 * #recover}) finishes or rolls back the interrupted one, so every row is in the partition exactly
 * once.
 *
 * <p>What a concurrent reader sees: {@link LakeReader} consults the journals and sees every row
 * exactly once at every moment. An engine that lists files itself (DuckDB, Spark) can see the rows
 * of merged files twice between the publishing of the outputs and the deletion of the inputs, a
 * window of one delete per input file; schedule compaction when such readers are idle, or read
 * through the SDK. Bronze may be compacted: no row is changed, added or lost.
 */
public final class Compactor {

  /** The default size under which a file is merged: 10 MiB. */
  public static final long DEFAULT_SMALL_BYTES = 10L * 1024 * 1024;

  /** The default size over which a file is reported as too large: 500 MiB. */
  public static final long DEFAULT_LARGE_BYTES = 500L * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  /** The default of {@link Builder#minCommitAge}. */
  public static final Duration DEFAULT_MIN_COMMIT_AGE = Duration.ofMinutes(10);

  /** The largest {@link Builder#minCommitAge}. */
  public static final Duration MAX_MIN_COMMIT_AGE = Duration.ofHours(1);

  private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(10);

  /** What to do with a small file that cannot be read (see {@link CorruptFileException}). */
  public enum OnCorrupt {
    /** Leave it where it is, report it as a failure and merge the other files (the default). */
    SKIP,
    /** Stop, with the partition as it was, and throw the {@link CorruptFileException}. */
    FAIL
  }

  /**
   * Called after each step of the protocol; tests use it to stop at every step as a crash would.
   */
  @FunctionalInterface
  interface Steps {
    void after(String step) throws IOException;
  }

  private final PathResolver paths;
  private final Storage storage;
  private final WriterSettings settings;
  private final SidecarStore sidecars;
  private final long smallBytes;
  private final long largeBytes;
  private final Steps steps;
  private final OnCorrupt onCorrupt;
  private final Duration minCommitAge;
  private final MetricsListener metrics;

  private Compactor(Builder b) {
    this.paths = b.paths;
    this.storage =
        (b.storage != null ? b.storage : Storage.forLayout(b.paths.layout()))
            .reportingFullTiers(b.paths.layout(), "compact");
    this.settings = b.settings;
    this.sidecars =
        b.sidecars != null
            ? b.sidecars
            : new SidecarStore(b.paths, storage, java.time.Clock.systemUTC());
    this.smallBytes = b.smallBytes;
    this.largeBytes = b.largeBytes;
    this.steps = b.steps;
    this.onCorrupt = b.onCorrupt;
    this.minCommitAge = b.minCommitAge;
    this.metrics = GuardedListener.of(b.metrics);
  }

  /**
   * {@return a builder of a compactor with the defaults (lake settings, local disks)}
   *
   * @param paths where the tables lie
   */
  public static Builder builder(PathResolver paths) {
    return new Builder(paths);
  }

  /**
   * Compacts every partition of a table. Each partition is compacted under its lock, with the
   * table's schema read again for it, so that a column a writer added meanwhile is never dropped.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @return the compaction, to preview or execute; a table without a sidecar fails either with
   *     {@link java.nio.file.NoSuchFileException}
   */
  public LifecyclePlan compact(Zone zone, TableName table) {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(table, "table");
    return LifecyclePlan.of(
            "compact " + zone + "." + table, preview -> compact(zone, table, preview))
        .reportingTo(dev.tiering.core.metrics.LifecycleCompleted.Operation.COMPACTION, metrics);
  }

  private LifecycleReport compact(Zone zone, TableName table, boolean dryRun) throws IOException {
    TableSchema schema = schemaOf(zone, table);
    LifecycleReport.Builder report =
        LifecycleReport.builder("compact " + zone + "." + table, dryRun);
    for (Partition partition : partitions(zone, table, schema)) {
      compactPartition(zone, table, partition, report);
    }
    return report.finish(log);
  }

  /**
   * Finishes or rolls back interrupted compactions in every partition of a table.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @return what was finished or rolled back, and every partition that could not be settled (its
   *     lock unusable or taken for 10 minutes, a file that cannot be removed), which does not stop
   *     the others
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws IOException if the table's partitions cannot be listed
   */
  public LifecycleReport recover(Zone zone, TableName table) throws IOException {
    TableSchema schema = schemaOf(zone, table);
    LifecycleReport.Builder report =
        LifecycleReport.builder("recover compactions of " + zone + "." + table, false);
    for (Partition partition : partitions(zone, table, schema)) {
      // Only partitions with a journal are locked: recovery makes no lock file for nothing. A
      // compaction that starts after this look settles its own partition first anyway.
      try {
        if (storage.list(partition.dir()).stream()
            .anyMatch(e -> CompactionJournal.isJournal(e.name()))) {
          try (Closeable lock = lock(zone, table, partition.dir())) {
            CompactionJournal.settle(storage, partition.dir(), report);
          }
        }
      } catch (IOException e) {
        report.fail(partition.dir(), "settle its compactions", e); // the others are settled
      }
    }
    return report.finish(log);
  }

  private TableSchema schemaOf(Zone zone, TableName table) throws IOException {
    return sidecars
        .read(zone, table)
        .map(SchemaSidecar::schema)
        .orElseThrow(
            () ->
                new java.nio.file.NoSuchFileException(
                    paths.schemaFile(zone, table).toString(),
                    null,
                    "no such table: " + zone + "." + table + " has no schema.json"));
  }

  private record Partition(Path dir, LocalDate day) {}

  private List<Partition> partitions(Zone zone, TableName table, TableSchema schema)
      throws IOException {
    Path tableDir = paths.tableDir(zone, table);
    java.util.Optional<PartitionLayout> layout = LakeWriter.layoutOf(schema);
    if (layout.isEmpty()) {
      return List.of(new Partition(tableDir, null));
    }
    List<Partition> found = new ArrayList<>();
    for (PartitionWalker.Partition p :
        new PartitionWalker(paths, storage).partitions(tableDir, layout.get())) {
      found.add(new Partition(p.dir(), p.day()));
    }
    return found;
  }

  /** The newest commit whose files may be merged: applied, and at least the minimum age. */
  private long eligible(Zone zone, TableName table) throws IOException {
    return sidecars.appliedBefore(zone, table, java.time.Instant.now().minus(minCommitAge));
  }

  private Closeable lock(Zone zone, TableName table, Path partitionDir) throws IOException {
    return CompactionJournal.lockPartition(storage, paths, zone, table, partitionDir, LOCK_TIMEOUT);
  }

  private void compactPartition(
      Zone zone, TableName table, Partition partition, LifecycleReport.Builder report)
      throws IOException {
    if (report.dryRun()) {
      // A dry run takes no lock (it creates nothing). It reports what settling an interrupted
      // compaction would do, then plans from the partition as the execution will find it.
      java.util.Set<Path> settledAway = new java.util.HashSet<>();
      if (!CompactionJournal.settle(storage, partition.dir(), report, settledAway)) {
        keepUnsettled(partition, report);
        return;
      }
      List<FileEntry> listing = new ArrayList<>();
      for (FileEntry file : storage.list(partition.dir())) {
        if (!settledAway.contains(file.path())) {
          listing.add(file);
        }
      }
      plan(zone, table, partition.day(), listing, report);
      return;
    }
    Closeable held;
    try {
      held = lock(zone, table, partition.dir());
    } catch (IOException e) {
      // A partition whose lock cannot be had (a lock file root made, a link planted there, a
      // holder that never lets go) is reported and the others go on: each partition is compacted
      // under its own lock and journal, so nothing of it has changed.
      report.fail(partition.dir(), "lock", e);
      return;
    }
    try (Closeable lock = held) {
      if (!CompactionJournal.settle(storage, partition.dir(), report)) {
        keepUnsettled(partition, report);
        return;
      }
      List<FileEntry> listing = storage.list(partition.dir());
      // Read after the listing: every listed file of a commit up to this one is published whole.
      long eligible = eligible(zone, table);
      List<FileEntry> small = small(listing, eligible, report);
      // Read after the listing: every listed file was published after its schema was committed,
      // so this schema knows every column of every listed file (see mergeable()).
      TableSchema schema = schemaOf(zone, table);
      for (int from = 0; from < small.size(); from += CompactionJournal.MAX_INPUTS) {
        List<FileEntry> chunk =
            small.subList(from, Math.min(small.size(), from + CompactionJournal.MAX_INPUTS));
        schema = mergeSound(zone, table, schema, partition, chunk, report);
      }
    }
  }

  /**
   * Reports every data file of a partition whose journal could not be trusted or settled: it names
   * files of this partition, and merging any of them could double or lose its rows. settle()
   * reported why.
   */
  private void keepUnsettled(Partition partition, LifecycleReport.Builder report)
      throws IOException {
    for (FileEntry file : storage.list(partition.dir())) {
      if (PartitionView.isDataFile(file)) {
        report.add(
            LifecycleReport.Verb.KEPT,
            file.path(),
            file.size(),
            "its partition has a compaction journal that could not be settled (see the failures)");
      }
    }
  }

  /**
   * The small data files of a partition; reports large ones, names that cannot be merged, and
   * copies of other files (see {@link TableFiles#copies}).
   */
  private List<FileEntry> small(
      List<FileEntry> listing, long eligible, LifecycleReport.Builder report) throws IOException {
    Map<Path, String> copies = copies(listing);
    List<FileEntry> small = new ArrayList<>();
    for (FileEntry file : listing) {
      if (!PartitionView.isDataFile(file)) {
        continue;
      }
      long commit = PathResolver.commitOf(file.name());
      String foreign = TableFiles.foreignName(file.name());
      if (foreign == null) {
        foreign = copies.get(file.path());
      }
      if (foreign != null) {
        keepForeign(file, foreign, report);
      } else if (commit > eligible) {
        report.add(
            LifecycleReport.Verb.KEPT,
            file.path(),
            file.size(),
            "commit "
                + commit
                + " is younger than "
                + minCommitAge
                + " or not applied yet: scans that began before"
                + " it must still find its partition as they left it");
      } else if (file.size() > largeBytes) {
        report.add(
            LifecycleReport.Verb.KEPT,
            file.path(),
            file.size(),
            "over " + largeBytes / (1024 * 1024) + " MiB: too large for partition pruning");
      } else if (file.size() < smallBytes) {
        if (CompactionJournal.isDataFileName(file.name())) {
          small.add(file);
        } else {
          report.add(
              LifecycleReport.Verb.KEPT,
              file.path(),
              file.size(),
              "its name is not a"
                  + " plain data file name (A-Z, a-z, 0-9, '.', '_', '-'), which compaction journals"
                  + " require; rename it to merge it");
        }
      }
    }
    return small;
  }

  /**
   * A dry run's plan: what a compaction would merge, as far as reading (never writing) can tell, in
   * the execution's words and order: the same chunks of at most {@link
   * CompactionJournal#MAX_INPUTS} inputs, the footers read, so that a damaged file is reported as
   * the failure it would be and a file with a column the schema lacks as kept, and the inputs as
   * merged. The outputs' names are drawn when they are written, so the plan names their partition
   * and how many there would be.
   */
  private void plan(
      Zone zone,
      TableName table,
      LocalDate day,
      List<FileEntry> listing,
      LifecycleReport.Builder report)
      throws IOException {
    List<FileEntry> small = small(listing, eligible(zone, table), report);
    TableSchema schema = schemaOf(zone, table);
    for (int from = 0; from < small.size(); from += CompactionJournal.MAX_INPUTS) {
      List<FileEntry> inputs = new ArrayList<>();
      for (FileEntry file :
          small.subList(from, Math.min(small.size(), from + CompactionJournal.MAX_INPUTS))) {
        try {
          FileFooter footer = FileFooter.read(storage, file.path());
          String foreign = TableFiles.foreign(footer, schema, day);
          if (foreign != null) {
            keepForeign(file, foreign, report);
            continue;
          }
          if (hasUnknownColumns(footer, schema)) {
            schema = schemaOf(zone, table);
          }
          if (hasUnknownColumns(footer, schema)) {
            report.add(
                LifecycleReport.Verb.KEPT,
                file.path(),
                file.size(),
                unknownColumns(footer, schema));
          } else {
            inputs.add(file);
          }
        } catch (CorruptFileException e) {
          report.fail(file.path(), "merge", e);
        }
      }
      if (inputs.size() < 2) {
        continue;
      }
      long bytes = inputs.stream().mapToLong(FileEntry::size).sum();
      inputs.forEach(f -> report.add(LifecycleReport.Verb.COMPACTED, f.path(), f.size(), "merged"));
      report.add(
          LifecycleReport.Verb.WRITTEN,
          inputs.get(0).path().getParent(),
          bytes,
          "about "
              + Math.max(1, (bytes + settings.targetFileBytes() - 1) / settings.targetFileBytes())
              + " file(s)");
    }
  }

  /**
   * Merges the files that can be read and whose every column the schema knows. A damaged file found
   * on the way (its footer first, then its pages while merging) is skipped or fails the partition,
   * per {@link OnCorrupt}; either way the interrupted merge is rolled back before anything was
   * published.
   *
   * @return the schema used: the table's, read again if an input had a column it lacked
   */
  private TableSchema mergeSound(
      Zone zone,
      TableName table,
      TableSchema schema,
      Partition partition,
      List<FileEntry> small,
      LifecycleReport.Builder report)
      throws IOException {
    List<FileEntry> inputs = new ArrayList<>();
    Map<Path, FileFooter> footers = new java.util.HashMap<>();
    for (FileEntry file : small) {
      try {
        FileFooter footer = FileFooter.read(storage, file.path());
        String foreign = TableFiles.foreign(footer, schema, partition.day());
        if (foreign != null) {
          keepForeign(file, foreign, report);
          continue;
        }
        if (hasUnknownColumns(footer, schema)) {
          // A writer may have added a column after the schema was read: read it again, once.
          schema = schemaOf(zone, table);
        }
        if (hasUnknownColumns(footer, schema)) {
          // The table's own file of an earlier major version: read as the table, never merged.
          report.add(
              LifecycleReport.Verb.KEPT, file.path(), file.size(), unknownColumns(footer, schema));
          continue;
        }
        inputs.add(file);
        footers.put(file.path(), footer);
      } catch (CorruptFileException e) {
        skipOrFail(file, e, report);
      }
    }
    while (inputs.size() >= 2) {
      try {
        merge(schema, partition, inputs, footers, report);
        break;
      } catch (CorruptFileException e) {
        FileEntry bad =
            inputs.stream().filter(f -> f.path().equals(e.file())).findFirst().orElseThrow(() -> e);
        skipOrFail(bad, e, report);
        inputs.remove(bad);
      }
    }
    return schema;
  }

  /**
   * Leaves a file that is not the table's alone (see {@link TableFiles}): merging it would add its
   * rows to the table, and a type of its own would fail the merge of the whole partition.
   */
  private static void keepForeign(FileEntry file, String reason, LifecycleReport.Builder report) {
    log.warn(
        "Not merging {}: it is foreign to its table: {} (move it out of the lake)",
        file.path(),
        reason);
    report.add(
        LifecycleReport.Verb.KEPT,
        file.path(),
        file.size(),
        "foreign, never merged nor read: " + reason + " (move it out of the lake)");
  }

  /**
   * The copies among a partition's data files (see {@link TableFiles#copies}); a footer that cannot
   * be read is left to the merge, which skips or fails on it.
   */
  private Map<Path, String> copies(List<FileEntry> listing) throws IOException {
    Map<Path, FileFooter> footers = new java.util.LinkedHashMap<>();
    for (FileEntry file : listing) {
      if (PartitionView.isDataFile(file) && TableFiles.foreignName(file.name()) == null) {
        try {
          footers.put(file.path(), FileFooter.read(storage, file.path()));
        } catch (CorruptFileException damaged) {
          // Reported where it is merged (or skipped), with the failure's own words.
        }
      }
    }
    return TableFiles.copies(footers);
  }

  private static String unknownColumns(FileFooter footer, TableSchema schema) {
    List<String> unknown =
        footer.columns().stream()
            .filter(c -> schema.field(c).isEmpty() && !c.equals(TableSchema.DATE_PARTITION))
            .toList();
    return "it has column(s) "
        + unknown
        + " that the table's schema.json (version "
        + schema.version()
        + ") does not list; merging it would drop them";
  }

  private static boolean hasUnknownColumns(FileFooter footer, TableSchema schema) {
    return footer.columns().stream()
        .anyMatch(c -> schema.field(c).isEmpty() && !c.equals(TableSchema.DATE_PARTITION));
  }

  private void skipOrFail(FileEntry file, CorruptFileException e, LifecycleReport.Builder report)
      throws CorruptFileException {
    if (onCorrupt == OnCorrupt.FAIL) {
      throw e;
    }
    log.debug("{}", e.getMessage());
    report.fail(file.path(), "merge", e);
  }

  private void merge(
      TableSchema schema,
      Partition partition,
      List<FileEntry> inputs,
      Map<Path, FileFooter> footers,
      LifecycleReport.Builder report)
      throws IOException {
    Path dir = partition.dir();
    long commit = inputs.stream().mapToLong(f -> PathResolver.commitOf(f.name())).max().orElse(0);
    CompactionJournal journal =
        CompactionJournal.begin(dir, inputs.stream().map(FileEntry::name).toList());
    journal.save(storage);
    steps.after("journal");

    List<Output> outputs = new ArrayList<>();
    try {
      try {
        long expectedRows = 0;
        for (FileEntry input : inputs) {
          expectedRows += FileFooter.read(storage, input.path()).rows();
        }
        Map<Path, FileFooter> merged = new java.util.LinkedHashMap<>();
        inputs.forEach(input -> merged.put(input.path(), footers.get(input.path())));
        writeOutputs(
            schema, partition, inputs, outputs, journal.id(), TableFiles.mergedIds(merged), commit);
        long written = outputs.stream().mapToLong(o -> o.writer.rows()).sum();
        if (written != expectedRows) {
          throw new IOException(
              "Compaction of "
                  + dir
                  + " read "
                  + written
                  + " rows but the inputs hold "
                  + expectedRows
                  + "; nothing was changed");
        }
      } catch (IOException | RuntimeException e) {
        // Nothing is published yet: roll back now rather than leave it to the next recovery.
        for (Output output : outputs) {
          output.writer.discard();
          output.pending.close();
        }
        storage.delete(journal.file());
        throw e;
      }
      journal =
          journal.withOutputs(
              outputs.stream()
                  .map(
                      o ->
                          new CompactionJournal.Output(
                              o.pending.target().getFileName().toString(),
                              o.pending.bytesWritten(),
                              o.writer.rows()))
                  .toList());
      journal.save(storage);
      steps.after("outputs");
      // Outputs may appear from here on, which only the saved journal hides: a reader that read
      // the journal before this save must see the epoch move (see PartitionView).
      CompactionJournal.advanceEpoch(storage, dir);
      steps.after("epoch");
      for (Output output : outputs) {
        output.pending.commit();
        report.add(
            LifecycleReport.Verb.WRITTEN,
            output.pending.target(),
            output.pending.bytesWritten(),
            output.writer.rows() + " rows");
        steps.after("publish " + output.pending.target().getFileName());
      }
    } finally {
      for (Output output : outputs) {
        output.writer.discard();
        output.pending.close();
      }
    }
    journal = journal.asPublished();
    journal.save(storage);
    steps.after("published");
    // The commit point is saved; inputs go from here on, which only it hides.
    CompactionJournal.advanceEpoch(storage, dir);
    steps.after("epoch");
    boolean allDeleted = true;
    for (FileEntry input : inputs) {
      try {
        if (storage.delete(input.path())) {
          report.add(LifecycleReport.Verb.COMPACTED, input.path(), input.size(), "merged");
        }
      } catch (IOException | RuntimeException e) {
        // Committed: the journal hides this input from the SDK's readers and the views, and the
        // next compaction or recovery deletes it. A glob reads its rows twice until then.
        allDeleted = false;
        log.warn(
            "Compaction of {} is committed but could not delete {}: {}",
            dir,
            input.path(),
            e.toString());
        report.fail(input.path(), "delete", unfinished(input.path(), journal, e));
      }
      steps.after("delete " + input.name());
    }
    if (allDeleted) {
      storage.delete(journal.file());
      steps.after("done");
    }
  }

  private record Output(PendingFile pending, ColumnarFileWriter writer) {}

  /** What a committed compaction whose input could not be deleted tells the operator. */
  private static IOException unfinished(Path input, CompactionJournal journal, Exception e) {
    return new IOException(
        LifecycleReport.Failure.of(input, "delete", e).error()
            + " after its compaction committed (journal "
            + journal.file().getFileName()
            + "): its rows are in the merged file, and the SDK's readers and 'tiering sql' read"
            + " them once, but a glob over the partition reads them twice until 'tiering recover'"
            + " (or the next compaction of the table) deletes it; fix what stops the delete first",
        e);
  }

  private void writeOutputs(
      TableSchema schema,
      Partition partition,
      List<FileEntry> inputs,
      List<Output> outputs,
      String journalId,
      List<String> mergedIds,
      long commit)
      throws IOException {
    Integer day = partition.day() == null ? null : (int) partition.day().toEpochDay();
    RowBuffer row = new RowBuffer(schema, true);
    Output current = null;
    // Strict: an input with a column the schema lacks fails rather than losing that column.
    try (ParquetRowReader reader =
        ParquetRowReader.openComplete(
            storage, inputs.stream().map(FileEntry::path).toList(), schema)) {
      while (reader.next()) {
        if (current == null) {
          // Named for the newest input commit: scans that may see every input may see it.
          Path output = paths.compactedDataFile(partition.dir(), commit);
          PendingFile pending = storage.create(output, WriteMode.CREATE_NEW);
          try {
            // The journal's id in the footer: what lets recovery tell this output from any other
            // file a journal might name (see CompactionJournal).
            current =
                new Output(
                    pending,
                    new ColumnarFileWriter(
                        pending,
                        schema,
                        settings,
                        day,
                        Footers.compaction(
                            schema,
                            journalId,
                            PathResolver.fileIdOf(output.getFileName().toString()),
                            partition.day(),
                            mergedIds)));
          } catch (IOException | RuntimeException e) {
            pending.close();
            throw e;
          }
          outputs.add(current);
        }
        for (int i = 0; i < schema.fields().size(); i++) {
          row.setCanonical(i, reader.get(i));
        }
        current.writer.append(row);
        row.clear();
        if (current.writer.estimatedBytes() >= settings.targetFileBytes()) {
          current.writer.finish();
          current = null;
        }
      }
    }
    if (current != null) {
      current.writer.finish();
    }
  }

  /** Builds a {@link Compactor}. */
  public static final class Builder {
    private final PathResolver paths;
    private MetricsListener metrics = MetricsListener.NONE;
    private Storage storage;
    private WriterSettings settings = WriterSettings.lake();
    private SidecarStore sidecars;
    private long smallBytes = DEFAULT_SMALL_BYTES;
    private long largeBytes = DEFAULT_LARGE_BYTES;
    private Steps steps = step -> {};
    private OnCorrupt onCorrupt = OnCorrupt.SKIP;
    private Duration minCommitAge = DEFAULT_MIN_COMMIT_AGE;

    private Builder(PathResolver paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /**
     * Sets the storage.
     *
     * @param value the storage; default local disks, or the provider of the lake's URI scheme
     * @return this builder
     */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /**
     * Sets how the merged files are written.
     *
     * @param value the settings; default {@link WriterSettings#lake()}: zstd 5, 128 MiB target
     * @return this builder
     */
    public Builder settings(WriterSettings value) {
      this.settings = Objects.requireNonNull(value, "settings");
      return this;
    }

    /**
     * Sets the sidecar store the table schemas and commits come from.
     *
     * @param value the store; default one on this compactor's storage
     * @return this builder
     */
    public Builder sidecars(SidecarStore value) {
      this.sidecars = Objects.requireNonNull(value, "sidecars");
      return this;
    }

    /**
     * Sets the size under which files are merged.
     *
     * @param bytes 1 or more; default {@link Compactor#DEFAULT_SMALL_BYTES}
     * @return this builder
     * @throws IllegalArgumentException for a size under 1
     */
    public Builder smallFileBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("Invalid small-file size " + bytes + " (use 1 or more)");
      }
      this.smallBytes = bytes;
      return this;
    }

    /**
     * Sets the size over which files are reported as too large.
     *
     * @param bytes 1 or more; default {@link Compactor#DEFAULT_LARGE_BYTES}
     * @return this builder
     * @throws IllegalArgumentException for a size under 1
     */
    public Builder largeFileBytes(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("Invalid large-file size " + bytes + " (use 1 or more)");
      }
      this.largeBytes = bytes;
      return this;
    }

    /**
     * Sets what to do with a damaged small file.
     *
     * @param value the choice; default {@link OnCorrupt#SKIP}
     * @return this builder
     */
    public Builder onCorrupt(OnCorrupt value) {
      this.onCorrupt = Objects.requireNonNull(value, "onCorrupt");
      return this;
    }

    /**
     * Files of commits younger than this are left alone (default 10 minutes). A scan shows its
     * table as of the commit it began at; merging a newer commit's rows with older ones would take
     * the older rows from a scan still running, which then fails with {@link
     * dev.tiering.core.storage.SnapshotExpiredException}. Only scans longer than this can meet
     * that.
     *
     * @param value zero to {@link Compactor#MAX_MIN_COMMIT_AGE}
     * @return this builder
     * @throws IllegalArgumentException for an age out of range
     */
    public Builder minCommitAge(Duration value) {
      if (value.isNegative() || value.compareTo(MAX_MIN_COMMIT_AGE) > 0) {
        throw new IllegalArgumentException(
            "Invalid minimum commit age "
                + value
                + " (use zero to "
                + MAX_MIN_COMMIT_AGE
                + ", e.g. PT10M; commit records younger than"
                + " that are always kept, which is what tells a young commit)");
      }
      this.minCommitAge = value;
      return this;
    }

    Builder steps(Steps value) {
      this.steps = value;
      return this;
    }

    /**
     * Sets where metrics go.
     *
     * @param value the listener; default {@link MetricsListener#NONE}, which records nothing
     * @return this builder
     */
    public Builder metrics(MetricsListener value) {
      this.metrics = Objects.requireNonNull(value, "metrics");
      return this;
    }

    /**
     * Builds the compactor.
     *
     * @return the compactor
     */
    public Compactor build() {
      return new Compactor(this);
    }
  }
}
