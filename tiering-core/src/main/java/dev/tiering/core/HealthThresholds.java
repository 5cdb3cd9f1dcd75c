package dev.tiering.core;

/**
 * The limits health checks compare against: the one place thresholds live. Defaults are the
 * seed's: staging normal below 4 GiB, warning above 10 GiB, critical above 30 GiB; hot tier warning
 * above 90% full; SSD await above 10 ms, HDD await above 50 ms, utilization above 80%. The seed
 * gives no critical fullness; the SDK adds 95%. Sizes are in bytes, GiB as {@code du -h} prints
 * them. Every limit is "above": a value equal to a limit is still within it. Immutable.
 *
 * @param stagingNormalBytes staging above this is noted as above normal (still ok)
 * @param stagingWarningBytes staging above this is a warning
 * @param stagingCriticalBytes staging above this is critical
 * @param hotWarningFraction hot tier fuller than this is a warning
 * @param hotCriticalFraction hot tier fuller than this is critical
 * @param lakeWarningFraction lake fuller than this is a warning
 * @param lakeCriticalFraction lake fuller than this is critical
 * @param cacheBudgetBytes the clean cache above this is a warning
 * @param ssdAwaitMillis SSD average wait above this is a warning
 * @param hddAwaitMillis HDD average wait above this is a warning
 * @param utilizationPercent device utilization above this is a warning
 */
public record HealthThresholds(long stagingNormalBytes, long stagingWarningBytes,
    long stagingCriticalBytes, double hotWarningFraction, double hotCriticalFraction,
    double lakeWarningFraction, double lakeCriticalFraction, long cacheBudgetBytes,
    double ssdAwaitMillis, double hddAwaitMillis, double utilizationPercent) {

  private static final long GIB = 1024L * 1024 * 1024;

  /**
   * Checks that limits are positive and ordered.
   *
   * @throws IllegalArgumentException naming the limit that is out of order
   */
  public HealthThresholds {
    if (!(0 < stagingNormalBytes && stagingNormalBytes <= stagingWarningBytes
        && stagingWarningBytes <= stagingCriticalBytes)) {
      throw new IllegalArgumentException("Invalid staging limits " + stagingNormalBytes + " / "
          + stagingWarningBytes + " / " + stagingCriticalBytes + " bytes (use 0 < normal <= warning"
          + " <= critical)");
    }
    checkFractions("hot tier", hotWarningFraction, hotCriticalFraction);
    checkFractions("lake", lakeWarningFraction, lakeCriticalFraction);
    if (cacheBudgetBytes <= 0 || ssdAwaitMillis <= 0 || hddAwaitMillis <= 0
        || utilizationPercent <= 0 || utilizationPercent > 100) {
      throw new IllegalArgumentException("Invalid limits: cache budget " + cacheBudgetBytes
          + ", await " + ssdAwaitMillis + "/" + hddAwaitMillis + " ms, utilization "
          + utilizationPercent + "% (use positive values, utilization up to 100)");
    }
  }

  private static void checkFractions(String what, double warning, double critical) {
    if (!(0 < warning && warning <= critical && critical <= 1)) {
      throw new IllegalArgumentException("Invalid " + what + " fullness limits " + warning + " / "
          + critical + " (use 0 < warning <= critical <= 1)");
    }
  }

  /** The seed's limits. */
  public static HealthThresholds defaults() {
    return new HealthThresholds(4 * GIB, 10 * GIB, 30 * GIB, 0.90, 0.95, 0.90, 0.95,
        HotCache.DEFAULT_BUDGET, 10, 50, 80);
  }

  /** These limits with other staging sizes. */
  public HealthThresholds withStaging(long normal, long warning, long critical) {
    return new HealthThresholds(normal, warning, critical, hotWarningFraction, hotCriticalFraction,
        lakeWarningFraction, lakeCriticalFraction, cacheBudgetBytes, ssdAwaitMillis,
        hddAwaitMillis, utilizationPercent);
  }

  /** These limits with other hot tier fullness limits. */
  public HealthThresholds withHotFullness(double warning, double critical) {
    return new HealthThresholds(stagingNormalBytes, stagingWarningBytes, stagingCriticalBytes,
        warning, critical, lakeWarningFraction, lakeCriticalFraction, cacheBudgetBytes,
        ssdAwaitMillis, hddAwaitMillis, utilizationPercent);
  }

  /** These limits with another cache budget. */
  public HealthThresholds withCacheBudget(long bytes) {
    return new HealthThresholds(stagingNormalBytes, stagingWarningBytes, stagingCriticalBytes,
        hotWarningFraction, hotCriticalFraction, lakeWarningFraction, lakeCriticalFraction,
        bytes, ssdAwaitMillis, hddAwaitMillis, utilizationPercent);
  }
}
