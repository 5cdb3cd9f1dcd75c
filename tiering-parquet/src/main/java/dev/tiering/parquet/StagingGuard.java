package dev.tiering.parquet;

import java.io.IOException;
import java.nio.file.Path;

/** A check run before a staging file is opened; it throws to refuse the write. */
@FunctionalInterface
public interface StagingGuard {

  /**
   * Refuses a new staging file by throwing.
   *
   * @throws IllegalStateException naming why and what to do
   */
  void check(Path stagingFile) throws IOException;
}
