package dev.tiering.parquet;

import dev.tiering.core.FileEntry;
import dev.tiering.core.PartitionLayout;
import dev.tiering.core.PartitionWalker;
import dev.tiering.core.PathResolver;
import dev.tiering.core.Storage;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import dev.tiering.core.HotCache;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads lake tables: all of a table, or the partitions of a date range, with the table's current
 * schema (older files read through it; see {@link ParquetRowReader}). Only complete files are
 * seen: hidden temporary files and the schema history are skipped, and during a compaction every
 * row is seen exactly once (see {@link Compactor}). Thread-safe.
 */
public final class LakeReader {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LakeReader.class);

  private final PathResolver paths;
  private final Storage storage;
  private final SidecarStore sidecars;
  private final HotCache cache;

  /** A reader on local disks. */
  public LakeReader(PathResolver paths) {
    this(paths, Storage.local(), new SidecarStore(paths), null);
  }

  /**
   * A reader on the given storage; with a cache, files with a whole SSD copy are read from the
   * SSD (seed: the clean cache serves "frequently accessed" data).
   */
  public LakeReader(PathResolver paths, Storage storage, SidecarStore sidecars, HotCache cache) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.sidecars = Objects.requireNonNull(sidecars, "sidecars");
    this.cache = cache;
  }

  /** One data file of a table and its partition day (null for unpartitioned tables). */
  public record DataFile(Path path, LocalDate day, long bytes) {}

  /**
   * The table's sidecar.
   *
   * @throws java.nio.file.NoSuchFileException if the table has none (it was never written)
   */
  public SchemaSidecar sidecar(Zone zone, TableName table) throws IOException {
    Optional<SchemaSidecar> sidecar = sidecars.read(zone, table);
    if (sidecar.isEmpty()) {
      throw new java.nio.file.NoSuchFileException(paths.schemaFile(zone, table).toString(), null,
          "no such table: " + zone + "." + table + " has no schema.json (write it first)");
    }
    return sidecar.get();
  }

  /** The tables of a zone: directories with a valid table name and a {@code schema.json}, by name. */
  public List<TableName> tables(Zone zone) throws IOException {
    List<TableName> tables = new ArrayList<>();
    for (FileEntry entry : storage.list(paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN)
        .resolve(zone.id()))) {
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

  /** Every data file of the table, by day then name. */
  public List<DataFile> files(Zone zone, TableName table) throws IOException {
    return files(zone, table, LocalDate.MIN, LocalDate.MAX);
  }

  /** The data files of the partitions from {@code from} to {@code to}, both inclusive. */
  public List<DataFile> files(Zone zone, TableName table, LocalDate from, LocalDate to)
      throws IOException {
    return files(sidecar(zone, table).schema(), from, to);
  }

  private List<DataFile> files(TableSchema schema, LocalDate from, LocalDate to)
      throws IOException {
    Zone zone = schema.zone();
    TableName table = schema.table();
    Optional<PartitionLayout> layout = LakeWriter.layoutOf(schema);
    Path tableDir = paths.tableDir(zone, table);
    List<DataFile> found = new ArrayList<>();
    if (layout.isEmpty()) {
      collect(tableDir, null, found);
    } else {
      for (PartitionWalker.Partition partition : new PartitionWalker(paths, storage)
          .partitions(tableDir, layout.get())) {
        if (!partition.day().isBefore(from) && !partition.day().isAfter(to)) {
          collect(partition.dir(), partition.day(), found);
        }
      }
    }
    found.sort(Comparator.comparing((DataFile f) -> f.day() == null ? LocalDate.MIN : f.day())
        .thenComparing(f -> f.path().toString()));
    return found;
  }

  /** The complete data files directly in one partition (or unpartitioned table) directory. */
  private void collect(Path dir, LocalDate day, List<DataFile> found) throws IOException {
    // A compaction in progress: skip its unpublished outputs, or its already merged inputs.
    Set<String> hidden = new HashSet<>();
    for (CompactionJournal journal : CompactionJournal.in(storage, dir)) {
      hidden.addAll(journal.hiddenFromReaders());
    }
    for (FileEntry entry : storage.list(dir)) {
      String name = entry.name();
      if (entry.isFile() && name.endsWith(".parquet") && !name.startsWith(".")
          && !hidden.contains(name)) {
        found.add(new DataFile(entry.path(), day, entry.size()));
      } else if (entry.type() == FileEntry.Type.SYMLINK) {
        log.warn("Skipping symbolic link {}: the SDK never reads through links", entry.path());
      }
    }
  }

  /** Reads the whole table. */
  public ParquetRowReader scan(Zone zone, TableName table) throws IOException {
    return scan(zone, table, LocalDate.MIN, LocalDate.MAX);
  }

  /** Reads the partitions from {@code from} to {@code to}, both inclusive. */
  public ParquetRowReader scan(Zone zone, TableName table, LocalDate from, LocalDate to)
      throws IOException {
    TableSchema schema = sidecar(zone, table).schema();
    List<Path> files = files(schema, from, to).stream().map(DataFile::path).toList();
    if (cache == null) {
      return ParquetRowReader.open(storage, files, schema);
    }
    List<Path> preferred = cache.forRead(files);
    Map<Path, Path> fallbacks = new HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      if (!preferred.get(i).equals(files.get(i))) {
        fallbacks.put(preferred.get(i), files.get(i));
      }
    }
    return ParquetRowReader.open(storage, preferred, schema, fallbacks);
  }
}
