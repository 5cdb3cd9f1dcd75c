package dev.tiering.core.lifecycle;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import java.time.LocalDate;
import java.time.Period;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How long data stays in the lake before it moves to the archive, and how long it stays in the
 * archive before it is deleted, per zone. Zones without a figure are left alone. Bronze is
 * append-only: its archive is never deleted unless {@link #allowingBronzeDeletion()} says so. A
 * partition dated before 2000-01-01 or after today has no age retention can trust (a wrong clock or
 * a bad date): it is reported and left where it is unless {@link #includingPartition} names it.
 * Immutable.
 *
 * <pre>{@code
 * RetentionPolicy policy = RetentionPolicy.none()
 *     .lake(Zone.SILVER, Period.ofDays(90))
 *     .archive(Zone.SILVER, Period.ofYears(2));
 * }</pre>
 */
public final class RetentionPolicy {

  /**
   * A partition named by date, which retention archives although its date is implausible.
   *
   * @param zone the table's zone
   * @param table the table
   * @param day the partition's date
   */
  record NamedPartition(Zone zone, TableName table, LocalDate day) {}

  private final Map<Zone, Period> lake;
  private final Map<Zone, Period> archive;
  private final boolean deleteBronze;
  private final Set<NamedPartition> included;

  private RetentionPolicy(
      Map<Zone, Period> lake,
      Map<Zone, Period> archive,
      boolean deleteBronze,
      Set<NamedPartition> included) {
    this.lake = copy(lake);
    this.archive = copy(archive);
    this.deleteBronze = deleteBronze;
    this.included = Set.copyOf(included);
  }

  private static Map<Zone, Period> copy(Map<Zone, Period> map) {
    return map.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(map));
  }

  /** {@return a policy that keeps everything where it is} */
  public static RetentionPolicy none() {
    return new RetentionPolicy(Map.of(), Map.of(), false, Set.of());
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
    return new RetentionPolicy(next, archive, deleteBronze, included);
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
    return new RetentionPolicy(lake, next, deleteBronze, included);
  }

  /**
   * {@return this policy, allowing bronze archives to be deleted} Bronze is otherwise never
   * deleted.
   */
  public RetentionPolicy allowingBronzeDeletion() {
    return new RetentionPolicy(lake, archive, true, included);
  }

  /**
   * {@return this policy, archiving the named partition although its date is implausible} A
   * partition dated before 2000-01-01 or after today is otherwise reported and left alone, since
   * its date says nothing of its age; naming it says it may go to the archive now (its zone needs a
   * lake retention). In the archive, its retention counts from when it arrived, like any other.
   *
   * @param zone the table's zone
   * @param table the table
   * @param day the partition's date, as its directory names it
   */
  public RetentionPolicy includingPartition(Zone zone, TableName table, LocalDate day) {
    Set<NamedPartition> next = new HashSet<>(included);
    next.add(
        new NamedPartition(
            Objects.requireNonNull(zone, "zone"),
            Objects.requireNonNull(table, "table"),
            Objects.requireNonNull(day, "day")));
    return new RetentionPolicy(lake, archive, deleteBronze, next);
  }

  /** {@return the partitions named with {@link #includingPartition}} */
  Set<NamedPartition> included() {
    return included;
  }

  /** {@return whether the partition of {@code table} dated {@code day} was named} */
  boolean includes(Zone zone, TableName table, LocalDate day) {
    return included.contains(new NamedPartition(zone, table, day));
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
