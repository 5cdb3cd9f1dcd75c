package dev.tiering.core.storage;

import dev.tiering.core.ByteSize;
import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A write ran out of space on a tier. The file being written was discarded: nothing of it is
 * visible and its temporary bytes are gone; files written before are intact. The message names the
 * tier, the free space and what to run.
 */
public final class TierFullException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Tier tier;
  private final transient Path target;
  private final transient StoreUsage usage;

  TierFullException(
      Tier tier, TierLayout layout, Path target, StoreUsage usage, IOException cause) {
    super(message(tier, layout, target, usage, cause), cause);
    this.tier = tier;
    this.target = Objects.requireNonNull(target, "target");
    this.usage = usage;
  }

  private static String message(
      Tier tier, TierLayout layout, Path target, StoreUsage usage, IOException cause) {
    String where =
        tier == null
            ? "the store of " + target.getParent()
            : tier + " tier (" + tier.device() + ", " + layout.display(layout.root(tier)) + ")";
    String space =
        usage == null
            ? "free space unknown"
            : ByteSize.of(usage.usableBytes()) + " free of " + ByteSize.of(usage.totalBytes());
    String fix =
        tier == Tier.HOT
            ? "run 'tiering cleanup --keep-recent 2' or evict cache entries"
            : tier == Tier.COLD
                ? "run 'tiering archive' or 'tiering compact', or add capacity"
                : "free space there";
    return "No space left on "
        + where
        + " writing "
        + layout.display(target)
        + ": "
        + space
        + " ("
        + cause.getMessage()
        + "). The file was discarded and nothing of it is visible; "
        + fix
        + ", then write it again.";
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
