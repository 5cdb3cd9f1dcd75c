package dev.tiering.core.metrics;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import java.time.Duration;
import java.util.Objects;

/**
 * A committed lake write: its files became visible together.
 *
 * @param zone the table's zone
 * @param table the table
 * @param commit the write's commit number in its table
 * @param files the data files it added
 * @param rows rows written
 * @param bytes bytes written
 * @param duration from opening the write until its commit
 * @param replayed true if the table had committed this write id before, so that nothing was written
 */
public record TableCommitted(
    Zone zone,
    TableName table,
    long commit,
    int files,
    long rows,
    long bytes,
    Duration duration,
    boolean replayed) {

  /**
   * Checks the components.
   *
   * @param zone the zone; not null
   * @param table the table; not null
   * @param commit the commit number
   * @param files files, at least 0
   * @param rows rows, at least 0
   * @param bytes bytes, at least 0
   * @param duration the write time; not null, not negative
   * @param replayed whether nothing was written
   */
  public TableCommitted {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(table, "table");
    Events.checkFigures("TableCommitted", Math.min(files, rows), bytes, duration);
  }

  /** {@return the table as {@code zone.table}} */
  public String qualifiedName() {
    return zone + "." + table;
  }
}
