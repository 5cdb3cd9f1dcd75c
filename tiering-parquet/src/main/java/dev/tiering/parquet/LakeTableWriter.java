package dev.tiering.parquet;

import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.StagedFile;
import dev.tiering.schema.TableCommit;
import dev.tiering.schema.TableSchema;
import dev.tiering.schema.internal.QualityAccumulator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One write to a lake table: rows go to files in their day's partition, files roll at the target
 * size, and nothing is visible until {@link #commit()}, which publishes every file and updates the
 * table's sidecar (version, merged quality metrics) under the table's lock. Closing without
 * committing discards everything. Not thread-safe.
 *
 * <p>A commit is all-or-nothing over every file of the write, across partitions and rolled files,
 * through the table's commit log (see {@link dev.tiering.schema.SidecarStore#commitFiles}): an
 * error or a crash before its commit point leaves nothing of the write, one after it leaves a write
 * that the next commit or {@code tiering recover} finishes. With a {@link LakeWriteOptions#writeId
 * write id}, a write the table has already committed is not written again.
 */
public final class LakeTableWriter extends AbstractRowSink implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LakeTableWriter.class);

  private final LakeWriter lake;
  private final TableSchema schema;
  private final LakeWriteOptions options;
  private final QualityAccumulator quality;
  private final int partitionField;
  private final boolean partitionByDateField;
  private final LocalDate writeDate;
  private final Map<LocalDate, PartitionFile> open = new LinkedHashMap<>(16, 0.75f, true);
  private final List<PartitionFile> finished = new ArrayList<>();
  private boolean committed;
  private boolean retryable;

  /** When the write was opened, for metrics; 0 if metrics are off. */
  private final long startedNanos;

  LakeTableWriter(LakeWriter lake, TableSchema schema, LakeWriteOptions options) {
    super(schema, lake.settings.allowNonFinite());
    this.lake = lake;
    this.schema = schema;
    this.options = options;
    this.startedNanos =
        dev.tiering.core.metrics.internal.GuardedListener.enabled(lake.metrics)
            ? System.nanoTime()
            : 0;
    this.quality = new QualityAccumulator(schema, options.rules());
    this.writeDate = LocalDate.ofInstant(lake.clock.instant(), lake.dateZone);
    String column = options.partitionColumn();
    if (column == null) {
      partitionField = -1;
      partitionByDateField = false;
    } else {
      partitionField = schema.indexOf(column);
      FieldType.Kind kind =
          partitionField < 0 ? null : schema.fields().get(partitionField).type().kind();
      if (kind != FieldType.Kind.TIMESTAMP && kind != FieldType.Kind.DATE) {
        throw new IllegalArgumentException(
            "Cannot partition "
                + schema.qualifiedName()
                + " by '"
                + column
                + "': "
                + (kind == null
                    ? "no such field"
                    : "it is " + kind.name().toLowerCase(java.util.Locale.ROOT))
                + " (use a timestamp or date field)");
      }
      if (!schema.isDatePartitioned()) {
        throw new IllegalArgumentException(
            "Cannot partition "
                + schema.qualifiedName()
                + " by '"
                + column
                + "': the table has no date partitions (add partition_by [\"date\"])");
      }
      partitionByDateField = kind == FieldType.Kind.DATE;
    }
  }

  @Override
  void accept(RowBuffer completed) throws IOException {
    LocalDate day = schema.isDatePartitioned() ? partitionOf(completed) : null;
    quality.add(completed);
    PartitionFile file = open.get(day);
    if (file == null) {
      file = openFile(day);
    }
    file.writer.append(completed);
    if (file.writer.estimatedBytes() >= lake.settings.targetFileBytes()) {
      open.remove(day);
      finish(file);
    }
  }

  private LocalDate partitionOf(RowBuffer completed) {
    if (partitionField < 0) {
      return writeDate;
    }
    if (completed.isNull[partitionField]) {
      throw new IllegalArgumentException(
          "Row "
              + completed.rowNumber
              + ": partition field '"
              + options.partitionColumn()
              + "' is null (rows need a day to be placed in a partition)");
    }
    long value = completed.bits[partitionField];
    if (partitionByDateField) {
      return LocalDate.ofEpochDay(value);
    }
    return LocalDate.ofInstant(
        java.time.Instant.ofEpochSecond(
            Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000),
        lake.dateZone);
  }

  private PartitionFile openFile(LocalDate day) throws IOException {
    if (open.size() >= lake.maxOpenPartitions) {
      Iterator<PartitionFile> eldest = open.values().iterator();
      PartitionFile lru = eldest.next();
      eldest.remove();
      finish(lru);
    }
    Path dir = lake.directoryFor(schema.zone(), schema.table(), day);
    Path staged = lake.paths.stagedDataFile(dir);
    PendingFile pending = lake.storage.create(staged, WriteMode.CREATE_NEW);
    PartitionFile file;
    try {
      file =
          new PartitionFile(
              pending,
              new ColumnarFileWriter(
                  pending,
                  schema,
                  lake.settings,
                  day == null ? null : (int) day.toEpochDay(),
                  Footers.lake(
                      schema,
                      dev.tiering.core.routing.PathResolver.fileIdOf(
                          staged.getFileName().toString()),
                      day)));
    } catch (IOException | RuntimeException e) {
      pending.close();
      throw e;
    }
    open.put(day, file);
    return file;
  }

  private void finish(PartitionFile file) throws IOException {
    file.writer.finish();
    finished.add(file);
  }

  /** {@return the bytes written and buffered so far, over every file of this write} */
  public long estimatedBytes() {
    long bytes = 0;
    for (PartitionFile file : finished) {
      bytes += file.pending.bytesWritten();
    }
    for (PartitionFile file : open.values()) {
      bytes += file.writer.estimatedBytes();
    }
    return bytes;
  }

  /**
   * Finishes every file and commits them as one (see the class comment): the files, the schema
   * version and the merged metrics become visible together.
   *
   * @return the committed write; with a write id the table has committed before, that earlier
   *     write, {@link LakeWriteResult#replayed() replayed}
   * @throws dev.tiering.schema.IncompatibleSchemaException if another writer changed the table's
   *     schema meanwhile so that this one no longer fits; nothing is published
   * @throws IllegalStateException if this write was already committed
   * @throws IllegalArgumentException if the write has a write id the table has not committed and no
   *     rows (see {@link LakeWriteOptions#writeId}); nothing is written
   * @throws IOException if finishing a file or the commit fails; nothing is visible unless the
   *     message says the write is committed
   */
  public LakeWriteResult commit() throws IOException {
    return commit(false);
  }

  /**
   * As {@link #commit()}, but a commit that fails before any file of the write was published keeps
   * the finished files, so that calling this again retries the commit with every row: what a {@link
   * BufferedLakeAppender} needs, whose rows came from earlier calls. {@link #retryable()} says
   * whether the files were kept; {@link #close()} discards them.
   */
  LakeWriteResult commitKeepingFilesOnFailure() throws IOException {
    return commit(true);
  }

  /** {@return whether the last failed commit kept every file, so that it can be retried} */
  boolean retryable() {
    return retryable;
  }

  private LakeWriteResult commit(boolean keepOnFailure) throws IOException {
    if (committed) {
      throw new IllegalStateException("Write to " + schema.qualifiedName() + " already committed");
    }
    seal();
    for (PartitionFile file : open.values()) {
      finish(file);
    }
    open.clear();
    retryable = false;
    TableCommit commit;
    // Whether the commit began publishing a file: from then on, a failure may have removed it.
    java.util.concurrent.atomic.AtomicBoolean publishing =
        new java.util.concurrent.atomic.AtomicBoolean();
    try {
      commit =
          lake.sidecars.commitFiles(
              schema,
              quality.result(lake.clock.instant(), refusedRows()),
              options.evolution(),
              options.writeId(),
              finished.stream()
                  .map(
                      f ->
                          new StagedFile(
                              new dev.tiering.core.storage.ForwardingPendingFile(f.pending) {
                                @Override
                                public void commit() throws IOException {
                                  publishing.set(true);
                                  super.commit();
                                }
                              },
                              f.writer.rows()))
                  .toList(),
              lake.retention,
              options.emptyAllowed());
    } catch (IOException | RuntimeException e) {
      if (dev.tiering.core.metrics.internal.GuardedListener.enabled(lake.metrics)) {
        lake.metrics.operationFailed(dev.tiering.core.metrics.OperationFailed.of("lake commit", e));
      }
      retryable = keepOnFailure && !publishing.get();
      throw e;
    } finally {
      if (!retryable) {
        discardUnpublished();
      }
    }
    committed = true;
    List<WriteResult> results =
        commit.files().stream().map(f -> new WriteResult(f.path(), f.rows(), f.bytes())).toList();
    if (!commit.replayed()) {
      log.info(
          "Wrote {} rows ({} bytes) in {} file(s) to {} (schema {}, commit {})",
          commit.rows(),
          commit.bytes(),
          results.size(),
          schema.qualifiedName(),
          commit.sidecar().schema().version(),
          commit.seq());
    }
    if (dev.tiering.core.metrics.internal.GuardedListener.enabled(lake.metrics)) {
      report(commit, results);
    }
    return new LakeWriteResult(
        results, commit.rows(), commit.bytes(), commit.sidecar(), commit.seq(), commit.replayed());
  }

  /** Sends the commit and, unless it was replayed, each file it published to the listener. */
  private void report(TableCommit commit, List<WriteResult> results) {
    java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - startedNanos);
    if (!commit.replayed()) {
      dev.tiering.core.Area area =
          lake.paths
              .resolve(dev.tiering.core.routing.DataRef.clean(schema.zone(), schema.table()))
              .area();
      for (WriteResult file : results) {
        lake.metrics.filePublished(
            new dev.tiering.core.metrics.FilePublished(
                area, schema.qualifiedName(), file.file(), file.rows(), file.bytes(), took));
      }
    }
    lake.metrics.tableCommitted(
        new dev.tiering.core.metrics.TableCommitted(
            schema.zone(),
            schema.table(),
            commit.seq(),
            results.size(),
            commit.rows(),
            commit.bytes(),
            took,
            commit.replayed()));
  }

  private void discardUnpublished() throws IOException {
    IOException first = null;
    for (PartitionFile file : finished) {
      try {
        file.pending.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    for (PartitionFile file : open.values()) {
      try {
        file.writer.discard();
      } finally {
        try {
          file.pending.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Discards every file of this write unless it was committed. */
  @Override
  public void close() throws IOException {
    seal();
    discardUnpublished();
  }

  /** A file being written for one partition. */
  private record PartitionFile(PendingFile pending, ColumnarFileWriter writer) {}
}
