package dev.tiering.parquet;

import dev.tiering.core.WriteId;
import dev.tiering.core.Zone;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.internal.GuardedListener;
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
 * Writes clean tables into the lake: {@code
 * <lake>/clean/{zone}/{table}/{partition}/part-<seq>-<uuid>.parquet}, zstd level 5 by default, with
 * the table's {@code schema.json} kept current. Every write adds new files under names of their
 * own, so a second write on the same day never replaces the first; no data file is ever replaced,
 * and no API here rewrites or deletes data (bronze is append-only). Thread-safe; each opened table
 * writer is for one thread.
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
  final MetricsListener metrics;

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
    this.metrics = GuardedListener.of(b.metrics);
  }

  /**
   * {@return a builder of a lake writer with the defaults (zstd 5, {@code yyyy/MM/dd} partitions)}
   *
   * @param paths where the tables lie
   */
  public static Builder builder(PathResolver paths) {
    return new Builder(paths);
  }

  /** {@return the table sidecars this writer keeps} */
  public SidecarStore sidecars() {
    return sidecars;
  }

  /** {@return the partition layout of new tables} */
  public PartitionLayout layout() {
    return layout;
  }

  /**
   * Opens a write to a table. The schema is checked against the table's sidecar first, so an
   * incompatible schema is refused before any row is written.
   *
   * @param schema the schema of the rows
   * @param options how to partition, evolve, check and identify the write
   * @return the write; commit it, and close it in any case
   * @throws dev.tiering.schema.IncompatibleSchemaException if the options' policy does not allow
   *     the schema's differences from the table's
   * @throws IllegalArgumentException if the table uses another partition layout, or the partition
   *     column is not a timestamp or date field
   * @throws IOException if the table's sidecar cannot be read
   */
  public LakeTableWriter open(TableSchema schema, LakeWriteOptions options) throws IOException {
    TableSchema withLayout = schema.isDatePartitioned() ? withLayout(schema) : schema;
    Optional<SchemaSidecar> current = sidecars.read(schema.zone(), schema.table());
    current.ifPresent(sidecar -> checkLayout(sidecar.schema(), withLayout));
    sidecars.check(withLayout, options.evolution());
    return new LakeTableWriter(this, withLayout, options);
  }

  /**
   * Opens a write with {@link LakeWriteOptions#defaults()}, as {@link #open(TableSchema,
   * LakeWriteOptions)} does.
   *
   * @param schema the schema of the rows
   * @return the write; commit it, and close it in any case
   * @throws dev.tiering.schema.IncompatibleSchemaException if the schema's differences from the
   *     table's are not compatible
   * @throws IOException if the table's sidecar cannot be read
   */
  public LakeTableWriter open(TableSchema schema) throws IOException {
    return open(schema, LakeWriteOptions.defaults());
  }

  /**
   * {@return how long the tables this writer commits to keep their commit records, and so the write
   * ids that {@link #committed} can find} A write older than that may no longer be found.
   */
  public CommitRetention commitRetention() {
    return retention;
  }

  /**
   * {@return the result of the write with this id, if the table has committed it and keeps its
   * record} Lets a retried job skip work it already did. Changes nothing; the result is {@link
   * LakeWriteResult#replayed() replayed}.
   *
   * @param zone the table's zone
   * @param table the table's name
   * @param writeId the id the write was given ({@link LakeWriteOptions#writeId(String)})
   * @throws IllegalArgumentException if the id is not of the form {@link WriteId#FORM}
   * @throws IOException if the table's commit log or sidecar cannot be read
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
   * @param <T> the record type
   * @param zone the table's zone
   * @param table the table's name
   * @param type the record class, whose components are the columns
   * @param rows the rows to write
   * @return the committed write
   * @throws IllegalArgumentException if the class cannot be mapped (a component of another type),
   *     or the table name is invalid
   * @throws dev.tiering.schema.IncompatibleSchemaException if the record's columns are not a
   *     compatible change of the table's
   * @throws IOException if the write or its commit fails; nothing is visible unless the message
   *     says the write is committed
   */
  public <T extends Record> LakeWriteResult writeCleanData(
      Zone zone, String table, Class<T> type, Iterable<? extends T> rows) throws IOException {
    return writeCleanData(zone, table, type, rows, LakeWriteOptions.defaults());
  }

  /**
   * Writes records as the rows of a lake table, with options, and commits them.
   *
   * @param <T> the record type
   * @param zone the table's zone
   * @param table the table's name
   * @param type the record class, whose components are the columns
   * @param rows the rows to write
   * @param options how to partition, evolve, check and identify the write
   * @return the committed write, or the earlier one if its write id was committed before
   * @throws IllegalArgumentException if the class cannot be mapped, or the table name is invalid
   * @throws dev.tiering.schema.IncompatibleSchemaException if the options' policy does not allow
   *     the record's columns
   * @throws IOException if the write or its commit fails; nothing is visible unless the message
   *     says the write is committed
   */
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

  /**
   * Writes rows given as maps and commits them, with {@link LakeWriteOptions#defaults()}.
   *
   * @param schema the table's schema, or a compatible change of it
   * @param rows the rows, by field name (see {@link dev.tiering.schema.RowValidator#validate})
   * @return the committed write
   * @throws dev.tiering.schema.RowValidationException for a row that does not fit; nothing is
   *     written
   * @throws dev.tiering.schema.IncompatibleSchemaException if the schema is not a compatible change
   *     of the table's
   * @throws IOException if the write or its commit fails; nothing is visible unless the message
   *     says the write is committed
   */
  public LakeWriteResult writeCleanData(TableSchema schema, Iterable<? extends Map<String, ?>> rows)
      throws IOException {
    return writeCleanData(schema, rows, LakeWriteOptions.defaults());
  }

  /**
   * Writes rows given as maps and commits them, with options.
   *
   * @param schema the schema of the rows
   * @param rows the rows, by field name (see {@link dev.tiering.schema.RowValidator#validate})
   * @param options how to partition, evolve, check and identify the write
   * @return the committed write, or the earlier one if its write id was committed before
   * @throws dev.tiering.schema.RowValidationException for a row that does not fit; nothing is
   *     written
   * @throws dev.tiering.schema.IncompatibleSchemaException if the options' policy does not allow
   *     the schema's differences from the table's
   * @throws IOException if the write or its commit fails; nothing is visible unless the message
   *     says the write is committed
   */
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
   * {@return an appender that gathers many small appends into few files} It spares the lake's disks
   * a commit per small write: rows are buffered in memory and committed periodically.
   *
   * @param schema the schema of the rows
   * @param options the options of every commit; without a write id
   * @param maxBytes commits once this many bytes are buffered; positive
   * @param maxAge commits once the oldest buffered row is this old; positive
   * @throws IllegalArgumentException if the options have a write id (it names one commit, an
   *     appender makes many), or a threshold is not positive
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

  /**
   * {@return the partition layout a table records in its sidecar, or empty for an unpartitioned
   * table} A partitioned table that records none is laid out {@code yyyy/MM/dd}.
   *
   * @param schema the table's schema, as its sidecar holds it
   */
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
    private MetricsListener metrics = MetricsListener.NONE;

    private Builder(PathResolver paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /**
     * Sets the storage to write to.
     *
     * @param value the storage; default local disks, or the provider of the lake's URI scheme
     * @return this builder
     */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /**
     * Sets how files are written.
     *
     * @param value the settings; default {@link WriterSettings#lake()}, zstd 5
     * @return this builder
     */
    public Builder settings(WriterSettings value) {
      this.settings = Objects.requireNonNull(value, "settings");
      return this;
    }

    /**
     * Sets the sidecar store, to share one with readers and other writers.
     *
     * @param value the store; default one on this writer's storage and clock
     * @return this builder
     */
    public Builder sidecars(SidecarStore value) {
      this.sidecars = Objects.requireNonNull(value, "sidecars");
      return this;
    }

    /**
     * Sets the clock for write dates and metric times.
     *
     * @param value the clock; default the system clock in UTC
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the time zone whose calendar days are the partitions.
     *
     * @param value the zone; default UTC, so partitions do not shift with the machine's zone
     * @return this builder
     */
    public Builder dateZone(ZoneId value) {
      this.dateZone = Objects.requireNonNull(value, "dateZone");
      return this;
    }

    /**
     * Sets the partition layout of new tables; a write to a table laid out otherwise is refused.
     *
     * @param value the layout; default {@code yyyy/MM/dd} ({@link PartitionLayout#DATE_PATH})
     * @return this builder
     */
    public Builder layout(PartitionLayout value) {
      this.layout = Objects.requireNonNull(value, "layout");
      return this;
    }

    /**
     * Partitions one write keeps files open for at once (default 8): memory is bounded by this
     * times a row group. A write spanning more days closes the least recently used file, and a
     * later row for that day starts another.
     *
     * @param value 1 to 1024
     * @return this builder
     * @throws IllegalArgumentException for a value out of range
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
     *
     * @param value the retention
     * @return this builder
     */
    public Builder commitRetention(CommitRetention value) {
      this.retention = Objects.requireNonNull(value, "retention");
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
     * Builds the writer.
     *
     * @return the writer
     * @throws IllegalStateException if no storage was set and no provider on the class path serves
     *     the lake's URI scheme
     */
    public LakeWriter build() {
      return new LakeWriter(this);
    }
  }
}
