package dev.tiering.parquet;

import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.TableSchema;
import java.nio.file.Path;

/**
 * Run in a forked JVM with a small heap: writes {@code rows} rows (about 40 raw bytes each) to a
 * lake table and prints the row count and peak heap used.
 */
public final class BigTableWriter {

  private BigTableWriter() {}

  /** Arguments: the base directory, the row count. */
  public static void main(String[] args) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(Path.of(args[0]))));
    long rows = Long.parseLong(args[1]);
    TableSchema schema = Predictions.schema();
    int ts = schema.indexOf("timestamp");
    int slm = schema.indexOf("slm_id");
    int prediction = schema.indexOf("prediction");
    int confidence = schema.indexOf("confidence");
    int label = schema.indexOf("label");
    String[] labels = new String[20];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = "label_" + (char) ('a' + i) + "_class";
    }
    LakeWriter lake = LakeWriter.builder(paths).build();
    LakeWriteResult result;
    try (LakeTableWriter writer = lake.open(schema)) {
      long micros = 1_762_732_800_000_000L;
      for (long i = 0; i < rows; i++) {
        micros += 1000 + (i * 7919) % 2000;
        writer
            .setTimestampMicros(ts, micros)
            .setInt(slm, (int) (i % 7))
            .setDouble(prediction, ((i * 31) % 10000) / 10000.0);
        if (i % 50 != 0) {
          writer.setDouble(confidence, ((i * 17) % 10000) / 10000.0);
        }
        writer.setString(label, labels[(int) (i % 20)]).endRow();
      }
      result = writer.commit();
    }
    System.out.println(
        "rows=" + result.rows() + " files=" + result.files().size() + " bytes=" + result.bytes());
  }
}
