package dev.tiering.core;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The result of a health check run: every check and the overall level (the worst).
 *
 * @param at when the checks ran
 * @param checks the checks, in a stable order
 */
public record HealthReport(Instant at, List<HealthCheck> checks) {

  /** Checks and copies the components. */
  public HealthReport {
    Objects.requireNonNull(at, "at");
    checks = List.copyOf(checks);
  }

  /** The worst level of all checks. */
  public HealthLevel level() {
    HealthLevel worst = HealthLevel.OK;
    for (HealthCheck check : checks) {
      worst = worst.worst(check.level());
    }
    return worst;
  }

  /** Logs each check at INFO, WARN or ERROR by its level. */
  public void log(Logger logger) {
    for (HealthCheck check : checks) {
      switch (check.level()) {
        case OK -> logger.info("{}: {}", check.name(), check.message());
        case WARNING -> logger.warn("{}: {}", check.name(), check.message());
        case CRITICAL -> logger.error("{}: {}", check.name(), check.message());
      }
    }
  }

  /**
   * The report as JSON: {@code {"at", "level", "checks": [{name, value, warning, critical, unit,
   * level, message}]}}; a threshold a check does not have is {@code null}.
   */
  public String toJson() {
    StringBuilder json = new StringBuilder(256).append("{\n  \"at\": ").append(quote(at.toString()))
        .append(",\n  \"level\": ").append(quote(level().toString())).append(",\n  \"checks\": [");
    for (int i = 0; i < checks.size(); i++) {
      HealthCheck c = checks.get(i);
      json.append(i == 0 ? "\n" : ",\n").append("    {\"name\": ").append(quote(c.name()))
          .append(", \"value\": ").append(number(c.value()))
          .append(", \"warning\": ").append(number(c.warning()))
          .append(", \"critical\": ").append(number(c.critical()))
          .append(", \"unit\": ").append(quote(c.unit()))
          .append(", \"level\": ").append(quote(c.level().toString()))
          .append(", \"message\": ").append(quote(c.message())).append('}');
    }
    return json.append(checks.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
  }

  private static String number(double value) {
    if (!Double.isFinite(value)) {
      return "null";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
