package dev.tiering.parquet;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.lifecycle.internal.PartitionView;
import dev.tiering.core.lifecycle.internal.PartitionWalker;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads lake tables: all of a table, or the partitions of a date range, with the table's current
 * schema (older files read through it; see {@link ParquetRowReader}). A read sees commits, not
 * files: it shows the table as of its last applied commit when it began ({@code last_commit} in the
 * sidecar), so a write being published is seen whole or not at all, and a write committed while a
 * scan runs is not seen by that scan. Hidden and staged files and the schema history are skipped,
 * and during a compaction every row is seen exactly once (see {@link Compactor}). Files that are
 * not the table's own (no commit number in the name, a footer of another table, columns that do not
 * match its schema) are foreign: never read, logged at WARN and listed by {@link #foreign(Zone,
 * TableName)}. Thread-safe.
 */
public final class LakeReader {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LakeReader.class);

  /** Ranges shorter than this many days look each day's partition up instead of walking. */
  private static final long DIRECT_DAYS = 400;

  /** A listing that meets a compaction newer than its snapshot is taken again this often. */
  private static final int SNAPSHOT_ATTEMPTS = 10;

  private final PathResolver paths;
  private final Storage storage;
  private final SidecarStore sidecars;
  private final HotCache cache;

  /**
   * A reader on local disks, without a cache.
   *
   * @param paths where the tables lie
   */
  public LakeReader(PathResolver paths) {
    this(paths, Storage.forLayout(paths.layout()), new SidecarStore(paths), null);
  }

  /**
   * A reader on the given storage.
   *
   * @param paths where the tables lie
   * @param storage the files' storage
   * @param sidecars the tables' sidecars, which say what each table's last commit is
   * @param cache the hot cache, or null: with one, files that have a whole copy on the hot tier are
   *     read from there
   */
  public LakeReader(PathResolver paths, Storage storage, SidecarStore sidecars, HotCache cache) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.sidecars = Objects.requireNonNull(sidecars, "sidecars");
    this.cache = cache;
  }

  /** {@return where the tables lie} */
  public PathResolver paths() {
    return paths;
  }

  /**
   * One data file of a table.
   *
   * @param path where it lies in the lake
   * @param day its partition day, or null for an unpartitioned table
   * @param bytes its size
   */
  public record DataFile(Path path, LocalDate day, long bytes) {}

  /**
   * Something in the lake that is not part of a table and is never read: a file no commit of the
   * table wrote, a directory that is not a partition, a directory of a zone that is not a table.
   * Engines that read the lake by glob may read it; move it out of the lake.
   *
   * @param path where it is
   * @param reason why it is foreign
   */
  public record Foreign(Path path, String reason) {}

  /**
   * {@return the table's sidecar}
   *
   * @param zone the table's zone
   * @param table the table's name
   * @throws java.nio.file.NoSuchFileException if the table has none (it was never written)
   * @throws IOException if the sidecar cannot be read or is malformed
   */
  public SchemaSidecar sidecar(Zone zone, TableName table) throws IOException {
    Optional<SchemaSidecar> sidecar = sidecars.read(zone, table);
    if (sidecar.isEmpty()) {
      throw new java.nio.file.NoSuchFileException(
          paths.schemaFile(zone, table).toString(),
          null,
          "no such table: " + zone + "." + table + " has no schema.json (write it first)");
    }
    return sidecar.get();
  }

  /**
   * {@return the tables of a zone: directories with a valid table name and a {@code schema.json},
   * by name}
   *
   * @param zone the zone to list
   * @throws IOException if the zone's directory cannot be listed
   */
  public List<TableName> tables(Zone zone) throws IOException {
    List<TableName> tables = new ArrayList<>();
    for (FileEntry entry :
        storage.list(paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN).resolve(zone.id()))) {
      if (!entry.isDirectory()) {
        continue;
      }
      try {
        TableName table = TableName.of(entry.name());
        if (storage.stat(paths.schemaFile(zone, table)).isPresent()) {
          tables.add(table);
        }
      } catch (IllegalArgumentException notATable) {
        // Not a table directory: nothing of ours.
      }
    }
    return tables;
  }

  /**
   * {@return every data file of the table's applied commits, by day then name: the files a scan
   * starting now would read}
   *
   * @param zone the table's zone
   * @param table the table's name
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws IOException if the table cannot be listed
   */
  public List<DataFile> files(Zone zone, TableName table) throws IOException {
    return files(zone, table, LocalDate.MIN, LocalDate.MAX);
  }

  /**
   * {@return the data files of the table's applied commits in a range of partitions, by day then
   * name}
   *
   * @param zone the table's zone
   * @param table the table's name
   * @param from the first day, inclusive
   * @param to the last day, inclusive
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws IOException if the table cannot be listed
   */
  public List<DataFile> files(Zone zone, TableName table, LocalDate from, LocalDate to)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return files(sidecar(zone, table), from, to);
      } catch (dev.tiering.core.storage.SnapshotExpiredException expired) {
        // A listing holds nothing open: taken again as of the newer commit, it is consistent.
        if (attempt == SNAPSHOT_ATTEMPTS) {
          throw expired;
        }
      }
    }
  }

  private List<DataFile> files(SchemaSidecar sidecar, LocalDate from, LocalDate to)
      throws IOException {
    List<DataFile> found = new ArrayList<>();
    for (Partition partition : partitions(sidecar.schema(), from, to)) {
      collect(partition.dir(), partition.day(), sidecar, found);
    }
    found.sort(
        Comparator.comparing((DataFile f) -> f.day() == null ? LocalDate.MIN : f.day())
            .thenComparing(f -> f.path().toString()));
    return found;
  }

  /**
   * The table's data files directly in one partition (or unpartitioned table) directory, as a
   * reader must see them while a compaction runs (see {@link PartitionView}).
   */
  private void collect(Path dir, LocalDate day, SchemaSidecar sidecar, List<DataFile> found)
      throws IOException {
    List<FileEntry> own =
        PartitionView.open(
            storage,
            dir,
            sidecar.lastCommit(),
            visible -> own(visible, sidecar.schema(), day, null),
            unused -> {});
    for (FileEntry entry : own) {
      found.add(new DataFile(entry.path(), day, entry.size()));
    }
  }

  /**
   * The table's own files of a view's visible ones (see {@link TableFiles}); the others go to
   * {@code foreign} if given, else are logged.
   */
  private List<FileEntry> own(
      List<FileEntry> visible, TableSchema schema, LocalDate day, List<Foreign> foreign)
      throws IOException {
    Map<Path, FileFooter> footers = new LinkedHashMap<>();
    Map<Path, String> reasons = new LinkedHashMap<>();
    for (FileEntry entry : visible) {
      String reason = TableFiles.foreignName(entry.name());
      if (reason == null) {
        FileFooter footer = FileFooter.read(storage, entry.path());
        reason = TableFiles.foreign(footer, schema, day);
        if (reason == null) {
          footers.put(entry.path(), footer);
        }
      }
      if (reason != null) {
        reasons.put(entry.path(), reason);
      }
    }
    reasons.putAll(TableFiles.copies(footers));
    List<FileEntry> own = new ArrayList<>(visible.size());
    for (FileEntry entry : visible) {
      String reason = reasons.get(entry.path());
      if (reason == null) {
        own.add(entry);
      } else if (foreign != null) {
        foreign.add(new Foreign(entry.path(), reason));
      } else {
        log.warn(
            "Not reading {}: it is foreign to {}: {} (see 'tiering ls'; move it out of the lake)",
            entry.path(),
            schema.qualifiedName(),
            reason);
      }
    }
    return own;
  }

  /**
   * {@return what a zone's directory holds that is not a table, by path: files, directories whose
   * name is not a table name, and directories without a {@code schema.json}}
   *
   * @param zone the zone
   * @throws IOException if the zone's directory cannot be listed
   */
  public List<Foreign> foreign(Zone zone) throws IOException {
    List<Foreign> found = new ArrayList<>();
    for (FileEntry entry :
        storage.list(paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN).resolve(zone.id()))) {
      String name = entry.name();
      if (name.startsWith(".") || Storage.isTemporary(name)) {
        continue;
      }
      if (!entry.isDirectory()) {
        found.add(new Foreign(entry.path(), "not a table directory: a file in a zone"));
        continue;
      }
      TableName table;
      try {
        table = TableName.of(name);
      } catch (IllegalArgumentException invalid) {
        found.add(new Foreign(entry.path(), "not a table directory: " + invalid.getMessage()));
        continue;
      }
      if (storage.stat(paths.schemaFile(zone, table)).isEmpty()) {
        found.add(
            new Foreign(
                entry.path(),
                storage.stat(paths.commitLogDir(zone, table)).isPresent()
                    ? "a table whose first commit is unfinished: no schema.json yet (run 'tiering"
                        + " recover')"
                    : "not a table directory: it has no schema.json"));
      }
    }
    return found;
  }

  /**
   * {@return what a table's directory holds that is not the table's, by path: files no commit of
   * the table wrote or whose footer is not the table's (see {@link TableFiles}), directories that
   * are not partitions (such as {@code 2026/02/30}), files outside the partitions, and anything in
   * a partition that is not a data file; the table's readers never read any of it}
   *
   * @param zone the table's zone
   * @param table the table's name
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws CorruptFileException if a file of one of its commits cannot be read
   * @throws IOException if the table cannot be listed
   */
  public List<Foreign> foreign(Zone zone, TableName table) throws IOException {
    SchemaSidecar sidecar = sidecar(zone, table);
    TableSchema schema = sidecar.schema();
    List<Foreign> found = new ArrayList<>();
    for (PartitionWalker.Stray stray :
        new PartitionWalker(paths, storage)
            .strays(paths.tableDir(zone, table), LakeWriter.layoutOf(schema))) {
      found.add(new Foreign(stray.path(), stray.reason()));
    }
    for (Partition partition : partitions(schema, LocalDate.MIN, LocalDate.MAX)) {
      found.addAll(
          PartitionView.open(
              storage,
              partition.dir(),
              sidecar.lastCommit(),
              visible -> {
                List<Foreign> foreign = new ArrayList<>();
                own(visible, schema, partition.day(), foreign);
                return foreign;
              },
              unused -> {}));
    }
    found.sort(Comparator.comparing(f -> f.path().toString()));
    return found;
  }

  /**
   * Reads a whole table as records, columns found by name (see {@link Column}).
   *
   * @param <T> the record type
   * @param zone the table's zone
   * @param table the table's name
   * @param type the record class
   * @return the rows, in file order; close the stream
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws IOException if the table cannot be read
   */
  public <T extends Record> java.util.stream.Stream<T> read(Zone zone, String table, Class<T> type)
      throws IOException {
    return read(zone, table, type, LocalDate.MIN, LocalDate.MAX);
  }

  /**
   * Reads a range of partitions as records, columns found by name (see {@link Column}).
   *
   * @param <T> the record type
   * @param zone the table's zone
   * @param table the table's name
   * @param type the record class
   * @param from the first day, inclusive
   * @param to the last day, inclusive
   * @return the rows, by day; close the stream
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws IOException if the table cannot be read
   */
  public <T extends Record> java.util.stream.Stream<T> read(
      Zone zone, String table, Class<T> type, LocalDate from, LocalDate to) throws IOException {
    RecordMapping<T> mapping = RecordMapping.of(type);
    SchemaSidecar sidecar = sidecar(zone, TableName.of(table));
    mapping.checkReadable(sidecar.schema());
    // Column by column, and only the record's columns: records read at the columnar path's speed.
    return mapping.stream(
        columns(
            sidecar, from, to, ColumnarReader.Options.defaults().columns(mapping.columnNames())));
  }

  /**
   * Reads the whole table, as {@link #scan(Zone, TableName, LocalDate, LocalDate)} does.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @return a reader of every row; close it
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws IOException if the table cannot be listed
   */
  public ParquetRowReader scan(Zone zone, TableName table) throws IOException {
    return scan(zone, table, LocalDate.MIN, LocalDate.MAX);
  }

  /**
   * Reads the partitions from {@code from} to {@code to}, both inclusive, as of the table's last
   * applied commit. Partitions are read one after the other, and each is pinned before any of it is
   * read: its files are listed (through the compaction journals) and all opened at once, so that a
   * compaction or eviction running meanwhile cannot take a file from under the reader. Every row is
   * read exactly once.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @param from the first day, inclusive
   * @param to the last day, inclusive
   * @return a reader of the rows, by day, under the table's current schema; close it
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws IOException if the table cannot be listed
   * @throws dev.tiering.core.storage.SnapshotExpiredException from {@code next()}, if the scan runs
   *     longer than the compactor's minimum age and meets a partition compacted since it began
   */
  public ParquetRowReader scan(Zone zone, TableName table, LocalDate from, LocalDate to)
      throws IOException {
    SchemaSidecar sidecar = sidecar(zone, table);
    TableSchema schema = sidecar.schema();
    return ParquetRowReader.open(
        new PartitionSource(partitions(schema, from, to), sidecar), schema);
  }

  /**
   * Reads the partitions from {@code from} to {@code to} column by column, a batch at a time, as of
   * the table's last applied commit: the fast way to scan. Partitions are pinned as {@link
   * #scan(Zone, TableName, LocalDate, LocalDate)} pins them, so every row is read exactly once.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @param from the first day, inclusive
   * @param to the last day, inclusive
   * @param options the columns to read, a range to skip row groups by, and the decoding threads
   * @return a reader of the rows, by day, under the table's current schema; close it
   * @throws IllegalArgumentException if an option names a column the table lacks
   * @throws java.nio.file.NoSuchFileException if the table has no sidecar
   * @throws IOException if the table cannot be listed
   */
  public ColumnarReader columns(
      Zone zone, TableName table, LocalDate from, LocalDate to, ColumnarReader.Options options)
      throws IOException {
    return columns(sidecar(zone, table), from, to, options);
  }

  private ColumnarReader columns(
      SchemaSidecar sidecar, LocalDate from, LocalDate to, ColumnarReader.Options options)
      throws IOException {
    TableSchema schema = sidecar.schema();
    options.fieldsOf(schema); // before the partitions are listed
    return ColumnarReader.open(
        new PartitionSource(partitions(schema, from, to), sidecar), schema, options);
  }

  private record Partition(Path dir, LocalDate day) {}

  private List<Partition> partitions(TableSchema schema, LocalDate from, LocalDate to)
      throws IOException {
    Path tableDir = paths.tableDir(schema.zone(), schema.table());
    Optional<PartitionLayout> layout = LakeWriter.layoutOf(schema);
    if (layout.isEmpty()) {
      return List.of(new Partition(tableDir, null));
    }
    List<Partition> found = new ArrayList<>();
    if (!from.isBefore(LocalDate.of(1, 1, 1))
        && !to.isAfter(LocalDate.of(9999, 12, 31))
        && ChronoUnit.DAYS.between(from, to) < DIRECT_DAYS) {
      // A short range: each day's directory is looked up, so the cost does not grow with the
      // table's age (walking the whole tree did).
      for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
        Path dir = paths.partitionDir(schema.zone(), schema.table(), day, layout.get());
        if (isPlainDirectory(tableDir, dir)) {
          found.add(new Partition(dir, day));
        }
      }
      return found;
    }
    for (PartitionWalker.Partition partition :
        new PartitionWalker(paths, storage).partitions(tableDir, layout.get())) {
      if (!partition.day().isBefore(from) && !partition.day().isAfter(to)) {
        found.add(new Partition(partition.dir(), partition.day()));
      }
    }
    found.sort(Comparator.comparing(p -> p.day()));
    return found;
  }

  /** Pins one partition at a time; see {@link #scan(Zone, TableName, LocalDate, LocalDate)}. */
  private final class PartitionSource implements ParquetRowReader.FileSource {
    private final java.util.Iterator<Partition> partitions;
    private final java.util.ArrayDeque<StorageInputFile> pinned = new java.util.ArrayDeque<>();
    private final SchemaSidecar sidecar;

    PartitionSource(List<Partition> partitions, SchemaSidecar sidecar) {
      this.partitions = partitions.iterator();
      this.sidecar = sidecar;
    }

    @Override
    public StorageInputFile next() throws IOException {
      while (pinned.isEmpty()) {
        if (!partitions.hasNext()) {
          return null;
        }
        pin(partitions.next());
      }
      return pinned.poll();
    }

    private void pin(Partition partition) throws IOException {
      List<StorageInputFile> files =
          PartitionView.open(
              storage,
              partition.dir(),
              sidecar.lastCommit(),
              visible ->
                  pinAll(
                      own(visible, sidecar.schema(), partition.day(), null).stream()
                          .map(FileEntry::path)
                          .sorted()
                          .toList()),
              this::unpin);
      pinned.addAll(files);
    }

    /** Opens every file, or none: a file gone before it was opened makes the view be retaken. */
    private List<StorageInputFile> pinAll(List<Path> lake) throws IOException {
      List<Path> preferred = cache == null ? lake : cache.forRead(lake);
      List<StorageInputFile> opened = new ArrayList<>(lake.size());
      try {
        for (int i = 0; i < lake.size(); i++) {
          opened.add(pinOne(preferred.get(i), lake.get(i)));
        }
        return opened;
      } catch (IOException | RuntimeException e) {
        unpin(opened);
        throw e;
      }
    }

    private void unpin(List<StorageInputFile> files) throws IOException {
      IOException first = null;
      for (StorageInputFile file : files) {
        try {
          file.unpin();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }

    /** The SSD copy when the cache holds a whole one (it may be evicted), else the lake file. */
    private StorageInputFile pinOne(Path preferred, Path lakeFile) throws IOException {
      if (!preferred.equals(lakeFile)) {
        try {
          return StorageInputFile.pinned(storage, preferred);
        } catch (java.nio.file.NoSuchFileException evicted) {
          log.debug("Cache copy {} was evicted; reading {}", preferred, lakeFile);
        }
      }
      return StorageInputFile.pinned(storage, lakeFile);
    }

    @Override
    public void close() throws IOException {
      List<StorageInputFile> open = List.copyOf(pinned);
      pinned.clear();
      unpin(open);
    }
  }

  /**
   * True if {@code dir} under {@code tableDir} is a directory reached through directories only: the
   * walk skips linked year or month directories, so a lookup must not go through them either.
   */
  private boolean isPlainDirectory(Path tableDir, Path dir) throws IOException {
    Path at = tableDir;
    for (Path name : tableDir.relativize(dir)) {
      at = at.resolve(name);
      if (storage.stat(at).filter(FileEntry::isDirectory).isEmpty()) {
        return false;
      }
    }
    return true;
  }
}
