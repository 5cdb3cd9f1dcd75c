package dev.tiering.examples;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.ByteSize;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.health.HealthCheck;
import dev.tiering.core.health.HealthMonitor;
import dev.tiering.core.health.HealthReport;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import dev.tiering.duckdb.LakeViews;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.parquet.WriteResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole design in one run: for each batch, several SLM jobs write their predictions to staging
 * in parallel threads, then the coordinator cross-checks them, writes silver and gold and cleans
 * staging; finally a summary. Each run has an id, the prefix of its batch ids; a new run adds
 * batches and never overwrites anything. A run's data is determined by its id (only timestamps
 * differ), and running an id again resumes that run: batches it committed are skipped, and a batch
 * it was in the middle of is done again, each lake write a no-op if the table has it.
 */
public final class DemoPipeline {

  /**
   * What to run.
   *
   * @param root the base directory holding {@code hot/} and {@code lake/}
   * @param batches batches to run
   * @param slms SLM jobs per batch
   * @param rowsPerSlm predictions per SLM per batch
   * @param runId the run to start or resume, or null for a new one named by the time
   */
  public record Options(Path root, int batches, int slms, int rowsPerSlm, String runId) {
    /** Checks the numbers and the run id. */
    public Options {
      Objects.requireNonNull(root, "root");
      if (runId != null) {
        dev.tiering.core.WriteId.of(runId);
        if (runId.length() > 100) {
          throw new IllegalArgumentException(
              "Invalid run id '"
                  + runId
                  + "': it is "
                  + runId.length()
                  + " characters long, more than 100 (batch ids add a suffix)");
        }
      }
      if (batches < 1
          || batches > 1000
          || slms < 1
          || slms > 64
          || rowsPerSlm < 1
          || rowsPerSlm > 10_000_000) {
        throw new IllegalArgumentException(
            "Invalid demo size: "
                + batches
                + " batches, "
                + slms
                + " SLMs, "
                + rowsPerSlm
                + " rows per SLM (use 1-1000 batches, 1-64 SLMs, 1-10000000"
                + " rows)");
      }
    }

    /** A new run. */
    public Options(Path root, int batches, int slms, int rowsPerSlm) {
      this(root, batches, slms, rowsPerSlm, null);
    }
  }

  /**
   * What a run did.
   *
   * @param runId the run's id, the prefix of its batch ids
   * @param skippedBatches batches an earlier attempt of the run had committed
   * @param batches the coordinator's result per batch done by this attempt
   * @param stagingRawBytes raw bytes the SLM jobs wrote (sum of value widths)
   * @param stagingBytes bytes of the staging files they wrote
   * @param timings total time per stage
   * @param memory the process's memory after every 20th batch and after the last
   */
  public record Summary(
      String runId,
      int skippedBatches,
      List<Coordinator.BatchResult> batches,
      long stagingRawBytes,
      long stagingBytes,
      Map<String, Duration> timings,
      List<Memory> memory) {

    /** {@return true if a batch of this attempt could not be written to some table} */
    public boolean failed() {
      return batches.stream().anyMatch(b -> !b.failures().isEmpty());
    }
  }

  /**
   * The process's memory after a batch: what stays flat over a long run, or not.
   *
   * @param batch the batch just done
   * @param residentBytes resident set size (Linux {@code VmRSS}), or -1 where unknown
   * @param peakResidentBytes the largest resident set so far ({@code VmHWM}), or -1
   * @param heapUsedBytes Java heap in use
   */
  public record Memory(int batch, long residentBytes, long peakResidentBytes, long heapUsedBytes) {

    static Memory after(int batch) {
      long rss = -1;
      long hwm = -1;
      try {
        for (String line :
            java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
          if (line.startsWith("VmRSS:")) {
            rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          } else if (line.startsWith("VmHWM:")) {
            hwm = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | RuntimeException notLinux) {
        // Resident memory is shown where the OS tells it.
      }
      Runtime runtime = Runtime.getRuntime();
      return new Memory(batch, rss, hwm, runtime.totalMemory() - runtime.freeMemory());
    }
  }

  private DemoPipeline() {}

  /**
   * Runs the pipeline and prints its summary to {@code out}; {@code progress}, if not null, gets a
   * line per step (for terminals), the coordinator's finished steps included.
   */
  public static Summary run(Options options, PrintWriter out, PrintStream progress)
      throws IOException, InterruptedException {
    return run(options, out, progress, dev.tiering.core.metrics.MetricsListener.NONE);
  }

  /**
   * Runs the pipeline as {@link #run(Options, PrintWriter, PrintStream)} does, with every writer,
   * the cleanup and the closing health check reporting to {@code metrics}.
   */
  public static Summary run(
      Options options,
      PrintWriter out,
      PrintStream progress,
      dev.tiering.core.metrics.MetricsListener metrics)
      throws IOException, InterruptedException {
    // The demo is the application that owns its directory: it makes its roots itself (the SDK
    // never does, so that an unmounted disk is never filled in its place).
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(options.root())));
    // A resumed run writes its batches' staging files again, with the same content.
    StagingWriter staging =
        StagingWriter.builder(paths).replaceExisting(true).metrics(metrics).build();
    LakeWriter lake = LakeWriter.builder(paths).metrics(metrics).build();
    // The coordinator knows the batches it removes are aggregated: no grace period needed.
    StagingJanitor janitor =
        StagingJanitor.builder(paths).grace(Duration.ZERO).metrics(metrics).build();
    LakeViews views = LakeViews.open(paths);
    Coordinator coordinator =
        new Coordinator(
            staging, lake, janitor, step -> say(progress, "coordinator: " + step + " done"), views);
    String runId =
        options.runId() != null
            ? options.runId()
            : "run-"
                + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS")
                    .withZone(ZoneOffset.UTC)
                    .format(Instant.now());
    checkRun(options, runId);
    int skipped = 0;
    Map<String, Duration> timings = new LinkedHashMap<>();
    List<Coordinator.BatchResult> results = new ArrayList<>();
    List<Memory> memory = new ArrayList<>();
    long stagingRaw = 0;
    long stagingBytes = 0;
    ExecutorService jobs = Executors.newFixedThreadPool(options.slms());
    try {
      for (int b = 1; b <= options.batches(); b++) {
        BatchId batch = BatchId.of(runId + "-b" + b);
        if (coordinator.committed(batch)) {
          say(
              progress,
              "batch "
                  + b
                  + "/"
                  + options.batches()
                  + ": committed by an earlier"
                  + " attempt of "
                  + runId
                  + ", skipped");
          skipped++;
          continue;
        }
        say(
            progress,
            "batch "
                + b
                + "/"
                + options.batches()
                + ": "
                + options.slms()
                + " SLM jobs writing "
                + options.rowsPerSlm()
                + " predictions each...");
        long t0 = System.nanoTime();
        List<Future<WriteResult>> written = new ArrayList<>();
        Instant start = Instant.now();
        long firstInput = (long) b * options.rowsPerSlm();
        for (int s = 0; s < options.slms(); s++) {
          SlmInferenceJob job = new SlmInferenceJob(staging, SlmId.of(s));
          written.add(jobs.submit(() -> job.run(batch, firstInput, options.rowsPerSlm(), start)));
        }
        for (Future<WriteResult> result : written) {
          try {
            WriteResult file = result.get();
            stagingBytes += file.bytes();
          } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("An SLM job failed: " + e.getCause().getMessage(), e.getCause());
          }
        }
        stagingRaw += rawBytesOfJobs(options);
        add(timings, "SLM jobs (parallel)", Duration.ofNanos(System.nanoTime() - t0));
        say(
            progress,
            "batch "
                + b
                + "/"
                + options.batches()
                + ": coordinator cross-checking,"
                + " writing silver and gold, cleaning staging...");
        Coordinator.BatchResult result = coordinator.process(batch, SlmId.range(0, options.slms()));
        result.timings().forEach((stage, time) -> add(timings, "coordinator: " + stage, time));
        results.add(result);
        if (b % 20 == 0 || b == options.batches()) {
          memory.add(Memory.after(b));
        }
      }
    } finally {
      jobs.shutdownNow();
      views.close();
    }
    Summary summary =
        new Summary(
            runId, skipped, results, stagingRaw, stagingBytes, timings, List.copyOf(memory));
    print(summary, options, paths, out, metrics);
    return summary;
  }

  /**
   * Records a run's shape ({@code <root>/runs/<run>.json}) when it starts, and refuses to resume it
   * with another: a run id names its data, so a batch redone with other SLMs or sizes would mix two
   * shapes under one id (and pick up the other shape's staging files). More or fewer batches are
   * fine: a run may be extended.
   */
  private static void checkRun(Options options, String runId) throws IOException {
    Path manifest = options.root().resolve("runs").resolve(runId + ".json");
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    Map<String, Object> shape = new LinkedHashMap<>();
    shape.put("run", runId);
    shape.put("slms", options.slms());
    shape.put("rows_per_slm", options.rowsPerSlm());
    if (Files.isRegularFile(manifest, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Map<?, ?> started = json.readValue(Files.readAllBytes(manifest), Map.class);
      if (!shape.equals(new LinkedHashMap<>(started))) {
        throw new IllegalArgumentException(
            "Run "
                + runId
                + " was started with "
                + started.get("slms")
                + " SLMs x "
                + started.get("rows_per_slm")
                + " predictions"
                + " ("
                + manifest
                + "); resume it with the same --slms and --rows-per-slm, or start"
                + " a new run");
      }
      return;
    }
    try (dev.tiering.core.storage.PendingFile out =
        dev.tiering.core.storage.Storage.local()
            .create(manifest, dev.tiering.core.storage.WriteMode.CREATE_NEW)) {
      out.stream().write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(shape));
      out.commit();
    }
  }

  /** Raw bytes of one batch of SLM rows: about 8+4+8+8+8 bytes and a label each. */
  private static long rawBytesOfJobs(Options options) {
    return (long) options.slms() * options.rowsPerSlm() * (8 + 4 + 8 + 8 + 8 + 4);
  }

  private static void add(Map<String, Duration> timings, String stage, Duration time) {
    timings.merge(stage, time, Duration::plus);
  }

  private static void say(PrintStream progress, String line) {
    if (progress != null) {
      progress.println(line);
      progress.flush();
    }
  }

  private static void print(
      Summary summary,
      Options options,
      PathResolver paths,
      PrintWriter out,
      dev.tiering.core.metrics.MetricsListener metrics)
      throws IOException {
    long silverRows =
        summary.batches().stream().mapToLong(Coordinator.BatchResult::silverRows).sum();
    long silverRaw =
        summary.batches().stream().mapToLong(Coordinator.BatchResult::silverRawBytes).sum();
    long silverBytes =
        summary.batches().stream().mapToLong(Coordinator.BatchResult::silverBytes).sum();
    long rejected = summary.batches().stream().mapToLong(Coordinator.BatchResult::rejected).sum();
    long disagreements =
        summary.batches().stream().mapToLong(Coordinator.BatchResult::disagreements).sum();
    long inputs = summary.batches().stream().mapToLong(Coordinator.BatchResult::inputs).sum();
    out.printf(
        "tiering demo: run %s, %d batch(es) x %d SLMs x %d predictions, under %s%n%n",
        summary.runId(), options.batches(), options.slms(), options.rowsPerSlm(), options.root());
    if (summary.skippedBatches() > 0) {
      out.printf(
          "Resumed: %d batch(es) committed by an earlier attempt of this run were skipped;"
              + " the figures below are this attempt's%n%n",
          summary.skippedBatches());
    }
    out.printf(
        "Pipeline: %d predictions staged, %d rejected (score outside 0..1), %d written to"
            + " silver; %d inputs cross-checked, %d with disagreement%n%n",
        silverRows + rejected, rejected, silverRows, inputs, disagreements);

    for (Coordinator.BatchResult batch : summary.batches()) {
      for (String failure : batch.failures()) {
        out.printf(
            "NOT SETTLED: %s in %s; its staging files are kept: fix the table, then run again"
                + " with --run %s%n",
            batch.batch(), failure, summary.runId());
      }
    }
    long sqlInputs = summary.batches().stream().mapToLong(Coordinator.BatchResult::sqlInputs).sum();
    long sqlMismatches =
        summary.batches().stream().mapToLong(Coordinator.BatchResult::sqlMismatches).sum();
    out.printf(
        "Cross-check again as one SQL statement over the DuckDB views of the lake: %d"
            + " inputs, %s%n%n",
        sqlInputs,
        sqlMismatches == 0
            ? "the same as the Java cross-check"
            : sqlMismatches + " DIFFER from the Java cross-check");
    out.println("Time per stage");
    summary
        .timings()
        .forEach((stage, time) -> out.printf("  %-32s %8.2f s%n", stage, time.toNanos() / 1e9));

    out.println();
    out.println("Files and bytes per tier");
    for (Area area : Area.values()) {
      long[] totals = walk(paths.areaRoot(area));
      out.printf(
          "  %-5s %-13s %6d file(s) %12s  %s%n",
          area.tier(), area.id(), totals[0], ByteSize.of(totals[1]), paths.areaRoot(area));
    }

    out.println();
    out.println("Compression (raw value bytes / Parquet bytes)");
    out.printf(
        "  staging, zstd 3  %10s -> %10s  %.1fx%n",
        ByteSize.of(summary.stagingRawBytes()),
        ByteSize.of(summary.stagingBytes()),
        ratio(summary.stagingRawBytes(), summary.stagingBytes()));
    out.printf(
        "  silver,  zstd 5  %10s -> %10s  %.1fx%n",
        ByteSize.of(silverRaw), ByteSize.of(silverBytes), ratio(silverRaw, silverBytes));

    out.println();
    out.println("Memory after batches (resident, peak resident, Java heap in use)");
    for (Memory m : summary.memory()) {
      out.printf(
          "  batch %4d   %10s %10s %10s%n",
          m.batch(),
          m.residentBytes() < 0 ? "?" : ByteSize.of(m.residentBytes()),
          m.peakResidentBytes() < 0 ? "?" : ByteSize.of(m.peakResidentBytes()),
          ByteSize.of(m.heapUsedBytes()));
    }

    out.println();
    HealthReport health = HealthMonitor.builder(paths).metrics(metrics).build().check();
    out.println("Health: " + health.level().name());
    for (HealthCheck check : health.checks()) {
      out.printf("  %-20s %-8s %s%n", check.name(), check.level(), check.message());
    }

    out.println();
    String glob =
        paths
            .tableDir(Tables.PREDICTIONS.zone(), Tables.PREDICTIONS.table())
            .resolve("**/*.parquet")
            .toString()
            .replace("'", "''");
    String query = "SELECT * FROM read_parquet('" + glob + "')\nWHERE date >= '2025-11-01'";
    out.println("The seed's DuckDB query over the lake:");
    out.println("  " + query.replace("\n", "\n  ") + "\n  ORDER BY timestamp DESC LIMIT 5");
    try {
      seedQuery(query, out);
    } catch (SQLException e) {
      out.println("  DuckDB could not run the query: " + e.getMessage());
    }
    out.flush();
  }

  private static void seedQuery(String query, PrintWriter out) throws SQLException {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duck.createStatement()) {
      sql.execute("SET TimeZone = 'UTC'");
      try (ResultSet count = sql.executeQuery("SELECT count(*) FROM (" + query + ")")) {
        count.next();
        out.printf("  %d row(s) match; the 5 newest:%n", count.getLong(1));
      }
      try (ResultSet rs = sql.executeQuery(query + " ORDER BY timestamp DESC, slm_id LIMIT 5")) {
        ResultSetMetaData meta = rs.getMetaData();
        StringBuilder header = new StringBuilder("  ");
        for (int c = 1; c <= meta.getColumnCount(); c++) {
          header.append(
              String.format("%-" + width(meta.getColumnLabel(c)) + "s ", meta.getColumnLabel(c)));
        }
        out.println(header.toString().stripTrailing());
        while (rs.next()) {
          StringBuilder line = new StringBuilder("  ");
          for (int c = 1; c <= meta.getColumnCount(); c++) {
            Object value = rs.getObject(c);
            String text =
                value instanceof java.time.OffsetDateTime t
                    ? t.toInstant().toString()
                    : String.valueOf(value);
            line.append(String.format("%-" + width(meta.getColumnLabel(c)) + "s ", text));
          }
          out.println(line.toString().stripTrailing());
        }
      }
    }
  }

  private static int width(String column) {
    return switch (column) {
      case "timestamp" -> 27;
      case "prediction", "confidence" -> 10;
      case "date" -> 10;
      default -> Math.max(8, column.length());
    };
  }

  private static double ratio(long raw, long bytes) {
    return bytes == 0 ? 0 : (double) raw / bytes;
  }

  /** Data files (not hidden) and their bytes under a directory. */
  private static long[] walk(Path dir) throws IOException {
    long[] totals = new long[2];
    for (FileEntry entry : Storage.local().list(dir)) {
      if (entry.name().startsWith(".")) {
        continue;
      }
      if (entry.isDirectory()) {
        long[] sub = walk(entry.path());
        totals[0] += sub[0];
        totals[1] += sub[1];
      } else if (entry.isFile()) {
        totals[0]++;
        totals[1] += entry.size();
      }
    }
    return totals;
  }
}
