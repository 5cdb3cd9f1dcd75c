package dev.tiering.core;

import dev.tiering.core.internal.NameRules;

/**
 * A validated batch id: 1-128 characters of {@code A-Z}, {@code a-z}, {@code 0-9}, {@code _} and
 * {@code -}, starting with a letter or digit (so it never reads as a command-line option).
 *
 * @param value the id, already validated
 */
public record BatchId(String value) {

  /** The accepted form, as quoted in error messages. */
  public static final String FORM =
      "1-128 characters of A-Z, a-z, 0-9, _ and -, starting with a letter or digit";

  /**
   * Validates the id.
   *
   * @param value the id to check
   * @throws IllegalArgumentException naming the value, the broken rule and {@link #FORM}
   */
  public BatchId {
    NameRules.check(
        "batch id",
        value,
        NameRules::isAlnum,
        cp -> NameRules.isAlnum(cp) || cp == '_' || cp == '-',
        FORM);
  }

  /**
   * Parses a batch id.
   *
   * @param value the id, e.g. {@code b42}
   * @return the validated id
   * @throws IllegalArgumentException if the id is not of the form {@link #FORM}
   */
  public static BatchId of(String value) {
    return new BatchId(value);
  }

  /** The id itself. */
  @Override
  public String toString() {
    return value;
  }
}
