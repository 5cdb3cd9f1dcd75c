package dev.tiering.schema;

import dev.tiering.core.FileEntry;
import dev.tiering.core.PathResolver;
import dev.tiering.core.PendingFile;
import dev.tiering.core.Storage;
import dev.tiering.core.TableName;
import dev.tiering.core.WriteMode;
import dev.tiering.core.Zone;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and changes the {@code schema.json} sidecars of lake tables. Every change happens under
 * the table's lock, is checked against the evolution rules, records each new version in {@code
 * _schema_history/}, and replaces the sidecar atomically: a crash never leaves a truncated
 * sidecar. Writers of one table with the same schema never fight; with schemas that the policy
 * cannot reconcile, the first to take the lock wins and the other gets an {@link
 * IncompatibleSchemaException}. Thread-safe.
 */
public final class SidecarStore {

  /** Work done while the table's lock is held, after the schema check and before the metrics update. */
  @FunctionalInterface
  public interface LockedAction {
    /** Runs with the schema the table will have. */
    void run(TableSchema schema) throws IOException;
  }

  private static final Logger log = LoggerFactory.getLogger(SidecarStore.class);
  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

  private final PathResolver paths;
  private final Storage storage;
  private final Clock clock;

  /** A store on local disks with the system clock. */
  public SidecarStore(PathResolver paths) {
    this(paths, Storage.forLayout(paths.layout()), Clock.systemUTC());
  }

  /** A store on the given storage and clock. */
  public SidecarStore(PathResolver paths, Storage storage, Clock clock) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage").reportingFullTiers(paths.layout());
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The table's current sidecar, or empty if the table has none yet.
   *
   * @throws MalformedSidecarException if the sidecar is malformed, naming line and column
   */
  public Optional<SchemaSidecar> read(Zone zone, TableName table) throws IOException {
    Path file = paths.schemaFile(zone, table);
    Optional<SchemaSidecar> sidecar = readFile(file);
    if (sidecar.isPresent()) {
      checkPlace(sidecar.get().schema(), zone, table, file);
    }
    return sidecar;
  }

  /**
   * A sidecar names its zone and table; the directory it lies in names them too. A sidecar that
   * disagrees (copied from another table) would make writers and readers act on the wrong table,
   * so it is refused, naming both.
   *
   * @throws MalformedSidecarException naming the file, what it describes and where it lies
   */
  public static void checkPlace(TableSchema schema, Zone zone, TableName table, Path file)
      throws MalformedSidecarException {
    if (schema.zone() != zone || !schema.table().equals(table)) {
      throw new MalformedSidecarException(file.toString(), 0, 0, "it describes "
          + schema.zone() + "." + schema.table() + " but lies in the directory of " + zone + "."
          + table + " (a sidecar copied from another table? put it back, or fix table_name and"
          + " zone)", null);
    }
  }

  /**
   * The versions kept in the table's schema history, oldest first, up to the sidecar's own: a
   * version recorded by a commit that crashed before it wrote the sidecar never happened.
   */
  public List<SchemaVersion> versions(Zone zone, TableName table) throws IOException {
    Optional<SchemaVersion> current = read(zone, table).map(s -> s.schema().version());
    Path dir = paths.schemaFile(zone, table).resolveSibling(PathResolver.SCHEMA_HISTORY_DIR);
    List<SchemaVersion> versions = new ArrayList<>();
    for (FileEntry entry : storage.list(dir)) {
      String name = entry.name();
      if (entry.isFile() && name.endsWith(".json")) {
        try {
          SchemaVersion version = SchemaVersion.parse(name.substring(0,
              name.length() - ".json".length()));
          if (current.isPresent() && version.compareTo(current.get()) <= 0) {
            versions.add(version);
          }
        } catch (IllegalArgumentException foreignFile) {
          log.debug("Ignoring {} in schema history: not a version", entry.path());
        }
      }
    }
    versions.sort(null);
    return versions;
  }

  /** One version of the table's schema from its history (see {@link #versions}). */
  public Optional<SchemaSidecar> readVersion(Zone zone, TableName table, SchemaVersion version)
      throws IOException {
    Optional<SchemaVersion> current = read(zone, table).map(s -> s.schema().version());
    if (current.isEmpty() || version.compareTo(current.get()) > 0) {
      return Optional.empty();
    }
    return readFile(paths.schemaHistoryFile(zone, table, version.toString()));
  }

  /**
   * The schema the table would have after a write with {@code proposed}, without changing
   * anything: lets a writer refuse a bad schema before it writes any data.
   *
   * @throws IncompatibleSchemaException if the policy does not allow the changes
   */
  public TableSchema check(TableSchema proposed, EvolutionPolicy policy) throws IOException {
    Optional<SchemaSidecar> current = read(proposed.zone(), proposed.table());
    return current.isEmpty() ? proposed
        : SchemaEvolution.evolve(current.get().schema(), proposed, policy, now());
  }

  /**
   * Records a write: applies {@code proposed} under {@code policy} and merges {@code added}
   * metrics into the table's.
   *
   * @param added metrics of the rows written, or null to leave the metrics alone
   * @return the sidecar as committed
   * @throws IncompatibleSchemaException if the policy does not allow the changes
   */
  public SchemaSidecar commit(TableSchema proposed, QualityMetrics added, EvolutionPolicy policy)
      throws IOException {
    return commit(proposed, added, policy, schema -> { });
  }

  /**
   * Records a write as {@link #commit(TableSchema, QualityMetrics, EvolutionPolicy)} does, running
   * {@code whileLocked} (for example publishing the written data files) after the schema is
   * settled and before the metrics are merged. If it throws, the metrics stay unchanged.
   *
   * <p>Order, for crash safety: a new schema version is written first (so the sidecar always
   * describes every visible file), then {@code whileLocked} runs, then the merged metrics are
   * written. A crash before the last step leaves the write's rows out of the metrics, never in
   * them without their data.
   */
  public SchemaSidecar commit(TableSchema proposed, QualityMetrics added, EvolutionPolicy policy,
      LockedAction whileLocked) throws IOException {
    Objects.requireNonNull(proposed, "proposed");
    Objects.requireNonNull(policy, "policy");
    try (Closeable lock = storage.lock(paths.schemaLockFile(proposed.zone(), proposed.table()),
        LOCK_TIMEOUT)) {
      Optional<SchemaSidecar> current = read(proposed.zone(), proposed.table());
      TableSchema next = current.isEmpty() ? proposed
          : SchemaEvolution.evolve(current.get().schema(), proposed, policy, now());
      QualityMetrics before = current.map(SchemaSidecar::quality).orElse(null);
      if (current.isEmpty() || next != current.get().schema()) {
        removeUncommittedHistory(proposed.zone(), proposed.table(),
            current.map(c -> c.schema().version()).orElse(null));
        writeHistory(next);
        write(new SchemaSidecar(next, before));
        log.info("Schema of {} is now version {}{}", next.qualifiedName(), next.version(),
            current.map(c -> " (was " + c.schema().version() + ")").orElse(" (new table)"));
      }
      whileLocked.run(next);
      SchemaSidecar committed = new SchemaSidecar(next, QualityMetrics.merge(before, added));
      if (added != null) {
        write(committed);
      }
      return committed;
    }
  }

  /**
   * Removes history records of versions the sidecar never reached: left by commits that crashed
   * between their history record and their sidecar write. Under the table's lock, before a new
   * version is recorded, so that the history holds exactly the versions the sidecar went through.
   */
  private void removeUncommittedHistory(Zone zone, TableName table, SchemaVersion current)
      throws IOException {
    Path dir = paths.schemaFile(zone, table).resolveSibling(PathResolver.SCHEMA_HISTORY_DIR);
    for (FileEntry entry : storage.list(dir)) {
      String name = entry.name();
      if (!entry.isFile() || !name.endsWith(".json")) {
        continue;
      }
      try {
        SchemaVersion version = SchemaVersion.parse(name.substring(0,
            name.length() - ".json".length()));
        if (current == null || version.compareTo(current) > 0) {
          storage.delete(entry.path());
          log.warn("Removed schema history record {}: its commit crashed before the sidecar"
              + " named it", entry.path());
        }
      } catch (IllegalArgumentException foreignFile) {
        // Not a version record: not ours to remove.
      }
    }
  }

  /**
   * Records a new version before the sidecar names it. Replacing, as a last guard: uncommitted
   * records were removed just before, so a record already there can only be a crashed commit's.
   */
  private void writeHistory(TableSchema schema) throws IOException {
    Path file = paths.schemaHistoryFile(schema.zone(), schema.table(), schema.version().toString());
    try (PendingFile pending = storage.create(file, WriteMode.REPLACE)) {
      pending.stream().write(SidecarJson.renderBytes(new SchemaSidecar(schema, null)));
      pending.commit();
    }
  }

  private void write(SchemaSidecar sidecar) throws IOException {
    TableSchema schema = sidecar.schema();
    try (PendingFile pending = storage.create(paths.schemaFile(schema.zone(), schema.table()),
        WriteMode.REPLACE)) {
      pending.stream().write(SidecarJson.renderBytes(sidecar));
      pending.commit();
    }
  }

  private Optional<SchemaSidecar> readFile(Path file) throws IOException {
    Optional<FileEntry> entry = storage.stat(file);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    if (!entry.get().isFile()) {
      throw new MalformedSidecarException(file.toString(), 0, 0, "it is a "
          + entry.get().type().name().toLowerCase(java.util.Locale.ROOT)
          + ", not a file (the SDK never reads a sidecar through a link)", null);
    }
    if (entry.get().size() > SidecarJson.MAX_BYTES) {
      throw new MalformedSidecarException(file.toString(), 0, 0, "it is "
          + entry.get().size() + " bytes, more than the " + SidecarJson.MAX_BYTES
          + "-byte limit for a sidecar", null);
    }
    try (InputStream in = storage.openStream(file)) {
      return Optional.of(SidecarJson.parse(in.readNBytes(SidecarJson.MAX_BYTES + 1), file.toString()));
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
