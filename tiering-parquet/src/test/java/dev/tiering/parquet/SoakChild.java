package dev.tiering.parquet;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Run in a forked JVM with a small heap by {@link SoakTest}: works through many files in phases
 * (staging reads, lake commits, compactions) and prints the process's resident memory after each
 * slice of the work: {@code rss <phase> <done> <kB>}.
 *
 * <p>Arguments: base directory, staging reads, lake commits, partitions to compact.
 */
public final class SoakChild {

  private SoakChild() {}

  public static void main(String[] args) throws Exception {
    Path base = Path.of(args[0]);
    int reads = Integer.parseInt(args[1]);
    int commits = Integer.parseInt(args[2]);
    int partitions = Integer.parseInt(args[3]);
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter staging = StagingWriter.builder(paths).build();
    Path file =
        staging
            .writeIntermediate(
                SlmId.of(1), BatchId.of("soak"), CrashChild.schema(), CrashRows.rows(0, 200))
            .file();
    report("start", 0);
    for (int i = 1; i <= reads; i++) {
      try (ParquetRowReader rows = ParquetRowReader.open(file, CrashChild.schema())) {
        while (rows.next()) {
          rows.getLong(0);
        }
      }
      if (i % (reads / 10) == 0) {
        report("read", i);
      }
    }
    // The columnar path on two threads: pooled zstd contexts and the shared decoding threads.
    ColumnarReader.Options twoThreads = ColumnarReader.Options.defaults().threads(2);
    for (int i = 1; i <= reads; i++) {
      try (ColumnarReader columns =
          ColumnarReader.open(
              dev.tiering.core.storage.Storage.local(),
              List.of(file),
              CrashChild.schema(),
              twoThreads)) {
        for (ColumnBatch batch = columns.next(); batch != null; batch = columns.next()) {
          if (batch.rows() == 0) {
            throw new IllegalStateException("an empty batch from " + file);
          }
        }
      }
      if (i % (reads / 10) == 0) {
        report("columnar", i);
      }
    }
    LakeWriter lake = LakeWriter.builder(paths).build();
    for (int i = 1; i <= commits; i++) {
      lake.writeCleanData(CrashChild.schema(), CrashRows.rows(i * 10L, 1));
      if (i % (commits / 10) == 0) {
        report("commit", i);
      }
    }
    // Three small files in each of {@code partitions} daily partitions, then one compaction.
    TableRows days = new TableRows(paths);
    for (int d = 0; d < partitions; d++) {
      for (int f = 0; f < 3; f++) {
        days.write(d, f);
      }
    }
    report("partitions", partitions);
    Compactor.builder(paths)
        .minCommitAge(java.time.Duration.ZERO)
        .build()
        .compact(Zone.SILVER, TableRows.TABLE)
        .execute();
    report("compact", partitions);
    System.out.println("done");
  }

  /** Writes one small file into one day's partition of a silver table. */
  private static final class TableRows {
    static final dev.tiering.core.TableName TABLE = dev.tiering.core.TableName.of("soak_days");
    private final PathResolver paths;

    TableRows(PathResolver paths) {
      this.paths = paths;
    }

    void write(int day, int file) throws IOException {
      Instant at = Instant.parse("2024-01-01T12:00:00Z").plusSeconds(86_400L * day);
      LakeWriter.builder(paths)
          .clock(Clock.fixed(at, ZoneOffset.UTC))
          .build()
          .writeCleanData(
              dev.tiering.schema.TableSchema.builder(Zone.SILVER, TABLE.value())
                  .required("id", dev.tiering.schema.FieldType.INT64)
                  .partitionByDate()
                  .build(),
              List.of(java.util.Map.of("id", (long) day * 10 + file)));
    }
  }

  private static void report(String phase, int done) throws IOException {
    long kb = 0;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    System.out.println("rss " + phase + " " + done + " " + kb);
    System.out.flush();
  }
}
