package dev.tiering.parquet;

import dev.tiering.schema.SchemaSidecar;
import java.util.List;

/**
 * A committed lake write.
 *
 * @param files the data files it added, each complete and visible
 * @param rows rows written
 * @param bytes bytes written
 * @param sidecar the table's sidecar after the write (version, merged metrics)
 */
public record LakeWriteResult(List<WriteResult> files, long rows, long bytes,
    SchemaSidecar sidecar) {

  /** Checks the components. */
  public LakeWriteResult {
    files = List.copyOf(files);
  }
}
