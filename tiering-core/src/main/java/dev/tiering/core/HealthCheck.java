package dev.tiering.core;

import java.util.Objects;

/**
 * One check of a health report: a measured value against its limit.
 *
 * @param name what was checked, e.g. {@code staging size}
 * @param value the measured value, in {@code unit}
 * @param limit the limit the level was decided against, in {@code unit} (the warning limit when
 *     the value is within it)
 * @param unit {@code bytes}, {@code percent} or {@code ms}; empty for a check without a figure
 *     (a tier root that is missing)
 * @param level the verdict
 * @param message a sentence for people: what it means and what to do
 */
public record HealthCheck(String name, double value, double limit, String unit, HealthLevel level,
    String message) {

  /** Checks the components. */
  public HealthCheck {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
  }
}
