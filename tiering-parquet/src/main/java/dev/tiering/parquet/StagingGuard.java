package dev.tiering.parquet;

import java.io.IOException;
import java.nio.file.Path;

/** A check run before a staging file is opened; it throws to refuse the write. */
@FunctionalInterface
public interface StagingGuard {

  /**
   * Refuses a new staging file by throwing; returns to allow it.
   *
   * @param stagingFile the file about to be created
   * @throws IllegalStateException naming why and what to do
   * @throws IOException if the check itself fails, e.g. the tier's usage cannot be read
   */
  void check(Path stagingFile) throws IOException;
}
