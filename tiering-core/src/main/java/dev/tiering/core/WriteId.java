package dev.tiering.core;

import dev.tiering.core.internal.NameRules;

/**
 * A validated write id, which makes a lake write idempotent: a table commits each id at most once.
 * 1-128 characters of {@code A-Z}, {@code a-z}, {@code 0-9}, {@code _} and {@code -}, starting with
 * a letter or digit, for example {@code run7-b42}: ids are part of file names.
 *
 * @param value the id, already validated
 */
public record WriteId(String value) {

  /** The accepted form, as quoted in error messages. */
  public static final String FORM =
      "1-128 characters of A-Z, a-z, 0-9, _ and -, starting with a letter or digit";

  /**
   * Validates the id.
   *
   * @param value the id to check
   * @throws IllegalArgumentException naming the value, the broken rule and {@link #FORM}
   */
  public WriteId {
    NameRules.check(
        "write id",
        value,
        NameRules::isAlnum,
        cp -> NameRules.isAlnum(cp) || cp == '_' || cp == '-',
        FORM);
  }

  /**
   * Parses a write id.
   *
   * @param value the id, e.g. {@code run7-b42}
   * @return the validated id
   * @throws IllegalArgumentException if the id is not of the form {@link #FORM}
   */
  public static WriteId of(String value) {
    return new WriteId(value);
  }

  /** The id itself. */
  @Override
  public String toString() {
    return value;
  }
}
