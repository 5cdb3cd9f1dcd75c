package dev.tiering.core.health;

import java.util.Objects;

/**
 * One check of a health report: a measured value against its thresholds.
 *
 * @param name what was checked, e.g. {@code staging size}
 * @param value the measured value, in {@code unit}
 * @param warning the value above which the check is a warning, in {@code unit}, or NaN if none
 * @param critical the value above which the check is critical, in {@code unit}, or NaN if the check
 *     is never critical by its value
 * @param unit {@code bytes}, {@code percent} or {@code ms}; empty for a check without a figure (a
 *     tier root that is missing)
 * @param level the verdict
 * @param message a sentence for people: what it means and what to do
 */
public record HealthCheck(
    String name,
    double value,
    double warning,
    double critical,
    String unit,
    HealthLevel level,
    String message) {

  /**
   * Checks the components.
   *
   * @param name what was checked; not null
   * @param value the measured value, in {@code unit}
   * @param warning the warning threshold, or NaN if none
   * @param critical the critical threshold, or NaN if none
   * @param unit the unit of the figures, or empty for none; not null
   * @param level the verdict; not null
   * @param message a sentence for people; not null
   */
  public HealthCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
  }
}
