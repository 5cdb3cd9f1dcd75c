package dev.tiering.parquet;

import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;

/**
 * A growable little-endian byte buffer for one part of a page (levels, values, a dictionary), reset
 * and reused page after page so that encoding allocates nothing once warm.
 */
final class PageBytes {

  private byte[] bytes;
  private int size;

  PageBytes(int initialCapacity) {
    bytes = new byte[initialCapacity];
  }

  void reset() {
    size = 0;
  }

  int size() {
    return size;
  }

  void write(int b) {
    if (size == bytes.length) {
      grow(1);
    }
    bytes[size++] = (byte) b;
  }

  void writeIntLittleEndian(int v) {
    if (size + 4 > bytes.length) {
      grow(4);
    }
    bytes[size] = (byte) v;
    bytes[size + 1] = (byte) (v >>> 8);
    bytes[size + 2] = (byte) (v >>> 16);
    bytes[size + 3] = (byte) (v >>> 24);
    size += 4;
  }

  void writeLongLittleEndian(long v) {
    writeIntLittleEndian((int) v);
    writeIntLittleEndian((int) (v >>> 32));
  }

  void writeUnsignedVarInt(int v) {
    while ((v & ~0x7F) != 0) {
      write((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    write(v);
  }

  void write(byte[] source) {
    if (size + source.length > bytes.length) {
      grow(source.length);
    }
    System.arraycopy(source, 0, bytes, size, source.length);
    size += source.length;
  }

  /**
   * Makes room for {@code more} bytes and returns the buffer to write them into directly, from
   * {@link #size()} on; {@link #advance} then counts them written.
   */
  byte[] reserve(int more) {
    if (size + more > bytes.length) {
      grow(more);
    }
    return bytes;
  }

  /** Counts {@code count} bytes written directly into the buffer {@link #reserve} returned. */
  void advance(int count) {
    size += count;
  }

  /**
   * The bytes written since the last reset, not copied: valid until the next write or reset. Page
   * writers compress or copy what they keep before returning, so a page can be handed over this
   * way.
   */
  BytesInput view() {
    return BytesInput.from(bytes, 0, size);
  }

  /** A copy of the bytes written since the last reset. */
  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private void grow(int more) {
    long wanted = Math.max((long) bytes.length * 2, (long) size + more);
    if (wanted > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("A page part cannot exceed 2 GiB: " + wanted + " bytes");
    }
    bytes = Arrays.copyOf(bytes, (int) wanted);
  }
}
