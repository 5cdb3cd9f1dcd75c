package dev.tiering.parquet;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.TableSchema;
import java.nio.file.Path;
import java.time.Instant;

/** Run in a forked JVM: writes a staging file forever (never committing) until killed. */
public final class KilledWriter {

  private KilledWriter() {}

  /** Arguments: the base directory. */
  public static void main(String[] args) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(Path.of(args[0]))));
    TableSchema schema = Predictions.schema();
    StagingWriter staging =
        StagingWriter.builder(paths)
            .settings(WriterSettings.staging().toBuilder().rowGroupBytes(1024 * 1024).build())
            .build();
    ParquetRowWriter writer = staging.openIntermediate(SlmId.of(1), BatchId.of("killed"), schema);
    int ts = schema.indexOf("timestamp");
    int slm = schema.indexOf("slm_id");
    int prediction = schema.indexOf("prediction");
    java.util.Random random = new java.util.Random(1);
    for (long i = 0; ; i++) {
      // Random doubles barely compress, so row groups reach the disk early.
      writer
          .setTimestamp(ts, Instant.EPOCH.plusSeconds(i))
          .setInt(slm, 1)
          .setDouble(prediction, random.nextDouble())
          .endRow();
      if (i == 2_000_000) {
        System.out.println("written");
        System.out.flush();
      }
    }
  }
}
