package dev.tiering.core.metrics;

import dev.tiering.core.Area;
import dev.tiering.core.Tier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A data file that became visible, complete.
 *
 * @param area the area it is in (its tier is {@link #tier()})
 * @param table the lake table it belongs to as {@code zone.table}, or empty for a staging file
 * @param file where it is
 * @param rows rows in it
 * @param bytes its size
 * @param duration from opening the file (or the write it belongs to) until it was published
 */
public record FilePublished(
    Area area, String table, Path file, long rows, long bytes, Duration duration) {

  /**
   * Checks the components.
   *
   * @param area the area; not null
   * @param table {@code zone.table} or empty; not null
   * @param file the file; not null
   * @param rows rows, at least 0
   * @param bytes bytes, at least 0
   * @param duration the write time; not null, not negative
   */
  public FilePublished {
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(file, "file");
    Events.checkFigures("FilePublished", rows, bytes, duration);
  }

  /** {@return the tier the file is on} */
  public Tier tier() {
    return area.tier();
  }
}
