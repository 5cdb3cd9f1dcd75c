package dev.tiering.schema;

import dev.tiering.core.storage.PendingFile;
import java.util.Objects;

/**
 * A data file of a lake write, fully written but not yet published: its {@link PendingFile} targets
 * a staged name ({@link dev.tiering.core.routing.PathResolver#stagedDataFile}), and {@link
 * SidecarStore#commitFiles} publishes it with the rest of its write, or none of them.
 *
 * @param pending the finished file, not yet committed
 * @param rows the rows it holds
 */
public record StagedFile(PendingFile pending, long rows) {

  /**
   * Checks the components.
   *
   * @param pending not null
   * @param rows 0 or more
   */
  public StagedFile {
    Objects.requireNonNull(pending, "pending");
    if (rows < 0) {
      throw new IllegalArgumentException("Invalid row count " + rows + " (use 0 or more)");
    }
  }
}
