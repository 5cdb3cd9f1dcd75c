package dev.tiering.core.internal;

import java.util.function.IntPredicate;

/**
 * The single place where names that become path segments are checked. Internal: no compatibility
 * promise; use the name types ({@code TableName}, {@code BatchId}, ...) instead.
 *
 * <p>Each check names the first rule the value breaks, because "contains a path separator" tells a
 * user far more than "does not match [a-z0-9_]+". Values are quoted with {@link #quote} so that a
 * hostile name cannot forge log lines or hide characters in an error message.
 */
public final class NameRules {

  /** Longest accepted name, in characters; well under any file system's 255-byte segment limit. */
  public static final int MAX_LENGTH = 128;

  private NameRules() {}

  /**
   * {@return {@code value}, if it is a valid name of the given kind}
   *
   * @param what what the value names, for the message ("table name")
   * @param value the name to check
   * @param allowedFirst the characters a name may start with
   * @param allowed the characters a name may contain after its first
   * @param form the accepted form in words, for the message
   * @throws IllegalArgumentException naming the value, the broken rule and the accepted form
   */
  public static String check(
      String what, String value, IntPredicate allowedFirst, IntPredicate allowed, String form) {
    if (value == null) {
      throw new IllegalArgumentException("Invalid " + what + ": null (use " + form + ")");
    }
    String problem = problem(value, allowedFirst, allowed);
    if (problem != null) {
      throw new IllegalArgumentException(
          "Invalid " + what + " " + quote(value) + ": " + problem + " (use " + form + ")");
    }
    return value;
  }

  private static String problem(String value, IntPredicate allowedFirst, IntPredicate allowed) {
    if (value.isEmpty()) {
      return "it is empty";
    }
    if (value.length() > MAX_LENGTH) {
      return "it is " + value.length() + " characters long, more than " + MAX_LENGTH;
    }
    if (value.equals(".") || value.equals("..")) {
      return "it is a relative path segment";
    }
    // Separators and controls first: they are the dangerous cases and deserve the precise word.
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (cp == '/' || cp == '\\') {
        return "it contains the path separator '" + (char) cp + "'";
      }
      if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
        return "it contains the control character " + codePoint(cp);
      }
      i += Character.charCount(cp);
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (!(i == 0 ? allowedFirst : allowed).test(cp)) {
        return i == 0
            ? "it starts with " + codePoint(cp) + ", which is not allowed first"
            : "it contains " + codePoint(cp) + ", which is not allowed";
      }
      i += Character.charCount(cp);
    }
    return null;
  }

  /**
   * {@return whether {@code cp} is an ASCII lowercase letter}
   *
   * @param cp a Unicode code point
   */
  public static boolean isLowerAlpha(int cp) {
    return cp >= 'a' && cp <= 'z';
  }

  /**
   * {@return whether {@code cp} is an ASCII letter, either case, or digit}
   *
   * @param cp a Unicode code point
   */
  public static boolean isAlnum(int cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || isDigit(cp);
  }

  /**
   * {@return whether {@code cp} is an ASCII digit}
   *
   * @param cp a Unicode code point
   */
  public static boolean isDigit(int cp) {
    return cp >= '0' && cp <= '9';
  }

  private static String codePoint(int cp) {
    String hex = String.format("U+%04X", cp);
    return cp >= 0x20 && cp < 0x7f ? "'" + (char) cp + "' (" + hex + ")" : hex;
  }

  /**
   * {@return text made safe to print on one line of a terminal or a log: every control character
   * (C0, DEL, C1), line and paragraph separator and bidirectional override or isolate as {@code
   * \\uXXXX}, everything else as is} Names read back from disk may hold any of them, and a raw
   * newline or escape sequence in a report would forge or erase lines of it.
   *
   * @param text the text to print
   */
  public static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean unsafe =
          c < 0x20
              || (c >= 0x7f && c <= 0x9f)
              || c == 0x2028
              || c == 0x2029
              || (c >= 0x202a && c <= 0x202e)
              || (c >= 0x2066 && c <= 0x2069);
      if (unsafe && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        if (unsafe) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * Quotes a value for a message: printable ASCII as is, everything else as {@code \\uXXXX}, and
   * long values shortened, so a message never carries raw control or look-alike characters.
   *
   * @param value the value to quote
   * @return the value in single quotes
   */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), 64) + 2).append('\'');
    int shown = Math.min(value.length(), 60);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (shown < value.length()) {
      out.append("...");
    }
    return out.append('\'').toString();
  }
}
