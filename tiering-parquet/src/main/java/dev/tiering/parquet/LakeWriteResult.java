package dev.tiering.parquet;

import dev.tiering.schema.SchemaSidecar;
import java.util.List;

/**
 * A committed lake write.
 *
 * @param files the data files it added, each complete and visible (as named when committed: a
 *     compaction may have merged them since)
 * @param rows rows written
 * @param bytes bytes written
 * @param sidecar the table's sidecar after the write (version, merged metrics)
 * @param commit the write's commit number in its table
 * @param replayed true if the table had already committed this write id: this call wrote nothing
 *     and returns the first commit's files and rows
 */
public record LakeWriteResult(
    List<WriteResult> files,
    long rows,
    long bytes,
    SchemaSidecar sidecar,
    long commit,
    boolean replayed) {

  /**
   * Copies the file list.
   *
   * @param files the data files the write added; copied
   * @param rows rows written
   * @param bytes bytes written
   * @param sidecar the table's sidecar after the write
   * @param commit the write's commit number in its table
   * @param replayed true if this call wrote nothing
   */
  public LakeWriteResult {
    files = List.copyOf(files);
  }
}
