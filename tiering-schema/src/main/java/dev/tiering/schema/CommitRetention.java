package dev.tiering.schema;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a table keeps its commit records, and so its write ids: a retried write is recognized as
 * already committed while its record is kept. A record goes once it is older than {@code age} or
 * once {@code count} newer records exist, whichever comes first (Delta Lake keeps its transaction
 * ids by age the same way). The count bounds what each commit lists.
 *
 * @param age records younger than this are kept (unless {@code count} newer ones exist)
 * @param count the most records kept
 */
public record CommitRetention(Duration age, int count) {

  /** Seven days, and at most 10,000 records. */
  public static final CommitRetention DEFAULT = new CommitRetention(Duration.ofDays(7), 10_000);

  /**
   * Checks the components.
   *
   * @param age positive
   * @param count 1 to 1,000,000
   * @throws IllegalArgumentException if either is out of range
   */
  public CommitRetention {
    Objects.requireNonNull(age, "age");
    if (age.isNegative() || age.isZero()) {
      throw new IllegalArgumentException(
          "Invalid commit retention age "
              + age
              + " (use a positive duration, e.g. PT168H for seven days)");
    }
    if (count < 1 || count > 1_000_000) {
      throw new IllegalArgumentException(
          "Invalid commit retention count " + count + " (use 1 to 1,000,000)");
    }
  }
}
