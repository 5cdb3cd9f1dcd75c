package dev.tiering.parquet;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.health.HealthCheck;
import dev.tiering.core.health.HealthLevel;
import dev.tiering.core.health.HealthProbe;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.lifecycle.internal.PartitionWalker;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.SidecarStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the lake's unfinished work: commits past their commit point but not published whole, and
 * compactions that stopped with their journal open (a crash, or an input that could not be
 * deleted). The SDK's readers and the DuckDB views see those tables exactly; a glob over the files
 * does not (part of a commit, or a compaction's rows twice) until {@code tiering recover} finishes
 * the work. As a {@link HealthProbe} it makes {@code status} and {@code doctor} say so. It only
 * reads: one listing of each table's commit log and of each of its partitions, as recovery does.
 * Thread-safe.
 */
public final class UnfinishedWork implements HealthProbe {

  /** A write before its commit point younger than this is taken to be in progress, not stuck. */
  static final Duration WRITE_IN_PROGRESS = Duration.ofMinutes(10);

  /** What kind of work stopped half-way. */
  public enum Kind {
    /** A lake commit past its commit point, published in part: a glob sees part of it. */
    COMMIT_NOT_PUBLISHED,
    /**
     * A lake write that stopped before its commit point over {@code 10} minutes ago: nothing of it
     * is visible, but its staged files take space until recovery removes them.
     */
    WRITE_INTERRUPTED,
    /**
     * A compaction with its journal still open: running, or stopped; a glob may read its rows
     * twice.
     */
    COMPACTION_UNFINISHED,
    /** A table whose commit log, sidecar or partitions cannot be read: its work is unknown. */
    TABLE_UNREADABLE
  }

  /**
   * One piece of unfinished work.
   *
   * @param zone the table's zone
   * @param table the table
   * @param kind what stopped
   * @param path its commit record or compaction journal, or the unreadable table's directory
   * @param since when that record or journal was last written; when the table was checked, for an
   *     unreadable one
   * @param reason why an unreadable table could not be read; empty for the other kinds
   */
  public record Item(
      Zone zone, TableName table, Kind kind, Path path, Instant since, String reason) {}

  private final PathResolver paths;
  private final Storage storage;
  private final SidecarStore sidecars;
  private final Clock clock;

  /**
   * Finds unfinished work in the lake of {@code paths}.
   *
   * @param paths where the tables lie
   * @param storage the lake's storage
   * @param sidecars the tables' sidecars and commit logs
   * @param clock what now is, for the age of what is found
   */
  public UnfinishedWork(PathResolver paths, Storage storage, SidecarStore sidecars, Clock clock) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.sidecars = Objects.requireNonNull(sidecars, "sidecars");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * {@return the unfinished work of every table of every zone, by zone, table and path} A table
   * that cannot be read is an item of its own ({@link Kind#TABLE_UNREADABLE}); the others are
   * checked all the same.
   *
   * @throws IOException if a zone's directory cannot be listed
   */
  public List<Item> find() throws IOException {
    List<Item> items = new ArrayList<>();
    LakeReader reader = new LakeReader(paths, storage, sidecars, null);
    for (Zone zone : Zone.values()) {
      for (TableName table : reader.tables(zone)) {
        try {
          items.addAll(find(zone, table));
        } catch (IOException | RuntimeException e) {
          items.add(
              new Item(
                  zone,
                  table,
                  Kind.TABLE_UNREADABLE,
                  paths.tableDir(zone, table),
                  clock.instant(),
                  String.valueOf(e.getMessage())));
        }
      }
    }
    return List.copyOf(items);
  }

  /**
   * {@return the unfinished work of one table}
   *
   * @param zone the table's zone
   * @param table the table
   * @throws IOException if the table's commit log, sidecar or partitions cannot be read
   */
  public List<Item> find(Zone zone, TableName table) throws IOException {
    List<Item> items = new ArrayList<>();
    Instant stuck = clock.instant().minus(WRITE_IN_PROGRESS);
    for (SidecarStore.Unfinished commit : sidecars.unfinished(zone, table)) {
      if (commit.committed()) {
        items.add(
            new Item(zone, table, Kind.COMMIT_NOT_PUBLISHED, commit.record(), commit.since(), ""));
      } else if (commit.since().isBefore(stuck)) {
        items.add(
            new Item(zone, table, Kind.WRITE_INTERRUPTED, commit.record(), commit.since(), ""));
      }
    }
    Optional<SchemaSidecar> sidecar = sidecars.read(zone, table);
    Optional<PartitionLayout> layout =
        sidecar.isEmpty() ? Optional.empty() : LakeWriter.layoutOf(sidecar.get().schema());
    List<Path> dirs = new ArrayList<>();
    Path tableDir = paths.tableDir(zone, table);
    if (layout.isEmpty()) {
      dirs.add(tableDir);
    } else {
      for (PartitionWalker.Partition partition :
          new PartitionWalker(paths, storage).partitions(tableDir, layout.get())) {
        dirs.add(partition.dir());
      }
    }
    for (Path dir : dirs) {
      for (FileEntry entry : storage.list(dir)) {
        if (entry.isFile() && CompactionJournal.isJournal(entry.name())) {
          items.add(
              new Item(
                  zone, table, Kind.COMPACTION_UNFINISHED, entry.path(), entry.modified(), ""));
        }
      }
    }
    return List.copyOf(items);
  }

  /**
   * {@return a warning naming every table with unfinished work, what a glob reader sees meanwhile
   * and the fix; OK if there is none}
   *
   * @throws IOException if the lake cannot be read
   */
  @Override
  public HealthCheck check() throws IOException {
    List<Item> items = find();
    if (items.isEmpty()) {
      return new HealthCheck(
          "unfinished work",
          0,
          0,
          Double.NaN,
          "",
          HealthLevel.OK,
          "no lake commit or compaction is unfinished");
    }
    StringBuilder text = new StringBuilder();
    for (Item item : items) {
      text.append(text.length() == 0 ? "" : "; ")
          .append(item.zone())
          .append('.')
          .append(item.table())
          .append(": ")
          .append(describe(item));
    }
    return new HealthCheck(
        "unfinished work",
        items.size(),
        0,
        Double.NaN,
        "",
        HealthLevel.WARNING,
        text.append(
                ". The SDK's readers and 'tiering sql' see these tables exactly; run 'tiering"
                    + " recover' to finish the work (after fixing what stopped it)")
            .toString());
  }

  private String describe(Item item) {
    return dev.tiering.core.internal.NameRules.printable(describeRaw(item));
  }

  private String describeRaw(Item item) {
    String age = age(item.since());
    return switch (item.kind()) {
      case TABLE_UNREADABLE ->
          "cannot be read, so its unfinished work is unknown: " + item.reason();
      case COMMIT_NOT_PUBLISHED ->
          "commit record "
              + item.path().getFileName()
              + " is past its commit point but not published whole ("
              + age
              + "): a glob reads part of it";
      case WRITE_INTERRUPTED ->
          "a write stopped before its commit point ("
              + item.path().getFileName()
              + ", "
              + age
              + "): nothing of it is visible, its staged files take space";
      case COMPACTION_UNFINISHED ->
          "a compaction of "
              + partition(item)
              + " is running or stopped ("
              + item.path().getFileName()
              + ", "
              + age
              + "): a glob over that partition may read merged rows twice";
    };
  }

  private String partition(Item item) {
    Path tableDir = paths.tableDir(item.zone(), item.table());
    Path dir = item.path().getParent();
    return dir.equals(tableDir) ? "the table" : "partition " + tableDir.relativize(dir);
  }

  private String age(Instant since) {
    Duration age = Duration.between(since, clock.instant());
    if (age.isNegative()) {
      return "written in the future by the clock";
    }
    return age.toMinutes() < 1
        ? "written under a minute ago"
        : age.toHours() < 1
            ? "written " + age.toMinutes() + " min ago"
            : "written " + age.toHours() + " h ago";
  }
}
