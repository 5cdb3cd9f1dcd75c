package dev.tiering.schema.internal;

import dev.tiering.schema.QualityMetrics;
import dev.tiering.schema.QualityRule;
import dev.tiering.schema.RowView;
import dev.tiering.schema.TableSchema;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes quality metrics while rows stream past, in one pass and constant memory: null counts per
 * field and pass counts per rule. Not thread-safe: one per writer.
 */
public final class QualityAccumulator {

  private final TableSchema schema;
  private final List<QualityRule> rules;
  private final long[] nulls;
  private final long[] passed;
  private long rows;
  private long rowsPassingAll;

  /**
   * An accumulator with nothing counted yet.
   *
   * @param schema the schema of the rows
   * @param rules the rules each row is checked against; copied
   */
  public QualityAccumulator(TableSchema schema, List<QualityRule> rules) {
    this.schema = Objects.requireNonNull(schema, "schema");
    this.rules = List.copyOf(rules);
    this.nulls = new long[schema.fields().size()];
    this.passed = new long[this.rules.size()];
  }

  /**
   * Counts one row.
   *
   * @param row the row, only read during the call
   * @throws IllegalStateException if a rule throws, naming the rule and the row
   */
  public void add(RowView row) {
    for (int i = 0; i < nulls.length; i++) {
      if (row.isNull(i)) {
        nulls[i]++;
      }
    }
    boolean all = true;
    for (int r = 0; r < passed.length; r++) {
      QualityRule rule = rules.get(r);
      boolean ok;
      try {
        ok = rule.test().test(row);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "Quality rule '"
                + rule.name()
                + "' failed on row "
                + rows
                + " of "
                + schema.qualifiedName()
                + ": "
                + e
                + " (make the rule handle every value,"
                + " nulls included)",
            e);
      }
      if (ok) {
        passed[r]++;
      } else {
        all = false;
      }
    }
    if (all) {
      rowsPassingAll++;
    }
    rows++;
  }

  /** {@return the rows counted so far} */
  public long rows() {
    return rows;
  }

  /**
   * {@return the metrics of the rows counted so far, none refused}
   *
   * @param now the time the metrics are validated at
   */
  public QualityMetrics result(Instant now) {
    return result(now, 0);
  }

  /**
   * {@return the metrics of the rows counted so far} {@code accuracy} is the fraction of the rows
   * offered (counted, plus {@code refused} that validation threw back) that passed validation and
   * every rule: 1.0 for a table without rules whose rows were all valid.
   *
   * @param now the time the metrics are validated at
   * @param refused rows that validation threw back, 0 or more
   * @throws IllegalArgumentException for a negative {@code refused}
   */
  public QualityMetrics result(Instant now, long refused) {
    if (refused < 0) {
      throw new IllegalArgumentException("Invalid refused row count " + refused + " (use >= 0)");
    }
    long cells = rows * nulls.length;
    long nullCells = 0;
    Map<String, QualityMetrics.FieldQuality> fields = new LinkedHashMap<>();
    for (int i = 0; i < nulls.length; i++) {
      nullCells += nulls[i];
      fields.put(schema.fields().get(i).name(), new QualityMetrics.FieldQuality(rows, nulls[i]));
    }
    Map<String, QualityMetrics.RuleQuality> byRule = new LinkedHashMap<>();
    for (int r = 0; r < passed.length; r++) {
      byRule.put(rules.get(r).name(), new QualityMetrics.RuleQuality(rows, passed[r]));
    }
    double completeness = cells == 0 ? 1.0 : (double) (cells - nullCells) / cells;
    long offered = rows + refused;
    double accuracy = offered == 0 ? 1.0 : (double) rowsPassingAll / offered;
    return new QualityMetrics(completeness, accuracy, now, rows, fields, byRule, Map.of());
  }
}
