package dev.tiering.core.storage;

/**
 * Capacity of the file store (device) holding a path, as {@code df} reports it.
 *
 * @param totalBytes the store's size
 * @param freeBytes bytes not allocated, including blocks reserved for root
 * @param usableBytes bytes this process can still write ({@code df}'s "Avail")
 */
public record StoreUsage(long totalBytes, long freeBytes, long usableBytes) {

  /**
   * Checks the figures.
   *
   * @param totalBytes the store's size
   * @param freeBytes bytes not allocated, at most {@code totalBytes}
   * @param usableBytes bytes this process can still write
   * @throws IllegalArgumentException if a figure is negative or free exceeds total
   */
  public StoreUsage {
    if (totalBytes < 0 || freeBytes < 0 || usableBytes < 0 || freeBytes > totalBytes) {
      throw new IllegalArgumentException(
          "Invalid store usage: total "
              + totalBytes
              + ", free "
              + freeBytes
              + ", usable "
              + usableBytes
              + " (use 0 <= free <= total, usable >= 0)");
    }
  }

  /**
   * {@return the usage of a store without reserved blocks} Free and usable are the same.
   *
   * @param totalBytes the store's size
   * @param usableBytes bytes free and writable, at most {@code totalBytes}
   * @throws IllegalArgumentException if a figure is negative or usable exceeds total
   */
  public static StoreUsage of(long totalBytes, long usableBytes) {
    return new StoreUsage(totalBytes, usableBytes, usableBytes);
  }

  /** {@return the bytes in use} This is {@code df}'s "Used": total minus free. */
  public long usedBytes() {
    return totalBytes - freeBytes;
  }

  /**
   * {@return the fraction in use, as {@code df}'s "Use%" computes it} That is used / (used +
   * available), so blocks reserved for root count as neither; 0.0 for an empty store.
   */
  public double usedFraction() {
    long denominator = usedBytes() + usableBytes;
    return denominator == 0 ? 0.0 : (double) usedBytes() / denominator;
  }
}
