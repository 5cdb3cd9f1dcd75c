package dev.tiering.core;

/**
 * Capacity of the file store (device) holding a path, like one line of {@code df}.
 *
 * @param totalBytes the store's size
 * @param usableBytes bytes this process can still write
 */
public record StoreUsage(long totalBytes, long usableBytes) {

  /** Checks the figures. */
  public StoreUsage {
    if (totalBytes < 0 || usableBytes < 0) {
      throw new IllegalArgumentException(
          "Invalid store usage: total " + totalBytes + ", usable " + usableBytes + " (use >= 0)");
    }
  }

  /** Bytes in use (total minus usable). */
  public long usedBytes() {
    return Math.max(0, totalBytes - usableBytes);
  }

  /** Fraction in use, from 0.0 to 1.0 (0.0 for an empty store). */
  public double usedFraction() {
    return totalBytes == 0 ? 0.0 : (double) usedBytes() / totalBytes;
  }
}
