package dev.tiering.parquet;

import org.apache.parquet.io.api.Binary;

/**
 * Decodes UTF-8 strings of one column through a small cache of recent values: labels and categories
 * repeat, and decoding into a new String for every row costs more than hashing a few bytes. Not
 * thread-safe: one per column and reader.
 */
final class TextCache {

  private static final int SLOTS = 256;

  private final Binary[] keys = new Binary[SLOTS];
  private final String[] texts = new String[SLOTS];

  /** {@return {@code value} as a string, the cached one if it was seen recently} */
  String decode(Binary value) {
    int slot = value.hashCode() & (SLOTS - 1);
    if (value.equals(keys[slot])) {
      return texts[slot];
    }
    String decoded = value.toStringUsingUTF8();
    keys[slot] = value.copy();
    texts[slot] = decoded;
    return decoded;
  }
}
