package dev.tiering.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC clock each reading of which is one millisecond later than the last, so that orders by time
 * are always strict; {@link #skip} moves it on, to pass a period without waiting for it.
 */
public final class TickingClock extends Clock {

  private final AtomicLong millis;

  /** A clock whose first reading is one millisecond after {@code start}. */
  public TickingClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  /** Moves the clock on by {@code period}. */
  public void skip(Duration period) {
    millis.addAndGet(period.toMillis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.incrementAndGet());
  }
}
