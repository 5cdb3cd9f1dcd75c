package dev.tiering.core;

import dev.tiering.core.internal.NameRules;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The medallion zones of the lake. Parsed case-insensitively, printed lowercase. */
public enum Zone {
  /** Raw, minimally processed data; append-only and immutable. */
  BRONZE,
  /** Cleaned, validated, deduplicated data. */
  SILVER,
  /** Business-ready, aggregated data. */
  GOLD;

  /** {@return the zone's directory name: {@code bronze}, {@code silver} or {@code gold}} */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a zone name in any case.
   *
   * @param name a zone name such as {@code silver} or {@code SILVER}
   * @return the zone
   * @throws IllegalArgumentException for any other name, listing the valid zones
   */
  public static Zone parse(String name) {
    for (Zone zone : values()) {
      if (zone.name().equalsIgnoreCase(name)) {
        return zone;
      }
    }
    throw new IllegalArgumentException(
        "Invalid zone "
            + NameRules.quote(String.valueOf(name))
            + " (use one of "
            + Arrays.stream(values()).map(Zone::id).collect(Collectors.joining(", "))
            + ")");
  }

  /** The zone's lowercase id. */
  @Override
  public String toString() {
    return id();
  }
}
