package dev.tiering.core;

import dev.tiering.core.internal.NameRules;

/**
 * A validated column name: like table names, 1-128 characters of {@code a-z}, {@code 0-9} and
 * {@code _}, starting with a letter. Lowercase snake case means every engine (DuckDB, Spark, Hive,
 * case-insensitive SQL) sees the same column.
 *
 * @param value the name, already validated
 */
public record FieldName(String value) {

  /** The accepted form, as quoted in error messages. */
  public static final String FORM = TableName.FORM;

  /**
   * Validates the name.
   *
   * @param value the name to check
   * @throws IllegalArgumentException naming the value, the broken rule and {@link #FORM}
   */
  public FieldName {
    NameRules.check(
        "field name",
        value,
        NameRules::isLowerAlpha,
        cp -> NameRules.isLowerAlpha(cp) || NameRules.isDigit(cp) || cp == '_',
        FORM);
  }

  /**
   * Parses a field name.
   *
   * @param value the name, e.g. {@code confidence}
   * @return the validated name
   * @throws IllegalArgumentException if the name is not of the form {@link #FORM}
   */
  public static FieldName of(String value) {
    return new FieldName(value);
  }

  /** The name itself. */
  @Override
  public String toString() {
    return value;
  }
}
