package dev.tiering.schema;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Data quality figures of a table, as in the sidecar's {@code quality_metrics}.
 *
 * <ul>
 *   <li>{@code completeness}: non-null cells / all cells, over all fields;
 *   <li>{@code accuracy}: rows offered to writers that passed validation and every named rule /
 *       rows offered (1.0 when none were offered); always written, also for tables without rules,
 *       where it is the share of offered rows that were valid. Null only when read from a sidecar
 *       written without it;
 *   <li>{@code last_validated}: when the figures were computed;
 *   <li>{@code row_count}, {@code fields}, {@code rules}: the counts behind the figures, which let
 *       a new write's figures be merged in weighted by rows. Sidecars written elsewhere may lack
 *       them; figures without counts cannot be weighted and are replaced on merge.
 * </ul>
 *
 * @param completeness fraction of non-null cells, 0-1
 * @param accuracy fraction of offered rows that were valid and passed every rule, 0-1, or null if
 *     unknown
 * @param lastValidated when computed
 * @param rowCount rows the figures cover, or null if unknown
 * @param fieldQuality per-field figures, by field name, in field order
 * @param ruleQuality per-rule figures, by rule name
 * @param extras keys of {@code quality_metrics} this SDK does not know, as JSON text
 */
public record QualityMetrics(
    double completeness,
    Double accuracy,
    Instant lastValidated,
    Long rowCount,
    Map<String, FieldQuality> fieldQuality,
    Map<String, RuleQuality> ruleQuality,
    Map<String, String> extras) {

  /**
   * Figures of one field.
   *
   * @param rows rows observed
   * @param nulls rows where the field was null
   */
  public record FieldQuality(long rows, long nulls) {
    /**
     * Checks the counts.
     *
     * @param rows 0 or more
     * @param nulls 0 to {@code rows}
     */
    public FieldQuality {
      if (rows < 0 || nulls < 0 || nulls > rows) {
        throw new IllegalArgumentException(
            "Invalid field counts: "
                + nulls
                + " nulls in "
                + rows
                + " rows (use 0 <= nulls <= rows)");
      }
    }

    /** {@return non-null rows / rows; 1.0 for no rows} */
    public double completeness() {
      return rows == 0 ? 1.0 : (double) (rows - nulls) / rows;
    }
  }

  /**
   * Figures of one named rule.
   *
   * @param checked rows checked
   * @param passed rows that passed
   */
  public record RuleQuality(long checked, long passed) {
    /**
     * Checks the counts.
     *
     * @param checked 0 or more
     * @param passed 0 to {@code checked}
     */
    public RuleQuality {
      if (checked < 0 || passed < 0 || passed > checked) {
        throw new IllegalArgumentException(
            "Invalid rule counts: "
                + passed
                + " passed of "
                + checked
                + " (use 0 <= passed <= checked)");
      }
    }

    /** {@return passed / checked; 1.0 for none checked} */
    public double passRate() {
      return checked == 0 ? 1.0 : (double) passed / checked;
    }
  }

  /**
   * Checks the figures.
   *
   * @param completeness 0-1
   * @param accuracy 0-1, or null
   * @param lastValidated not null
   * @param rowCount 0 or more, or null
   * @param fieldQuality per-field figures, or null for none; copied
   * @param ruleQuality per-rule figures, or null for none; copied
   * @param extras unknown keys to keep, or null for none
   * @throws IllegalArgumentException for a fraction outside 0-1 or a negative row count
   */
  public QualityMetrics {
    checkFraction("completeness", completeness);
    if (accuracy != null) {
      checkFraction("accuracy", accuracy);
    }
    Objects.requireNonNull(lastValidated, "lastValidated");
    if (rowCount != null && rowCount < 0) {
      throw new IllegalArgumentException("Invalid row_count " + rowCount + " (use >= 0)");
    }
    fieldQuality =
        java.util.Collections.unmodifiableMap(
            new LinkedHashMap<>(fieldQuality == null ? Map.of() : fieldQuality));
    ruleQuality =
        java.util.Collections.unmodifiableMap(
            new LinkedHashMap<>(ruleQuality == null ? Map.of() : ruleQuality));
    extras = JsonExtras.copy(extras);
  }

  private static void checkFraction(String name, double value) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException("Invalid " + name + " " + value + " (use 0.0 to 1.0)");
    }
  }

  /**
   * Combines the figures of data already in the table with those of newly written rows, each
   * weighted by its row count; {@code lastValidated} is the newer one. Figures without a row count
   * cannot be weighted, so the other side's figures are taken; a null side is ignored.
   *
   * @param existing the figures of the table, or null
   * @param added the figures of the new rows, or null
   * @return the combined figures, or null if both are null
   */
  public static QualityMetrics merge(QualityMetrics existing, QualityMetrics added) {
    if (added == null) {
      return existing;
    }
    if (existing == null || existing.rowCount == null) {
      return added;
    }
    if (added.rowCount == null) {
      return existing;
    }
    long rowsA = existing.rowCount;
    long rowsB = added.rowCount;
    long rows = rowsA + rowsB;
    double completeness =
        rows == 0
            ? added.completeness
            : (existing.completeness * rowsA + added.completeness * rowsB) / rows;

    Map<String, FieldQuality> fields = new LinkedHashMap<>(existing.fieldQuality);
    added.fieldQuality.forEach(
        (name, q) ->
            fields.merge(
                name, q, (a, b) -> new FieldQuality(a.rows() + b.rows(), a.nulls() + b.nulls())));
    Map<String, RuleQuality> rules = new LinkedHashMap<>(existing.ruleQuality);
    added.ruleQuality.forEach(
        (name, q) ->
            rules.merge(
                name,
                q,
                (a, b) -> new RuleQuality(a.checked() + b.checked(), a.passed() + b.passed())));

    Double accuracy;
    if (existing.accuracy == null || added.accuracy == null) {
      accuracy = existing.accuracy == null ? added.accuracy : existing.accuracy;
    } else {
      accuracy =
          rows == 0 ? added.accuracy : (existing.accuracy * rowsA + added.accuracy * rowsB) / rows;
    }
    Instant last =
        existing.lastValidated.isAfter(added.lastValidated)
            ? existing.lastValidated
            : added.lastValidated;
    Map<String, String> extras = new LinkedHashMap<>(existing.extras);
    extras.putAll(added.extras);
    return new QualityMetrics(
        clamp(completeness),
        accuracy == null ? null : clamp(accuracy),
        last,
        rows,
        fields,
        rules,
        extras);
  }

  /** Rounding in weighted means can leave 1.0000000000000002; fractions stay within 0-1. */
  private static double clamp(double fraction) {
    return Math.max(0.0, Math.min(1.0, fraction));
  }
}
