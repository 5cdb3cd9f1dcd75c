package dev.tiering.core.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * What lifecycle code accepts as a real time or date: nothing before {@link #FLOOR} (no data of
 * this SDK is that old: such a time is a clock that was never set, or a bad date) and nothing after
 * the clock's now (plus {@link #SKEW} for times, which file systems take from a coarser clock).
 * Retention and cleanup never act by an implausible time: they report it.
 */
final class PlausibleTime {

  /** The earliest plausible date. */
  static final LocalDate FLOOR = LocalDate.of(2000, 1, 1);

  /** How far a recorded time may run ahead of the clock before it counts as in the future. */
  static final Duration SKEW = Duration.ofMinutes(1);

  private PlausibleTime() {}

  /** Why {@code time} is not plausible at {@code now}, in words; null if it is. */
  static String implausible(Instant time, Instant now) {
    if (time.isBefore(FLOOR.atStartOfDay(ZoneOffset.UTC).toInstant())) {
      return time + " is before " + FLOOR;
    }
    if (time.isAfter(now.plus(SKEW))) {
      return time + " is in the future (now is " + now + ")";
    }
    return null;
  }

  /** Why {@code day} is not a plausible date on {@code today}, in words; null if it is. */
  static String implausible(LocalDate day, LocalDate today) {
    if (day.isBefore(FLOOR)) {
      return "before " + FLOOR;
    }
    if (day.isAfter(today)) {
      return "after today (" + today + ")";
    }
    return null;
  }
}
