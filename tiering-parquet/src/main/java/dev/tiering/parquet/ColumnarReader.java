package dev.tiering.parquet;

import dev.tiering.core.storage.Storage;
import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Reads Parquet files in batches of rows, column by column, into primitive arrays ({@link
 * ColumnBatch}): the fast way to scan many rows. Only the columns asked for are read; row groups
 * whose statistics show no value in a time or date range are skipped without being read; the
 * columns of a row group are decoded in parallel.
 *
 * <pre>{@code
 * ColumnarReader.Options only = ColumnarReader.Options.defaults().columns("label", "score");
 * try (ColumnarReader reader = ColumnarReader.open(storage, files, schema, only)) {
 *   for (ColumnBatch batch; (batch = reader.next()) != null; ) {
 *     double[] score = batch.doubles("score");
 *     ...
 *   }
 * }
 * }</pre>
 *
 * <p>Files are matched to the schema as {@link ParquetRowReader} does: by column name, a nullable
 * column a file lacks reads as nulls, int32 widens to int64 and float32 to float64. One batch is
 * decoded at a time (at most {@link Options#batchRows} rows; a larger row group comes in several),
 * besides the batches the caller keeps, and the compressed row group it comes from. Not
 * thread-safe.
 */
public final class ColumnarReader implements AutoCloseable {

  /** Decoding threads, shared by every reader and let go after 30 s idle. */
  private static final ExecutorService DECODERS =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          task -> {
            Thread thread = new Thread(task, "tiering-decode");
            thread.setDaemon(true);
            return thread;
          });

  private final ParquetRowReader.FileSource source;
  private final TableSchema schema;
  private final List<Field> wanted;
  private final Options options;
  private ParquetFileReader reader;
  private Path current;
  private FileColumns columns;
  private Map<String, ColumnDescriptor> descriptors;
  private List<BlockMetaData> groups;
  private int nextGroup;
  private PageDecoder[] decoders;
  private long groupRowsLeft;
  private LocalDate groupDay;
  private long groupsRead;
  private long groupsSkipped;
  private boolean closed;

  private ColumnarReader(ParquetRowReader.FileSource source, TableSchema schema, Options options) {
    this.source = Objects.requireNonNull(source, "source");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.options = Objects.requireNonNull(options, "options");
    this.wanted = options.fieldsOf(schema);
  }

  /**
   * Reads every column of one local file.
   *
   * @param file the Parquet file
   * @param schema the schema to read it as
   * @return the reader; close it
   */
  public static ColumnarReader open(Path file, TableSchema schema) {
    return open(Storage.local(), List.of(file), schema, Options.defaults());
  }

  /**
   * Reads files one after the other, each opened when the reader reaches it.
   *
   * @param storage the files' storage
   * @param files the Parquet files, in reading order; copied
   * @param schema the schema to read them as
   * @param options the columns, a range to skip row groups by, and the decoding threads
   * @return the reader; close it
   * @throws IllegalArgumentException if an option names a column the schema lacks, or a range
   *     column of another type; nothing is opened
   */
  public static ColumnarReader open(
      Storage storage, List<Path> files, TableSchema schema, Options options) {
    Objects.requireNonNull(storage, "storage");
    return open(ParquetRowReader.listSource(storage, files, Map.of()), schema, options);
  }

  static ColumnarReader open(
      ParquetRowReader.FileSource source, TableSchema schema, Options options) {
    return new ColumnarReader(source, schema, options);
  }

  /** {@return the columns each batch holds, in order} */
  public List<Field> fields() {
    return wanted;
  }

  /** {@return how many row groups were read so far} */
  public long rowGroupsRead() {
    return groupsRead;
  }

  /** {@return how many row groups were skipped so far, their statistics being out of range} */
  public long rowGroupsSkipped() {
    return groupsSkipped;
  }

  /**
   * Reads the next batch of rows.
   *
   * @return its rows, or null when every file is read
   * @throws CorruptFileException naming the file if it is truncated, damaged, or does not hold the
   *     schema's columns
   * @throws IOException if a file cannot be read
   * @throws IllegalStateException if the reader is closed
   */
  public ColumnBatch next() throws IOException {
    if (closed) {
      throw new IllegalStateException("This reader is closed (open a new one to read again)");
    }
    try {
      return advance();
    } catch (IOException | RuntimeException e) {
      if (current == null) {
        throw e;
      }
      throw CorruptFileException.of(current, e);
    }
  }

  private ColumnBatch advance() throws IOException {
    while (true) {
      if (decoders != null) {
        if (groupRowsLeft > 0) {
          return nextBatch();
        }
        for (PageDecoder decoder : decoders) {
          if (decoder != null) {
            decoder.finish();
          }
        }
        decoders = null;
      }
      if (reader == null && !openNext()) {
        return null;
      }
      if (nextGroup >= groups.size()) {
        closeFile();
        continue;
      }
      BlockMetaData group = groups.get(nextGroup++);
      if (group.getRowCount() == 0 || outOfRange(group)) {
        reader.skipNextRowGroup();
        if (group.getRowCount() > 0) {
          groupsSkipped++;
        }
        continue;
      }
      PageReadStore pages = reader.readNextRowGroup();
      if (pages == null) {
        closeFile();
        continue;
      }
      groupsRead++;
      startGroup(pages);
    }
  }

  private boolean openNext() throws IOException {
    current = null;
    StorageInputFile input = source.next();
    if (input == null) {
      return false;
    }
    current = input.path();
    ParquetReadOptions readOptions =
        ParquetReadOptions.builder(new PlainParquetConfiguration())
            .withCodecFactory(ZstdCodecs.forConcurrentReads(WriterSettings.STAGING_LEVEL))
            .usePageChecksumVerification(true)
            .build();
    try {
      reader = ParquetFileReader.open(input, readOptions);
    } catch (IOException | RuntimeException e) {
      input.unpin();
      throw e;
    }
    MessageType fileSchema = reader.getFooter().getFileMetaData().getSchema();
    columns = FileColumns.resolve(current, fileSchema, schema, wanted, false, true);
    reader.setRequestedSchema(columns.projection);
    descriptors = new HashMap<>();
    for (ColumnDescriptor descriptor : columns.projection.getColumns()) {
      descriptors.put(descriptor.getPath()[0], descriptor);
    }
    groups = reader.getRowGroups();
    nextGroup = 0;
    return true;
  }

  /** True if the group's statistics show it holds no value in the range: it is not read. */
  private boolean outOfRange(BlockMetaData group) {
    if (options.rangeColumn == null) {
      return false;
    }
    for (ColumnChunkMetaData chunk : group.getColumns()) {
      if (chunk.getPath().size() != 1
          || !chunk.getPath().toArray()[0].equals(options.rangeColumn)) {
        continue;
      }
      PrimitiveType type = chunk.getPrimitiveType();
      if (!rangeUnits(type, options.rangeIsDate)) {
        return false;
      }
      Statistics<?> stats = chunk.getStatistics();
      if (stats == null || stats.isEmpty() || !stats.hasNonNullValue()) {
        return false;
      }
      long min = ((Number) stats.genericGetMin()).longValue();
      long max = ((Number) stats.genericGetMax()).longValue();
      return max < options.rangeFrom || min > options.rangeTo;
    }
    return false;
  }

  /** Only statistics in the range's own units may prune: microsecond timestamps, or dates. */
  private static boolean rangeUnits(PrimitiveType type, boolean date) {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    if (date) {
      return type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT32
          && logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation;
    }
    return type.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64
        && logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t
        && t.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS;
  }

  /** Sets up a decoder per column of a row group; its rows are then read batch by batch. */
  private void startGroup(PageReadStore pages) throws IOException {
    long rows = pages.getRowCount();
    decoders = new PageDecoder[wanted.size()];
    for (int i = 0; i < decoders.length; i++) {
      FieldType stored = columns.stored[i];
      if (stored != null) {
        ColumnDescriptor descriptor = descriptors.get(wanted.get(i).name());
        decoders[i] =
            new PageDecoder(
                descriptor,
                pages.getPageReader(descriptor),
                wanted.get(i).type().kind(),
                stored,
                rows);
      }
    }
    groupRowsLeft = rows;
    groupDay = null;
    if (columns.hasDate && rows > 0) {
      ColumnDescriptor date = descriptors.get(TableSchema.DATE_PARTITION);
      int[] first = new int[1];
      boolean[] none = date.getMaxDefinitionLevel() == 0 ? null : new boolean[1];
      boolean isNull =
          new PageDecoder(
                  date, pages.getPageReader(date), FieldType.Kind.DATE, FieldType.DATE, rows)
              .fill(first, none, 1);
      groupDay = isNull ? null : LocalDate.ofEpochDay(first[0]);
    }
  }

  /** The row group's next rows, at most {@code batchRows}, decoded column by column. */
  private ColumnBatch nextBatch() throws IOException {
    int rows = (int) Math.min(options.batchRows, groupRowsLeft);
    int n = wanted.size();
    Object[] values = new Object[n];
    boolean[][] nulls = new boolean[n][];
    List<Runnable> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Object out = empty(wanted.get(i).type().kind(), rows);
      values[i] = out;
      PageDecoder decoder = decoders[i];
      if (decoder == null) {
        nulls[i] = new boolean[rows];
        java.util.Arrays.fill(nulls[i], true);
        continue;
      }
      boolean[] mask = columns.maxDefinition[i] == 0 ? null : new boolean[rows];
      int at = i;
      tasks.add(
          () -> {
            try {
              if (decoder.fill(out, mask, rows)) {
                nulls[at] = mask;
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    run(tasks);
    groupRowsLeft -= rows;
    return new ColumnBatch(wanted, rows, values, nulls, current, groupDay);
  }

  /** Runs the column tasks on up to {@code threads} threads, this one included. */
  private void run(List<Runnable> tasks) throws IOException {
    int helpers = Math.min(options.threads, tasks.size()) - 1;
    if (helpers <= 0) {
      try {
        tasks.forEach(Runnable::run);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker =
        () -> {
          for (int t; (t = next.getAndIncrement()) < tasks.size(); ) {
            tasks.get(t).run();
          }
        };
    List<Future<?>> running = new ArrayList<>(helpers);
    for (int h = 0; h < helpers; h++) {
      running.add(DECODERS.submit(worker));
    }
    Throwable failure = null;
    try {
      worker.run();
    } catch (RuntimeException | Error e) {
      // Helpers decode from this reader's file: wait for them before anything can close it.
      failure = e;
      next.set(tasks.size());
    }
    boolean interrupted = false;
    for (Future<?> helper : running) {
      while (true) {
        try {
          helper.get();
          break;
        } catch (InterruptedException e) {
          // The helpers use this reader's file: they must be done before it can be closed.
          interrupted = true;
        } catch (ExecutionException e) {
          if (failure == null) {
            failure =
                e.getCause() instanceof RuntimeException || e.getCause() instanceof Error
                    ? e.getCause()
                    : new IllegalStateException(e.getCause());
          }
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof UncheckedIOException io) {
      throw io.getCause();
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure != null) {
      throw (RuntimeException) failure;
    }
  }

  static Object empty(FieldType.Kind kind, int rows) {
    return switch (kind) {
      case INT64, TIMESTAMP -> new long[rows];
      case INT32, DATE -> new int[rows];
      case FLOAT64 -> new double[rows];
      case FLOAT32 -> new float[rows];
      case BOOLEAN -> new boolean[rows];
      case STRING -> new String[rows];
      case BINARY -> new byte[rows][];
      case DECIMAL -> new BigDecimal[rows];
    };
  }

  private void closeFile() throws IOException {
    ParquetFileReader open = reader;
    reader = null;
    current = null;
    if (open != null) {
      open.close();
    }
  }

  /** Closes the file being read and lets go of those not read yet. Idempotent. */
  @Override
  public void close() throws IOException {
    closed = true;
    try {
      closeFile();
    } finally {
      source.close();
    }
  }

  /**
   * What a columnar reader reads: which columns, a range whose row groups alone are read, and how
   * many threads decode. Immutable; every method returns a new instance.
   */
  public static final class Options {
    private static final int MAX_THREADS = 64;

    /** Rows per batch by default: about 8 MiB decoded for a table of a few numeric columns. */
    public static final int DEFAULT_BATCH_ROWS = 1 << 18;

    private final List<String> columns;
    private final String rangeColumn;
    private final boolean rangeIsDate;
    private final long rangeFrom;
    private final long rangeTo;
    private final int threads;
    private final int batchRows;

    private Options(
        List<String> columns,
        String rangeColumn,
        boolean rangeIsDate,
        long rangeFrom,
        long rangeTo,
        int threads,
        int batchRows) {
      this.columns = columns;
      this.rangeColumn = rangeColumn;
      this.rangeIsDate = rangeIsDate;
      this.rangeFrom = rangeFrom;
      this.rangeTo = rangeTo;
      this.threads = threads;
      this.batchRows = batchRows;
    }

    /**
     * {@return every column, every row group, decoded on up to as many threads as there are
     * processors (at most 4)}
     */
    public static Options defaults() {
      return new Options(
          null,
          null,
          false,
          0,
          0,
          Math.min(4, Runtime.getRuntime().availableProcessors()),
          DEFAULT_BATCH_ROWS);
    }

    /**
     * {@return these options reading only the named columns, in this order}
     *
     * @param names the columns; each must be in the schema, once
     * @throws IllegalArgumentException if none or a repeated name is given
     */
    public Options columns(String... names) {
      Set<String> unique = new LinkedHashSet<>(List.of(names));
      if (names.length == 0 || unique.size() != names.length) {
        throw new IllegalArgumentException(
            "Invalid columns "
                + List.of(names)
                + " (name at least one column, each once; leave columns out to read them all)");
      }
      return new Options(
          List.copyOf(unique), rangeColumn, rangeIsDate, rangeFrom, rangeTo, threads, batchRows);
    }

    /**
     * {@return these options skipping row groups whose statistics show no value of a timestamp
     * column from {@code from} to {@code to}, both inclusive} Rows of the groups that are read are
     * all returned, in range or not: filter them if you need exactly the range.
     *
     * @param column a timestamp column
     * @param from the first instant, inclusive
     * @param to the last instant, inclusive
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     */
    public Options timeRange(String column, Instant from, Instant to) {
      Objects.requireNonNull(column, "column");
      if (from.isAfter(to)) {
        throw new IllegalArgumentException(
            "Invalid time range " + from + " to " + to + " (from must not be after to)");
      }
      return new Options(columns, column, false, micros(from), micros(to), threads, batchRows);
    }

    /**
     * {@return these options skipping row groups whose statistics show no day of a date column from
     * {@code from} to {@code to}, both inclusive} The partition {@code date} column of
     * date-partitioned lake files may be named too. Rows of the groups that are read are all
     * returned.
     *
     * @param column a date column, or {@code date}
     * @param from the first day, inclusive
     * @param to the last day, inclusive
     * @throws IllegalArgumentException if {@code from} is after {@code to}
     */
    public Options dateRange(String column, LocalDate from, LocalDate to) {
      Objects.requireNonNull(column, "column");
      if (from.isAfter(to)) {
        throw new IllegalArgumentException(
            "Invalid date range " + from + " to " + to + " (from must not be after to)");
      }
      return new Options(
          columns, column, true, from.toEpochDay(), to.toEpochDay(), threads, batchRows);
    }

    /**
     * {@return these options decoding on at most {@code threads} threads, the caller's included}
     * One decodes on the calling thread only, for jobs that already use every core.
     *
     * @param threads 1 to 64
     * @throws IllegalArgumentException if out of range
     */
    public Options threads(int threads) {
      if (threads < 1 || threads > MAX_THREADS) {
        throw new IllegalArgumentException(
            "Invalid decoding threads " + threads + " (use 1 to " + MAX_THREADS + ")");
      }
      return new Options(columns, rangeColumn, rangeIsDate, rangeFrom, rangeTo, threads, batchRows);
    }

    /**
     * {@return these options returning at most {@code rows} rows per batch} A row group larger than
     * that comes in several batches, so that a reader holds one batch decoded whatever the size of
     * the files' row groups.
     *
     * @param rows 1 to 2^30
     * @throws IllegalArgumentException if out of range
     */
    public Options batchRows(int rows) {
      if (rows < 1 || rows > 1 << 30) {
        throw new IllegalArgumentException(
            "Invalid batch size " + rows + " rows (use 1 to " + (1 << 30) + ")");
      }
      return new Options(columns, rangeColumn, rangeIsDate, rangeFrom, rangeTo, threads, rows);
    }

    /**
     * Microseconds since the epoch, rounded down (which keeps every row of a range: a stored value
     * is whole microseconds); saturated only where microseconds no longer fit a long, so that
     * Instant.MIN and MAX mean unbounded. (ChronoUnit.MICROS.between goes through nanoseconds and
     * overflows beyond 1677 to 2262.)
     */
    private static long micros(Instant at) {
      try {
        long second = at.getEpochSecond();
        long micro = at.getNano() / 1000;
        // Before the epoch, count from the next second down: in the lowest second of the range,
        // the floored second times a million overflows although the instant fits.
        return second < 0 && micro > 0
            ? Math.addExact(Math.multiplyExact(second + 1, 1_000_000L), micro - 1_000_000L)
            : Math.addExact(Math.multiplyExact(second, 1_000_000L), micro);
      } catch (ArithmeticException beyondLong) {
        return at.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }

    /** The schema's fields these options read, checked against it. */
    List<Field> fieldsOf(TableSchema schema) {
      if (rangeColumn != null) {
        boolean partitionDate =
            rangeIsDate
                && rangeColumn.equals(TableSchema.DATE_PARTITION)
                && schema.field(rangeColumn).isEmpty();
        FieldType.Kind kind = schema.field(rangeColumn).map(f -> f.type().kind()).orElse(null);
        FieldType.Kind expected = rangeIsDate ? FieldType.Kind.DATE : FieldType.Kind.TIMESTAMP;
        if (!partitionDate && kind != expected) {
          throw new IllegalArgumentException(
              "Cannot skip row groups by column '"
                  + rangeColumn
                  + "' of "
                  + schema.qualifiedName()
                  + ": it is "
                  + (kind == null
                      ? "not in the schema"
                      : kind.name().toLowerCase(java.util.Locale.ROOT))
                  + " (a "
                  + (rangeIsDate ? "dateRange needs a date" : "timeRange needs a timestamp")
                  + " column)");
        }
      }
      if (columns == null) {
        return schema.fields();
      }
      List<Field> fields = new ArrayList<>(columns.size());
      for (String name : columns) {
        fields.add(
            schema
                .field(name)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "No column '"
                                + name
                                + "' in "
                                + schema.qualifiedName()
                                + " (its columns: "
                                + schema.fields().stream().map(Field::name).toList()
                                + ")")));
      }
      return List.copyOf(fields);
    }

    @Override
    public String toString() {
      return "columns "
          + (columns == null ? "all" : columns)
          + (rangeColumn == null
              ? ""
              : ", row groups by "
                  + rangeColumn
                  + " "
                  + (rangeIsDate
                      ? LocalDate.ofEpochDay(rangeFrom) + " to " + LocalDate.ofEpochDay(rangeTo)
                      : Instant.EPOCH.plus(rangeFrom, ChronoUnit.MICROS)
                          + " to "
                          + Instant.EPOCH.plus(rangeTo, ChronoUnit.MICROS)))
          + ", "
          + threads
          + " thread(s), batches of at most "
          + batchRows
          + " rows";
    }
  }
}
