package dev.tiering.core.lifecycle;

import dev.tiering.core.Zone;
import java.time.Period;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How long data stays in the lake before it moves to the archive, and how long it stays in the
 * archive before it is deleted, per zone. Zones without a figure are left alone. Bronze is
 * append-only: its archive is never deleted unless {@link #allowingBronzeDeletion()} says so.
 * Immutable.
 *
 * <pre>{@code
 * RetentionPolicy policy = RetentionPolicy.none()
 *     .lake(Zone.SILVER, Period.ofDays(90))
 *     .archive(Zone.SILVER, Period.ofYears(2));
 * }</pre>
 */
public final class RetentionPolicy {

  private final Map<Zone, Period> lake;
  private final Map<Zone, Period> archive;
  private final boolean deleteBronze;

  private RetentionPolicy(Map<Zone, Period> lake, Map<Zone, Period> archive, boolean deleteBronze) {
    this.lake = copy(lake);
    this.archive = copy(archive);
    this.deleteBronze = deleteBronze;
  }

  private static Map<Zone, Period> copy(Map<Zone, Period> map) {
    return map.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(map));
  }

  /** {@return a policy that keeps everything where it is} */
  public static RetentionPolicy none() {
    return new RetentionPolicy(Map.of(), Map.of(), false);
  }

  /**
   * {@return this policy, moving partitions of {@code zone} older than {@code age} to the archive}
   *
   * @param zone the zone the retention applies to; replaces any earlier figure for it
   * @param age how long partitions stay in the lake; zero or more
   * @throws IllegalArgumentException if {@code age} is negative
   */
  public RetentionPolicy lake(Zone zone, Period age) {
    Map<Zone, Period> next = new EnumMap<>(Zone.class);
    next.putAll(lake);
    next.put(Objects.requireNonNull(zone, "zone"), checked(age));
    return new RetentionPolicy(next, archive, deleteBronze);
  }

  /**
   * {@return this policy, deleting archived partitions of {@code zone} older than {@code age}}
   *
   * @param zone the zone the retention applies to; replaces any earlier figure for it
   * @param age how long partitions stay in the archive; zero or more
   * @throws IllegalArgumentException if {@code age} is negative
   */
  public RetentionPolicy archive(Zone zone, Period age) {
    Map<Zone, Period> next = new EnumMap<>(Zone.class);
    next.putAll(archive);
    next.put(Objects.requireNonNull(zone, "zone"), checked(age));
    return new RetentionPolicy(lake, next, deleteBronze);
  }

  /**
   * {@return this policy, allowing bronze archives to be deleted} Bronze is otherwise never
   * deleted.
   */
  public RetentionPolicy allowingBronzeDeletion() {
    return new RetentionPolicy(lake, archive, true);
  }

  private static Period checked(Period age) {
    if (age.isNegative()) {
      throw new IllegalArgumentException("Invalid retention " + age + " (use zero or more)");
    }
    return age;
  }

  /** {@return the lake retention of each zone that has one} */
  public Map<Zone, Period> lake() {
    return lake;
  }

  /** {@return the archive retention of each zone that has one} */
  public Map<Zone, Period> archive() {
    return archive;
  }

  /** {@return whether bronze archives may be deleted} */
  public boolean deletesBronze() {
    return deleteBronze;
  }
}
