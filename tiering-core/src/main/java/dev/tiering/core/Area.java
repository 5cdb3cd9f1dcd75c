package dev.tiering.core;

import dev.tiering.core.internal.NameRules;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The five directories data is placed in, each on one tier. An area's id is its path from the
 * tier's conventional root name, e.g. {@code hot/staging} for {@code /data/hot/staging}.
 */
public enum Area {
  /** {@code /data/hot/staging}: intermediate SLM results and cross-check files. */
  STAGING(Tier.HOT, "staging"),
  /** {@code /data/hot/clean}: SSD copies of frequently read clean data (a bounded cache). */
  CLEAN_CACHE(Tier.HOT, "clean"),
  /** {@code /data/lake/clean}: the medallion lake, by zone and table, with schema sidecars. */
  LAKE_CLEAN(Tier.COLD, "clean"),
  /** {@code /data/lake/archive}: historical data moved out of the lake by retention. */
  LAKE_ARCHIVE(Tier.COLD, "archive"),
  /** {@code /data/lake/raw}: unprocessed input data. */
  LAKE_RAW(Tier.COLD, "raw");

  private final Tier tier;
  private final String directoryName;

  Area(Tier tier, String directoryName) {
    this.tier = tier;
    this.directoryName = directoryName;
  }

  /** {@return the tier this area lives on} */
  public Tier tier() {
    return tier;
  }

  /** {@return the area's directory name under its tier root, e.g. {@code staging}} */
  public String directoryName() {
    return directoryName;
  }

  /** {@return the area's id, e.g. {@code hot/staging} or {@code lake/clean}} */
  public String id() {
    return tier.rootName() + "/" + directoryName;
  }

  /**
   * Parses an area id such as {@code hot/clean}, case-insensitively.
   *
   * @param id an area id, {@code <tier root name>/<directory name>}
   * @return the area
   * @throws IllegalArgumentException if the id names no area, listing the valid ids
   */
  public static Area parse(String id) {
    for (Area area : values()) {
      if (area.id().equalsIgnoreCase(id)) {
        return area;
      }
    }
    throw new IllegalArgumentException(
        "Unknown area " + NameRules.quote(String.valueOf(id)) + " (use one of " + ids() + ")");
  }

  static String ids() {
    return Arrays.stream(values()).map(Area::id).collect(Collectors.joining(", "));
  }

  /** The area id. */
  @Override
  public String toString() {
    return id().toLowerCase(Locale.ROOT);
  }
}
