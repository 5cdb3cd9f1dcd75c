package dev.tiering.parquet;

import dev.tiering.core.storage.PendingFile;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one Parquet file below the record layer: rows are copied into column batches (up to
 * {@value #BATCH_ROWS} rows), and each full batch is encoded column by column, every column by its
 * own {@link ColumnChunkEncoder} and compressor. With an executor, idle pool threads encode a full
 * batch while the writing thread fills the next one, then joins in; so one writer uses every core
 * while many writers share them. Row groups are cut when the encoded columns hold {@link
 * WriterSettings#rowGroupBytes()}, or at {@link WriterSettings#rowGroupRows()} rows; memory stays
 * at about one row group plus two batches whatever the file size.
 *
 * <p>Not thread-safe: one thread appends rows; the encoding threads are managed inside.
 */
final class ColumnarFileWriter {

  static final int BATCH_ROWS = 16 * 1024;

  /** First batch capacity: files that get few rows (many partitions, tiny tables) stay cheap. */
  private static final int FIRST_BATCH_ROWS = 256;

  private final PendingFile pending;
  private final MessageType fileSchema;
  private final ParquetProperties properties;
  private final ZstdCodecs codecs;
  private final Executor encoders;
  private final long rowGroupBytes;
  private final int rowGroupRows;

  /** The most bytes of values a batch holds: a row group's, at most 16 pages'. */
  private final long batchBytes;

  /** Bytes a row takes in a batch besides its strings, bytes and decimals. */
  private final int fixedRowBytes;

  private final Map<String, String> footer;
  private final ParquetFileWriter fileWriter;
  private final Column[] columns;

  /** The value of the trailing {@code date} column of date-partitioned tables. */
  private final int dateDay;

  private ColumnChunkPageWriteStore pages;

  /** The batch rows are copied into. */
  private Batch filling;

  /** The batch being encoded, or null. */
  private ColumnJob encoding;

  /** The batch neither filling nor being encoded, once there are two; else null. */
  private Batch spare;

  /** Rows handed to the encoders for the current row group, the batch being encoded included. */
  private long groupRows;

  /**
   * Whether the batch being encoded completes the row group at the row cap: the batch filling then
   * belongs to the next group, which is cut once the encoding is complete.
   */
  private boolean groupComplete;

  private long rows;
  private long bufferedBytes;
  private boolean finished;

  ColumnarFileWriter(
      PendingFile pending,
      TableSchema schema,
      WriterSettings settings,
      Integer partitionDay,
      Map<String, String> footer)
      throws IOException {
    this.pending = pending;
    this.fileSchema = ParquetSchemas.toMessageType(schema);
    if (schema.isDatePartitioned() && partitionDay == null) {
      throw new IllegalArgumentException(
          "Table "
              + schema.qualifiedName()
              + " is partitioned by date, so its files need a partition date");
    }
    this.dateDay = partitionDay == null ? 0 : partitionDay;
    this.properties = properties(fileSchema, settings, true);
    ParquetProperties plainProperties = properties(fileSchema, settings, false);
    this.codecs = new ZstdCodecs(settings.compressionLevel());
    this.encoders = settings.encoders();
    this.rowGroupBytes = settings.rowGroupBytes();
    this.rowGroupRows = settings.rowGroupRows();
    this.batchBytes = Math.min(rowGroupBytes, 16L * settings.pageBytes());
    this.footer = Map.copyOf(footer);
    List<ColumnDescriptor> descriptors = fileSchema.getColumns();
    this.columns = new Column[descriptors.size()];
    for (int c = 0; c < columns.length; c++) {
      boolean partitionDate = c == schema.fields().size();
      FieldType type = partitionDate ? FieldType.DATE : schema.fields().get(c).type();
      columns[c] =
          new Column(
              new ColumnChunkEncoder(
                  descriptors.get(c), properties, plainProperties, settings.pageBytes()),
              descriptors.get(c),
              c,
              type,
              partitionDate);
    }
    int fixed = 0;
    for (Column column : columns) {
      fixed += column.byReference ? 5 : 9;
    }
    this.fixedRowBytes = fixed;
    this.filling = new Batch(columns, FIRST_BATCH_ROWS);
    this.fileWriter =
        new ParquetFileWriter(
            new PendingOutputFile(pending),
            fileSchema,
            ParquetFileWriter.Mode.CREATE,
            rowGroupBytes,
            0,
            null,
            properties);
    fileWriter.start();
    startRowGroup();
  }

  /**
   * The file's Parquet properties; with {@code dictionaries} false, every dictionary is off, which
   * gives the values writers a column uses without one.
   */
  private static ParquetProperties properties(
      MessageType fileSchema, WriterSettings settings, boolean dictionaries) {
    ParquetProperties.Builder builder =
        ParquetProperties.builder()
            .withPageSize(settings.pageBytes())
            .withDictionaryPageSize(settings.pageBytes())
            .withWriterVersion(
                settings.pageV2()
                    ? ParquetProperties.WriterVersion.PARQUET_2_0
                    : ParquetProperties.WriterVersion.PARQUET_1_0)
            .withAllocator(new HeapByteBufferAllocator())
            .withStatisticsEnabled(true)
            .withBloomFilterEnabled(false);
    for (org.apache.parquet.schema.Type column : fileSchema.getFields()) {
      boolean timestamp =
          column.getLogicalTypeAnnotation()
              instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
      builder.withDictionaryEncoding(
          column.getName(),
          dictionaries
              && settings.dictionaryOverrides().getOrDefault(column.getName(), !timestamp));
    }
    return builder.build();
  }

  private void startRowGroup() {
    pages =
        ColumnChunkPageWriteStore.builder()
            .withSchema(fileSchema)
            .withCompressorProvider(column -> codecs.getCompressor(CompressionCodecName.ZSTD))
            .withAllocator(properties.getAllocator())
            .withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
            .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled())
            .build();
    for (Column column : columns) {
      column.encoder.startChunk(pages.getPageWriter(column.descriptor));
    }
    groupRows = 0;
    groupComplete = false;
  }

  /** Copies the completed row into the batch, handing the batch to the encoders when full. */
  void append(RowBuffer row) throws IOException {
    Batch batch = filling;
    int n = batch.rows;
    if (n == batch.capacity) {
      batch.grow();
    }
    boolean[] isNull = row.isNull;
    long[] bits = row.bits;
    Object[] refs = row.refs;
    // The trailing partition column, if any, is not in rows: it is filled when encoded.
    for (int c = 0, fields = row.kinds.length; c < fields; c++) {
      Object[] columnRefs = batch.refs[c];
      if (columnRefs != null) {
        // A null field's reference is null (RowBuffer clears it), so it is copied as is.
        Object value = refs[c];
        columnRefs[n] = value;
        if (value instanceof String text) {
          batch.referencedBytes += text.length();
        } else if (value instanceof byte[] array) {
          batch.referencedBytes += array.length;
        } else if (value != null) {
          batch.referencedBytes += 16;
        }
      } else {
        batch.bits[c][n] = bits[c];
      }
      batch.nulls[c][n] = isNull[c];
    }
    batch.rows = n + 1;
    rows++;
    // A batch ends where the row group's row cap does, so that groups hold exactly the cap; and
    // at its byte budget, so that long strings or wide rows cannot make one batch, and so one row
    // group, any size.
    if (batch.rows == BATCH_ROWS
        || (groupComplete ? 0 : groupRows) + batch.rows == rowGroupRows
        || batch.referencedBytes + (long) batch.rows * fixedRowBytes >= batchBytes) {
      submitBatch();
    }
  }

  /** Rows appended so far. */
  long rows() {
    return rows;
  }

  /**
   * Bytes in the file plus bytes buffered for it: what the file would be if finished now, give or
   * take the batch being encoded.
   */
  long estimatedBytes() {
    return pending.bytesWritten() + bufferedBytes;
  }

  /**
   * Hands the filled batch to the encoders and goes on filling the other one. With an executor, the
   * batch is encoded while the next fills (the caller joins in when that one is full); the row copy
   * is on the writing thread whatever the encoders do, and overlapping it with encoding is what
   * lets one writer use two cores fully. Without one, the batch is encoded now.
   */
  private void submitBatch() throws IOException {
    Batch full = filling;
    if (full.rows == 0) {
      return;
    }
    completeEncoding();
    filling = spare != null ? spare : new Batch(columns, FIRST_BATCH_ROWS);
    spare = null;
    groupRows += full.rows;
    groupComplete = groupRows == rowGroupRows;
    encoding = start(column -> column.encode(full, dateDay), full);
    if (encoders == null) {
      completeEncoding();
    }
  }

  /**
   * Waits for the batch being encoded, if any (taking columns nobody has started), then cuts the
   * row group if it is full. Afterwards every submitted row is in the column encoders.
   */
  private void completeEncoding() throws IOException {
    ColumnJob job = encoding;
    if (job == null) {
      return;
    }
    encoding = null;
    job.join();
    Batch done = job.batch;
    done.clear();
    spare = done;
    long buffered = 0;
    for (Column column : columns) {
      buffered += column.encoder.bufferedBytes();
    }
    bufferedBytes = buffered;
    if (buffered >= rowGroupBytes || groupComplete) {
      flushRowGroup();
    }
  }

  /** Runs {@code work} once per column, now, on the caller and any free encoding threads. */
  private void runPerColumn(ColumnWork work) throws IOException {
    start(work, null).join();
  }

  /**
   * Starts {@code work} once per column: helpers on the executor take columns while any are left,
   * and a helper that starts late finds none and exits. Nothing runs on the caller until it joins.
   */
  private ColumnJob start(ColumnWork work, Batch batch) {
    ColumnJob job = new ColumnJob(work, batch);
    if (encoders != null) {
      int helpers = Math.min(columns.length, Runtime.getRuntime().availableProcessors() - 1);
      for (int h = 0; h < helpers; h++) {
        try {
          encoders.execute(job::work);
        } catch (RejectedExecutionException busy) {
          break;
        }
      }
    }
    return job;
  }

  /** Work on every column, taken column by column by whichever thread comes first. */
  private final class ColumnJob {
    private final ColumnWork work;
    final Batch batch;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(columns.length);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    ColumnJob(ColumnWork work, Batch batch) {
      this.work = work;
      this.batch = batch;
    }

    void work() {
      int count = columns.length;
      for (int c = next.getAndIncrement(); c < count; c = next.getAndIncrement()) {
        try {
          if (failure.get() == null) {
            work.run(columns[c]);
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }
    }

    /**
     * Takes the columns nobody has started, then waits for those in progress (never for helpers
     * still queued behind other writers' work), and throws the first failure.
     */
    void join() throws IOException {
      work();
      awaitColumns();
      Throwable error = failure.get();
      if (error instanceof UncheckedIOException io) {
        throw io.getCause();
      }
      if (error instanceof IOException io) {
        throw io;
      }
      if (error instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (error instanceof Error fatal) {
        throw fatal;
      }
    }

    /** Skips the columns nobody has started and waits for those in progress. */
    void cancel() {
      failure.compareAndSet(null, new java.util.concurrent.CancellationException());
      try {
        awaitColumns();
      } catch (java.io.InterruptedIOException e) {
        // Interrupt status is restored; the columns in progress were still waited for.
      }
    }

    private void awaitColumns() throws java.io.InterruptedIOException {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          // Columns not started are skipped; those in progress are waited for, since they use this
          // writer's compressors, whose native contexts are released once this returns.
          interrupted = true;
          failure.compareAndSet(null, e);
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("Interrupted while encoding " + pending.target());
      }
    }
  }

  private void flushRowGroup() throws IOException {
    if (groupRows == 0) {
      return;
    }
    runPerColumn(column -> column.encoder.finishChunk());
    try {
      fileWriter.startBlock(groupRows);
      pages.flushToFileWriter(fileWriter);
      fileWriter.endBlock();
    } catch (IOException e) {
      throw fullTier(e);
    } finally {
      // The row group's compressors are done: their native contexts go now, not at some GC.
      codecs.release();
    }
    bufferedBytes = 0;
    startRowGroup();
  }

  /**
   * Encodes what is buffered and writes the footer. The file is then complete on disk but still
   * invisible until the pending file is committed.
   */
  void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    try {
      submitBatch();
      completeEncoding();
      flushRowGroup();
      fileWriter.end(footer);
    } catch (IOException e) {
      throw fullTier(e);
    } finally {
      codecs.release();
    }
  }

  /**
   * Gives back the native memory of a file that will not be finished (its pending file is being
   * discarded). Harmless after {@link #finish()} and when called twice.
   */
  void discard() {
    finished = true;
    ColumnJob job = encoding;
    encoding = null;
    if (job != null) {
      // Encoding threads use this writer's compressors: they stop before the contexts go.
      job.cancel();
    }
    codecs.release();
  }

  /**
   * The full-tier report a failed write carries, else the failure itself: parquet-java wraps some
   * write failures (for example "can not write ColumnIndex"), and a full disk must still be
   * reported as one, whichever write meets it first (on HDFS that depends on block allocation).
   */
  private static IOException fullTier(IOException e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof dev.tiering.core.storage.TierFullException full) {
        return full;
      }
    }
    return e;
  }

  /** Encoding work for one column. */
  @FunctionalInterface
  private interface ColumnWork {
    void run(Column column) throws IOException;
  }

  /**
   * The rows of one batch, column by column: per column a null mask, and the values as bits or as
   * references (none for the partition column, filled when encoded).
   */
  private static final class Batch {
    final boolean[][] nulls;
    final long[][] bits;
    final Object[][] refs;
    int capacity;
    int rows;

    /** Characters of strings, bytes of byte arrays, 16 per decimal: what the refs point to. */
    long referencedBytes;

    Batch(Column[] columns, int capacity) {
      this.capacity = capacity;
      nulls = new boolean[columns.length][];
      bits = new long[columns.length][];
      refs = new Object[columns.length][];
      for (int c = 0; c < columns.length; c++) {
        nulls[c] = new boolean[capacity];
        if (columns[c].byReference) {
          refs[c] = new Object[capacity];
        } else {
          bits[c] = new long[capacity];
        }
      }
    }

    /** Grows fourfold up to a full batch: files that get few rows stay cheap. */
    void grow() {
      capacity = Math.min(BATCH_ROWS, capacity * 4);
      for (int c = 0; c < nulls.length; c++) {
        nulls[c] = java.util.Arrays.copyOf(nulls[c], capacity);
        bits[c] = bits[c] == null ? null : java.util.Arrays.copyOf(bits[c], capacity);
        refs[c] = refs[c] == null ? null : java.util.Arrays.copyOf(refs[c], capacity);
      }
    }

    /** Empties the batch; its strings need not outlive it. */
    void clear() {
      for (Object[] column : refs) {
        if (column != null) {
          java.util.Arrays.fill(column, 0, rows, null);
        }
      }
      rows = 0;
      referencedBytes = 0;
    }
  }

  /** One column: its place in batches and its own encoder. */
  private static final class Column {
    final ColumnChunkEncoder encoder;
    final ColumnDescriptor descriptor;
    private final int index;

    /** Whether the values are references (strings, bytes, decimals) rather than bits. */
    final boolean byReference;

    /** The trailing date column: one constant value, not taken from rows. */
    private final boolean partitionDate;

    private long[] constant = new long[0];

    Column(
        ColumnChunkEncoder encoder,
        ColumnDescriptor descriptor,
        int index,
        FieldType type,
        boolean partitionDate) {
      this.encoder = encoder;
      this.descriptor = descriptor;
      this.index = index;
      this.partitionDate = partitionDate;
      this.byReference =
          type.kind() == FieldType.Kind.STRING
              || type.kind() == FieldType.Kind.BINARY
              || type.kind() == FieldType.Kind.DECIMAL;
    }

    void encode(Batch batch, int dateDay) throws IOException {
      long[] values = batch.bits[index];
      if (partitionDate) {
        if (constant.length < batch.rows) {
          constant = new long[batch.capacity];
        }
        java.util.Arrays.fill(constant, 0, batch.rows, dateDay);
        values = constant;
      }
      encoder.write(values, batch.refs[index], batch.nulls[index], batch.rows);
    }
  }
}
