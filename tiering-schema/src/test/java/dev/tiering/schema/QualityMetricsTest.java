package dev.tiering.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tiering.core.Zone;
import dev.tiering.schema.internal.QualityAccumulator;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics on a small data set, against numbers computed by hand. */
class QualityMetricsTest {

  private static final Instant T1 = Instant.parse("2025-11-10T12:00:00Z");
  private static final Instant T2 = Instant.parse("2025-11-11T12:00:00Z");

  private final TableSchema schema =
      TableSchema.builder(Zone.SILVER, "p")
          .required("slm_id", FieldType.INT32)
          .required("prediction", FieldType.FLOAT64)
          .nullable("confidence", FieldType.FLOAT64)
          .nullable("label", FieldType.STRING)
          .build();

  private final List<QualityRule> rules =
      List.of(
          QualityRule.of(
              "prediction_in_0_1",
              r -> r.getDouble("prediction") >= 0 && r.getDouble("prediction") <= 1),
          QualityRule.of(
              "confident", r -> !r.isNull("confidence") && r.getDouble("confidence") >= 0.5));

  /**
   * Five rows, four fields (20 cells). Nulls: confidence 2, label 3, so 15 of 20 cells are filled:
   * completeness 0.75. prediction_in_0_1 passes rows 0,1,3,4 (4/5); confident passes rows 0,3
   * (2/5); both pass rows 0 and 3: accuracy 2/5 = 0.4.
   */
  private QualityMetrics handComputedSet(Instant at) {
    Object[][] rows = {
      {1, 0.9, 0.8, "cat"},
      {2, 0.1, 0.2, null},
      {3, 1.4, null, null},
      {4, 0.5, 0.5, "dog"},
      {5, 0.0, null, null}
    };
    RowValidator validator = RowValidator.of(schema);
    QualityAccumulator accumulator = new QualityAccumulator(schema, rules);
    for (int n = 0; n < rows.length; n++) {
      Map<String, Object> row = new HashMap<>();
      for (int i = 0; i < 4; i++) {
        row.put(schema.fields().get(i).name(), rows[n][i]);
      }
      Object[] values = validator.validate(row, n);
      accumulator.add(RowView.of(schema, values));
    }
    return accumulator.result(at);
  }

  @Test
  void metricsMatchTheHandComputedNumbers() {
    QualityMetrics metrics = handComputedSet(T1);
    assertThat(metrics.completeness()).isEqualTo(0.75);
    assertThat(metrics.accuracy()).isEqualTo(0.4);
    assertThat(metrics.rowCount()).isEqualTo(5);
    assertThat(metrics.lastValidated()).isEqualTo(T1);
    assertThat(metrics.fieldQuality().get("confidence"))
        .isEqualTo(new QualityMetrics.FieldQuality(5, 2));
    assertThat(metrics.fieldQuality().get("confidence").completeness()).isEqualTo(0.6);
    assertThat(metrics.fieldQuality().get("label").completeness()).isEqualTo(0.4);
    assertThat(metrics.fieldQuality().get("slm_id").completeness()).isEqualTo(1.0);
    assertThat(metrics.ruleQuality().get("prediction_in_0_1"))
        .isEqualTo(new QualityMetrics.RuleQuality(5, 4));
    assertThat(metrics.ruleQuality().get("confident").passRate()).isEqualTo(0.4);
  }

  @Test
  void withoutRulesAccuracyIsTheShareOfOfferedRowsThatWereValid() {
    QualityAccumulator accumulator = new QualityAccumulator(schema, List.of());
    assertThat(accumulator.result(T1).accuracy()).isEqualTo(1.0);
    assertThat(accumulator.result(T1).completeness()).isEqualTo(1.0);
    for (int n = 0; n < 5; n++) {
      accumulator.add(RowView.of(schema, new Object[] {n, 0.5, null, null}));
    }
    assertThat(accumulator.result(T1).accuracy()).isEqualTo(1.0);
    // Five rows written, three more offered and refused by validation: 5 of 8 passed.
    assertThat(accumulator.result(T1, 3).accuracy()).isEqualTo(0.625);
  }

  @Test
  void mergeIsWeightedByRowCounts() {
    QualityMetrics first = handComputedSet(T1);
    QualityMetrics second =
        new QualityMetrics(
            1.0,
            1.0,
            T2,
            15L,
            Map.of("confidence", new QualityMetrics.FieldQuality(15, 0)),
            Map.of("confident", new QualityMetrics.RuleQuality(15, 15)),
            Map.of());

    QualityMetrics merged = QualityMetrics.merge(first, second);

    // (0.75 * 5 + 1.0 * 15) / 20 = 0.9375; (0.4 * 5 + 1.0 * 15) / 20 = 0.85
    assertThat(merged.completeness()).isCloseTo(0.9375, within(1e-12));
    assertThat(merged.accuracy()).isCloseTo(0.85, within(1e-12));
    assertThat(merged.rowCount()).isEqualTo(20);
    assertThat(merged.lastValidated()).isEqualTo(T2);
    assertThat(merged.fieldQuality().get("confidence"))
        .isEqualTo(new QualityMetrics.FieldQuality(20, 2));
    assertThat(merged.fieldQuality().get("label")).isEqualTo(new QualityMetrics.FieldQuality(5, 3));
    assertThat(merged.ruleQuality().get("confident"))
        .isEqualTo(new QualityMetrics.RuleQuality(20, 17));
    assertThat(merged.ruleQuality().get("prediction_in_0_1"))
        .isEqualTo(new QualityMetrics.RuleQuality(5, 4));
  }

  @Test
  void figuresWithoutCountsAreReplaced() {
    QualityMetrics seed = new QualityMetrics(0.98, 0.95, T1, null, Map.of(), Map.of(), Map.of());
    QualityMetrics fresh = handComputedSet(T2);
    assertThat(QualityMetrics.merge(seed, fresh)).isEqualTo(fresh);
    assertThat(QualityMetrics.merge(null, fresh)).isEqualTo(fresh);
    assertThat(QualityMetrics.merge(fresh, seed)).isEqualTo(fresh);
    assertThat(QualityMetrics.merge(fresh, null)).isEqualTo(fresh);
  }

  @Test
  void aRuleThatThrowsIsNamed() {
    QualityAccumulator accumulator =
        new QualityAccumulator(
            schema, List.of(QualityRule.of("label_short", r -> r.getString("label").length() < 4)));
    Object[] values = RowValidator.of(schema).validate(Map.of("slm_id", 1, "prediction", 0.5), 0);
    assertThatThrownBy(() -> accumulator.add(RowView.of(schema, values)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "Quality rule 'label_short' failed on row 0 of silver.p:"
                + " java.lang.NullPointerException");
  }

  @Test
  void fractionsOutsideZeroToOneAreRefused() {
    assertThatThrownBy(() -> new QualityMetrics(1.5, null, T1, null, Map.of(), Map.of(), Map.of()))
        .hasMessage("Invalid completeness 1.5 (use 0.0 to 1.0)");
    assertThatThrownBy(
            () -> new QualityMetrics(Double.NaN, null, T1, null, Map.of(), Map.of(), Map.of()))
        .hasMessage("Invalid completeness NaN (use 0.0 to 1.0)");
  }
}
