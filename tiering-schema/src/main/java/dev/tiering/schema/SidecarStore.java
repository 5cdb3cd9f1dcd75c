package dev.tiering.schema;

import dev.tiering.core.TableName;
import dev.tiering.core.WriteId;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
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
 * Reads and changes the {@code schema.json} sidecars of lake tables. Every change happens under the
 * table's lock, is checked against the evolution rules, records each new version in {@code
 * _schema_history/}, and replaces the sidecar atomically: a crash never leaves a truncated sidecar.
 * Writers of one table with the same schema never fight; with schemas that the policy cannot
 * reconcile, the first to take the lock wins and the other gets an {@link
 * IncompatibleSchemaException}. Thread-safe.
 */
public final class SidecarStore {

  private static final Logger log = LoggerFactory.getLogger(SidecarStore.class);
  private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

  private final PathResolver paths;
  private final Storage storage;
  private final Clock clock;

  /**
   * A store on local disks with the system clock.
   *
   * @param paths where the tables lie
   */
  public SidecarStore(PathResolver paths) {
    this(paths, Storage.forLayout(paths.layout()), Clock.systemUTC());
  }

  /**
   * A store on the given storage and clock.
   *
   * @param paths where the tables lie
   * @param storage the files' storage
   * @param clock the source of version creation times
   */
  public SidecarStore(PathResolver paths, Storage storage, Clock clock) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage").reportingFullTiers(paths.layout());
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * {@return the table's current sidecar, or empty if the table has none yet}
   *
   * @param zone the table's zone
   * @param table the table's name
   * @throws MalformedSidecarException if the sidecar is malformed, naming line and column, or
   *     describes another table
   * @throws IOException if the sidecar cannot be read
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
   * disagrees (copied from another table) would make writers and readers act on the wrong table, so
   * it is refused, naming both.
   *
   * @param schema the schema the sidecar holds
   * @param zone the zone of the directory it lies in
   * @param table the table of the directory it lies in
   * @param file the sidecar, for the message
   * @throws MalformedSidecarException naming the file, what it describes and where it lies
   */
  public static void checkPlace(TableSchema schema, Zone zone, TableName table, Path file)
      throws MalformedSidecarException {
    if (schema.zone() != zone || !schema.table().equals(table)) {
      throw new MalformedSidecarException(
          file.toString(),
          0,
          0,
          "it describes "
              + schema.zone()
              + "."
              + schema.table()
              + " but lies in the directory of "
              + zone
              + "."
              + table
              + " (a sidecar copied from another table? put it back, or fix table_name and"
              + " zone)",
          null);
    }
  }

  /**
   * {@return the versions kept in the table's schema history, oldest first, up to the sidecar's
   * own; empty for a table without a sidecar} A version recorded by a commit that crashed before it
   * wrote the sidecar never happened.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @throws IOException if the sidecar or the history cannot be read
   */
  public List<SchemaVersion> versions(Zone zone, TableName table) throws IOException {
    Optional<SchemaVersion> current = read(zone, table).map(s -> s.schema().version());
    Path dir = paths.schemaFile(zone, table).resolveSibling(PathResolver.SCHEMA_HISTORY_DIR);
    List<SchemaVersion> versions = new ArrayList<>();
    for (FileEntry entry : storage.list(dir)) {
      String name = entry.name();
      if (entry.isFile() && name.endsWith(".json")) {
        try {
          SchemaVersion version =
              SchemaVersion.parse(name.substring(0, name.length() - ".json".length()));
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

  /**
   * {@return one version of the table's schema from its history, or empty if it is not there or
   * newer than the sidecar (see {@link #versions})}
   *
   * @param zone the table's zone
   * @param table the table's name
   * @param version the version to read
   * @throws IOException if the sidecar or the history file cannot be read
   */
  public Optional<SchemaSidecar> readVersion(Zone zone, TableName table, SchemaVersion version)
      throws IOException {
    Optional<SchemaVersion> current = read(zone, table).map(s -> s.schema().version());
    if (current.isEmpty() || version.compareTo(current.get()) > 0) {
      return Optional.empty();
    }
    return readFile(paths.schemaHistoryFile(zone, table, version.toString()));
  }

  /**
   * {@return the schema the table would have after a write with {@code proposed}} Changes nothing:
   * lets a writer refuse a bad schema before it writes any data.
   *
   * @param proposed the schema of the write
   * @param policy which changes are allowed
   * @throws IncompatibleSchemaException if the policy does not allow the changes
   * @throws IOException if the sidecar cannot be read
   */
  public TableSchema check(TableSchema proposed, EvolutionPolicy policy) throws IOException {
    Optional<SchemaSidecar> current = read(proposed.zone(), proposed.table());
    return current.isEmpty()
        ? proposed
        : SchemaEvolution.evolve(current.get().schema(), proposed, policy, now());
  }

  /**
   * Records a write: applies {@code proposed} under {@code policy} and merges {@code added} metrics
   * into the table's.
   *
   * @param proposed the schema of the write
   * @param added metrics of the rows written, or null to leave the metrics alone
   * @param policy which changes are allowed
   * @return the sidecar as committed
   * @throws IncompatibleSchemaException if the policy does not allow the changes
   * @throws IOException if the sidecar cannot be read or written, or the table's lock stays taken
   *     for 60 seconds
   */
  public SchemaSidecar commit(TableSchema proposed, QualityMetrics added, EvolutionPolicy policy)
      throws IOException {
    return commitMetadata(proposed, added, policy);
  }

  /**
   * Records a change to the table's schema and metrics without data files (for example a schema
   * change ahead of the writes that use it). Commits interrupted by a crash are settled first.
   */
  private SchemaSidecar commitMetadata(
      TableSchema proposed, QualityMetrics added, EvolutionPolicy policy) throws IOException {
    Objects.requireNonNull(proposed, "proposed");
    Objects.requireNonNull(policy, "policy");
    try (Closeable lock = lockTable(proposed.zone(), proposed.table())) {
      CommitLog log = new CommitLog(paths, storage, proposed.zone(), proposed.table());
      Optional<SchemaSidecar> current =
          settle(log, read(proposed.zone(), proposed.table()), log.names());
      TableSchema next = settleSchema(current, proposed, policy);
      long lastCommit = current.map(SchemaSidecar::lastCommit).orElse(0L);
      QualityMetrics before = current.map(SchemaSidecar::quality).orElse(null);
      SchemaSidecar committed =
          new SchemaSidecar(next, QualityMetrics.merge(before, added), lastCommit);
      if (current.isEmpty() || !committed.equals(current.get())) {
        write(committed);
      }
      return committed;
    }
  }

  /**
   * Commits a write's data files to the table as one: all of them become visible together, with the
   * schema and merged metrics, or none does. The protocol, under the table's lock:
   *
   * <ol>
   *   <li>Commits a crash left unfinished are settled (see {@link #recover}).
   *   <li>With a write id the table has committed before, nothing is done: the earlier commit is
   *       returned, {@link TableCommit#replayed() replayed}, and the caller discards its files. A
   *       new write id with no files is refused: it would use the id up with nothing, and the retry
   *       that has the rows would be a replay of nothing.
   *   <li>The schema is evolved (a new version goes to the history first) and the next sequence
   *       number taken.
   *   <li>A pending record {@code _commits/<seq>[-<id>].pending.json} is written, naming every file
   *       and holding the sidecar the commit will give the table.
   *   <li>Each file is made durable under its staged name ({@code .part-<uuid>.parquet.staged}).
   *   <li><b>The commit point:</b> the record is renamed to {@code .commit.json}.
   *   <li>Each staged file is renamed to {@code part-<seq>-<uuid>.parquet}.
   *   <li>The sidecar is replaced by the record's, whose {@code last_commit} is {@code seq}: from
   *       here on readers see the files (they show files of commits up to {@code last_commit}).
   * </ol>
   *
   * <p>A failure before the commit point removes the staged files and the record, and throws;
   * nothing of the write is visible. A crash before it leaves a pending record, which the next
   * commit or {@link #recover} rolls back; a crash after it leaves a committed record that they
   * roll forward (steps 7 and 8). A failure after the commit point throws an exception that says
   * the write is committed: do not write it again (with a write id, doing so is harmless).
   *
   * @param proposed the schema of the write
   * @param added metrics of the rows written, or null to leave the metrics alone
   * @param policy which changes are allowed
   * @param writeId the write's id, or null for a write that is not retried
   * @param files the write's finished files, each targeting a staged name
   * @param retention how long records (and so write ids) are kept; applied after each commit
   * @param emptyAllowed whether a write id the table has not committed may come with no files (the
   *     caller knows its input is complete); the commit then uses the id up
   * @return the commit, or the earlier one if the write id was committed before
   * @throws IncompatibleSchemaException if the policy does not allow the changes; nothing is
   *     written
   * @throws IllegalArgumentException if a file does not target a staged name in the table, or a
   *     write id the table has not committed comes with no files and {@code emptyAllowed} is false;
   *     nothing is written
   * @throws IOException if the commit fails (its message says whether the write is committed), or
   *     the table's lock stays taken for 60 seconds
   */
  public TableCommit commitFiles(
      TableSchema proposed,
      QualityMetrics added,
      EvolutionPolicy policy,
      WriteId writeId,
      List<StagedFile> files,
      CommitRetention retention,
      boolean emptyAllowed)
      throws IOException {
    Objects.requireNonNull(proposed, "proposed");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(retention, "retention");
    Zone zone = proposed.zone();
    TableName table = proposed.table();
    for (StagedFile file : files) {
      Path target = file.pending().target();
      if (!PathResolver.isStagedName(target.getFileName().toString())
          || !target.startsWith(paths.tableDir(zone, table))) {
        throw new IllegalArgumentException(
            "Cannot commit "
                + target
                + " to "
                + zone
                + "."
                + table
                + ": not a staged data file of the table (create it at PathResolver.stagedDataFile)");
      }
    }
    try (Closeable lock = lockTable(zone, table)) {
      CommitLog commits = new CommitLog(paths, storage, zone, table);
      // Listed once: settling keeps the list current (a record it rolls back leaves it).
      List<CommitLog.Name> names = commits.names();
      Optional<SchemaSidecar> current = settle(commits, read(zone, table), names);
      if (writeId != null) {
        Optional<CommitLog.Name> earlier =
            names.stream().filter(n -> n.committed() && writeId.equals(n.writeId())).findFirst();
        if (earlier.isPresent()) {
          CommitLog.Entry entry = commits.read(earlier.get());
          log.info(
              "Write {} was committed to {}.{} before, as commit {}: nothing written again",
              writeId,
              zone,
              table,
              entry.seq());
          return new TableCommit(
              entry.seq(),
              writeId,
              publishedFiles(commits, entry),
              entry.rows(),
              entry.bytes(),
              current.orElse(entry.sidecar()),
              true);
        }
        if (files.isEmpty() && !emptyAllowed) {
          // A write id marks its rows as written for good: committed with none, it would turn
          // the retry that carries the rows into a replay of nothing.
          throw new IllegalArgumentException(
              "Cannot commit write id '"
                  + writeId
                  + "' to "
                  + zone
                  + "."
                  + table
                  + " with no rows: the id would be used up, and a retry that has the rows would"
                  + " write none of them (make sure the input is complete, e.g. read the batch"
                  + " with the SLM ids you expect, then allow the empty write:"
                  + " LakeWriteOptions.allowEmpty())");
        }
      }
      TableSchema next = settleSchema(current, proposed, policy);
      long lastCommit = current.map(SchemaSidecar::lastCommit).orElse(0L);
      long seq = Math.max(lastCommit, names.isEmpty() ? 0 : names.get(names.size() - 1).seq()) + 1;
      if (seq > PathResolver.MAX_COMMIT) {
        throw new IOException(
            "Cannot commit to "
                + zone
                + "."
                + table
                + ": its commit numbers are"
                + " used up ("
                + PathResolver.MAX_COMMIT
                + "); write to a new table");
      }
      SchemaSidecar after =
          new SchemaSidecar(
              next,
              QualityMetrics.merge(current.map(SchemaSidecar::quality).orElse(null), added),
              seq);
      CommitLog.Entry entry =
          new CommitLog.Entry(
              seq,
              writeId,
              now(),
              files.stream()
                  .map(
                      f ->
                          new CommitLog.Staged(
                              f.pending().target(), f.rows(), f.pending().bytesWritten()))
                  .toList(),
              after);
      commits.writePending(entry);
      try {
        for (StagedFile file : files) {
          file.pending().commit();
        }
        commits.markCommitted(entry);
      } catch (IOException | RuntimeException e) {
        if (!committedAnyway(commits, entry, e)) {
          throw e;
        }
      }
      List<TableCommit.File> published;
      try {
        published = apply(commits, entry);
      } catch (IOException | RuntimeException e) {
        throw afterCommitPoint(zone, table, seq, e);
      }
      try {
        int pruned = commits.prune(commits.names(), seq, retention, clock.instant());
        if (pruned > 0) {
          log.debug(
              "Removed {} commit record(s) of {}.{} past their retention", pruned, zone, table);
        }
      } catch (IOException e) {
        log.warn("Could not remove old commit records of {}.{}: {}", zone, table, e.toString());
      }
      return new TableCommit(seq, writeId, published, entry.rows(), entry.bytes(), after, false);
    }
  }

  /**
   * A failure after the commit point, with one instruction: the write is committed and must not be
   * written again. Its files may already be renamed into place (a glob sees them), so nothing is
   * claimed about what is visible beyond what the SDK's readers see. A full tier's own advice
   * ("write it again") is about the file it discarded, not the write: only its situation and fix
   * are kept.
   */
  private static IOException afterCommitPoint(Zone zone, TableName table, long seq, Exception e) {
    String cause = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof dev.tiering.core.storage.TierFullException full) {
        cause = full.situation() + " (" + full.fix() + ")";
        break;
      }
    }
    return new IOException(
        "Write to "
            + zone
            + "."
            + table
            + " is committed as commit "
            + seq
            + " but not yet published ("
            + cause
            + "): do not write it again; `tiering recover` or the next commit to the table"
            + " publishes it. The SDK's readers see none of it until then; a glob over the table's"
            + " files may already see some of them.",
        e);
  }

  /**
   * Undoes a commit that failed before its commit point (a failure to undo is attached to the
   * cause), unless the record was renamed after all (a rename may fail after it happened).
   *
   * @return true if the write is committed after all
   * @throws IOException saying the outcome is unknown, if that cannot be told
   */
  private boolean committedAnyway(CommitLog commits, CommitLog.Entry entry, Exception cause)
      throws IOException {
    boolean committed;
    try {
      committed = storage.stat(commits.file(entry.seq(), entry.writeId(), true)).isPresent();
    } catch (IOException | RuntimeException e) {
      IOException unknown =
          new IOException(
              "Write to "
                  + entry.sidecar().schema().qualifiedName()
                  + " failed at its commit point ("
                  + cause.getMessage()
                  + ") and"
                  + " whether it is committed cannot be told ("
                  + e.getMessage()
                  + "): run `tiering"
                  + " recover`, then check; retry it only with a write id, which makes a retry safe",
              cause);
      unknown.addSuppressed(e);
      throw unknown;
    }
    if (committed) {
      log.warn(
          "Commit {} of {} reported {} but its record was renamed: it is committed",
          entry.seq(),
          entry.sidecar().schema().qualifiedName(),
          cause.toString());
      return true;
    }
    try {
      commits.rollBack(entry, commits.file(entry.seq(), entry.writeId(), false));
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    return false;
  }

  /** Publishes a committed record's files and gives the table its sidecar. */
  private List<TableCommit.File> apply(CommitLog commits, CommitLog.Entry entry)
      throws IOException {
    List<TableCommit.File> published = commits.publish(entry);
    write(entry.sidecar());
    log.info(
        "Committed {} file(s), {} rows to {} as commit {}{}",
        published.size(),
        entry.rows(),
        entry.sidecar().schema().qualifiedName(),
        entry.seq(),
        entry.writeId() == null ? "" : " (write id " + entry.writeId() + ")");
    return published;
  }

  private List<TableCommit.File> publishedFiles(CommitLog commits, CommitLog.Entry entry) {
    return entry.files().stream()
        .map(f -> new TableCommit.File(commits.published(f, entry.seq()), f.rows(), f.bytes()))
        .toList();
  }

  /**
   * Settles commits a crash left unfinished, in order: a committed record is rolled forward (its
   * files published, the sidecar it holds written), a pending one is rolled back (its staged files
   * and the record removed). Runs under the table's lock.
   *
   * @param names the table's records, listed under the lock; a rolled-back one is removed
   * @return the sidecar after settling
   */
  private Optional<SchemaSidecar> settle(
      CommitLog commits, Optional<SchemaSidecar> current, List<CommitLog.Name> names)
      throws IOException {
    long lastCommit = current.map(SchemaSidecar::lastCommit).orElse(0L);
    for (java.util.Iterator<CommitLog.Name> it = names.iterator(); it.hasNext(); ) {
      CommitLog.Name name = it.next();
      if (name.seq() <= lastCommit && name.committed()) {
        continue;
      }
      if (name.seq() != lastCommit + 1) {
        throw new MalformedSidecarException(
            name.entry().path().toString(),
            0,
            0,
            "commit record"
                + " cannot be trusted: it is commit "
                + name.seq()
                + " but the table's last commit is "
                + lastCommit
                + ", and only commit "
                + (lastCommit + 1)
                + " can be unfinished (nothing"
                + " was changed; remove the record if it is not the SDK's)",
            null);
      }
      CommitLog.Entry entry = commits.read(name);
      if (name.committed()) {
        // Late: its record's time must say when it became visible (see appliedBefore).
        commits.touchCommitted(entry);
        apply(commits, entry);
        log.warn(
            "Rolled forward commit {} of {}: it was committed but its writer stopped before"
                + " publishing all of it",
            entry.seq(),
            entry.sidecar().schema().qualifiedName());
        current = Optional.of(entry.sidecar());
        lastCommit = entry.seq();
      } else {
        commits.rollBack(entry, name.entry().path());
        it.remove();
        log.warn(
            "Rolled back write {} to {}: its writer stopped before the commit point",
            entry.seq(),
            entry.sidecar().schema().qualifiedName());
      }
    }
    return current;
  }

  /**
   * Finishes or undoes the commits of a table that a crash left unfinished (the next commit does
   * this too), under the table's lock.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @return how many commits were rolled forward and back
   * @throws IOException if settling fails, or the table's lock stays taken for 60 seconds
   */
  public Settled recover(Zone zone, TableName table) throws IOException {
    if (storage.names(paths.commitLogDir(zone, table)).isEmpty()) {
      return new Settled(0, 0); // nothing to settle, and no lock file made for nothing
    }
    try (Closeable lock = lockTable(zone, table)) {
      CommitLog commits = new CommitLog(paths, storage, zone, table);
      Optional<SchemaSidecar> before = read(zone, table);
      long lastCommit = before.map(SchemaSidecar::lastCommit).orElse(0L);
      List<CommitLog.Name> names = commits.names();
      int back = (int) names.stream().filter(n -> !n.committed()).count();
      Optional<SchemaSidecar> after = settle(commits, before, names);
      long forward = after.map(SchemaSidecar::lastCommit).orElse(0L) - lastCommit;
      return new Settled((int) forward, back);
    }
  }

  /**
   * What {@link #recover} did.
   *
   * @param rolledForward commits completed
   * @param rolledBack writes removed
   */
  public record Settled(int rolledForward, int rolledBack) {}

  /**
   * {@return the commits of a table that are not finished, oldest first} Reads only: nothing is
   * settled (see {@link #recover}). A committed one is past its commit point but not yet published
   * whole, so a glob over the table sees part of it until the next commit or {@link #recover}
   * publishes the rest; a pending one is a write before its commit point, in progress or left by a
   * writer that died, whose staged files no glob sees and which recovery removes.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @throws IOException if the commit log or the sidecar cannot be read
   */
  public List<Unfinished> unfinished(Zone zone, TableName table) throws IOException {
    List<CommitLog.Name> names = new CommitLog(paths, storage, zone, table).names();
    if (names.isEmpty()) {
      return List.of();
    }
    long lastCommit = read(zone, table).map(SchemaSidecar::lastCommit).orElse(0L);
    List<Unfinished> unfinished = new ArrayList<>();
    for (CommitLog.Name name : names) {
      if (!name.committed() || name.seq() > lastCommit) {
        unfinished.add(
            new Unfinished(
                name.seq(), name.committed(), name.entry().path(), name.entry().modified()));
      }
    }
    return List.copyOf(unfinished);
  }

  /**
   * A commit that is not finished (see {@link #unfinished}).
   *
   * @param seq its commit number
   * @param committed true if it is past its commit point (published in part), false if before it
   * @param record its record in {@code _commits/}
   * @param since when its record was last written
   */
  public record Unfinished(long seq, boolean committed, Path record, Instant since) {}

  /**
   * {@return the commit of a write id, if the table has committed it and still keeps its record}
   * See {@link CommitRetention}. Changes nothing; the commit is marked {@link
   * TableCommit#replayed() replayed}.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @param writeId the write's id
   * @throws IOException if the commit log or the sidecar cannot be read
   */
  public Optional<TableCommit> committed(Zone zone, TableName table, WriteId writeId)
      throws IOException {
    Objects.requireNonNull(writeId, "writeId");
    CommitLog commits = new CommitLog(paths, storage, zone, table);
    for (CommitLog.Name name : commits.names()) {
      if (name.committed() && writeId.equals(name.writeId())) {
        CommitLog.Entry entry = commits.read(name);
        SchemaSidecar sidecar = read(zone, table).orElse(entry.sidecar());
        return Optional.of(
            new TableCommit(
                entry.seq(),
                writeId,
                publishedFiles(commits, entry),
                entry.rows(),
                entry.bytes(),
                sidecar,
                true));
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the sequence number of the newest commit that readers see and that is at least as old
   * as {@code cutoff}, or 0} With every commit before it, that is what a compaction may merge
   * without surprising a scan that started since. Commits whose records were removed count as old.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @param cutoff commits made after it are too new
   * @throws IOException if the commit log or the sidecar cannot be read
   */
  public long appliedBefore(Zone zone, TableName table, Instant cutoff) throws IOException {
    long lastCommit = read(zone, table).map(SchemaSidecar::lastCommit).orElse(0L);
    for (CommitLog.Name name : new CommitLog(paths, storage, zone, table).names()) {
      if (name.seq() <= lastCommit && name.committed() && name.entry().modified().isAfter(cutoff)) {
        return name.seq() - 1;
      }
    }
    return lastCommit;
  }

  private Closeable lockTable(Zone zone, TableName table) throws IOException {
    return storage.lock(paths.schemaLockFile(zone, table), LOCK_TIMEOUT);
  }

  /** The schema after a write with {@code proposed}; a new version is recorded in the history. */
  private TableSchema settleSchema(
      Optional<SchemaSidecar> current, TableSchema proposed, EvolutionPolicy policy)
      throws IOException {
    TableSchema next =
        current.isEmpty()
            ? proposed
            : SchemaEvolution.evolve(current.get().schema(), proposed, policy, now());
    if (current.isEmpty() || !next.equals(current.get().schema())) {
      removeUncommittedHistory(
          proposed.zone(), proposed.table(), current.map(c -> c.schema().version()).orElse(null));
      writeHistory(next);
      log.info(
          "Schema of {} is now version {}{}",
          next.qualifiedName(),
          next.version(),
          current.map(c -> " (was " + c.schema().version() + ")").orElse(" (new table)"));
    }
    return next;
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
        SchemaVersion version =
            SchemaVersion.parse(name.substring(0, name.length() - ".json".length()));
        if (current == null || version.compareTo(current) > 0) {
          storage.delete(entry.path());
          log.warn(
              "Removed schema history record {}: its commit crashed before the sidecar"
                  + " named it",
              entry.path());
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
    try (PendingFile pending =
        storage.create(paths.schemaFile(schema.zone(), schema.table()), WriteMode.REPLACE)) {
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
      throw new MalformedSidecarException(
          file.toString(),
          0,
          0,
          "it is "
              + entry.get().type().inWords()
              + ", not a file (the SDK never reads a sidecar through a link)",
          null);
    }
    if (entry.get().size() > SidecarJson.MAX_BYTES) {
      throw new MalformedSidecarException(
          file.toString(),
          0,
          0,
          "it is "
              + entry.get().size()
              + " bytes, more than the "
              + SidecarJson.MAX_BYTES
              + "-byte limit for a sidecar",
          null);
    }
    try (InputStream in = storage.openStream(file)) {
      return Optional.of(
          SidecarJson.parse(in.readNBytes(SidecarJson.MAX_BYTES + 1), file.toString()));
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
