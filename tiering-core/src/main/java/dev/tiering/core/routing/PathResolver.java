package dev.tiering.core.routing;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import dev.tiering.core.WriteId;
import dev.tiering.core.Zone;
import dev.tiering.core.internal.NameRules;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what data is into where it lives: the one place in the SDK that builds paths. Every path
 * comes from a {@link Placement} chosen by the routing rules, and is checked to stay under its tier
 * root. Immutable and thread-safe.
 *
 * <pre>{@code
 * PathResolver paths = new PathResolver(TierLayout.defaults());
 * paths.intermediateFile(SlmId.of(3), BatchId.of("b42"));   // /data/hot/staging/slm_3_b42.parquet
 * paths.schemaFile(Zone.SILVER, TableName.of("slm_predictions"));
 *     // /data/lake/clean/silver/slm_predictions/schema.json
 * }</pre>
 */
public final class PathResolver {

  /** The name of a table's schema sidecar. */
  public static final String SCHEMA_FILE_NAME = "schema.json";

  /** The accepted form of raw input file names. */
  public static final String RAW_FILE_NAME_FORM =
      "1-128 characters of A-Z, a-z, 0-9, _, - and ., starting with a letter or digit";

  /** The directory of the archive that keeps archived staging files. */
  public static final String STAGING_ARCHIVE_DIR = "staging";

  /** The directory beside the sidecar that keeps earlier schema versions. */
  public static final String SCHEMA_HISTORY_DIR = "_schema_history";

  /** The directory beside the sidecar that keeps the table's commit records. */
  public static final String COMMIT_LOG_DIR = "_commits";

  /** The largest commit sequence number: ten digits. */
  public static final long MAX_COMMIT = 9_999_999_999L;

  private static final String DATA_PREFIX = "part-";
  private static final String BATCH_RECORD_DIR = ".batch-records";
  private static final String BATCH_RECORD_SUFFIX = ".record";
  private static final String BATCH_PIN_DIR = ".batch-pins";
  private static final String BATCH_PIN_SUFFIX = ".pin";
  private static final String ARCHIVE_RECORD_NAME = ".tiering-archived";
  private static final String STAGED_SUFFIX = ".staged";
  private static final String COMPACTED_SUFFIX = "-compacted.parquet";

  private static final Logger log = LoggerFactory.getLogger(PathResolver.class);

  private final TierLayout layout;
  private final RoutingRules rules;

  /**
   * A resolver with the default rules, {@link RoutingRules#defaults()}.
   *
   * @param layout the tier roots
   */
  public PathResolver(TierLayout layout) {
    this(layout, RoutingRules.defaults());
  }

  /**
   * A resolver with the given rules.
   *
   * @param layout the tier roots
   * @param rules the routing rules, tried in order
   */
  public PathResolver(TierLayout layout, RoutingRules rules) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /** {@return the tier roots} */
  public TierLayout layout() {
    return layout;
  }

  /** {@return the routing rules} */
  public RoutingRules rules() {
    return rules;
  }

  /**
   * {@return the directory of an area, e.g. {@code /data/hot/staging}}
   *
   * @param area the area
   */
  public Path areaRoot(Area area) {
    return layout.root(area);
  }

  /**
   * Places {@code ref}: the staging file for staging kinds, the table directory for clean, cache
   * and archive data, the source directory for raw input.
   *
   * @param ref what to place
   * @return the path and the first rule that matched
   */
  public Placement resolve(DataRef ref) {
    int index = rules.firstMatch(ref);
    RoutingRule rule = rules.rules().get(index);
    Path areaRoot = areaRoot(rule.area());
    Path path;
    if (ref.kind().isStaging()) {
      path = areaRoot.resolve(ref.stagingFile().fileName());
    } else if (ref.kind().hasZone()) {
      path = areaRoot.resolve(ref.zone().id()).resolve(ref.table().value());
    } else {
      path = areaRoot.resolve(ref.table().value());
    }
    Placement placement = new Placement(ref, checkUnder(rule.area(), path), rule, index + 1);
    log.debug("Resolved {}", placement);
    return placement;
  }

  /**
   * {@return the path of an SLM's intermediate result: {@code <staging>/slm_{id}_{batch}.parquet}}
   *
   * @param slm the SLM that writes the file
   * @param batch the batch the file belongs to
   */
  public Path intermediateFile(SlmId slm, BatchId batch) {
    return resolve(DataRef.intermediate(slm, batch)).path();
  }

  /**
   * {@return the cross-check path: {@code <staging>/crosscheck_{id}_{batch}.parquet}}
   *
   * @param slm the SLM that writes the file
   * @param batch the batch the file belongs to
   */
  public Path crosscheckFile(SlmId slm, BatchId batch) {
    return resolve(DataRef.crosscheck(slm, batch)).path();
  }

  /**
   * {@return the path of a staging file of either kind}
   *
   * @param file the staging file's kind, SLM and batch
   */
  public Path stagingFile(StagingFile file) {
    return resolve(new DataRef(file.kind(), null, null, file.slm(), file.batch())).path();
  }

  /**
   * {@return the directory of a clean table, by default {@code <lake>/clean/{zone}/{table}}}
   *
   * @param zone the table's zone
   * @param table the table
   */
  public Path tableDir(Zone zone, TableName table) {
    return resolve(DataRef.clean(zone, table)).path();
  }

  /**
   * {@return the schema sidecar of a clean table: {@code <lake>/clean/{zone}/{table}/schema.json}}
   *
   * @param zone the table's zone
   * @param table the table
   */
  public Path schemaFile(Zone zone, TableName table) {
    return tableDir(zone, table).resolve(SCHEMA_FILE_NAME);
  }

  /** {@return the hot cache's access record: {@code <hot>/clean/.cache-index}} */
  public Path cacheIndexFile() {
    return areaRoot(Area.CLEAN_CACHE).resolve(".cache-index");
  }

  /**
   * {@return the lock that serializes changes to the hot cache: {@code <hot>/clean/.cache.lock}}
   */
  public Path cacheLockFile() {
    return areaRoot(Area.CLEAN_CACHE).resolve(".cache.lock");
  }

  /**
   * {@return where cleanup archives a staging file instead of deleting it: {@code
   * <lake>/archive/staging/{batch}/{file}}} Old inference results are kept there, grouped by batch.
   *
   * @param file the staging file to archive
   */
  public Path stagingArchiveFile(StagingFile file) {
    Path archive = areaRoot(Area.LAKE_ARCHIVE);
    return checkUnder(
        Area.LAKE_ARCHIVE,
        archive
            .resolve(STAGING_ARCHIVE_DIR)
            .resolve(file.batch().value())
            .resolve(file.fileName()));
  }

  /**
   * {@return the path of a raw input file: {@code <lake>/raw/{source}/{yyyy-MM-dd}/{name}}}
   *
   * @param source the source the file came from
   * @param day the day the file was ingested
   * @param fileName the file's name, without directory
   * @throws IllegalArgumentException if {@code fileName} is not of the form {@link
   *     #RAW_FILE_NAME_FORM}
   */
  public Path rawFile(TableName source, LocalDate day, String fileName) {
    NameRules.check(
        "raw file name",
        fileName,
        NameRules::isAlnum,
        cp -> NameRules.isAlnum(cp) || cp == '_' || cp == '-' || cp == '.',
        RAW_FILE_NAME_FORM);
    if (fileName.contains("..")) {
      throw new IllegalArgumentException(
          "Invalid raw file name "
              + NameRules.quote(fileName)
              + ": it contains '..' (use "
              + RAW_FILE_NAME_FORM
              + ")");
    }
    Placement placement = resolve(DataRef.raw(source));
    return checkUnder(placement.area(), placement.path().resolve(day.toString()).resolve(fileName));
  }

  /**
   * An earlier version of a table's schema, kept beside the sidecar: {@code
   * <table>/_schema_history/{version}.json}. The leading underscore makes Spark and Hive skip it.
   *
   * @param zone the table's zone
   * @param table the table
   * @param version the schema version, {@code MAJOR.MINOR.PATCH}
   * @return the history file of that version
   * @throws IllegalArgumentException if {@code version} is not {@code MAJOR.MINOR.PATCH}
   */
  public Path schemaHistoryFile(Zone zone, TableName table, String version) {
    if (!version.matches("(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})")) {
      throw new IllegalArgumentException(
          "Invalid schema version "
              + NameRules.quote(version)
              + " (use MAJOR.MINOR.PATCH, e.g. 1.2.0)");
    }
    return tableDir(zone, table).resolve(SCHEMA_HISTORY_DIR).resolve(version + ".json");
  }

  /**
   * {@return the lock file in which staging writers hold their batches and cleanup takes the
   * batches it removes} One key per batch: {@code <hot>/staging/.batches.lock}.
   */
  public Path stagingLockFile() {
    return areaRoot(Area.STAGING).resolve(".batches.lock");
  }

  /**
   * {@return where the SDK records when a batch was first written and last published: {@code
   * <hot>/staging/.batch-records/<batch>.record}} Staging cleanup ranks batches and measures its
   * grace period by these records, never by file times. The directory is hidden and the name ends
   * in neither {@code .parquet} nor {@code .tmp}, so no glob, reader, sweep or cleanup takes a
   * record for data.
   *
   * @param batch the batch
   */
  public Path stagingBatchRecord(BatchId batch) {
    return checkUnder(
        Area.STAGING,
        areaRoot(Area.STAGING)
            .resolve(BATCH_RECORD_DIR)
            .resolve(batch.value() + BATCH_RECORD_SUFFIX));
  }

  /**
   * {@return the batch a staging batch record belongs to, or empty if {@code fileName} is not the
   * name of one} The inverse of {@link #stagingBatchRecord}'s file name.
   *
   * @param fileName a file name in the batch records' directory
   */
  public static Optional<BatchId> batchOfRecord(String fileName) {
    return batchOf(fileName, BATCH_RECORD_SUFFIX);
  }

  /**
   * {@return where a batch is pinned: {@code <hot>/staging/.batch-pins/<batch>.pin}} Staging
   * cleanup by age keeps a pinned batch whatever its age: a coordinator pins a batch that some lake
   * table could not take, so that its files stay until it is processed again.
   *
   * @param batch the batch
   */
  public Path stagingBatchPin(BatchId batch) {
    return checkUnder(
        Area.STAGING,
        areaRoot(Area.STAGING).resolve(BATCH_PIN_DIR).resolve(batch.value() + BATCH_PIN_SUFFIX));
  }

  /**
   * {@return the batch a pin belongs to, or empty if {@code fileName} is not the name of one} The
   * inverse of {@link #stagingBatchPin}'s file name.
   *
   * @param fileName a file name in the pins' directory
   */
  public static Optional<BatchId> batchOfPin(String fileName) {
    return batchOf(fileName, BATCH_PIN_SUFFIX);
  }

  private static Optional<BatchId> batchOf(String fileName, String suffix) {
    if (!fileName.endsWith(suffix)) {
      return Optional.empty();
    }
    try {
      return Optional.of(BatchId.of(fileName.substring(0, fileName.length() - suffix.length())));
    } catch (IllegalArgumentException notABatch) {
      return Optional.empty();
    }
  }

  /**
   * {@return where retention records when each file of an archived partition reached the archive:
   * {@code <partition>/.tiering-archived}} Archive retention counts from these times, never from
   * the partition's date or its files' times. Hidden, so no glob or retention mistakes it for data.
   *
   * @param archivePartitionDir a partition directory in the lake's archive area
   * @throws IllegalArgumentException if the directory is outside the archive area
   */
  public Path archiveRecordFile(Path archivePartitionDir) {
    Path normalized = archivePartitionDir.toAbsolutePath().normalize();
    if (!normalized.startsWith(areaRoot(Area.LAKE_ARCHIVE))) {
      throw new IllegalArgumentException(
          "Path "
              + archivePartitionDir
              + " is not in the archive ("
              + areaRoot(Area.LAKE_ARCHIVE)
              + ")");
    }
    return normalized.resolve(ARCHIVE_RECORD_NAME);
  }

  /**
   * {@return the lock file that serializes compaction, archiving and recovery of a table's
   * partitions} One key per partition: {@code <table>/.partitions.lock}. Kept at the table so that
   * partition directories hold only data and can be removed once archived.
   *
   * @param zone the table's zone
   * @param table the table
   */
  public Path partitionLockFile(Zone zone, TableName table) {
    return tableDir(zone, table).resolve(".partitions.lock");
  }

  /**
   * {@return the lock file that serializes changes to a table's sidecar: {@code
   * <table>/.schema.json.lock}}
   *
   * @param zone the table's zone
   * @param table the table
   */
  public Path schemaLockFile(Zone zone, TableName table) {
    return tableDir(zone, table).resolve("." + SCHEMA_FILE_NAME + ".lock");
  }

  /**
   * {@return the directory of one date partition of a table of any table kind} For example {@code
   * .../slm_predictions/2025/11/10} or {@code .../slm_predictions/date=2025-11-10}.
   *
   * @param table the table, of a table kind (clean, cache, archive or raw)
   * @param date the partition's date
   * @param partitioning how the table lays out its partitions
   * @throws IllegalArgumentException if {@code table} is of a staging kind
   */
  public Path partitionDir(DataRef table, LocalDate date, PartitionLayout partitioning) {
    Objects.requireNonNull(date, "date");
    if (table.kind().isStaging()) {
      throw new IllegalArgumentException(table.kind() + " data has no partitions");
    }
    Placement placement = resolve(table);
    Path dir = placement.path();
    Path partition =
        switch (partitioning) {
          case DATE_PATH ->
              dir.resolve(String.format("%04d", date.getYear()))
                  .resolve(String.format("%02d", date.getMonthValue()))
                  .resolve(String.format("%02d", date.getDayOfMonth()));
          case HIVE_DATE -> dir.resolve("date=" + date);
          case HIVE_YEAR_MONTH_DAY ->
              dir.resolve(String.format("year=%04d", date.getYear()))
                  .resolve(String.format("month=%02d", date.getMonthValue()))
                  .resolve(String.format("day=%02d", date.getDayOfMonth()));
        };
    return checkUnder(placement.area(), partition);
  }

  /**
   * {@return the partition directory of a clean lake table}
   *
   * @param zone the table's zone
   * @param table the table
   * @param date the partition's date
   * @param partitioning how the table lays out its partitions
   */
  public Path partitionDir(
      Zone zone, TableName table, LocalDate date, PartitionLayout partitioning) {
    return partitionDir(DataRef.clean(zone, table), date, partitioning);
  }

  /**
   * The date of a partition directory, given its path relative to the table directory (for example
   * {@code 2025/11/10} or {@code date=2025-11-10}).
   *
   * @param relativePartition the partition directory, relative to the table directory
   * @param partitioning the layout the path is read in
   * @return the date, or empty if the path is not a partition of that layout
   */
  public Optional<LocalDate> partitionDate(Path relativePartition, PartitionLayout partitioning) {
    int n = relativePartition.getNameCount();
    try {
      return switch (partitioning) {
        case DATE_PATH ->
            n != 3
                ? Optional.empty()
                : Optional.of(
                    LocalDate.of(
                        strictInt(relativePartition, 0, "", 4),
                        strictInt(relativePartition, 1, "", 2),
                        strictInt(relativePartition, 2, "", 2)));
        case HIVE_DATE -> {
          String name = relativePartition.getFileName().toString();
          yield n != 1 || !name.startsWith("date=") || name.length() != 15
              ? Optional.empty()
              : Optional.of(LocalDate.parse(name.substring(5)));
        }
        case HIVE_YEAR_MONTH_DAY ->
            n != 3
                ? Optional.empty()
                : Optional.of(
                    LocalDate.of(
                        strictInt(relativePartition, 0, "year=", 4),
                        strictInt(relativePartition, 1, "month=", 2),
                        strictInt(relativePartition, 2, "day=", 2)));
      };
    } catch (NumberFormatException | DateTimeException notAPartition) {
      return Optional.empty();
    }
  }

  private static int strictInt(Path path, int index, String prefix, int digits) {
    String name = path.getName(index).toString();
    if (!name.startsWith(prefix) || name.length() != prefix.length() + digits) {
      throw new NumberFormatException(name);
    }
    String number = name.substring(prefix.length());
    for (int i = 0; i < number.length(); i++) {
      if (!NameRules.isDigit(number.charAt(i))) {
        throw new NumberFormatException(name);
      }
    }
    return Integer.parseInt(number);
  }

  /**
   * {@return where a new data file of a lake write waits, complete and durable but hidden, until
   * its commit publishes it} The name is {@code .part-<uuid>.parquet.staged}, in its partition
   * directory. The dot and the suffix keep it out of every {@code *.parquet} glob (see {@link
   * #committedDataFile}).
   *
   * @param partitionDir the partition directory; must be under a tier root
   * @throws IllegalArgumentException if {@code partitionDir} is outside both tier roots
   */
  public Path stagedDataFile(Path partitionDir) {
    return checkUnderAnyArea(
        partitionDir.resolve("." + DATA_PREFIX + UUID.randomUUID() + ".parquet" + STAGED_SUFFIX));
  }

  /**
   * {@return whether {@code name} is the name of a staged data file} See {@link #stagedDataFile}.
   *
   * @param name a file name, without directory
   */
  public static boolean isStagedName(String name) {
    return name.startsWith("." + DATA_PREFIX)
        && name.endsWith(".parquet" + STAGED_SUFFIX)
        && uuidOf(
                name.substring(
                    1 + DATA_PREFIX.length(),
                    name.length() - ".parquet".length() - STAGED_SUFFIX.length()))
            != null;
  }

  /**
   * The name commit {@code seq} publishes a staged file under: {@code part-<seq>-<uuid>.parquet},
   * with the sequence number zero-padded to ten digits, so that a reader tells from the name alone
   * which commit a file belongs to (see {@link #commitOf}).
   *
   * @param staged the staged data file, as {@link #stagedDataFile} named it
   * @param seq the commit's sequence number, 1 to {@link #MAX_COMMIT}
   * @return the published file's path, beside the staged file
   * @throws IllegalArgumentException if {@code staged} is not a staged data file name, {@code seq}
   *     is out of range, or the file is outside both tier roots
   */
  public Path committedDataFile(Path staged, long seq) {
    String name = staged.getFileName().toString();
    if (!isStagedName(name) || seq < 1 || seq > MAX_COMMIT) {
      throw new IllegalArgumentException(
          "Cannot publish "
              + NameRules.quote(name)
              + " as commit "
              + seq
              + ": not a staged data file name (.part-<uuid>.parquet.staged) or not a positive"
              + " commit number");
    }
    String uuid = name.substring(1 + DATA_PREFIX.length(), name.indexOf(".parquet"));
    return checkUnderAnyArea(
        staged.resolveSibling(
            DATA_PREFIX
                + String.format(java.util.Locale.ROOT, "%010d", seq)
                + "-"
                + uuid
                + ".parquet"));
  }

  /**
   * A new compaction output in a partition directory: {@code part-<seq>-<uuid>-compacted.parquet},
   * where {@code seq} is the newest commit among its inputs (0 if none has one), so that readers
   * that may see every input may see the output too.
   *
   * @param partitionDir the partition directory; must be under a tier root
   * @param seq the newest commit among the inputs, 0 to {@link #MAX_COMMIT}
   * @return a fresh path for the output
   * @throws IllegalArgumentException if {@code seq} is out of range or {@code partitionDir} is
   *     outside both tier roots
   */
  public Path compactedDataFile(Path partitionDir, long seq) {
    if (seq < 0 || seq > MAX_COMMIT) {
      throw new IllegalArgumentException(
          "Invalid commit number " + seq + " (use 0 to " + MAX_COMMIT + ")");
    }
    return checkUnderAnyArea(
        partitionDir.resolve(
            DATA_PREFIX
                + String.format(java.util.Locale.ROOT, "%010d", seq)
                + "-"
                + UUID.randomUUID()
                + COMPACTED_SUFFIX));
  }

  /**
   * {@return the commit a data file name belongs to} That is the {@code seq} of {@code
   * part-<seq>-<uuid>.parquet} or {@code part-<seq>-<uuid>-compacted.parquet}, or 0 for every other
   * name (files put there by hand, or written before tables had commit logs): no commit wrote such
   * a file, and the lake's readers treat it as foreign to its table.
   *
   * @param fileName a file name, without directory
   */
  public static long commitOf(String fileName) {
    if (!fileName.startsWith(DATA_PREFIX)) {
      return 0;
    }
    int dash = fileName.indexOf('-', DATA_PREFIX.length());
    if (dash - DATA_PREFIX.length() != 10) {
      return 0;
    }
    String rest = fileName.substring(dash + 1);
    String uuid =
        rest.endsWith(COMPACTED_SUFFIX)
            ? rest.substring(0, rest.length() - COMPACTED_SUFFIX.length())
            : rest.endsWith(".parquet")
                ? rest.substring(0, rest.length() - ".parquet".length())
                : null;
    if (uuid == null || uuidOf(uuid) == null) {
      return 0;
    }
    long seq = 0;
    for (int i = DATA_PREFIX.length(); i < dash; i++) {
      char c = fileName.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
      seq = seq * 10 + (c - '0');
    }
    return seq;
  }

  /**
   * {@return the id a data file is named by: the {@code <uuid>} of {@code
   * .part-<uuid>.parquet.staged}, {@code part-<seq>-<uuid>.parquet} or {@code
   * part-<seq>-<uuid>-compacted.parquet}, or null for any other name} A file keeps its id from
   * staged to published name; no two files have one.
   *
   * @param fileName a file name, without directory
   */
  public static String fileIdOf(String fileName) {
    if (isStagedName(fileName)) {
      return fileName.substring(1 + DATA_PREFIX.length(), fileName.indexOf(".parquet"));
    }
    if (commitOf(fileName) == 0) {
      return null;
    }
    String rest = fileName.substring(DATA_PREFIX.length() + 11);
    return rest.substring(0, 36);
  }

  /**
   * {@return whether {@code fileName} is the name of a compaction output} See {@link
   * #compactedDataFile}.
   *
   * @param fileName a file name, without directory
   */
  public static boolean isCompactedName(String fileName) {
    return fileName.endsWith(COMPACTED_SUFFIX) && fileName.startsWith(DATA_PREFIX);
  }

  private static UUID uuidOf(String text) {
    if (text.length() != 36) {
      return null;
    }
    try {
      UUID uuid = UUID.fromString(text);
      return uuid.toString().equals(text) ? uuid : null;
    } catch (IllegalArgumentException notAUuid) {
      return null;
    }
  }

  /**
   * {@return the directory of a table's commit records: {@code <table>/_commits}} The leading
   * underscore makes Spark and Hive skip it; its {@code *.json} files never match a {@code
   * *.parquet} glob.
   *
   * @param zone the table's zone
   * @param table the table
   */
  public Path commitLogDir(Zone zone, TableName table) {
    return tableDir(zone, table).resolve(COMMIT_LOG_DIR);
  }

  /**
   * One commit record: {@code <table>/_commits/<seq>[-<writeId>].<state>.json}, the sequence number
   * zero-padded to ten digits so that records sort in commit order.
   *
   * @param zone the table's zone
   * @param table the table
   * @param seq the commit's sequence number, 1 to {@link #MAX_COMMIT}
   * @param writeId the write's id, or null
   * @param state {@code pending} or {@code commit}
   * @return the record's path
   * @throws IllegalArgumentException if the sequence number or state is not of its form
   */
  public Path commitRecord(Zone zone, TableName table, long seq, WriteId writeId, String state) {
    if (seq < 1 || seq > MAX_COMMIT || !(state.equals("pending") || state.equals("commit"))) {
      throw new IllegalArgumentException("Invalid commit record " + seq + " " + state);
    }
    String id = writeId == null ? "" : "-" + writeId.value();
    return commitLogDir(zone, table)
        .resolve(String.format(java.util.Locale.ROOT, "%010d", seq) + id + "." + state + ".json");
  }

  /**
   * The same place in another table kind's tree: for example the hot-cache counterpart of a lake
   * partition, or the archive counterpart of a lake file. Paths keep everything below the table
   * directory.
   *
   * @param path a table directory or a path inside one, in any table kind's area
   * @param target the table kind whose tree to map into
   * @return the path at the same place under {@code target}'s table directory
   * @throws IllegalArgumentException if {@code path} is not inside a table directory
   */
  public Path counterpart(Path path, DataKind target) {
    Path normalized = path.toAbsolutePath().normalize();
    for (Area area : Area.values()) {
      Path root = areaRoot(area);
      if (!normalized.startsWith(root) || root.relativize(normalized).getNameCount() < 2) {
        continue;
      }
      Path relative = root.relativize(normalized);
      try {
        Zone zone = Zone.parse(relative.getName(0).toString());
        TableName table = TableName.of(relative.getName(1).toString());
        Placement targetTable = resolve(new DataRef(target, zone, table, null, null));
        return relative.getNameCount() == 2
            ? targetTable.path()
            : checkUnder(
                targetTable.area(),
                targetTable.path().resolve(relative.subpath(2, relative.getNameCount())));
      } catch (IllegalArgumentException notATablePath) {
        break;
      }
    }
    throw new IllegalArgumentException(
        "Path "
            + path
            + " is not inside a table directory (use a path under <area>/{zone}/{table})");
  }

  private Path checkUnder(Area area, Path path) {
    Path root = layout.root(area.tier());
    if (!path.normalize().startsWith(root)) {
      // Unreachable with validated names; kept so that a future bug cannot escape a tier.
      throw new IllegalStateException("Resolved path " + path + " escapes its tier root " + root);
    }
    return path;
  }

  private Path checkUnderAnyArea(Path path) {
    Path normalized = path.toAbsolutePath().normalize();
    for (Tier tier : Tier.values()) {
      if (normalized.startsWith(layout.root(tier))) {
        return path;
      }
    }
    throw new IllegalArgumentException(
        "Path "
            + path
            + " is outside both tier roots "
            + layout.hotRoot()
            + " and "
            + layout.lakeRoot());
  }
}
