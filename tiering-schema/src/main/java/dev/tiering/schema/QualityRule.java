package dev.tiering.schema;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A named check that rows of a table should pass, such as {@code prediction between 0 and 1}. A
 * table's accuracy is the fraction of rows that pass all of its rules.
 *
 * <pre>{@code
 * QualityRule inRange = QualityRule.of("prediction_in_0_1",
 *     row -> row.getDouble("prediction") >= 0 && row.getDouble("prediction") <= 1);
 * }</pre>
 *
 * @param name the rule's name, as it appears in {@code quality_metrics.rules}
 * @param test true for rows that pass
 */
public record QualityRule(String name, Predicate<RowView> test) {

  /**
   * Checks the components.
   *
   * @param name 1-128 characters, not blank
   * @param test not null
   * @throws IllegalArgumentException for a blank or longer name
   */
  public QualityRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(test, "test");
    if (name.isBlank() || name.length() > 128) {
      throw new IllegalArgumentException(
          "Invalid quality rule name '" + name + "' (use 1-128 characters)");
    }
  }

  /**
   * {@return a rule with a name and a test}
   *
   * @param name the rule's name, 1-128 characters, as it appears in {@code quality_metrics.rules}
   * @param test true for rows that pass
   * @throws IllegalArgumentException for a blank or longer name
   */
  public static QualityRule of(String name, Predicate<RowView> test) {
    return new QualityRule(name, test);
  }
}
