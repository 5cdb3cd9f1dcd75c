package dev.tiering.benchmarks;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.ColumnBatch;
import dev.tiering.parquet.ColumnarReader;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import dev.tiering.parquet.LakeTableWriter;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.ParquetRowReader;
import dev.tiering.parquet.ParquetRowWriter;
import dev.tiering.parquet.RowSink;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.parquet.WriterSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Measures the SDK beside the usual alternatives, all in one run so that the ratios hold on a noisy
 * machine. {@code --quick} is a smoke run that checks the harness works (it runs in {@code mvn
 * verify} and asserts nothing about speed); {@code --full} is the 4M-row run whose figures go into
 * {@code docs/benchmarks.md}.
 */
public final class Benchmarks {

  /**
   * How big a run is.
   *
   * @param name {@code quick} or {@code full}
   * @param rows rows in the dataset
   * @param warmups unmeasured runs of each benchmark first, for the JIT
   * @param reps measured runs; the median is reported
   * @param smallFiles files for the compaction benchmark
   * @param cleanupFiles staging files for the cleanup benchmark
   * @param resolutions path resolutions to time
   */
  record Mode(
      String name,
      int rows,
      int warmups,
      int reps,
      int smallFiles,
      int cleanupFiles,
      int resolutions) {
    static Mode quick(int rows) {
      return new Mode("quick", rows, 0, 1, 20, 1_000, 100_000);
    }

    static Mode full(int rows) {
      return new Mode("full", rows, 1, 3, 200, 10_000, 1_000_000);
    }
  }

  /**
   * One measured benchmark.
   *
   * @param name what was measured
   * @param rows rows processed
   * @param rawBytes raw bytes processed (sum of value widths)
   * @param outputBytes bytes written (0 for reads and maintenance)
   * @param seconds median wall time
   * @param peakHeapBytes peak live heap above the baseline, or -1 if not measured
   * @param note what bounds the figure, or how it was run
   */
  record Result(
      String name,
      long rows,
      long rawBytes,
      long outputBytes,
      double seconds,
      long peakHeapBytes,
      String note) {
    double rowsPerSecond() {
      return rows / seconds;
    }

    double mbPerSecond() {
      return rawBytes / 1e6 / seconds;
    }

    double ratio() {
      return outputBytes == 0 ? 0 : (double) rawBytes / outputBytes;
    }

    double msPer100Mb() {
      return rawBytes == 0 ? 0 : seconds * 1000 * (100e6 / rawBytes);
    }
  }

  /** A piece of work to time; {@code prepare} runs before each repetition, untimed. */
  private interface Work {
    long run() throws Exception;
  }

  private interface Prepare {
    void run() throws Exception;
  }

  private final Mode mode;
  private final Path work;
  private final PrintStream log;
  private final List<Result> results = new ArrayList<>();

  Benchmarks(Mode mode, Path work, PrintStream log) {
    this.mode = mode;
    this.work = work;
    this.log = log;
  }

  /**
   * Runs the benchmarks and writes {@code results.md} and {@code results.json} to {@code out}.
   *
   * <p>Arguments: {@code [--quick | --full] [--scale] [--rows N] [--out DIR]}; default {@code
   * --full --rows 4000000 --out benchmark-results}. The scale benchmarks run first ({@code
   * --scale}: only they).
   */
  public static void main(String[] args) throws Exception {
    boolean quick = false;
    boolean scaleOnly = false;
    int rows = -1;
    Path out = Path.of("benchmark-results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--full" -> quick = false;
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--scale" -> scaleOnly = true;
        default -> {
          System.err.println(
              "Usage: benchmark [--quick | --full] [--scale] [--rows N]" + " [--out DIR]");
          System.exit(64);
        }
      }
    }
    Mode mode =
        quick ? Mode.quick(rows > 0 ? rows : 200_000) : Mode.full(rows > 0 ? rows : 4_000_000);
    Files.createDirectories(out);
    Path scratch = Files.createTempDirectory(out.toAbsolutePath(), "work-");
    try {
      int[] sizes = quick ? new int[] {100, 1_000} : new int[] {1_000, 10_000, 100_000};
      System.out.println(
          "Scale: time per item at "
              + java.util.Arrays.toString(sizes)
              + " staging files (partitions: a tenth; cache index entries: as many)");
      ScaleBenchmarks.warmUp(scratch.resolve("scale-warm-up"), sizes[0]);
      List<ScaleBenchmarks.Point> scale =
          new ScaleBenchmarks(scratch.resolve("scale"), System.out, quick ? 1 : 3).run(sizes);
      Files.writeString(
          out.resolve("scale.md"), ScaleReport.markdown(scale), StandardCharsets.UTF_8);
      ScaleReport.chart(scale, out.resolve("scale.png"));
      System.out.println("Written: " + out.resolve("scale.md") + ", " + out.resolve("scale.png"));
      if (scaleOnly) {
        return;
      }
      List<Result> results = new Benchmarks(mode, scratch, System.out).runAll();
      String markdown = Report.markdown(mode, results);
      Files.writeString(out.resolve("results.md"), markdown, StandardCharsets.UTF_8);
      Files.writeString(
          out.resolve("results.json"), Report.json(mode, results), StandardCharsets.UTF_8);
      System.out.println();
      System.out.println(markdown);
      Report.chart(results, out.resolve("throughput.png"));
      System.out.println(
          "Written: "
              + out.resolve("results.md")
              + ", "
              + out.resolve("results.json")
              + ", "
              + out.resolve("throughput.png"));
    } finally {
      delete(scratch);
    }
  }

  List<Result> runAll() throws Exception {
    log.printf("Generating %d rows...%n", mode.rows());
    Dataset data = new Dataset(mode.rows(), 8);
    log.printf(
        "%d rows, %.1f MB raw; %s mode: %d warm-up and %d measured run(s) each%n",
        data.rows, data.rawBytes / 1e6, mode.name(), mode.warmups(), mode.reps());
    PathResolver paths =
        new PathResolver(Storage.createRoots(TierLayout.under(work.resolve("tiers"))));
    TableName table = Dataset.SCHEMA.table();
    int cores = Runtime.getRuntime().availableProcessors();

    // 1. The SDK's writers.
    StagingWriter staging = StagingWriter.builder(paths).replaceExisting(true).build();
    Path stagingFile = paths.intermediateFile(SlmId.of(0), BatchId.of("bench"));
    measure(
        "SDK staging write, zstd 3, 1 writer",
        data.rows,
        data.rawBytes,
        true,
        null,
        "typed rows, validated; columns encoded in parallel",
        () -> {
          try (ParquetRowWriter writer =
              staging.openIntermediate(SlmId.of(0), BatchId.of("bench"), Dataset.SCHEMA)) {
            fill(writer, data);
            return writer.commit().bytes();
          }
        });
    // The same write with a listener that records nothing: the metrics SPI's own cost (one event
    // per file), next to the row above, in the same run.
    StagingWriter listened =
        StagingWriter.builder(paths)
            .replaceExisting(true)
            .metrics(new dev.tiering.core.metrics.MetricsListener() {})
            .build();
    measure(
        "SDK staging write, zstd 3, 1 writer, no-op metrics listener",
        data.rows,
        data.rawBytes,
        true,
        null,
        "as the row above, with a MetricsListener that ignores its events",
        () -> {
          try (ParquetRowWriter writer =
              listened.openIntermediate(SlmId.of(0), BatchId.of("bench"), Dataset.SCHEMA)) {
            fill(writer, data);
            return writer.commit().bytes();
          }
        });
    StagingWriter oneThread =
        StagingWriter.builder(paths)
            .replaceExisting(true)
            .settings(WriterSettings.staging().toBuilder().encoders(null).build())
            .build();
    measure(
        "SDK staging write, zstd 3, 1 writer, 1 encoding thread",
        data.rows,
        data.rawBytes,
        true,
        null,
        "encoders(null): every column encoded on the writing thread",
        () -> {
          try (ParquetRowWriter writer =
              oneThread.openIntermediate(SlmId.of(0), BatchId.of("bench"), Dataset.SCHEMA)) {
            fill(writer, data);
            return writer.commit().bytes();
          }
        });
    measure(
        "SDK staging write, zstd 3, 7 concurrent writers",
        7L * data.rows,
        7 * data.rawBytes,
        true,
        null,
        "7 files, one per SLM, on " + cores + " cores",
        () ->
            concurrent(
                7,
                slm -> {
                  try (ParquetRowWriter writer =
                      staging.openIntermediate(
                          SlmId.of(slm), BatchId.of("bench7"), Dataset.SCHEMA)) {
                    fill(writer, data);
                    return writer.commit().bytes();
                  }
                }));
    LakeWriter lake = LakeWriter.builder(paths).build();
    LakeWriteOptions byDay = LakeWriteOptions.defaults().partitionBy("timestamp");
    Path tableDir = paths.tableDir(Zone.SILVER, table);
    measure(
        "SDK lake write, zstd 5, 1 writer",
        data.rows,
        data.rawBytes,
        true,
        () -> delete(tableDir),
        "8 daily partitions, sidecar committed",
        () -> {
          try (LakeTableWriter writer = lake.open(Dataset.SCHEMA, byDay)) {
            fill(writer, data);
            return writer.commit().bytes();
          }
        });
    measure(
        "SDK lake write, zstd 5, 7 concurrent writers",
        7L * data.rows,
        7 * data.rawBytes,
        true,
        () -> delete(tableDir),
        "one table, 7 writers, commits serialized by the sidecar lock",
        () ->
            concurrent(
                7,
                w -> {
                  try (LakeTableWriter writer = lake.open(Dataset.SCHEMA, byDay)) {
                    fill(writer, data);
                    return writer.commit().bytes();
                  }
                }));

    // 2. The usual hand-written ways, same settings.
    Path example = work.resolve("example.parquet");
    measure(
        "parquet-hadoop ExampleParquetWriter, zstd 3",
        data.rows,
        data.rawBytes,
        true,
        null,
        "one Group object per row",
        () -> {
          Baselines.exampleWriter(data, example, 3);
          return Files.size(example);
        });
    Path bare = work.resolve("bare.parquet");
    measure(
        "bare WriteSupport -> RecordConsumer, zstd 3",
        data.rows,
        data.rawBytes,
        true,
        null,
        "hand-written WriteSupport",
        () -> {
          Baselines.bareWriteSupport(data, bare, 3);
          return Files.size(bare);
        });

    // 3. DuckDB, timed inside (loading the table is not part of the copy).
    for (int threads : new int[] {1, cores}) {
      Path copy = work.resolve("duck-" + threads + ".parquet");
      measureTimed(
          "DuckDB COPY, zstd 3, " + threads + " thread(s)",
          data.rows,
          data.rawBytes,
          "COPY ... (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3)",
          () -> {
            double seconds = Baselines.duckDbCopy(stagingFile, copy, 3, threads);
            return new double[] {seconds, Files.size(copy)};
          });
    }

    // 4. The compression floor.
    byte[][] columns = Baselines.plainColumns(data);
    long plainBytes = Arrays.stream(columns).mapToLong(c -> c.length).sum();
    for (int level : new int[] {3, 5}) {
      measure(
          "zstd-jni alone on the plain column bytes, level " + level,
          data.rows,
          plainBytes,
          false,
          null,
          "1 MiB pages, 1 thread: the floor",
          () -> Baselines.zstdAlone(columns, level));
    }

    // 5. Reads.
    measure(
        "SDK read, full scan of the staging file",
        data.rows,
        data.rawBytes,
        false,
        null,
        "every column through the typed getters",
        () -> scan(ParquetRowReader.open(stagingFile, StagingWriterSchema.UNPARTITIONED)));
    for (int threads : new int[] {1, cores}) {
      measure(
          "SDK columnar scan, every column, " + threads + " thread(s)",
          data.rows,
          data.rawBytes,
          false,
          null,
          "ColumnarReader: a row group at a time into primitive arrays",
          () ->
              columnarScan(
                  ColumnarReader.open(
                      Storage.local(),
                      List.of(stagingFile),
                      StagingWriterSchema.UNPARTITIONED,
                      ColumnarReader.Options.defaults().threads(threads))));
    }
    measure(
        "SDK columnar scan, 2 columns (prediction, label), " + cores + " thread(s)",
        data.rows,
        data.rawBytes,
        false,
        null,
        "projection: the other columns are not read; MB/s counts the whole table",
        () ->
            columnarPair(
                ColumnarReader.open(
                    Storage.local(),
                    List.of(stagingFile),
                    StagingWriterSchema.UNPARTITIONED,
                    ColumnarReader.Options.defaults()
                        .columns("prediction", "label")
                        .threads(cores))));
    measureTimed(
        "DuckDB scan of the SDK's staging file, 1 thread",
        data.rows,
        data.rawBytes,
        "SELECT sums of every column",
        () -> new double[] {Baselines.duckDbScan(stagingFile.toString(), 1), 0});
    LakeReader reader = new LakeReader(paths);
    delete(tableDir);
    try (LakeTableWriter writer = lake.open(Dataset.SCHEMA, byDay)) {
      fill(writer, data);
      writer.commit();
    }
    LocalDate day = LocalDate.of(2025, 11, 13);
    long dayRows =
        Arrays.stream(data.timestamps)
            .filter(t -> LocalDate.ofEpochDay(Math.floorDiv(t, 86_400_000_000L)).equals(day))
            .count();
    measure(
        "SDK read, date-range scan (1 day of 8)",
        dayRows,
        data.rawBytes * dayRows / data.rows,
        false,
        null,
        "partitions pruned by directory",
        () -> scan(reader.scan(Zone.SILVER, table, day, day)));
    measureTimed(
        "DuckDB scan of the SDK's staging file, " + cores + " threads",
        data.rows,
        data.rawBytes,
        "SELECT sums of every column",
        () -> new double[] {Baselines.duckDbScan(stagingFile.toString(), cores), 0});

    // 6. Maintenance.
    int perFile = Math.max(1, data.rows / mode.smallFiles());
    Dataset small = new Dataset(perFile, 1);
    LakeWriter fixedDay =
        LakeWriter.builder(paths)
            .clock(Clock.fixed(Instant.parse("2025-11-10T12:00:00Z"), ZoneOffset.UTC))
            .build();
    measure(
        "compaction of " + mode.smallFiles() + " small files",
        (long) perFile * mode.smallFiles(),
        small.rawBytes * mode.smallFiles(),
        false,
        () -> {
          delete(tableDir);
          for (int f = 0; f < mode.smallFiles(); f++) {
            try (LakeTableWriter writer = fixedDay.open(Dataset.SCHEMA)) {
              fill(writer, small);
              writer.commit();
            }
          }
        },
        "one partition, merged into 128 MiB files, journaled",
        () -> {
          var report =
              Compactor.builder(paths)
                  .minCommitAge(java.time.Duration.ZERO)
                  .build()
                  .compact(Zone.SILVER, table)
                  .execute();
          return report.actions(dev.tiering.core.lifecycle.LifecycleReport.Verb.WRITTEN).size();
        });
    StagingJanitor janitor = StagingJanitor.builder(paths).grace(Duration.ZERO).build();
    measure(
        "staging cleanup of " + mode.cleanupFiles() + " files",
        mode.cleanupFiles(),
        0,
        false,
        () -> stagedFiles(paths, mode.cleanupFiles()),
        "keep the 2 most recent batches",
        () -> janitor.cleanupOldBatches(2).execute().removedFiles());
    BatchId[] batches = new BatchId[1000];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = BatchId.of("batch-" + i);
    }
    measure(
        mode.resolutions() + " path resolutions",
        mode.resolutions(),
        0,
        false,
        null,
        "intermediateFile(slm, batch), names already validated",
        () -> {
          long sum = 0;
          for (int i = 0; i < mode.resolutions(); i++) {
            sum +=
                paths.intermediateFile(SlmId.of(i % 7), batches[i % batches.length]).getNameCount();
          }
          return sum;
        });
    return results;
  }

  /** The staging file's schema: staging files carry no date partition column. */
  static final class StagingWriterSchema {
    static final dev.tiering.schema.TableSchema UNPARTITIONED =
        new dev.tiering.schema.TableSchema(
            Dataset.SCHEMA.table(),
            Dataset.SCHEMA.zone(),
            Dataset.SCHEMA.version(),
            Dataset.SCHEMA.createdAt(),
            Dataset.SCHEMA.fields(),
            List.of(),
            Map.of(),
            Map.of());
  }

  static void fill(RowSink writer, Dataset data) throws IOException {
    for (int i = 0; i < data.rows; i++) {
      writer
          .setTimestampMicros(0, data.timestamps[i])
          .setInt(1, data.slms[i])
          .setDouble(2, data.predictions[i]);
      if (!data.confidenceNull[i]) {
        writer.setDouble(3, data.confidences[i]);
      }
      writer.setString(4, data.labels[i]).endRow();
    }
  }

  private static long scan(ParquetRowReader rows) throws IOException {
    long checksum = 0;
    try (rows) {
      while (rows.next()) {
        checksum +=
            rows.getTimestampMicros(0)
                + rows.getInt(1)
                + (long) (rows.getDouble(2) * 10_000)
                + rows.getString(4).length();
        if (!rows.isNull(3)) {
          checksum += (long) (rows.getDouble(3) * 10_000);
        }
      }
    }
    return checksum;
  }

  static long columnarScan(ColumnarReader reader) throws IOException {
    long checksum = 0;
    try (reader) {
      for (ColumnBatch batch; (batch = reader.next()) != null; ) {
        long[] ts = batch.longs("timestamp");
        int[] slm = batch.ints("slm_id");
        double[] prediction = batch.doubles("prediction");
        double[] confidence = batch.doubles("confidence");
        boolean[] noConfidence = batch.nulls("confidence");
        String[] label = batch.strings("label");
        for (int r = 0; r < batch.rows(); r++) {
          checksum += ts[r] + slm[r] + (long) (prediction[r] * 10_000) + label[r].length();
          if (!noConfidence[r]) {
            checksum += (long) (confidence[r] * 10_000);
          }
        }
      }
    }
    return checksum;
  }

  private static long columnarPair(ColumnarReader reader) throws IOException {
    long checksum = 0;
    try (reader) {
      for (ColumnBatch batch; (batch = reader.next()) != null; ) {
        double[] prediction = batch.doubles("prediction");
        String[] label = batch.strings("label");
        for (int r = 0; r < batch.rows(); r++) {
          checksum += (long) (prediction[r] * 10_000) + label[r].length();
        }
      }
    }
    return checksum;
  }

  private interface Job {
    long run(int index) throws Exception;
  }

  private static long concurrent(int count, Job job) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit(() -> job.run(index)));
      }
      long total = 0;
      for (Future<Long> future : futures) {
        total += future.get();
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void stagedFiles(PathResolver paths, int count) throws IOException {
    Path dir = paths.intermediateFile(SlmId.of(0), BatchId.of("x")).getParent();
    delete(dir);
    Files.createDirectories(dir);
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(1)));
    for (int i = 0; i < count; i++) {
      Path file =
          Files.writeString(
              paths.stagingFile(
                  StagingFile.intermediate(SlmId.of(i % 10), BatchId.of("b" + (i / 10)))),
              "x");
      Files.setLastModifiedTime(file, FileTime.from(old.toInstant().plusSeconds(i / 10)));
    }
  }

  private void measure(
      String name,
      long rows,
      long rawBytes,
      boolean writes,
      Prepare prepare,
      String note,
      Work work)
      throws Exception {
    for (int i = 0; i < mode.warmups(); i++) {
      if (prepare != null) {
        prepare.run();
      }
      work.run();
    }
    double[] seconds = new double[mode.reps()];
    long output = 0;
    long peak = -1;
    for (int i = 0; i < mode.reps(); i++) {
      if (prepare != null) {
        prepare.run();
      }
      try (HeapPeak heap = new HeapPeak()) {
        long start = System.nanoTime();
        long result = work.run();
        seconds[i] = (System.nanoTime() - start) / 1e9;
        output = writes ? result : 0;
        if (writes || name.startsWith("SDK read") || name.startsWith("SDK columnar")) {
          peak = Math.max(peak, heap.peakAboveBaseline());
        }
      }
    }
    record(new Result(name, rows, rawBytes, output, median(seconds), peak, note));
  }

  private interface TimedInside {
    double[] run() throws Exception;
  }

  /** For work that times itself (DuckDB excludes loading its table); returns {seconds, output}. */
  private void measureTimed(String name, long rows, long rawBytes, String note, TimedInside work)
      throws Exception {
    for (int i = 0; i < mode.warmups(); i++) {
      work.run();
    }
    double[] seconds = new double[mode.reps()];
    long output = 0;
    for (int i = 0; i < mode.reps(); i++) {
      double[] timed = work.run();
      seconds[i] = timed[0];
      output = (long) timed[1];
    }
    record(new Result(name, rows, rawBytes, output, median(seconds), -1, note));
  }

  private void record(Result result) {
    results.add(result);
    log.printf(
        Locale.ROOT,
        "  %-58s %9.0f ms %8.1f MB/s%n",
        result.name(),
        result.seconds() * 1000,
        result.mbPerSecond());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
