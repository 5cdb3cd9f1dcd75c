package dev.tiering.core.metrics;

/**
 * Lake files that readers asked the hot cache for.
 *
 * @param hits files served from their SSD copy
 * @param misses files served from the lake: not cached, or a copy found damaged and dropped
 * @param hitBytes the bytes of the copies served
 */
public record CacheRead(int hits, int misses, long hitBytes) {

  /**
   * Checks the components.
   *
   * @param hits at least 0
   * @param misses at least 0
   * @param hitBytes at least 0
   */
  public CacheRead {
    if (hits < 0 || misses < 0 || hitBytes < 0) {
      throw new IllegalArgumentException(
          "Invalid CacheRead: hits "
              + hits
              + ", misses "
              + misses
              + ", hit bytes "
              + hitBytes
              + " (counts cannot be negative)");
    }
  }
}
