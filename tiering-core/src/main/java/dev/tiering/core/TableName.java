package dev.tiering.core;

import dev.tiering.core.internal.NameRules;

/**
 * A validated table name (also used for raw-input sources): 1-128 characters of {@code a-z}, {@code
 * 0-9} and {@code _}, starting with a letter. Lowercase only, so that two tables never differ by
 * case alone on a case-insensitive file system or in a SQL engine.
 *
 * @param value the name, already validated
 */
public record TableName(String value) {

  /** The accepted form, as quoted in error messages. */
  public static final String FORM = "1-128 characters of a-z, 0-9 and _, starting with a letter";

  /**
   * Validates the name.
   *
   * @param value the name to check
   * @throws IllegalArgumentException naming the value, the broken rule and {@link #FORM}
   */
  public TableName {
    NameRules.check(
        "table name",
        value,
        NameRules::isLowerAlpha,
        cp -> NameRules.isLowerAlpha(cp) || NameRules.isDigit(cp) || cp == '_',
        FORM);
  }

  /**
   * Parses a table name.
   *
   * @param value the name, e.g. {@code slm_predictions}
   * @return the validated name
   * @throws IllegalArgumentException if the name is not of the form {@link #FORM}
   */
  public static TableName of(String value) {
    return new TableName(value);
  }

  /** The name itself. */
  @Override
  public String toString() {
    return value;
  }
}
