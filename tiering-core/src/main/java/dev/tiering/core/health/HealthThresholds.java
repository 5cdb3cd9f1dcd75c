package dev.tiering.core.health;

import dev.tiering.core.ByteSize;
import dev.tiering.core.lifecycle.HotCache;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits health checks compare against: the one place thresholds live. The defaults: staging
 * normal below 4 GiB, warning above 10 GiB, critical above 30 GiB; hot tier and lake warning above
 * 90% full, critical above 95%; clean cache above its 40 GiB budget; SSD await above 10 ms, HDD
 * await above 50 ms, utilization above 80%. Every limit is "above": a value equal to a limit is
 * still within it. Immutable; built with sizes, percentages and durations.
 *
 * <pre>{@code
 * HealthThresholds limits = HealthThresholds.builder()
 *     .staging(ByteSize.parse("2GiB"), ByteSize.parse("5GiB"), ByteSize.parse("20GiB"))
 *     .hotFullnessPercent(85, 95)
 *     .ssdAwait(Duration.ofMillis(5))
 *     .build();
 * }</pre>
 */
public final class HealthThresholds {

  private static final long GIB = 1024L * 1024 * 1024;

  private final long stagingNormalBytes;
  private final long stagingWarningBytes;
  private final long stagingCriticalBytes;
  private final double hotWarningFraction;
  private final double hotCriticalFraction;
  private final double lakeWarningFraction;
  private final double lakeCriticalFraction;
  private final long cacheBudgetBytes;
  private final double ssdAwaitMillis;
  private final double hddAwaitMillis;
  private final double utilizationPercent;

  private HealthThresholds(Builder b) {
    if (!(0 < b.stagingNormal
        && b.stagingNormal <= b.stagingWarning
        && b.stagingWarning <= b.stagingCritical)) {
      throw new IllegalArgumentException(
          "Invalid staging limits "
              + ByteSize.of(b.stagingNormal)
              + " / "
              + ByteSize.of(b.stagingWarning)
              + " / "
              + ByteSize.of(b.stagingCritical)
              + " (use 0 < normal <= warning <= critical)");
    }
    checkFractions("hot tier", b.hotWarning, b.hotCritical);
    checkFractions("lake", b.lakeWarning, b.lakeCritical);
    if (b.cacheBudget <= 0
        || !(b.ssdAwaitMillis > 0)
        || !(b.hddAwaitMillis > 0)
        || !(b.utilization > 0)
        || b.utilization > 100) {
      throw new IllegalArgumentException(
          "Invalid limits: cache budget "
              + ByteSize.of(b.cacheBudget)
              + ", await "
              + b.ssdAwaitMillis
              + "/"
              + b.hddAwaitMillis
              + " ms, utilization "
              + b.utilization
              + "% (use positive values, utilization up to"
              + " 100%)");
    }
    this.stagingNormalBytes = b.stagingNormal;
    this.stagingWarningBytes = b.stagingWarning;
    this.stagingCriticalBytes = b.stagingCritical;
    this.hotWarningFraction = b.hotWarning;
    this.hotCriticalFraction = b.hotCritical;
    this.lakeWarningFraction = b.lakeWarning;
    this.lakeCriticalFraction = b.lakeCritical;
    this.cacheBudgetBytes = b.cacheBudget;
    this.ssdAwaitMillis = b.ssdAwaitMillis;
    this.hddAwaitMillis = b.hddAwaitMillis;
    this.utilizationPercent = b.utilization;
  }

  private static void checkFractions(String what, double warning, double critical) {
    if (!(0 < warning && warning <= critical && critical <= 1)) {
      throw new IllegalArgumentException(
          "Invalid "
              + what
              + " fullness limits "
              + warning * 100
              + "% / "
              + critical * 100
              + "% (use 0 < warning <= critical <= 100)");
    }
  }

  /** {@return the default limits, as listed above} */
  public static HealthThresholds defaults() {
    return builder().build();
  }

  /** {@return a builder starting from the default limits} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a builder starting from these limits} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.stagingNormal = stagingNormalBytes;
    b.stagingWarning = stagingWarningBytes;
    b.stagingCritical = stagingCriticalBytes;
    b.hotWarning = hotWarningFraction;
    b.hotCritical = hotCriticalFraction;
    b.lakeWarning = lakeWarningFraction;
    b.lakeCritical = lakeCriticalFraction;
    b.cacheBudget = cacheBudgetBytes;
    b.ssdAwaitMillis = ssdAwaitMillis;
    b.hddAwaitMillis = hddAwaitMillis;
    b.utilization = utilizationPercent;
    return b;
  }

  /** {@return the staging size above which it is noted as above normal (still ok), in bytes} */
  public long stagingNormalBytes() {
    return stagingNormalBytes;
  }

  /** {@return the staging size above which it is a warning, in bytes} */
  public long stagingWarningBytes() {
    return stagingWarningBytes;
  }

  /** {@return the staging size above which it is critical, in bytes} */
  public long stagingCriticalBytes() {
    return stagingCriticalBytes;
  }

  /** {@return the used fraction (0 to 1) above which the hot tier is a warning} */
  public double hotWarningFraction() {
    return hotWarningFraction;
  }

  /** {@return the used fraction (0 to 1) above which the hot tier is critical} */
  public double hotCriticalFraction() {
    return hotCriticalFraction;
  }

  /** {@return the used fraction (0 to 1) above which the lake is a warning} */
  public double lakeWarningFraction() {
    return lakeWarningFraction;
  }

  /** {@return the used fraction (0 to 1) above which the lake is critical} */
  public double lakeCriticalFraction() {
    return lakeCriticalFraction;
  }

  /** {@return the clean cache size above which it is a warning, in bytes} */
  public long cacheBudgetBytes() {
    return cacheBudgetBytes;
  }

  /** {@return the SSD average wait above which it is a warning, in milliseconds} */
  public double ssdAwaitMillis() {
    return ssdAwaitMillis;
  }

  /** {@return the HDD average wait above which it is a warning, in milliseconds} */
  public double hddAwaitMillis() {
    return hddAwaitMillis;
  }

  /** {@return the device utilization, in percent, above which it is a warning} */
  public double utilizationPercent() {
    return utilizationPercent;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthThresholds t && toString().equals(t.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** The limits in their units, as a person reads them. */
  @Override
  public String toString() {
    return "staging "
        + ByteSize.of(stagingNormalBytes)
        + " / "
        + ByteSize.of(stagingWarningBytes)
        + " / "
        + ByteSize.of(stagingCriticalBytes)
        + ", hot tier "
        + percent(hotWarningFraction)
        + " / "
        + percent(hotCriticalFraction)
        + ", lake "
        + percent(lakeWarningFraction)
        + " / "
        + percent(lakeCriticalFraction)
        + ", cache "
        + ByteSize.of(cacheBudgetBytes)
        + ", await "
        + ssdAwaitMillis
        + " ms (SSD) / "
        + hddAwaitMillis
        + " ms (HDD), utilization "
        + utilizationPercent
        + "%";
  }

  private static String percent(double fraction) {
    return String.format(java.util.Locale.ROOT, "%.1f%%", fraction * 100);
  }

  /** Builds {@link HealthThresholds}; every value starts at its default. */
  public static final class Builder {
    private long stagingNormal = 4 * GIB;
    private long stagingWarning = 10 * GIB;
    private long stagingCritical = 30 * GIB;
    private double hotWarning = 0.90;
    private double hotCritical = 0.95;
    private double lakeWarning = 0.90;
    private double lakeCritical = 0.95;
    private long cacheBudget = HotCache.DEFAULT_BUDGET;
    private double ssdAwaitMillis = 10;
    private double hddAwaitMillis = 50;
    private double utilization = 80;

    private Builder() {}

    /**
     * Sets the staging sizes: above normal is noted, above warning a warning, above critical
     * critical (default 4, 10 and 30 GiB).
     *
     * @param normal the size above which staging is noted; more than 0
     * @param warning the size above which staging is a warning; at least {@code normal}
     * @param critical the size above which staging is critical; at least {@code warning}
     * @return this builder
     */
    public Builder staging(ByteSize normal, ByteSize warning, ByteSize critical) {
      this.stagingNormal = Objects.requireNonNull(normal, "normal").bytes();
      this.stagingWarning = Objects.requireNonNull(warning, "warning").bytes();
      this.stagingCritical = Objects.requireNonNull(critical, "critical").bytes();
      return this;
    }

    /**
     * Sets the hot tier fullness limits, in percent (default 90 and 95).
     *
     * @param warning the fullness above which the hot tier is a warning; more than 0
     * @param critical the fullness above which it is critical; from {@code warning} to 100
     * @return this builder
     */
    public Builder hotFullnessPercent(double warning, double critical) {
      this.hotWarning = warning / 100;
      this.hotCritical = critical / 100;
      return this;
    }

    /**
     * Sets the lake fullness limits, in percent (default 90 and 95).
     *
     * @param warning the fullness above which the lake is a warning; more than 0
     * @param critical the fullness above which it is critical; from {@code warning} to 100
     * @return this builder
     */
    public Builder lakeFullnessPercent(double warning, double critical) {
      this.lakeWarning = warning / 100;
      this.lakeCritical = critical / 100;
      return this;
    }

    /**
     * Sets the clean cache's budget (default 40 GiB).
     *
     * @param value the cache size above which it is a warning; more than 0
     * @return this builder
     */
    public Builder cacheBudget(ByteSize value) {
      this.cacheBudget = Objects.requireNonNull(value, "value").bytes();
      return this;
    }

    /**
     * Sets the SSD average wait above which it is a warning (default 10 ms).
     *
     * @param value the wait; positive
     * @return this builder
     */
    public Builder ssdAwait(Duration value) {
      this.ssdAwaitMillis = Objects.requireNonNull(value, "value").toNanos() / 1e6;
      return this;
    }

    /**
     * Sets the HDD average wait above which it is a warning (default 50 ms).
     *
     * @param value the wait; positive
     * @return this builder
     */
    public Builder hddAwait(Duration value) {
      this.hddAwaitMillis = Objects.requireNonNull(value, "value").toNanos() / 1e6;
      return this;
    }

    /**
     * Sets the device utilization above which it is a warning (default 80%).
     *
     * @param value the utilization in percent; more than 0, at most 100
     * @return this builder
     */
    public Builder utilizationPercent(double value) {
      this.utilization = value;
      return this;
    }

    /**
     * Builds the limits.
     *
     * @return the limits
     * @throws IllegalArgumentException naming the limits that are out of order or range
     */
    public HealthThresholds build() {
      return new HealthThresholds(this);
    }
  }
}
