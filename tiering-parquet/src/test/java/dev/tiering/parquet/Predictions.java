package dev.tiering.parquet;

import dev.tiering.core.Zone;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** The seed's slm_predictions table and deterministic rows for it. */
final class Predictions {

  static final Instant START = Instant.parse("2025-11-10T00:00:00Z");

  private Predictions() {}

  static TableSchema schema() {
    return TableSchema.builder(Zone.SILVER, "slm_predictions")
        .required("timestamp", FieldType.TIMESTAMP)
        .required("slm_id", FieldType.INT32)
        .required("prediction", FieldType.FLOAT64)
        .nullable("confidence", FieldType.FLOAT64)
        .nullable("label", FieldType.STRING)
        .partitionByDate()
        .build();
  }

  /** {@code n} rows, one second apart from {@code start}, every 10th confidence null. */
  static List<Map<String, Object>> rows(int n, Instant start, long seed) {
    Random random = new Random(seed);
    List<Map<String, Object>> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("timestamp", start.plusSeconds(i));
      row.put("slm_id", i % 7);
      row.put("prediction", Math.round(random.nextDouble() * 10000) / 10000.0);
      row.put("confidence", i % 10 == 0 ? null : Math.round(random.nextDouble() * 100) / 100.0);
      row.put("label", "label_" + (i % 20));
      rows.add(row);
    }
    return rows;
  }
}
