package dev.tiering.core.metrics;

import java.time.Duration;

/** Checks shared by the event records. */
final class Events {

  private Events() {}

  static void checkFigures(String event, long count, long bytes, Duration duration) {
    if (count < 0 || bytes < 0 || duration == null || duration.isNegative()) {
      throw new IllegalArgumentException(
          "Invalid "
              + event
              + ": count "
              + count
              + ", bytes "
              + bytes
              + ", duration "
              + duration
              + " (figures cannot be negative or missing)");
    }
  }
}
