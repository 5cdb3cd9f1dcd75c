package dev.tiering.core.health;

import dev.tiering.core.ByteSize;
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

  /**
   * Checks and copies the components.
   *
   * @param at when the checks ran; not null
   * @param checks the checks, copied
   */
  public HealthReport {
    Objects.requireNonNull(at, "at");
    checks = List.copyOf(checks);
  }

  /** {@return the worst level of all checks; {@link HealthLevel#OK} if there are none} */
  public HealthLevel level() {
    HealthLevel worst = HealthLevel.OK;
    for (HealthCheck check : checks) {
      worst = worst.worst(check.level());
    }
    return worst;
  }

  /**
   * Logs each check at INFO, WARN or ERROR by its level.
   *
   * @param logger where to log
   */
  public void log(Logger logger) {
    for (HealthCheck check : checks) {
      switch (check.level()) {
        case OK -> logger.info("{}: {}", check.name(), printable(check.message()));
        case WARNING -> logger.warn("{}: {}", check.name(), printable(check.message()));
        case CRITICAL -> logger.error("{}: {}", check.name(), printable(check.message()));
      }
    }
  }

  /**
   * {@return the report as {@code tiering status} prints it} That is a heading with the time and
   * the overall level, then a line per check with its level, its value and thresholds in their
   * units (sizes as {@code 9.8 GiB}, shares as {@code 71.0%}), a bar of how far the value is toward
   * its limit, and the message.
   */
  public String format() {
    StringBuilder text =
        new StringBuilder(
            String.format(Locale.ROOT, "tiering status at %s: %s%n%n", at, level().name()));
    for (HealthCheck check : checks) {
      text.append(
          String.format(
              Locale.ROOT,
              "  %-24s %-8s %-40s %s  %s%n",
              printable(check.name()),
              check.level(),
              figures(check),
              bar(check),
              printable(check.message())));
    }
    return text.toString();
  }

  private static String printable(String text) {
    return dev.tiering.core.internal.NameRules.printable(text);
  }

  /** {@link #format()}. */
  @Override
  public String toString() {
    return format();
  }

  /** The value and the thresholds it is judged by: {@code value / warn ... / crit ...}. */
  private static String figures(HealthCheck check) {
    return switch (check.unit()) {
      case "" -> "-";
      case "bytes" ->
          ByteSize.of((long) check.value())
              + thresholds(check, v -> ByteSize.of((long) v).toString());
      case "percent" ->
          String.format(Locale.ROOT, "%.1f%%", check.value())
              + thresholds(check, v -> String.format(Locale.ROOT, "%.0f%%", v));
      default ->
          String.format(Locale.ROOT, "%.1f %s", check.value(), check.unit())
              + thresholds(check, v -> String.format(Locale.ROOT, "%.0f %s", v, check.unit()));
    };
  }

  private static String thresholds(
      HealthCheck check, java.util.function.DoubleFunction<String> show) {
    return (Double.isNaN(check.warning()) ? "" : " / warn " + show.apply(check.warning()))
        + (Double.isNaN(check.critical()) ? "" : " / crit " + show.apply(check.critical()));
  }

  /** Ten cells of how far a value is toward its limit (fullness: toward 100%). */
  static String bar(HealthCheck check) {
    if (check.unit().isEmpty()) {
      return " ".repeat(12);
    }
    double limit = Double.isNaN(check.critical()) ? check.warning() : check.critical();
    double fraction =
        check.unit().equals("percent")
            ? check.value() / 100
            : !(limit > 0) ? 0 : check.value() / limit;
    int cells = (int) Math.round(Math.max(0, Math.min(1, fraction)) * 10);
    return "[" + "#".repeat(cells) + ".".repeat(10 - cells) + "]";
  }

  /**
   * {@return the report as JSON: {@code {"at", "level", "checks": [{name, value, warning, critical,
   * unit, level, message}]}}} A threshold a check does not have is {@code null}.
   */
  public String toJson() {
    StringBuilder json =
        new StringBuilder(256)
            .append("{\n  \"at\": ")
            .append(quote(at.toString()))
            .append(",\n  \"level\": ")
            .append(quote(level().toString()))
            .append(",\n  \"checks\": [");
    for (int i = 0; i < checks.size(); i++) {
      HealthCheck c = checks.get(i);
      json.append(i == 0 ? "\n" : ",\n")
          .append("    {\"name\": ")
          .append(quote(c.name()))
          .append(", \"value\": ")
          .append(number(c.value()))
          .append(", \"warning\": ")
          .append(number(c.warning()))
          .append(", \"critical\": ")
          .append(number(c.critical()))
          .append(", \"unit\": ")
          .append(quote(c.unit()))
          .append(", \"level\": ")
          .append(quote(c.level().toString()))
          .append(", \"message\": ")
          .append(quote(c.message()))
          .append('}');
    }
    return json.append(checks.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
  }

  private static String number(double value) {
    if (!Double.isFinite(value)) {
      return "null";
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
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
