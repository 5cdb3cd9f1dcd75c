package dev.tiering.core;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * A number of bytes, printed as {@code du -h} prints sizes (powers of 1024, one decimal: {@code 9.5
 * GiB}) and parsed from such text ({@code 40GiB}, {@code 40G}, {@code 512 MiB}, {@code 1000}).
 *
 * @param bytes the size, zero or more
 */
public record ByteSize(long bytes) {

  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  /**
   * Checks the size.
   *
   * @param bytes the size to check
   * @throws IllegalArgumentException if negative
   */
  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("Invalid size " + bytes + " bytes (use 0 or more)");
    }
  }

  /**
   * {@return a size of {@code bytes} bytes}
   *
   * @param bytes the size, zero or more
   * @throws IllegalArgumentException if negative
   */
  public static ByteSize of(long bytes) {
    return new ByteSize(bytes);
  }

  /**
   * Parses {@code <number>[unit]}: units B, K/KiB, M/MiB, G/GiB, T/TiB, P/PiB, any case, all powers
   * of 1024; decimals allowed ({@code 1.5G}).
   *
   * @param text the size as text; blanks are ignored, a bare number is bytes
   * @return the size, rounded up to a whole byte
   * @throws IllegalArgumentException for any other text
   */
  public static ByteSize parse(String text) {
    String t = text == null ? "" : text.strip().replace(" ", "");
    int split = 0;
    while (split < t.length() && (Character.isDigit(t.charAt(split)) || t.charAt(split) == '.')) {
      split++;
    }
    String unit = t.substring(split).toUpperCase(Locale.ROOT);
    int power =
        switch (unit) {
          case "", "B" -> 0;
          case "K", "KB", "KIB" -> 1;
          case "M", "MB", "MIB" -> 2;
          case "G", "GB", "GIB" -> 3;
          case "T", "TB", "TIB" -> 4;
          case "P", "PB", "PIB" -> 5;
          default -> -1;
        };
    try {
      if (split == 0 || power < 0) {
        throw new NumberFormatException(text);
      }
      BigDecimal value =
          new BigDecimal(t.substring(0, split)).multiply(BigDecimal.valueOf(1024).pow(power));
      return new ByteSize(value.setScale(0, java.math.RoundingMode.CEILING).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "Invalid size '"
              + text
              + "' (use a number and a unit of"
              + " B, KiB, MiB, GiB, TiB: e.g. 40GiB or 512M)");
    }
  }

  /** The size as {@code du -h} prints it: {@code 930 B}, {@code 9.5 GiB}. */
  @Override
  public String toString() {
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }
}
