package dev.tiering.core.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A scan cannot go on as of its snapshot: since it began, a compaction merged rows of commits after
 * the snapshot with rows of earlier ones, so the partition no longer holds the earlier rows apart.
 * Scanning again sees the table as it is now. Compaction leaves commits younger than its minimum
 * age alone, so only scans that run longer than that can meet this.
 */
public final class SnapshotExpiredException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * The partition, the scan's snapshot and the compaction output that outdated it.
   *
   * @param partition the partition directory the scan was reading
   * @param snapshot the commit the scan reads as of
   * @param output the compaction's output file, which merged later commits with earlier ones
   */
  public SnapshotExpiredException(Path partition, long snapshot, Path output) {
    super(
        "Cannot read "
            + partition
            + " as of commit "
            + snapshot
            + ": a compaction merged later"
            + " commits into "
            + output.getFileName()
            + " while the scan ran (scan again; a scan that"
            + " runs longer than the compactor's minimum age can meet this)");
  }
}
