package dev.tiering.examples;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataRef;
import dev.tiering.core.HealthMonitor;
import dev.tiering.core.HealthReport;
import dev.tiering.core.PathResolver;
import dev.tiering.core.Placement;
import dev.tiering.core.SlmId;
import dev.tiering.core.StagingJanitor;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.parquet.LakeReader;
import dev.tiering.parquet.LakeWriteResult;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.ParquetRowReader;
import dev.tiering.parquet.ParquetRowWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The five-minute tour of the README, as code that compiles and runs (a test runs it, and checks
 * that the README shows exactly this code).
 */
public final class ApiTour {

  private ApiTour() {}

  /** Runs the tour under {@code args[0]} (default {@code ./data}). */
  public static void main(String[] args) throws IOException {
    tour(Path.of(args.length > 0 ? args[0] : "data"));
  }

  /** The tour, on both tiers under {@code base}. */
  public static void tour(Path base) throws IOException {
    // tour:start
    // Where data goes: explicit rules, and every placement says which rule chose it.
    PathResolver paths = new PathResolver(TierLayout.under(base));   // or TierLayout.fromEnvironment()
    Placement staged = paths.resolve(DataRef.intermediate(SlmId.of(3), BatchId.of("b42")));
    System.out.println(staged.explain());

    // A table's schema, as its schema.json sidecar records it.
    TableSchema schema = TableSchema.builder(Zone.SILVER, "slm_predictions")
        .required("timestamp", FieldType.TIMESTAMP)
        .required("slm_id", FieldType.INT32)
        .required("prediction", FieldType.FLOAT64)
        .nullable("confidence", FieldType.FLOAT64)
        .partitionByDate()
        .build();

    // An SLM job: its intermediate result goes to the SSD, zstd 3, typed and allocation-free.
    StagingWriter staging = StagingWriter.builder(paths).build();
    try (ParquetRowWriter writer = staging.openIntermediate(SlmId.of(3), BatchId.of("b42"), schema)) {
      for (int i = 0; i < 1000; i++) {
        writer.setTimestamp(0, Instant.now()).setInt(1, 3).setDouble(2, i / 1000.0).endRow();
      }
      writer.commit();   // the file appears now, complete; an exception before it leaves nothing
    }

    // The coordinator: clean data to the lake, zstd 5, schema.json versioned, metrics merged.
    LakeWriter lake = LakeWriter.builder(paths).build();
    LakeWriteResult written = lake.writeCleanData(schema, List.of(
        Map.of("timestamp", Instant.now(), "slm_id", 3, "prediction", 0.93, "confidence", 0.8),
        Map.of("timestamp", Instant.now(), "slm_id", 4, "prediction", 0.91)));
    System.out.println("schema " + written.sidecar().schema().version() + ", files " + written.files());

    // Reading back a date range, in bounded memory.
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    try (ParquetRowReader rows = new LakeReader(paths).scan(Zone.SILVER, schema.table(), today, today)) {
      while (rows.next()) {
        System.out.println(rows.getTimestamp(0) + " slm " + rows.getInt(1) + ": " + rows.getDouble(2));
      }
    }

    // Keeping the hot tier healthy.
    StagingJanitor.builder(paths).build().cleanupOldBatches(2).execute();
    HealthReport health = HealthMonitor.builder(paths).build().check();
    System.out.println("health: " + health.level());
    // tour:end
  }
}
