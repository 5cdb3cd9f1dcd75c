package dev.tiering.benchmarks;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.health.HealthMonitor;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.ParquetRowReader;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
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
import java.util.List;
import java.util.Map;

/**
 * Costs that must grow no faster than the work: each operation at three sizes a factor of ten
 * apart, reported as time per item, so that growth shows as a rising line. Setup is untimed and
 * made fast (staging files are tiny, partitions hold copies of one small Parquet file).
 */
final class ScaleBenchmarks {

  /**
   * One measurement.
   *
   * @param operation what was timed
   * @param item what the size counts (files, partitions, index entries)
   * @param size how many items there were
   * @param operations how many times the operation ran in the timing
   * @param seconds the median wall time of the timing
   */
  record Point(String operation, String item, int size, int operations, double seconds) {
    /** Microseconds per item (per operation for the fixed-count ones). */
    double microsPerItem() {
      return seconds * 1e6 / (operations > 0 ? operations : size);
    }
  }

  private static final TableSchema TABLE =
      TableSchema.builder(Zone.SILVER, "scale")
          .required("id", FieldType.INT64)
          .required("value", FieldType.FLOAT64)
          .partitionByDate()
          .build();
  private static final LocalDate FIRST_DAY = LocalDate.parse("2000-01-01");

  private final Path work;
  private final PrintStream log;
  private final int reps;
  private final List<Point> points = new ArrayList<>();

  ScaleBenchmarks(Path work, PrintStream log, int reps) {
    this.work = work;
    this.log = log;
    this.reps = reps;
  }

  /** Runs every operation at each of {@code sizes} (of staging files; partitions are a tenth). */
  List<Point> run(int... sizes) throws Exception {
    for (int size : sizes) {
      staging(size);
      lake(Math.max(10, size / 10));
      cache(size);
    }
    return List.copyOf(points);
  }

  private void staging(int files) throws Exception {
    Path base = Files.createDirectories(work.resolve("staging-" + files));
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    Path dir = Files.createDirectories(paths.areaRoot(Area.STAGING));
    // A cold tier too, so that the health check measures a healthy machine, not a missing root.
    Files.createDirectories(paths.areaRoot(Area.LAKE_CLEAN));
    FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
    byte[] content = new byte[100];
    for (int i = 0; i < files; i++) {
      Path file =
          dir.resolve(
              StagingFile.intermediate(SlmId.of(i % 7), BatchId.of("b" + i / 7)).fileName());
      Files.write(file, content);
      Files.setLastModifiedTime(file, old);
    }
    time(
        "status (health check)",
        "staging files",
        files,
        0,
        () -> HealthMonitor.builder(paths).build().check(Duration.ZERO));
    StagingWriter writer = StagingWriter.builder(paths).build();
    int[] opened = {0};
    time(
        "staging writer open + commit (20 files)",
        "staging files",
        files,
        20,
        () -> {
          for (int i = 0; i < 20; i++) {
            writer.writeIntermediate(
                SlmId.of(1),
                BatchId.of("w" + opened[0]++),
                TABLE,
                List.of(Map.of("id", 1L, "value", 0.5)));
          }
        });
    StagingJanitor janitor = StagingJanitor.builder(paths).grace(Duration.ZERO).build();
    time(
        "staging cleanup (dry run)",
        "staging files",
        files,
        0,
        () -> janitor.cleanupOldBatches(2).preview());
    measureOnce(
        "staging cleanup", "staging files", files, () -> janitor.cleanupOldBatches(2).execute());
    Benchmarks.delete(base);
  }

  private void lake(int partitions) throws Exception {
    Path base = Files.createDirectories(work.resolve("lake-" + partitions));
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    LakeWriter lake =
        LakeWriter.builder(paths)
            .clock(Clock.fixed(FIRST_DAY.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC))
            .build();
    Path template =
        lake.writeCleanData(TABLE, List.of(Map.of("id", 1L, "value", 0.5))).files().get(0).file();
    for (int d = 1; d < partitions; d++) {
      Path dir =
          Files.createDirectories(
              paths.partitionDir(
                  Zone.SILVER, TABLE.table(), FIRST_DAY.plusDays(d), PartitionLayout.DATE_PATH));
      Files.copy(template, dir.resolve("part-a-" + d + ".parquet"));
      Files.copy(template, dir.resolve("part-b-" + d + ".parquet"));
    }
    Files.copy(template, template.resolveSibling("part-b-0.parquet"));
    LakeReader reader = new LakeReader(paths);
    TableName table = TABLE.table();
    time(
        "ls (list every file)",
        "partitions",
        partitions,
        0,
        () -> reader.files(Zone.SILVER, table));
    LocalDate middle = FIRST_DAY.plusDays(partitions / 2);
    time(
        "one-day scan",
        "partitions",
        partitions,
        1,
        () -> {
          try (ParquetRowReader rows = reader.scan(Zone.SILVER, table, middle, middle)) {
            while (rows.next()) {
              rows.getLong(0);
            }
          }
        });
    Compactor compactor = Compactor.builder(paths).minCommitAge(java.time.Duration.ZERO).build();
    time(
        "compaction dry run",
        "partitions",
        partitions,
        0,
        () -> compactor.compact(Zone.SILVER, table).preview());
    measureOnce(
        "compaction",
        "partitions",
        partitions,
        () -> compactor.compact(Zone.SILVER, table).execute());
    Benchmarks.delete(base);
  }

  private void cache(int entries) throws Exception {
    Path base = Files.createDirectories(work.resolve("cache-" + entries));
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    // An index of {@code entries} copies (their files need not exist to be indexed), then ten
    // real lake files to promote, read through the cache and evict.
    StringBuilder index = new StringBuilder("tiering-cache 1\n");
    for (int i = 0; i < entries; i++) {
      index
          .append(1_700_000_000_000L + i)
          .append("\t1000\t0\tsilver/other/2000/01/01/part-")
          .append(i)
          .append(".parquet\n");
    }
    Files.createDirectories(paths.cacheIndexFile().getParent());
    Files.writeString(paths.cacheIndexFile(), index, StandardCharsets.UTF_8);
    LakeWriter lake =
        LakeWriter.builder(paths)
            .clock(Clock.fixed(FIRST_DAY.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC))
            .build();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      files.add(
          lake.writeCleanData(TABLE, List.of(Map.of("id", (long) i, "value", 0.5)))
              .files()
              .get(0)
              .file());
    }
    HotCache cache = HotCache.builder(paths).budget(Long.MAX_VALUE / 4).build();
    measureOnce(
        "cache promote (10 files, one call each)",
        "index entries",
        entries,
        10,
        () -> {
          for (Path file : files) {
            cache.promote(file).execute();
          }
        });
    time("cache read-through (10 files)", "index entries", entries, 10, () -> cache.forRead(files));
    measureOnce(
        "cache evict (10 files, one call each)",
        "index entries",
        entries,
        10,
        () -> {
          for (Path file : files) {
            cache.evict(file).execute();
          }
        });
    Benchmarks.delete(base);
  }

  private interface Work {
    void run() throws Exception;
  }

  /** The median of {@code reps} timings of a repeatable operation. */
  private void time(String operation, String item, int size, int operations, Work work)
      throws Exception {
    double[] seconds = new double[reps];
    for (int r = 0; r < reps; r++) {
      long start = System.nanoTime();
      work.run();
      seconds[r] = (System.nanoTime() - start) / 1e9;
    }
    java.util.Arrays.sort(seconds);
    record(new Point(operation, item, size, operations, seconds[reps / 2]));
  }

  /** One timing of an operation that changes what it works on. */
  private void measureOnce(String operation, String item, int size, Work work) throws Exception {
    measureOnce(operation, item, size, 0, work);
  }

  private void measureOnce(String operation, String item, int size, int operations, Work work)
      throws Exception {
    long start = System.nanoTime();
    work.run();
    record(new Point(operation, item, size, operations, (System.nanoTime() - start) / 1e9));
  }

  private void record(Point point) {
    points.add(point);
    log.printf(
        "  %-42s %8d %-14s %10.1f us per %s%n",
        point.operation(),
        point.size(),
        point.item(),
        point.microsPerItem(),
        point.operations() > 0 ? "operation" : point.item().replaceAll("s$", ""));
  }

  /** Runs the smallest size once, unrecorded, to keep the JIT's first compilation out of it. */
  static void warmUp(Path work, int size) throws Exception {
    new ScaleBenchmarks(work, new PrintStream(java.io.OutputStream.nullOutputStream()), 1)
        .run(size);
  }
}
