package dev.tiering.schema;

import dev.tiering.core.WriteId;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A commit of data files to a lake table (see {@link SidecarStore#commitFiles}).
 *
 * @param seq the commit's sequence number in its table, from 1
 * @param writeId the write's id, or null if it had none
 * @param files the data files it published, as they were named when committed (a compaction may
 *     have merged them since)
 * @param rows rows committed
 * @param bytes bytes committed
 * @param sidecar the table's sidecar as this call left it
 * @param replayed true if the write id had been committed before, and this call changed nothing
 */
public record TableCommit(
    long seq,
    WriteId writeId,
    List<File> files,
    long rows,
    long bytes,
    SchemaSidecar sidecar,
    boolean replayed) {

  /**
   * One committed data file.
   *
   * @param path where it was published
   * @param rows its rows
   * @param bytes its size
   */
  public record File(Path path, long rows, long bytes) {}

  /**
   * Checks the components.
   *
   * @param seq the commit's sequence number in its table, from 1
   * @param writeId the write's id, or null
   * @param files the published data files; copied
   * @param rows rows committed
   * @param bytes bytes committed
   * @param sidecar not null
   * @param replayed true if this call changed nothing
   */
  public TableCommit {
    files = List.copyOf(files);
    Objects.requireNonNull(sidecar, "sidecar");
  }
}
