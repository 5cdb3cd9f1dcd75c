package dev.tiering.benchmarks;

import dev.tiering.core.Zone;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The seed's {@code slm_predictions} table, generated with a fixed seed and held in columns:
 * monotonic timestamps with jitter, 7 SLM ids, predictions clustered in [0,1] at 4 decimals,
 * confidence with about 2% nulls, a 20-value label. Raw size is the sum of the value widths: 8
 * (timestamp) + 4 (slm_id) + 8 (prediction) + 8 per non-null confidence + the label's UTF-8 bytes.
 */
final class Dataset {

  static final TableSchema SCHEMA =
      TableSchema.builder(Zone.SILVER, "slm_predictions")
          .required("timestamp", FieldType.TIMESTAMP)
          .required("slm_id", FieldType.INT32)
          .required("prediction", FieldType.FLOAT64)
          .nullable("confidence", FieldType.FLOAT64)
          .required("label", FieldType.STRING)
          .partitionByDate()
          .build();

  static final long START_MICROS = 1_762_732_800_000_000L; // 2025-11-10T00:00:00Z

  final int rows;
  final long[] timestamps;
  final int[] slms;
  final double[] predictions;
  final double[] confidences;
  final boolean[] confidenceNull;
  final String[] labels;
  final long rawBytes;

  /** Generates {@code rows} rows whose timestamps span {@code days} days, evenly on average. */
  Dataset(int rows, int days) {
    this.rows = rows;
    timestamps = new long[rows];
    slms = new int[rows];
    predictions = new double[rows];
    confidences = new double[rows];
    confidenceNull = new boolean[rows];
    labels = new String[rows];
    String[] values = new String[20];
    for (int i = 0; i < values.length; i++) {
      values[i] = "label_" + (char) ('a' + i) + "_class";
    }
    SplittableRandom random = new SplittableRandom(42);
    long step = Math.max(1, days * 86_400_000_000L / rows);
    long micros = START_MICROS;
    long raw = 0;
    for (int i = 0; i < rows; i++) {
      micros += step / 2 + random.nextLong(step);
      timestamps[i] = micros;
      slms[i] = i % 7;
      double p = Math.min(1, Math.max(0, 0.7 + random.nextGaussian() * 0.15));
      predictions[i] = Math.round(p * 10_000) / 10_000.0;
      confidenceNull[i] = random.nextInt(50) == 0;
      confidences[i] = Math.round(random.nextDouble() * 10_000) / 10_000.0;
      labels[i] = values[(int) Math.min(19, Math.abs(random.nextGaussian() * 5))];
      raw +=
          8
              + 4
              + 8
              + (confidenceNull[i] ? 0 : 8)
              + labels[i].getBytes(StandardCharsets.UTF_8).length;
    }
    rawBytes = raw;
  }
}
