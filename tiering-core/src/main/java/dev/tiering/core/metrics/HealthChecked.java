package dev.tiering.core.metrics;

import dev.tiering.core.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The figures of a health check run: every check with its level, the tiers' usage, and the sizes of
 * staging and the clean cache.
 *
 * @param at when the checks ran
 * @param checks every check, in the report's order
 * @param tiers the usage of each tier that could be measured (a missing root is not)
 * @param stagingBytes the bytes in staging, if measured
 * @param cacheBytes the bytes in the clean cache, if measured
 */
public record HealthChecked(
    Instant at,
    List<Check> checks,
    List<TierUsage> tiers,
    OptionalLong stagingBytes,
    OptionalLong cacheBytes) {

  /**
   * One check's figure.
   *
   * @param name what was checked, e.g. {@code staging size}
   * @param value the measured value in {@code unit}
   * @param unit {@code bytes}, {@code percent}, {@code ms}, or empty for a check without a figure
   * @param severity 0 ok, 1 warning, 2 critical (the exit codes of {@code tiering status})
   */
  public record Check(String name, double value, String unit, int severity) {

    /**
     * Checks the components.
     *
     * @param name not null
     * @param value the figure
     * @param unit not null
     * @param severity 0, 1 or 2
     */
    public Check {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(unit, "unit");
      if (severity < 0 || severity > 2) {
        throw new IllegalArgumentException(
            "Invalid severity " + severity + " of check '" + name + "' (use 0, 1 or 2)");
      }
    }
  }

  /**
   * How full a tier's store is.
   *
   * @param tier the tier
   * @param usedBytes bytes in use on its store ({@code df}'s Used)
   * @param totalBytes the store's capacity
   * @param usedFraction the share in use as {@code df}'s Use% computes it (used over used plus
   *     available, so blocks reserved for root count as full), 0 to 1: what the fullness checks
   *     compare against their limits
   */
  public record TierUsage(Tier tier, long usedBytes, long totalBytes, double usedFraction) {

    /**
     * Checks the components.
     *
     * @param tier not null
     * @param usedBytes at least 0
     * @param totalBytes at least 0
     * @param usedFraction 0 to 1
     */
    public TierUsage {
      Objects.requireNonNull(tier, "tier");
      Events.checkFigures("TierUsage", usedBytes, totalBytes, java.time.Duration.ZERO);
      if (!(usedFraction >= 0 && usedFraction <= 1)) {
        throw new IllegalArgumentException(
            "Invalid used fraction " + usedFraction + " of the " + tier + " tier (use 0 to 1)");
      }
    }
  }

  /**
   * Checks and copies the components.
   *
   * @param at not null
   * @param checks copied
   * @param tiers copied
   * @param stagingBytes not null
   * @param cacheBytes not null
   */
  public HealthChecked {
    Objects.requireNonNull(at, "at");
    checks = List.copyOf(checks);
    tiers = List.copyOf(tiers);
    Objects.requireNonNull(stagingBytes, "stagingBytes");
    Objects.requireNonNull(cacheBytes, "cacheBytes");
  }

  /** {@return the worst severity of all checks, 0 if there are none} */
  public int severity() {
    return checks.stream().mapToInt(Check::severity).max().orElse(0);
  }
}
