package dev.tiering.benchmarks;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.ColumnarReader;
import dev.tiering.parquet.ParquetRowWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.parquet.WriterSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One operation of the benchmark in a loop, for a profiler to watch (see docs/benchmarks.md):
 * {@code java -XX:StartFlightRecording=filename=write.jfr -cp tiering-benchmarks.jar
 * dev.tiering.benchmarks.Profile write|write1|columnar|columnar1 [seconds]}.
 */
public final class Profile {

  private Profile() {}

  /**
   * Runs the operation repeatedly for the given seconds (default 20) on 4M rows.
   *
   * @param args the operation, then optionally the seconds
   * @throws Exception if it fails
   */
  public static void main(String[] args) throws Exception {
    String operation = args.length > 0 ? args[0] : "write";
    long seconds = args.length > 1 ? Long.parseLong(args[1]) : 20;
    Dataset data = new Dataset(4_000_000, 8);
    Path base = Files.createTempDirectory("tiering-profile-");
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    WriterSettings settings =
        operation.equals("write1")
            ? WriterSettings.staging().toBuilder().encoders(null).build()
            : WriterSettings.staging();
    StagingWriter staging =
        StagingWriter.builder(paths).replaceExisting(true).settings(settings).build();
    Path file = write(staging, data);
    try (ColumnarReader count =
        ColumnarReader.open(
            Storage.local(),
            List.of(file),
            Benchmarks.StagingWriterSchema.UNPARTITIONED,
            ColumnarReader.Options.defaults().columns("slm_id"))) {
      long rows = 0;
      for (var batch = count.next(); batch != null; batch = count.next()) {
        rows += batch.rows();
      }
      System.out.println(
          file.getFileName() + ": " + rows + " rows in " + count.rowGroupsRead() + " row groups");
    }
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int runs = 0;
    long checksum = 0;
    while (System.nanoTime() < end) {
      if (operation.startsWith("write")) {
        write(staging, data);
      } else {
        int threads = operation.equals("columnar1") ? 1 : 2;
        checksum +=
            Benchmarks.columnarScan(
                ColumnarReader.open(
                    Storage.local(),
                    List.of(file),
                    Benchmarks.StagingWriterSchema.UNPARTITIONED,
                    ColumnarReader.Options.defaults().threads(threads)));
      }
      runs++;
    }
    System.out.println(operation + ": " + runs + " runs (checksum " + checksum + ")");
  }

  private static Path write(StagingWriter staging, Dataset data) throws Exception {
    try (ParquetRowWriter writer =
        staging.openIntermediate(SlmId.of(0), BatchId.of("profile"), Dataset.SCHEMA)) {
      Benchmarks.fill(writer, data);
      return writer.commit().file();
    }
  }
}
