package dev.tiering.parquet;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.metrics.FilePublished;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.OperationFailed;
import dev.tiering.core.metrics.internal.GuardedListener;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.schema.RowSchema;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes SLM intermediate results and cross-check files to the hot staging area: {@code
 * <hot>/staging/slm_{id}_{batch}.parquet} and {@code crosscheck_{id}_{batch}.parquet}, zstd level 3
 * by default. Staging files have no sidecar and no partitions. An SLM's intermediate file that
 * exists is not replaced unless {@link Builder#replaceExisting(boolean)} says so: a batch written
 * twice is usually a bug. A cross-check file is replaced: it is derived from the batch, and a
 * coordinator that processes a batch again (after a table failed) writes it again, with the same
 * content. Thread-safe; each opened writer is for one thread.
 */
public final class StagingWriter {

  private static final Logger log = LoggerFactory.getLogger(StagingWriter.class);

  /** What a staging file's row schema is called inside, where a table name is needed. */
  private static final dev.tiering.core.Zone STAGING_ZONE = dev.tiering.core.Zone.BRONZE;

  private static final String STAGING_TABLE = "staging";

  private final PathResolver paths;
  private final Storage storage;
  private final WriterSettings settings;
  private final boolean replaceExisting;
  private final StagingGuard guard;
  private final MetricsListener metrics;
  private final java.time.Clock clock;

  private StagingWriter(Builder b) {
    this.paths = b.paths;
    this.storage =
        (b.storage != null ? b.storage : Storage.forLayout(b.paths.layout()))
            .reportingFullTiers(b.paths.layout());
    this.settings = b.settings;
    this.replaceExisting = b.replaceExisting;
    this.guard = b.guard;
    this.metrics = GuardedListener.of(b.metrics);
    this.clock = b.clock;
  }

  /**
   * {@return a builder of a staging writer with the defaults (zstd 3, local disks)}
   *
   * @param paths where the staging area lies
   */
  public static Builder builder(PathResolver paths) {
    return new Builder(paths);
  }

  /**
   * Opens the intermediate result file of an SLM for a batch, as {@link #open} does.
   *
   * @param slm the model whose results these are
   * @param batch the batch they belong to
   * @param schema the file's columns; a date partitioning is dropped
   * @return the writer; the file appears when it commits
   * @throws FileAlreadyExistsException if the file exists and replacing is off
   * @throws IllegalStateException if a staging guard refuses the write
   * @throws IOException if the file cannot be created
   */
  public ParquetRowWriter openIntermediate(SlmId slm, BatchId batch, TableSchema schema)
      throws IOException {
    return open(StagingFile.intermediate(slm, batch), schema);
  }

  /**
   * Opens the cross-check file of an SLM for a batch, as {@link #open} does.
   *
   * @param slm the model whose results these are
   * @param batch the batch they belong to
   * @param schema the file's columns; a date partitioning is dropped
   * @return the writer; the file appears when it commits
   * @throws FileAlreadyExistsException if the file exists and replacing is off
   * @throws IllegalStateException if a staging guard refuses the write
   * @throws IOException if the file cannot be created
   */
  public ParquetRowWriter openCrosscheck(SlmId slm, BatchId batch, TableSchema schema)
      throws IOException {
    return open(StagingFile.crosscheck(slm, batch), schema);
  }

  /**
   * Opens the intermediate result file of an SLM for a batch, with columns only: a staging file
   * belongs to no lake table, so it needs no zone, table name or partitioning.
   *
   * @param slm the model whose results these are
   * @param batch the batch they belong to
   * @param columns the file's columns
   * @return the writer; the file appears when it commits
   * @throws FileAlreadyExistsException if the file exists and replacing is off
   * @throws IllegalStateException if a staging guard refuses the write
   * @throws IOException if the file cannot be created
   */
  public ParquetRowWriter openIntermediate(SlmId slm, BatchId batch, RowSchema columns)
      throws IOException {
    return open(StagingFile.intermediate(slm, batch), columns.asTable(STAGING_ZONE, STAGING_TABLE));
  }

  /**
   * Opens the cross-check file of an SLM for a batch, with columns only.
   *
   * @param slm the model whose results these are
   * @param batch the batch they belong to
   * @param columns the file's columns
   * @return the writer; the file appears when it commits
   * @throws FileAlreadyExistsException if the file exists and replacing is off
   * @throws IllegalStateException if a staging guard refuses the write
   * @throws IOException if the file cannot be created
   */
  public ParquetRowWriter openCrosscheck(SlmId slm, BatchId batch, RowSchema columns)
      throws IOException {
    return open(StagingFile.crosscheck(slm, batch), columns.asTable(STAGING_ZONE, STAGING_TABLE));
  }

  /**
   * Opens a staging file for writing; it appears only when the writer commits. Until the writer is
   * committed or closed, staging cleanup leaves the file's batch alone.
   *
   * @param file which staging file: kind, SLM and batch
   * @param schema the file's columns; a date partitioning is dropped
   * @return the writer; commit it, and close it in any case
   * @throws FileAlreadyExistsException if the file exists and replacing is off, before anything is
   *     written
   * @throws IllegalStateException if a staging guard refuses the write (hot tier too full)
   * @throws IOException if the file cannot be created
   */
  public ParquetRowWriter open(StagingFile file, TableSchema schema) throws IOException {
    Objects.requireNonNull(schema, "schema");
    // Read before anything is done, so that the write time includes creating the file.
    long started = GuardedListener.enabled(metrics) ? System.nanoTime() : 0;
    Path target = paths.stagingFile(file);
    if (guard != null) {
      guard.check(target);
    }
    // Held until the file is published or discarded: cleanup never takes a batch in writing. The
    // hold records when the batch was first written and last published, which cleanup goes by.
    StagingJanitor.Hold hold = StagingJanitor.holdBatch(paths, storage, file.batch(), clock);
    boolean replace = replaceExisting || file.kind() == dev.tiering.core.DataKind.CROSSCHECK;
    try {
      if (!replace && storage.stat(target).isPresent()) {
        throw new FileAlreadyExistsException(
            target.toString(),
            null,
            "staging file exists: "
                + file.kind()
                + " of SLM "
                + file.slm()
                + " for batch "
                + file.batch()
                + " was written before (use a new batch id, or replaceExisting(true) to rewrite it)");
      }
      TableSchema unpartitioned = schema.isDatePartitioned() ? withoutPartitions(schema) : schema;
      PendingFile pending =
          new HoldingPendingFile(
              storage.create(target, replace ? WriteMode.REPLACE : WriteMode.CREATE_NEW), hold);
      log.debug("Writing {} to {}", file, target);
      try {
        ParquetRowWriter writer =
            new ParquetRowWriter(
                pending,
                unpartitioned,
                settings,
                null,
                Footers.of(file.kind().id(), unpartitioned));
        writer.describedAs("staging file " + target.getFileName());
        if (GuardedListener.enabled(metrics)) {
          writer.reportTo(
              new Reporting(
                  metrics,
                  paths
                      .resolve(
                          new dev.tiering.core.routing.DataRef(
                              file.kind(), null, null, file.slm(), file.batch()))
                      .area(),
                  started));
        }
        return writer;
      } catch (IOException | RuntimeException e) {
        pending.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      hold.abandon();
      throw e;
    }
  }

  /**
   * Writes a whole intermediate result at once, as one file committed whole.
   *
   * @param slm the model whose results these are
   * @param batch the batch they belong to
   * @param schema the file's columns
   * @param rows the rows, by field name (see {@link dev.tiering.schema.RowValidator#validate})
   * @return the published file
   * @throws dev.tiering.schema.RowValidationException for a row that does not fit; nothing is
   *     written
   * @throws FileAlreadyExistsException if the file exists and replacing is off; nothing is written
   * @throws IllegalStateException if a staging guard refuses the write
   * @throws IOException if the file cannot be written; it does not appear
   */
  public WriteResult writeIntermediate(
      SlmId slm, BatchId batch, TableSchema schema, Iterable<? extends Map<String, ?>> rows)
      throws IOException {
    return write(StagingFile.intermediate(slm, batch), schema, rows);
  }

  /**
   * Writes records as an SLM's intermediate result (one file, committed whole): the columns are the
   * record's components (see {@link Column}).
   *
   * @param <T> the record type
   * @param slm the model whose results these are
   * @param batch the batch they belong to
   * @param type the record class
   * @param rows the rows
   * @return the published file
   * @throws IllegalArgumentException if the class cannot be mapped
   * @throws FileAlreadyExistsException if the file exists and replacing is off; nothing is written
   * @throws IllegalStateException if a staging guard refuses the write
   * @throws IOException if the file cannot be written; it does not appear
   */
  public <T extends Record> WriteResult writeIntermediate(
      SlmId slm, BatchId batch, Class<T> type, Iterable<? extends T> rows) throws IOException {
    return write(StagingFile.intermediate(slm, batch), type, rows);
  }

  /**
   * Writes records as an SLM's cross-check file (one file, committed whole).
   *
   * @param <T> the record type
   * @param slm the model whose results these are
   * @param batch the batch they belong to
   * @param type the record class, whose components are the columns (see {@link Column})
   * @param rows the rows
   * @return the published file
   * @throws IllegalArgumentException if the class cannot be mapped
   * @throws FileAlreadyExistsException if the file exists and replacing is off; nothing is written
   * @throws IllegalStateException if a staging guard refuses the write
   * @throws IOException if the file cannot be written; it does not appear
   */
  public <T extends Record> WriteResult writeCrosscheck(
      SlmId slm, BatchId batch, Class<T> type, Iterable<? extends T> rows) throws IOException {
    return write(StagingFile.crosscheck(slm, batch), type, rows);
  }

  private <T extends Record> WriteResult write(
      StagingFile file, Class<T> type, Iterable<? extends T> rows) throws IOException {
    RecordMapping<T> mapping = RecordMapping.of(type);
    try (ParquetRowWriter writer = open(file, mapping.stagingSchema())) {
      for (T row : rows) {
        mapping.write(writer, row);
      }
      return writer.commit();
    }
  }

  /**
   * Reads back every SLM's intermediate result of a batch, as records, SLM after SLM. Columns are
   * found by name; the stream must be closed. It reads whichever SLMs have committed their file: a
   * coordinator that may start before its jobs finish uses {@link #readBatch(BatchId, Class,
   * Collection)}, which refuses a batch that lacks an expected SLM.
   *
   * <pre>{@code
   * try (Stream<Prediction> all = staging.readBatch(BatchId.of("b42"), Prediction.class)) { ... }
   * }</pre>
   *
   * @param <T> the record type
   * @param batch the batch to read
   * @param type the record class
   * @return the rows, by SLM id; empty if the batch has no files; close the stream
   * @throws IllegalArgumentException if the class cannot be mapped, or a component names a column
   *     that no file of the batch has
   * @throws IOException if the staging area cannot be listed or a file cannot be read
   */
  public <T extends Record> java.util.stream.Stream<T> readBatch(BatchId batch, Class<T> type)
      throws IOException {
    return read(batch, type, batchFiles(batch));
  }

  /**
   * Reads back the intermediate results of exactly the SLMs a coordinator expects, as records, SLM
   * after SLM: what a coordinator aggregates. A batch that lacks the file of an expected SLM (its
   * job has not committed yet, or failed) or has a file of another SLM is refused before anything
   * is read, so a coordinator never aggregates, commits and cleans up part of a batch.
   *
   * <pre>{@code
   * try (Stream<Prediction> all =
   *     staging.readBatch(BatchId.of("b42"), Prediction.class, SlmId.range(0, 7))) { ... }
   * }</pre>
   *
   * @param <T> the record type
   * @param batch the batch to read
   * @param type the record class
   * @param expected the SLMs whose files the batch must have, and the only ones it may have
   * @return the rows, by SLM id; close the stream
   * @throws IncompleteBatchException if an expected SLM has no file in the batch, or another SLM
   *     has one; nothing is read
   * @throws IllegalArgumentException if {@code expected} is empty, the class cannot be mapped, or a
   *     component names a column that no file of the batch has
   * @throws IOException if the staging area cannot be listed or a file cannot be read
   */
  public <T extends Record> java.util.stream.Stream<T> readBatch(
      BatchId batch, Class<T> type, Collection<SlmId> expected) throws IOException {
    return read(batch, type, expectedFiles(batch, expected));
  }

  private <T extends Record> java.util.stream.Stream<T> read(
      BatchId batch, Class<T> type, java.util.SortedMap<Integer, Path> files) throws IOException {
    RecordMapping<T> mapping = RecordMapping.of(type);
    // A column of the record that no file of the batch has is a misnamed component, not a
    // column every row lacks: refused, or every row would read it as null.
    java.util.Set<String> present = new java.util.HashSet<>();
    for (Path file : files.values()) {
      present.addAll(FileFooter.read(storage, file).columns());
    }
    for (dev.tiering.schema.Field field : mapping.fields()) {
      if (!files.isEmpty() && !present.contains(field.name())) {
        throw new IllegalArgumentException(
            "Cannot read batch "
                + batch
                + " as "
                + type.getSimpleName()
                + ": no file of it has a column '"
                + field.name()
                + "' (its columns: "
                + new java.util.TreeSet<>(present)
                + "; name the component"
                + " after one, or annotate it @Column(name = ...))");
      }
    }
    return mapping.stream(
        ColumnarReader.open(
            storage,
            List.copyOf(files.values()),
            mapping.stagingSchema(),
            ColumnarReader.Options.defaults().columns(mapping.columnNames())));
  }

  /**
   * Reads every SLM's intermediate result of a batch column by column, a batch at a time, SLM after
   * SLM: the fast way for a coordinator to aggregate a batch.
   *
   * @param batch the batch to read
   * @param columns the columns to read the files as (by name; a nullable column a file lacks reads
   *     as nulls)
   * @param options which of those columns to read, a range to skip row groups by, and the decoding
   *     threads
   * @return the reader; no batch if the batch has no files; close it
   * @throws IllegalArgumentException if an option names a column {@code columns} lacks
   * @throws IOException if the staging area cannot be listed
   */
  public ColumnarReader readBatchColumns(
      BatchId batch, RowSchema columns, ColumnarReader.Options options) throws IOException {
    return readColumns(batchFiles(batch), columns, options);
  }

  /**
   * Reads the intermediate results of exactly the SLMs a coordinator expects, column by column (see
   * {@link #readBatch(BatchId, Class, Collection)} for what is refused, and {@link
   * #readBatchColumns(BatchId, RowSchema, ColumnarReader.Options)} for the columns and options).
   *
   * @param batch the batch to read
   * @param expected the SLMs whose files the batch must have, and the only ones it may have
   * @param columns the columns to read the files as
   * @param options which of those columns to read, a range, and the decoding threads
   * @return the reader; close it
   * @throws IncompleteBatchException if an expected SLM has no file in the batch, or another SLM
   *     has one; nothing is read
   * @throws IllegalArgumentException if {@code expected} is empty, or an option names a column
   *     {@code columns} lacks
   * @throws IOException if the staging area cannot be listed
   */
  public ColumnarReader readBatchColumns(
      BatchId batch, Collection<SlmId> expected, RowSchema columns, ColumnarReader.Options options)
      throws IOException {
    return readColumns(expectedFiles(batch, expected), columns, options);
  }

  private ColumnarReader readColumns(
      java.util.SortedMap<Integer, Path> files, RowSchema columns, ColumnarReader.Options options)
      throws IOException {
    TableSchema schema = columns.asTable(STAGING_ZONE, STAGING_TABLE);
    options.fieldsOf(schema);
    return ColumnarReader.open(storage, List.copyOf(files.values()), schema, options);
  }

  /**
   * The intermediate files of a batch, by SLM id: exactly those of {@code expected}, or refused.
   */
  private java.util.SortedMap<Integer, Path> expectedFiles(
      BatchId batch, Collection<SlmId> expected) throws IOException {
    java.util.SortedSet<Integer> wanted = new java.util.TreeSet<>();
    for (SlmId slm : Objects.requireNonNull(expected, "expected")) {
      wanted.add(Objects.requireNonNull(slm, "expected SLM").value());
    }
    if (wanted.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot read batch " + batch + " expecting no SLMs (name the SLMs whose jobs write it)");
    }
    java.util.SortedMap<Integer, Path> files = batchFiles(batch);
    List<SlmId> missing =
        wanted.stream().filter(slm -> !files.containsKey(slm)).map(SlmId::of).toList();
    List<SlmId> unexpected =
        files.keySet().stream().filter(slm -> !wanted.contains(slm)).map(SlmId::of).toList();
    if (!missing.isEmpty() || !unexpected.isEmpty()) {
      throw new IncompleteBatchException(
          batch, wanted.stream().map(SlmId::of).toList(), missing, unexpected);
    }
    return files;
  }

  /** The intermediate files of a batch, by SLM id. */
  private java.util.SortedMap<Integer, Path> batchFiles(BatchId batch) throws IOException {
    java.util.TreeMap<Integer, Path> files = new java.util.TreeMap<>();
    for (dev.tiering.core.storage.FileEntry entry :
        storage.list(paths.areaRoot(dev.tiering.core.Area.STAGING))) {
      if (entry.isFile()) {
        StagingFile.parse(entry.name())
            .filter(
                f -> f.kind() == dev.tiering.core.DataKind.INTERMEDIATE && f.batch().equals(batch))
            .ifPresent(f -> files.put(f.slm().value(), entry.path()));
      }
    }
    return files;
  }

  /**
   * Writes a whole cross-check file at once, as one file committed whole.
   *
   * @param slm the model whose results these are
   * @param batch the batch they belong to
   * @param schema the file's columns
   * @param rows the rows, by field name (see {@link dev.tiering.schema.RowValidator#validate})
   * @return the published file
   * @throws dev.tiering.schema.RowValidationException for a row that does not fit; nothing is
   *     written
   * @throws FileAlreadyExistsException if the file exists and replacing is off; nothing is written
   * @throws IllegalStateException if a staging guard refuses the write
   * @throws IOException if the file cannot be written; it does not appear
   */
  public WriteResult writeCrosscheck(
      SlmId slm, BatchId batch, TableSchema schema, Iterable<? extends Map<String, ?>> rows)
      throws IOException {
    return write(StagingFile.crosscheck(slm, batch), schema, rows);
  }

  private WriteResult write(
      StagingFile file, TableSchema schema, Iterable<? extends Map<String, ?>> rows)
      throws IOException {
    try (ParquetRowWriter writer = open(file, schema)) {
      for (Map<String, ?> row : rows) {
        writer.write(row);
      }
      return writer.commit();
    }
  }

  /** Staging files are not partitioned; a date-partitioned table schema is written without it. */
  static TableSchema withoutPartitions(TableSchema schema) {
    return new TableSchema(
        schema.table(),
        schema.zone(),
        schema.version(),
        schema.createdAt(),
        schema.fields(),
        List.of(),
        schema.extras(),
        schema.schemaExtras());
  }

  /** Sends a staging file's commit to the metrics listener. */
  private record Reporting(MetricsListener metrics, dev.tiering.core.Area area, long startedNanos)
      implements ParquetRowWriter.Outcome {

    @Override
    public void published(WriteResult result) {
      metrics.filePublished(
          new FilePublished(
              area,
              "",
              result.file(),
              result.rows(),
              result.bytes(),
              java.time.Duration.ofNanos(System.nanoTime() - startedNanos)));
    }

    @Override
    public void failed(Exception error) {
      metrics.operationFailed(OperationFailed.of("staging write", error));
    }
  }

  /** Builds a {@link StagingWriter}. */
  public static final class Builder {
    private final PathResolver paths;
    private Storage storage;
    private WriterSettings settings = WriterSettings.staging();
    private boolean replaceExisting;
    private StagingGuard guard;
    private MetricsListener metrics = MetricsListener.NONE;
    private java.time.Clock clock = java.time.Clock.systemUTC();

    private Builder(PathResolver paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /**
     * Sets the storage to write to.
     *
     * @param value the storage; default local disks
     * @return this builder
     */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /**
     * Sets how files are written.
     *
     * @param value the settings; default {@link WriterSettings#staging()}, zstd 3
     * @return this builder
     */
    public Builder settings(WriterSettings value) {
      this.settings = Objects.requireNonNull(value, "settings");
      return this;
    }

    /**
     * Sets whether an existing staging file may be replaced.
     *
     * @param value true to replace; default false, so a batch written twice is refused
     * @return this builder
     */
    public Builder replaceExisting(boolean value) {
      this.replaceExisting = value;
      return this;
    }

    /**
     * Sets a check run before every new staging file, e.g. a hot-tier fullness guard.
     *
     * @param value the check, or null for none (the default)
     * @return this builder
     */
    public Builder guard(StagingGuard value) {
      this.guard = value;
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
     * Sets the clock by which each batch's first write and last publish are recorded in staging
     * (see {@link StagingJanitor#holdBatch(PathResolver, Storage, BatchId, java.time.Clock)}).
     *
     * @param value the clock; default the system clock in UTC
     * @return this builder
     */
    public Builder clock(java.time.Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Builds the writer.
     *
     * @return the writer
     */
    public StagingWriter build() {
      return new StagingWriter(this);
    }
  }
}
