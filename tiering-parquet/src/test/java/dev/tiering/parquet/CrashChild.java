package dev.tiering.parquet;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

/**
 * Run in a forked JVM and killed with SIGKILL at a random moment by {@link CrashLoopTest}. It
 * writes in a loop and reports on stdout, flushed line by line, what it is about to commit ({@code
 * begin}) and what a commit returned ({@code done}), so the parent knows which rows must be visible
 * after the kill and which one commit may or may not be.
 *
 * <p>Arguments: mode ({@code write}, {@code compact}, {@code cleanup}, {@code cleanup-archive}),
 * base directory, run number, seed.
 */
public final class CrashChild {

  static final int SLMS = 7;

  private CrashChild() {}

  /** The table every mode writes: ids are unique across runs, so loss and duplicates show. */
  static TableSchema schema() {
    return TableSchema.builder(Zone.BRONZE, "crash_rows")
        .required("id", FieldType.INT64)
        .nullable("payload", FieldType.STRING)
        .required("value", FieldType.FLOAT64)
        .partitionByDate()
        .build();
  }

  /** First id of commit {@code seq} of run {@code run}; a commit holds fewer than 100,000 rows. */
  static long firstId(int run, int seq) {
    return run * 1_000_000_000L + seq * 100_000L;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(Path.of(args[1]))));
    int run = Integer.parseInt(args[2]);
    Random random = new Random(Long.parseLong(args[3]));
    PrintStream out = System.out;
    TableSchema schema = schema();
    // The smallest row groups, so that a kill often lands mid-file rather than between files.
    WriterSettings small = WriterSettings.staging().toBuilder().rowGroupBytes(1024 * 1024).build();
    StagingWriter staging = StagingWriter.builder(paths).settings(small).build();
    LakeWriter lake = LakeWriter.builder(paths).build();
    Compactor compactor = Compactor.builder(paths).minCommitAge(java.time.Duration.ZERO).build();
    boolean crossDevice = mode.equals("cleanup-archive");
    StagingJanitor janitor =
        StagingJanitor.builder(paths)
            .grace(Duration.ZERO)
            .archive(crossDevice)
            .storage(crossDevice ? new OtherDevice() : Storage.local())
            .build();
    report(out, "ready");
    for (int seq = 0; ; seq++) {
      long first = firstId(run, seq);
      int rows = 1 + random.nextInt(4000);
      switch (mode) {
        case "write" -> {
          if (random.nextBoolean()) {
            writeStaging(
                out,
                staging,
                SlmId.of(seq % SLMS),
                BatchId.of("r" + run + "-s" + seq),
                schema,
                first,
                rows,
                random);
          } else {
            writeLake(out, lake, schema, first, rows, random);
          }
        }
        case "compact" -> {
          writeLake(out, lake, schema, first, rows, random);
          if (seq % 3 == 2) {
            report(out, "compacting");
            compactor.compact(Zone.BRONZE, schema.table()).execute();
            report(out, "compacted");
          }
        }
        default -> {
          BatchId batch = BatchId.of("r" + run + "-b" + seq);
          for (int slm = 0; slm < SLMS; slm++) {
            writeStaging(
                out,
                staging,
                SlmId.of(slm),
                batch,
                schema,
                first + slm * 10_000L,
                1 + random.nextInt(3000),
                random);
          }
          report(out, "batch " + batch);
          report(out, "cleaning");
          janitor.cleanupOldBatches(2).execute();
          report(out, "cleaned");
        }
      }
    }
  }

  private static void writeStaging(
      PrintStream out,
      StagingWriter staging,
      SlmId slm,
      BatchId batch,
      TableSchema schema,
      long first,
      int rows,
      Random random)
      throws IOException {
    report(out, "begin staging " + first + " " + rows + " " + batch);
    try (ParquetRowWriter writer = staging.openIntermediate(slm, batch, schema)) {
      for (int i = 0; i < rows; i++) {
        writer.write(CrashRows.row(first + i, random));
      }
      writer.commit();
    }
    report(out, "done " + first);
  }

  private static void writeLake(
      PrintStream out, LakeWriter lake, TableSchema schema, long first, int rows, Random random)
      throws IOException {
    report(out, "begin lake " + first + " " + rows);
    try (LakeTableWriter writer = lake.open(schema)) {
      for (int i = 0; i < rows; i++) {
        writer.write(CrashRows.row(first + i, random));
      }
      writer.commit();
    }
    report(out, "done " + first);
  }

  private static void report(PrintStream out, String line) {
    out.println(line);
    out.flush();
  }

  /** Local storage where rename between directories fails as between two devices. */
  static final class OtherDevice extends ForwardingStorage {
    OtherDevice() {
      super(Storage.local());
    }

    @Override
    public void move(Path source, Path target) throws IOException {
      throw new AtomicMoveNotSupportedException(
          source.toString(), target.toString(), "Invalid cross-device link (simulated)");
    }
  }
}
