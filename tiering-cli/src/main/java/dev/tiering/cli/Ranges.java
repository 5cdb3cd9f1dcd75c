package dev.tiering.cli;

import dev.tiering.core.ByteSize;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Range checks of numeric options, as usage errors (exit 64) that name the option, the value and
 * the range: a value out of range is refused, never clamped or wrapped.
 */
final class Ranges {

  private Ranges() {}

  static long check(CommandSpec spec, String option, long value, long min, long max, String unit) {
    if (value < min || value > max) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid " + option + " " + value + " (use " + min + " to " + max + " " + unit + ")");
    }
    return value;
  }

  static double check(
      CommandSpec spec, String option, double value, double min, double max, String unit) {
    if (!(value >= min && value <= max)) { // also refuses NaN
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid " + option + " " + value + " (use " + min + " to " + max + " " + unit + ")");
    }
    return value;
  }

  static long bytes(CommandSpec spec, String option, ByteSize value, long min) {
    if (value.bytes() < min) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid " + option + " " + value + " (use at least " + ByteSize.of(min) + ")");
    }
    return value.bytes();
  }
}
