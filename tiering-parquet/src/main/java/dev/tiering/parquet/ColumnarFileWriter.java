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
 * own {@link ColumnChunkEncoder} and compressor. The writing thread works through the columns and,
 * if an executor is set, idle pool threads take columns too, so one writer uses every core while
 * many writers share them. Row groups are cut when the encoded columns hold {@link
 * WriterSettings#rowGroupBytes()}, or at {@link WriterSettings#rowGroupRows()} rows; memory stays
 * at about one row group plus a batch whatever the file size.
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
  private final Map<String, String> footer;
  private final ParquetFileWriter fileWriter;
  private final Column[] columns;

  /** The value of the trailing {@code date} column of date-partitioned tables. */
  private final int dateDay;

  private ColumnChunkPageWriteStore pages;
  private int capacity = FIRST_BATCH_ROWS;
  private int batchRows;
  private long groupRows;
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
              type,
              partitionDate);
    }
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
  }

  /** Copies the completed row into the batch, encoding the batch when it is full. */
  void append(RowBuffer row) throws IOException {
    int n = batchRows;
    if (n == capacity) {
      grow();
    }
    boolean[] isNull = row.isNull;
    long[] bits = row.bits;
    Object[] refs = row.refs;
    // The trailing partition column, if any, is not in rows: it is filled when encoded.
    for (int c = 0, fields = row.kinds.length; c < fields; c++) {
      Column column = columns[c];
      if (column.refs != null) {
        // A null field's reference is null (RowBuffer clears it), so it is copied as is.
        column.refs[n] = refs[c];
      } else {
        column.bits[n] = bits[c];
      }
      column.nulls[n] = isNull[c];
    }
    batchRows = n + 1;
    rows++;
    // A batch ends where the row group's row cap does, so that groups hold exactly the cap.
    if (batchRows == BATCH_ROWS || groupRows + batchRows == rowGroupRows) {
      encodeBatch();
    }
  }

  private void grow() {
    capacity = Math.min(BATCH_ROWS, capacity * 4);
    for (Column column : columns) {
      column.resize(capacity);
    }
  }

  /** Rows appended so far. */
  long rows() {
    return rows;
  }

  /** Bytes in the file plus bytes buffered for it: what the file would be if finished now. */
  long estimatedBytes() {
    return pending.bytesWritten() + bufferedBytes;
  }

  private void encodeBatch() throws IOException {
    int n = batchRows;
    if (n == 0) {
      return;
    }
    runPerColumn(column -> column.encode(n, dateDay));
    batchRows = 0;
    groupRows += n;
    long buffered = 0;
    for (Column column : columns) {
      buffered += column.encoder.bufferedBytes();
    }
    bufferedBytes = buffered;
    if (buffered >= rowGroupBytes || groupRows == rowGroupRows) {
      flushRowGroup();
    }
  }

  /**
   * Runs {@code work} once per column. The calling thread takes columns one by one; helpers on the
   * executor take columns too while any are left, and a helper that starts late finds none and
   * exits. The latch counts columns done, so the caller waits only for columns in progress, never
   * for helpers still queued behind other writers' work.
   */
  private void runPerColumn(ColumnWork work) throws IOException {
    int count = columns.length;
    AtomicInteger next = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(count);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker =
        () -> {
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
        };
    if (encoders != null) {
      int helpers = Math.min(count - 1, Runtime.getRuntime().availableProcessors() - 1);
      for (int h = 0; h < helpers; h++) {
        try {
          encoders.execute(worker);
        } catch (RejectedExecutionException busy) {
          break;
        }
      }
    }
    worker.run();
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
    Throwable error = failure.get();
    if (error instanceof UncheckedIOException io) {
      throw io.getCause();
    }
    if (error instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (error instanceof Error fatal) {
      throw fatal;
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
      encodeBatch();
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

  /** One column: its batch of values and its own encoder. */
  private static final class Column {
    final ColumnChunkEncoder encoder;
    final ColumnDescriptor descriptor;

    /** The trailing date column: one constant value, not taken from rows. */
    private final boolean partitionDate;

    boolean[] nulls = new boolean[FIRST_BATCH_ROWS];
    long[] bits;
    Object[] refs;

    Column(
        ColumnChunkEncoder encoder,
        ColumnDescriptor descriptor,
        FieldType type,
        boolean partitionDate) {
      this.encoder = encoder;
      this.descriptor = descriptor;
      this.partitionDate = partitionDate;
      boolean byReference =
          type.kind() == FieldType.Kind.STRING
              || type.kind() == FieldType.Kind.BINARY
              || type.kind() == FieldType.Kind.DECIMAL;
      this.bits = byReference ? null : new long[FIRST_BATCH_ROWS];
      this.refs = byReference ? new Object[FIRST_BATCH_ROWS] : null;
    }

    void resize(int rows) {
      nulls = java.util.Arrays.copyOf(nulls, rows);
      bits = bits == null ? null : java.util.Arrays.copyOf(bits, rows);
      refs = refs == null ? null : java.util.Arrays.copyOf(refs, rows);
    }

    void encode(int n, int dateDay) throws IOException {
      if (partitionDate) {
        java.util.Arrays.fill(bits, 0, n, dateDay);
      }
      encoder.write(bits, refs, nulls, n);
      if (refs != null) {
        // The batch is encoded: its strings need not outlive it.
        java.util.Arrays.fill(refs, 0, n, null);
      }
    }
  }
}
