package dev.tiering.benchmarks;

import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.LakeTableWriter;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of a lake commit: per-commit latency and row throughput of 1-file and 100-file writes.
 * Written against the API that the SDK had before commit logs too, so that the same file measures
 * both (see docs/benchmarks.md, "Commit protocol").
 *
 * <p>Arguments: {@code DIR [COMMITS]}; prints one line per case.
 */
public final class CommitBenchmarks {

  private static final Instant DAY0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final TableSchema SCHEMA =
      TableSchema.builder(Zone.SILVER, "commits")
          .required("ts", FieldType.TIMESTAMP)
          .required("id", FieldType.INT64)
          .required("value", FieldType.FLOAT64)
          .nullable("label", FieldType.STRING)
          .partitionByDate()
          .build();

  private CommitBenchmarks() {}

  /** Runs the cases under {@code args[0]}. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int commits = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    Files.createDirectories(dir);
    // Warm-up: the JIT and the page cache, not measured.
    run(dir.resolve("warm"), 20, 1, 1_000);
    run(dir.resolve("one-file"), commits, 1, 1_000).print("1 file of 1,000 rows per commit");
    run(dir.resolve("hundred"), Math.max(5, commits / 20), 100, 100)
        .print("100 files (100 partitions) of 100 rows per commit");
  }

  /** Latencies of {@code commits} writes of {@code files} partitions with {@code rows} each. */
  static Figures run(Path dir, int commits, int files, int rows) throws IOException {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(dir)));
    LakeWriter lake = LakeWriter.builder(paths).maxOpenPartitions(Math.min(files, 1024)).build();
    LakeWriteOptions options = LakeWriteOptions.defaults().partitionBy("ts");
    double[] millis = new double[commits];
    long started = System.nanoTime();
    long id = 0;
    for (int c = 0; c < commits; c++) {
      try (LakeTableWriter writer = lake.open(SCHEMA, options)) {
        for (int f = 0; f < files; f++) {
          Instant day = DAY0.plusSeconds(86_400L * f);
          for (int r = 0; r < rows; r++, id++) {
            writer
                .setTimestamp(0, day.plusSeconds(r))
                .setLong(1, id)
                .setDouble(2, id * 0.5)
                .setString(3, "label-" + (id % 17));
            writer.endRow();
          }
        }
        long t0 = System.nanoTime();
        writer.commit();
        millis[c] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Figures(millis, (long) commits * files * rows / seconds);
  }

  /** Commit latencies (the commit() call alone) and write throughput (rows per second, whole). */
  @SuppressWarnings("ArrayRecordComponent") // Private figures, printed and never compared.
  record Figures(double[] millis, double rowsPerSecond) {
    void print(String what) {
      double[] sorted = millis.clone();
      Arrays.sort(sorted);
      System.out.printf(
          Locale.ROOT,
          "%-50s commits %4d  commit() median %7.2f ms  p95 %7.2f ms"
              + "  throughput %,10.0f rows/s%n",
          what,
          sorted.length,
          sorted[sorted.length / 2],
          sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.95))],
          rowsPerSecond);
    }
  }
}
