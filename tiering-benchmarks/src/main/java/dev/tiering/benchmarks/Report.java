package dev.tiering.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The results as a Markdown table with the targets, and as JSON. */
final class Report {

  private Report() {}

  /**
   * One target of the benchmark issue: a measured figure against a threshold.
   *
   * @param target what is aimed for
   * @param measured the measured figure, as text
   * @param met whether it is met
   */
  record Target(String target, String measured, boolean met) {}

  private static Benchmarks.Result find(List<Benchmarks.Result> results, String prefix) {
    for (Benchmarks.Result result : results) {
      if (result.name().startsWith(prefix)) {
        return result;
      }
    }
    throw new IllegalStateException("No result named " + prefix);
  }

  static List<Target> targets(List<Benchmarks.Result> results) {
    Benchmarks.Result sdk = find(results, "SDK staging write, zstd 3, 1 writer");
    Benchmarks.Result sdk7 = find(results, "SDK staging write, zstd 3, 7 concurrent");
    Benchmarks.Result bare = find(results, "bare WriteSupport");
    Benchmarks.Result example = find(results, "parquet-hadoop ExampleParquetWriter");
    Benchmarks.Result duck1 = find(results, "DuckDB COPY, zstd 3, 1 thread");
    Benchmarks.Result read = find(results, "SDK read, full scan");
    Benchmarks.Result cleanup = find(results, "staging cleanup");
    Benchmarks.Result resolve = results.get(results.size() - 1);
    // The target is per writer: the single-writer runs.
    long peak =
        results.stream()
            .filter(r -> r.name().startsWith("SDK") && r.name().endsWith("1 writer"))
            .mapToLong(Benchmarks.Result::peakHeapBytes)
            .max()
            .orElse(-1);
    long limit = 2L * 64 * 1024 * 1024 + 64L * 1024 * 1024;
    List<Target> targets = new ArrayList<>();
    targets.add(ratio("SDK staging write >= 1.3x bare WriteSupport", sdk, bare, 1.3));
    targets.add(ratio("SDK staging write >= 2x ExampleParquetWriter", sdk, example, 2.0));
    targets.add(ratio("aim: SDK staging write >= DuckDB 1 thread", sdk, duck1, 1.0));
    targets.add(ratio("7 concurrent writers >= 1.6x one writer (aggregate)", sdk7, sdk, 1.6));
    targets.add(ratio("SDK full-scan read >= 2x the write speed", read, sdk, 2.0));
    targets.add(
        new Target(
            "peak live heap of one writer <= 2 x row group (64 MiB) + 64 MiB",
            mib(peak) + " (limit " + mib(limit) + ")",
            peak >= 0 && peak <= limit));
    targets.add(
        new Target(
            "cleanup of " + cleanup.rows() + " staging files < 1 s",
            String.format(Locale.ROOT, "%.0f ms", cleanup.seconds() * 1000),
            cleanup.seconds() < 1));
    double nanos = resolve.seconds() * 1e9 / resolve.rows();
    targets.add(
        new Target(
            "path resolution < 1 us each",
            String.format(Locale.ROOT, "%.0f ns", nanos),
            nanos < 1000));
    return targets;
  }

  private static Target ratio(String target, Benchmarks.Result a, Benchmarks.Result b, double at) {
    double ratio = a.mbPerSecond() / b.mbPerSecond();
    return new Target(
        target,
        String.format(
            Locale.ROOT, "%.2fx (%.0f vs %.0f MB/s)", ratio, a.mbPerSecond(), b.mbPerSecond()),
        ratio >= at);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
  }

  static String markdown(Benchmarks.Mode mode, List<Benchmarks.Result> results) {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "Mode %s: %d rows, median of %d run(s) after %d warm-up;" + " %d cores, Java %s%n%n",
            mode.name(),
            mode.rows(),
            mode.reps(),
            mode.warmups(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("java.version")));
    md.append(
        "| benchmark | rows/s | MB/s raw | output | ratio | ms per 100 MB | peak heap | note |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
    for (Benchmarks.Result r : results) {
      boolean sized = r.rawBytes() > 0;
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %s | %s | %s | %s | %s | %s |%n",
              r.name(),
              r.rowsPerSecond(),
              sized ? String.format(Locale.ROOT, "%.1f", r.mbPerSecond()) : "",
              r.outputBytes() > 0
                  ? String.format(Locale.ROOT, "%.1f MB", r.outputBytes() / 1e6)
                  : "",
              r.outputBytes() > 0 ? String.format(Locale.ROOT, "%.2f", r.ratio()) : "",
              sized
                  ? String.format(Locale.ROOT, "%.0f", r.msPer100Mb())
                  : String.format(Locale.ROOT, "%.0f ms total", r.seconds() * 1000),
              r.peakHeapBytes() >= 0 ? mib(r.peakHeapBytes()) : "",
              r.note()));
    }
    md.append("\n| target | measured | met |\n| --- | --- | --- |\n");
    for (Target target : targets(results)) {
      md.append("| ")
          .append(target.target())
          .append(" | ")
          .append(target.measured())
          .append(" | ")
          .append(target.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    return md.toString();
  }

  static String json(Benchmarks.Mode mode, List<Benchmarks.Result> results) {
    StringBuilder json =
        new StringBuilder("{\n  \"mode\": \"")
            .append(mode.name())
            .append("\",\n  \"rows\": ")
            .append(mode.rows())
            .append(",\n  \"cores\": ")
            .append(Runtime.getRuntime().availableProcessors())
            .append(",\n  \"results\": [\n");
    for (int i = 0; i < results.size(); i++) {
      Benchmarks.Result r = results.get(i);
      json.append(
          String.format(
              Locale.ROOT,
              "    {\"name\": \"%s\", \"rows\": %d, \"raw_bytes\": %d,"
                  + " \"output_bytes\": %d, \"seconds\": %.6f, \"rows_per_second\": %.1f,"
                  + " \"mb_per_second\": %.3f, \"peak_heap_bytes\": %d}%s%n",
              r.name(),
              r.rows(),
              r.rawBytes(),
              r.outputBytes(),
              r.seconds(),
              r.rowsPerSecond(),
              r.mbPerSecond(),
              r.peakHeapBytes(),
              i + 1 < results.size() ? "," : ""));
    }
    json.append("  ],\n  \"targets\": [\n");
    List<Target> targets = targets(results);
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      json.append(
          String.format(
              Locale.ROOT,
              "    {\"target\": \"%s\", \"measured\": \"%s\"," + " \"met\": %b}%s%n",
              t.target(),
              t.measured(),
              t.met(),
              i + 1 < targets.size() ? "," : ""));
    }
    return json.append("  ]\n}\n").toString();
  }
}
