package dev.tiering.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Parquet's RLE/bit-packed hybrid encoding of small integers (definition levels, dictionary ids):
 * runs of one repeated value, and groups of 8 values packed least-significant bit first. Both
 * directions work in bulk on int arrays; parquet-java's encoder and decoder take a call per value,
 * which profiles showed as the largest single cost of writing and of scanning.
 */
final class Hybrid {

  /** Bit-packed runs hold at most 63 groups, as parquet-java writes them, so any reader copes. */
  private static final int MAX_GROUPS = 63;

  private Hybrid() {}

  /**
   * Decodes {@code count} values of {@code width} bits into {@code out}, from the buffer's
   * position.
   *
   * @throws IOException if the buffer ends before {@code count} values
   */
  static void decode(ByteBuffer in, int width, int[] out, int count) throws IOException {
    if (width < 0 || width > 32) {
      throw new IOException("Invalid bit width " + width + " in a hybrid-encoded run");
    }
    byte[] bytes;
    int pos;
    int base;
    if (in.hasArray()) {
      bytes = in.array();
      base = in.arrayOffset();
      pos = base + in.position();
    } else {
      bytes = new byte[in.remaining()];
      in.duplicate().get(bytes);
      base = -in.position();
      pos = 0;
    }
    int limit = base + in.limit();
    int valueBytes = (width + 7) / 8;
    long mask = width == 32 ? 0xFFFF_FFFFL : (1L << width) - 1;
    int i = 0;
    while (i < count) {
      // The header: an unsigned varint.
      int header = 0;
      for (int shift = 0; ; shift += 7) {
        if (pos >= limit || shift > 28) {
          throw ended(i, count);
        }
        int b = bytes[pos++] & 0xFF;
        header |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if ((header & 1) == 0) {
        if (pos + valueBytes > limit) {
          throw ended(i, count);
        }
        int value = 0;
        for (int b = 0; b < valueBytes; b++) {
          value |= (bytes[pos++] & 0xFF) << (8 * b);
        }
        int end = (int) Math.min(count, (long) i + (header >>> 1));
        Arrays.fill(out, i, end, value);
        i = end;
        continue;
      }
      int groups = header >>> 1;
      if (pos + (long) groups * width > limit) {
        throw ended(i, count);
      }
      for (int g = 0; g < groups; g++) {
        if (width <= 8) {
          // Eight values of at most 8 bits are at most 8 bytes: one word.
          long word = 0;
          for (int b = 0; b < width; b++) {
            word |= (long) (bytes[pos + b] & 0xFF) << (8 * b);
          }
          for (int v = 0; v < 8 && i < count; v++) {
            out[i++] = (int) ((word >>> (width * v)) & mask);
          }
        } else {
          long buffer = 0;
          int bits = 0;
          int at = pos;
          for (int v = 0; v < 8; v++) {
            while (bits < width) {
              buffer |= (long) (bytes[at++] & 0xFF) << bits;
              bits += 8;
            }
            if (i < count) {
              out[i++] = (int) (buffer & mask);
            }
            buffer >>>= width;
            bits -= width;
          }
        }
        pos += width;
      }
    }
    in.position(pos - base);
  }

  private static IOException ended(int decoded, int count) {
    return new IOException(
        "A hybrid-encoded run ends after " + decoded + " of " + count + " values");
  }

  /**
   * Encodes {@code values[0..count)} of {@code width} bits (0-32) into {@code out}: repeats of 8 or
   * more become run-length runs, everything between them bit-packed groups; the last group is
   * padded with zeros, which readers drop since they know the count.
   */
  static void encode(int[] values, int count, int width, PageBytes out) {
    int literals = 0;
    int i = 0;
    while (i < count) {
      int value = values[i];
      int run = 1;
      while (i + run < count && values[i + run] == value) {
        run++;
      }
      // A bit-packed run must end on a group boundary, so the repeat first tops up the pending
      // literals to a multiple of 8; only a repeat still 8 long after that is worth its own run.
      int pad = (8 - (i - literals) % 8) % 8;
      if (run - pad >= 8) {
        pack(values, literals, i + pad, width, out);
        out.writeUnsignedVarInt((run - pad) << 1);
        for (int b = 0; b < width; b += 8) {
          out.write(value >>> b);
        }
        i += run;
        literals = i;
      } else {
        i += run;
      }
    }
    pack(values, literals, count, width, out);
  }

  /**
   * Bit-packs {@code values[from..to)}, padding the last group of 8 with zeros; straight into the
   * buffer, a whole group at a time where 8 values fit one word (widths up to 8: levels, small
   * dictionaries).
   */
  private static void pack(int[] values, int from, int to, int width, PageBytes out) {
    long mask = width == 32 ? 0xFFFF_FFFFL : (1L << width) - 1;
    for (int start = from; start < to; start += MAX_GROUPS * 8) {
      int end = Math.min(to, start + MAX_GROUPS * 8);
      int groups = (end - start + 7) / 8;
      out.writeUnsignedVarInt(groups << 1 | 1);
      byte[] bytes = out.reserve(groups * width);
      int at = out.size();
      int full = start + (end - start) / 8 * 8;
      int k = start;
      if (width <= 8) {
        for (; k < full; k += 8) {
          long word = 0;
          for (int v = 0; v < 8; v++) {
            word |= (values[k + v] & mask) << (v * width);
          }
          for (int b = 0; b < width; b++) {
            bytes[at++] = (byte) (word >>> (8 * b));
          }
        }
      }
      long buffer = 0;
      int bits = 0;
      for (int stop = start + groups * 8; k < stop; k++) {
        buffer |= (k < end ? values[k] & mask : 0) << bits;
        bits += width;
        while (bits >= 8) {
          bytes[at++] = (byte) buffer;
          buffer >>>= 8;
          bits -= 8;
        }
      }
      out.advance(groups * width);
    }
  }
}
