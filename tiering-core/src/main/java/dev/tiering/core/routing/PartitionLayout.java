package dev.tiering.core.routing;

import dev.tiering.core.internal.NameRules;
import java.util.Arrays;
import java.util.stream.Collectors;

/** How a table's date partitions are laid out in directories. */
public enum PartitionLayout {
  /**
   * Plain date directories, {@code 2025/11/10}; the default. Engines see no partition column;
   * writers add a {@code date} column.
   */
  DATE_PATH("seed"),
  /**
   * Hive style {@code date=2025-11-10}: engines with hive partitioning get a {@code date} column.
   */
  HIVE_DATE("hive"),
  /**
   * Hive style {@code year=2025/month=11/day=10}: engines see {@code year}, {@code month} and
   * {@code day}.
   */
  HIVE_YEAR_MONTH_DAY("hive-ymd");

  private final String id;

  PartitionLayout(String id) {
    this.id = id;
  }

  /**
   * {@return the layout's id, as given on the command line and in table options} That is {@code
   * seed} for {@link #DATE_PATH}, {@code hive} or {@code hive-ymd}.
   */
  public String id() {
    return id;
  }

  /**
   * Parses a layout id.
   *
   * @param id a layout id in any case: {@code seed}, {@code hive} or {@code hive-ymd}
   * @return the layout
   * @throws IllegalArgumentException for an unknown id, listing the valid ones
   */
  public static PartitionLayout parse(String id) {
    for (PartitionLayout layout : values()) {
      if (layout.id.equalsIgnoreCase(id)) {
        return layout;
      }
    }
    throw new IllegalArgumentException(
        "Unknown partition layout "
            + NameRules.quote(String.valueOf(id))
            + " (use one of "
            + Arrays.stream(values()).map(PartitionLayout::id).collect(Collectors.joining(", "))
            + ")");
  }

  /** The layout's id. */
  @Override
  public String toString() {
    return id;
  }
}
