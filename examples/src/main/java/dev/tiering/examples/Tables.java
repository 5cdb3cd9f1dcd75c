package dev.tiering.examples;

import dev.tiering.core.Zone;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;

/** The tables of the SLM pipeline. */
public final class Tables {

  private Tables() {}

  /**
   * An SLM's predictions as each job writes them to staging (the seed's sample table, plus the
   * input id and label the cross-check needs).
   */
  public static final TableSchema PREDICTIONS = predictions().build();

  /**
   * The validated predictions in the silver table {@code slm_predictions}: {@link #PREDICTIONS} and
   * the batch they came in, which the SQL cross-check selects by.
   */
  public static final TableSchema SILVER_PREDICTIONS =
      predictions().nullable("batch", FieldType.STRING).build();

  private static TableSchema.Builder predictions() {
    return TableSchema.builder(Zone.SILVER, "slm_predictions")
        .required("timestamp", FieldType.TIMESTAMP)
        .required("slm_id", FieldType.INT32)
        .required("input_id", FieldType.INT64)
        .required("prediction", FieldType.FLOAT64)
        .nullable("confidence", FieldType.FLOAT64)
        .nullable("label", FieldType.STRING)
        .partitionByDate();
  }

  /** One SLM's predictions next to the consensus of all SLMs: written as cross-check files. */
  public static final TableSchema CROSSCHECK =
      TableSchema.builder(Zone.SILVER, "crosscheck")
          .required("input_id", FieldType.INT64)
          .required("slm_id", FieldType.INT32)
          .nullable("label", FieldType.STRING)
          .nullable("consensus_label", FieldType.STRING)
          .required("agrees", FieldType.BOOLEAN)
          .required("prediction", FieldType.FLOAT64)
          .required("consensus_prediction", FieldType.FLOAT64)
          .required("deviation", FieldType.FLOAT64)
          .build();

  /** Gold: per input, what the models agree on. */
  public static final TableSchema INPUT_CONSENSUS =
      TableSchema.builder(Zone.GOLD, "input_consensus")
          .required("input_id", FieldType.INT64)
          .required("batch", FieldType.STRING)
          .nullable("consensus_label", FieldType.STRING)
          .required("models", FieldType.INT32)
          .required("agreement", FieldType.FLOAT64)
          .required("spread", FieldType.FLOAT64)
          .required("mean_prediction", FieldType.FLOAT64)
          .required("disagreement", FieldType.BOOLEAN)
          .partitionByDate()
          .build();

  /** Gold: per model and batch, that day's statistics. */
  public static final TableSchema MODEL_DAILY_STATS =
      TableSchema.builder(Zone.GOLD, "model_daily_stats")
          .required("slm_id", FieldType.INT32)
          .required("batch", FieldType.STRING)
          .required("rows", FieldType.INT64)
          .required("rejected", FieldType.INT64)
          .required("mean_prediction", FieldType.FLOAT64)
          .nullable("mean_confidence", FieldType.FLOAT64)
          .required("agreement_rate", FieldType.FLOAT64)
          .partitionByDate()
          .build();
}
