package dev.tiering.benchmarks;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.ParquetRowWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writing Java records against the typed setters, the same rows to the same staging file: what the
 * record mapping costs (see docs/benchmarks.md). Arguments: {@code DIR [ROWS]}.
 */
public final class RecordBenchmarks {

  /** The seed's prediction, as an SLM job would hold it. */
  public record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}

  private static final TableSchema SCHEMA =
      TableSchema.builder(Zone.BRONZE, "prediction")
          .required("input_id", FieldType.INT64)
          .required("slm_id", FieldType.INT32)
          .nullable("label", FieldType.STRING)
          .required("score", FieldType.FLOAT64)
          .nullable("ts", FieldType.TIMESTAMP)
          .build();

  private RecordBenchmarks() {}

  /** Writes the rows nine times each way, alternately, and prints the best of each. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    List<Prediction> rows = new ArrayList<>(n);
    Instant t0 = Instant.parse("2025-11-10T00:00:00Z");
    String[] labels = {"cat", "dog", "bird", "fish", "horse", "other"};
    for (int i = 0; i < n; i++) {
      rows.add(
          new Prediction(
              i, i % 7, labels[i % labels.length], (i % 10_000) / 10_000.0, t0.plusMillis(i)));
    }
    StagingWriter staging =
        StagingWriter.builder(new PathResolver(Storage.createRoots(TierLayout.under(dir))))
            .replaceExisting(true)
            .build();
    double typed = Double.MAX_VALUE;
    double records = Double.MAX_VALUE;
    for (int round = 0; round < 9; round++) {
      long start = System.nanoTime();
      try (ParquetRowWriter writer =
          staging.openIntermediate(SlmId.of(0), BatchId.of("typed"), SCHEMA)) {
        for (Prediction p : rows) {
          writer
              .setLong(0, p.inputId())
              .setInt(1, p.slmId())
              .setString(2, p.label())
              .setDouble(3, p.score())
              .setTimestamp(4, p.ts());
          writer.endRow();
        }
        writer.commit();
      }
      typed = Math.min(typed, (System.nanoTime() - start) / 1e9);
      start = System.nanoTime();
      staging.writeIntermediate(SlmId.of(0), BatchId.of("records"), Prediction.class, rows);
      records = Math.min(records, (System.nanoTime() - start) / 1e9);
    }
    System.out.printf(
        Locale.ROOT,
        "%,d rows to a staging file (zstd 3), best of 9: typed setters"
            + " %.2f s (%,.0f rows/s), records %.2f s (%,.0f rows/s): records cost %+.1f%%%n",
        n,
        typed,
        n / typed,
        records,
        n / records,
        (records / typed - 1) * 100);
  }
}
