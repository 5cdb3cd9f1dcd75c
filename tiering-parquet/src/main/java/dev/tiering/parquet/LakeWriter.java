package dev.tiering.parquet;

import dev.tiering.core.WriteId;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.CommitRetention;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes clean tables into the lake (seed: {@code write_clean_data(zone, table, data, schema)}):
 * {@code <lake>/clean/{zone}/{table}/{partition}/part-<uuid>.parquet}, zstd level 5 by default,
 * with the table's {@code schema.json} kept current. Unlike the seed's sketch, which writes {@code
 * data.parquet} and so replaces the day's earlier data, every write adds new files; no data file is
 * ever replaced, and no API here rewrites or deletes data (bronze is append-only). Thread-safe;
 * each opened table writer is for one thread.
 */
public final class LakeWriter {

  /**
   * The sidecar key ({@code schema.partition_layout}) recording how a table's partitions are laid
   * out.
   */
  public static final String LAYOUT_KEY = "partition_layout";

  final PathResolver paths;
  final Storage storage;
  final WriterSettings settings;
  final SidecarStore sidecars;
  final Clock clock;
  final ZoneId dateZone;
  final PartitionLayout layout;
  final int maxOpenPartitions;
  final CommitRetention retention;

  private LakeWriter(Builder b) {
    this.paths = b.paths;
    this.storage =
        (b.storage != null ? b.storage : Storage.forLayout(b.paths.layout()))
            .reportingFullTiers(b.paths.layout());
    this.settings = b.settings;
    this.clock = b.clock;
    this.sidecars = b.sidecars != null ? b.sidecars : new SidecarStore(b.paths, storage, b.clock);
    this.dateZone = b.dateZone;
    this.layout = b.layout;
    this.maxOpenPartitions = b.maxOpenPartitions;
    this.retention = b.retention;
  }

  /** A lake writer on the given layout with the seed's settings (zstd 5, {@code yyyy/MM/dd}). */
  public static Builder builder(PathResolver paths) {
    return new Builder(paths);
  }

  /** The table sidecars this writer keeps. */
  public SidecarStore sidecars() {
    return sidecars;
  }

  /** The partition layout of new tables. */
  public PartitionLayout layout() {
    return layout;
  }

  /**
   * Opens a write to a table. The schema is checked against the table's sidecar first, so an
   * incompatible schema is refused before any row is written.
   *
   * @throws dev.tiering.schema.IncompatibleSchemaException if the options' policy does not allow
   *     the schema's differences from the table's
   * @throws IllegalArgumentException if the table uses another partition layout, or the partition
   *     column is not a timestamp or date field
   */
  public LakeTableWriter open(TableSchema schema, LakeWriteOptions options) throws IOException {
    TableSchema withLayout = schema.isDatePartitioned() ? withLayout(schema) : schema;
    Optional<SchemaSidecar> current = sidecars.read(schema.zone(), schema.table());
    current.ifPresent(sidecar -> checkLayout(sidecar.schema(), withLayout));
    sidecars.check(withLayout, options.evolution());
    return new LakeTableWriter(this, withLayout, options);
  }

  /** Opens a write with {@link LakeWriteOptions#defaults()}. */
  public LakeTableWriter open(TableSchema schema) throws IOException {
    return open(schema, LakeWriteOptions.defaults());
  }

  /**
   * The result of the write with this id, if the table has committed it (and keeps its record):
   * lets a retried job skip work it already did. Changes nothing.
   *
   * @throws IllegalArgumentException if the id is not of the form {@link WriteId#FORM}
   */
  public Optional<LakeWriteResult> committed(
      Zone zone, dev.tiering.core.TableName table, String writeId) throws IOException {
    return sidecars
        .committed(zone, table, WriteId.of(writeId))
        .map(
            c ->
                new LakeWriteResult(
                    c.files().stream()
                        .map(f -> new WriteResult(f.path(), f.rows(), f.bytes()))
                        .toList(),
                    c.rows(),
                    c.bytes(),
                    c.sidecar(),
                    c.seq(),
                    true));
  }

  /**
   * Writes records as the rows of a lake table and commits them. The table's columns are the
   * record's components (see {@link Column}); it is partitioned by date.
   *
   * <pre>{@code
   * record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}
   * lake.writeCleanData(Zone.SILVER, "slm_predictions", Prediction.class, predictions);
   * }</pre>
   *
   * @throws IllegalArgumentException if the class cannot be mapped (a component of another type),
   *     or the table name is invalid
   */
  public <T extends Record> LakeWriteResult writeCleanData(
      Zone zone, String table, Class<T> type, Iterable<? extends T> rows) throws IOException {
    return writeCleanData(zone, table, type, rows, LakeWriteOptions.defaults());
  }

  /** Writes records as the rows of a lake table, with options, and commits them. */
  public <T extends Record> LakeWriteResult writeCleanData(
      Zone zone, String table, Class<T> type, Iterable<? extends T> rows, LakeWriteOptions options)
      throws IOException {
    RecordMapping<T> mapping = RecordMapping.of(type);
    try (LakeTableWriter writer = open(mapping.lakeSchema(zone, table), options)) {
      for (T row : rows) {
        mapping.write(writer, row);
      }
      return writer.commit();
    }
  }

  /** Writes rows given as maps and commits them: the seed's {@code write_clean_data}. */
  public LakeWriteResult writeCleanData(TableSchema schema, Iterable<? extends Map<String, ?>> rows)
      throws IOException {
    return writeCleanData(schema, rows, LakeWriteOptions.defaults());
  }

  /** Writes rows given as maps and commits them, with options. */
  public LakeWriteResult writeCleanData(
      TableSchema schema, Iterable<? extends Map<String, ?>> rows, LakeWriteOptions options)
      throws IOException {
    try (LakeTableWriter writer = open(schema, options)) {
      for (Map<String, ?> row : rows) {
        writer.write(row);
      }
      return writer.commit();
    }
  }

  /**
   * An appender that gathers many small appends into few files, committing when {@code maxBytes}
   * are buffered or the oldest row is {@code maxAge} old (seed: "batch writes to lake, buffer in
   * memory, write periodically").
   */
  public BufferedLakeAppender appender(
      TableSchema schema, LakeWriteOptions options, long maxBytes, Duration maxAge) {
    if (options.writeId() != null) {
      throw new IllegalArgumentException(
          "Cannot use write id '"
              + options.writeId()
              + "' for an"
              + " appender: it commits many times, and a write id names one commit, so every commit"
              + " after the first would be dropped as a retry (use writeCleanData or open() per"
              + " write id)");
    }
    return new BufferedLakeAppender(this, schema, options, maxBytes, maxAge);
  }

  private TableSchema withLayout(TableSchema schema) {
    Map<String, String> extras = new java.util.LinkedHashMap<>(schema.schemaExtras());
    extras.put(LAYOUT_KEY, "\"" + layout.id() + "\"");
    return new TableSchema(
        schema.table(),
        schema.zone(),
        schema.version(),
        schema.createdAt(),
        schema.fields(),
        schema.partitionBy(),
        schema.extras(),
        extras);
  }

  private void checkLayout(TableSchema table, TableSchema proposed) {
    String existing = table.schemaExtras().get(LAYOUT_KEY);
    String wanted = proposed.schemaExtras().get(LAYOUT_KEY);
    if (existing != null && wanted != null && !existing.equals(wanted)) {
      throw new IllegalArgumentException(
          "Table "
              + table.qualifiedName()
              + " lays out partitions"
              + " as "
              + existing
              + " but this writer uses "
              + wanted
              + " (use the table's layout;"
              + " one table with two layouts cannot be queried as one)");
    }
  }

  /** The partition layout a table records in its sidecar, or empty for an unpartitioned table. */
  public static Optional<PartitionLayout> layoutOf(TableSchema schema) {
    if (!schema.isDatePartitioned()) {
      return Optional.empty();
    }
    String json = schema.schemaExtras().get(LAYOUT_KEY);
    return Optional.of(
        json == null ? PartitionLayout.DATE_PATH : PartitionLayout.parse(json.replace("\"", "")));
  }

  /** The directory new files of a table go to for a partition day (or the table directory). */
  java.nio.file.Path directoryFor(
      Zone zone, dev.tiering.core.TableName table, java.time.LocalDate day) {
    return day == null ? paths.tableDir(zone, table) : paths.partitionDir(zone, table, day, layout);
  }

  /** Builds a {@link LakeWriter}. */
  public static final class Builder {
    private final PathResolver paths;
    private Storage storage;
    private WriterSettings settings = WriterSettings.lake();
    private SidecarStore sidecars;
    private Clock clock = Clock.systemUTC();
    private ZoneId dateZone = ZoneOffset.UTC;
    private PartitionLayout layout = PartitionLayout.DATE_PATH;
    private int maxOpenPartitions = 8;
    private CommitRetention retention = CommitRetention.DEFAULT;

    private Builder(PathResolver paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /** The storage to write to (default: local disks). */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /** Writer settings (default: {@link WriterSettings#lake()}, zstd 5). */
    public Builder settings(WriterSettings value) {
      this.settings = Objects.requireNonNull(value, "settings");
      return this;
    }

    /** The sidecar store (default: one on this writer's storage and clock). */
    public Builder sidecars(SidecarStore value) {
      this.sidecars = Objects.requireNonNull(value, "sidecars");
      return this;
    }

    /** The clock for write dates and metric times (default: system UTC). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** The time zone whose calendar days are the partitions (default: UTC). */
    public Builder dateZone(ZoneId value) {
      this.dateZone = Objects.requireNonNull(value, "dateZone");
      return this;
    }

    /** The partition layout of new tables (default: the seed's {@code yyyy/MM/dd}). */
    public Builder layout(PartitionLayout value) {
      this.layout = Objects.requireNonNull(value, "layout");
      return this;
    }

    /**
     * Partitions one write keeps files open for at once (default 8): memory is bounded by this
     * times a row group. A write spanning more days closes the least recently used file, and a
     * later row for that day starts another.
     */
    public Builder maxOpenPartitions(int value) {
      if (value < 1 || value > 1024) {
        throw new IllegalArgumentException(
            "Invalid maxOpenPartitions " + value + " (use 1 to 1024)");
      }
      this.maxOpenPartitions = value;
      return this;
    }

    /**
     * How long tables keep commit records, and so recognize a retried write id (default {@link
     * CommitRetention#DEFAULT}: seven days, at most 10,000 commits).
     */
    public Builder commitRetention(CommitRetention value) {
      this.retention = Objects.requireNonNull(value, "retention");
      return this;
    }

    /** Builds the writer. */
    public LakeWriter build() {
      return new LakeWriter(this);
    }
  }
}
