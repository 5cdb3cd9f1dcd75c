package dev.tiering.core.storage;

import dev.tiering.core.Area;
import dev.tiering.core.ByteSize;
import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A write ran out of space on a tier. The file being written was discarded: its temporary bytes are
 * gone; files written before are intact. The message names the tier, the free space and what frees
 * space there, never the command that failed (see {@link Storage#reportingFullTiers(TierLayout,
 * String)}).
 */
public final class TierFullException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Tier tier;
  private final transient Path target;
  private final transient StoreUsage usage;
  private final transient String situation;
  private final transient String fix;
  private final transient String command;

  TierFullException(
      Tier tier,
      TierLayout layout,
      Path target,
      StoreUsage usage,
      String command,
      IOException cause) {
    this(
        tier,
        target,
        usage,
        situation(tier, layout, target, usage, cause),
        fix(tier, areaOf(layout, target), command),
        command,
        cause);
  }

  private TierFullException(
      Tier tier,
      Path target,
      StoreUsage usage,
      String situation,
      String fix,
      String command,
      IOException cause) {
    super(
        situation
            + ". The file was discarded, its partial bytes are gone and files written before"
            + " are intact; "
            + fix
            + ", then write it again.",
        cause);
    this.tier = tier;
    this.target = Objects.requireNonNull(target, "target");
    this.usage = usage;
    this.situation = situation;
    this.fix = fix;
    this.command = command;
  }

  /** The command whose advice was left out, or null. */
  String command() {
    return command;
  }

  private static String situation(
      Tier tier, TierLayout layout, Path target, StoreUsage usage, IOException cause) {
    String where =
        tier == null
            ? "the store of " + target.getParent()
            : tier + " tier (" + tier.device() + ", " + layout.display(layout.root(tier)) + ")";
    String space =
        usage == null
            ? "free space unknown"
            : ByteSize.of(usage.usableBytes()) + " free of " + ByteSize.of(usage.totalBytes());
    return "No space left on "
        + where
        + " writing "
        + layout.display(target)
        + ": "
        + space
        + " ("
        + cause.getMessage()
        + ")";
  }

  /** The area that holds {@code target}, or null for a path in none. */
  private static Area areaOf(TierLayout layout, Path target) {
    Path absolute = target.toAbsolutePath().normalize();
    for (Area area : Area.values()) {
      if (absolute.startsWith(layout.root(area))) {
        return area;
      }
    }
    return null;
  }

  /**
   * What frees space where {@code area} is, never naming {@code command}: the command that just
   * failed for want of it would only fail again. By area, since an area may have a device of its
   * own: 'tiering archive' and 'tiering compact' free the lake's clean area (archive moves data
   * into the archive), and 'tiering cleanup' only staging, so neither is advice for a full archive
   * or a full cache.
   */
  private static String fix(Tier tier, Area area, String command) {
    if (tier == null) {
      return "free space there";
    }
    if (area == Area.LAKE_ARCHIVE) {
      return "free space on it (delete archived data that is no longer needed; archive retention"
          + " deletes it when its time comes, never earlier) or add capacity";
    }
    java.util.List<String> commands =
        area == Area.CLEAN_CACHE
            ? java.util.List.of("tiering cache evict")
            : tier == Tier.HOT
                ? java.util.List.of("tiering cleanup --keep-recent 2", "tiering cache evict")
                : java.util.List.of("tiering archive", "tiering compact");
    java.util.List<String> others =
        commands.stream()
            .filter(c -> command == null || !c.startsWith("tiering " + command))
            .map(c -> "'" + c + "'")
            .toList();
    return others.isEmpty()
        ? "free space on it or add capacity"
        : "free space on it (run " + String.join(" or ", others) + ") or add capacity";
  }

  /**
   * {@return what ran out of space, without what to do: the tier, its root, the file and the free
   * space} For messages of a larger operation (a lake commit past its commit point) that say
   * themselves what happened to the write.
   */
  public String situation() {
    return situation;
  }

  /** {@return how to free space on the tier, never by the command that failed} */
  public String fix() {
    return fix;
  }

  /** {@return the tier that is full, or null if the file was outside both tier roots} */
  public Tier tier() {
    return tier;
  }

  /** {@return the file that could not be written} */
  public Path target() {
    return target;
  }

  /** {@return the store's capacity when the write failed, or null if it could not be measured} */
  public StoreUsage usage() {
    return usage;
  }

  /** True if {@code error} (or a cause) says the device or a quota is out of space. */
  static boolean isOutOfSpace(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = t.getMessage() == null ? "" : t.getMessage();
      String type = t.getClass().getSimpleName();
      if (message.contains("No space left on device")
          || message.contains("Disk quota exceeded")
          || type.equals("DiskOutOfSpaceException")
          || type.endsWith("QuotaExceededException")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
