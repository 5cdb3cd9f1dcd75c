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
    // The read path and per-core write targets (Performance II).
    Benchmarks.Result sdkOne = find(results, "SDK staging write, zstd 3, 1 writer, 1 encoding");
    Benchmarks.Result duck2 = find(results, "DuckDB COPY, zstd 3, 2 thread");
    Benchmarks.Result columnar = lastOf(results, "SDK columnar scan, every column");
    Benchmarks.Result pair = find(results, "SDK columnar scan, 2 columns");
    Benchmarks.Result duckScan2 = find(results, "DuckDB scan of the SDK's staging file, 2");
    targets.add(ratio("SDK write, 1 encoding thread >= DuckDB COPY 1 thread", sdkOne, duck1, 1.0));
    targets.add(ratio("SDK write, parallel >= DuckDB COPY 2 threads", sdk, duck2, 1.0));
    targets.add(ratio("columnar full scan >= 3x the row reader", columnar, read, 3.0));
    targets.add(ratio("columnar full scan >= 0.5x DuckDB 2-thread scan", columnar, duckScan2, 0.5));
    targets.add(ratio("2-column projection >= 2x the full columnar scan", pair, columnar, 2.0));
    // The staging file is one row group (its 64 MiB limit counts encoded bytes, 25 MB here), so
    // one row group decoded is every row: 8 + 4 + 8 + 8 bytes of numbers, a null mask byte and a
    // 4-byte string reference per row (dictionary strings are shared).
    long readerPeak = columnar.peakHeapBytes();
    long decoded = columnar.rows() * 33L;
    long readerLimit = decoded + 64L * 1024 * 1024;
    targets.add(
        new Target(
            "peak live heap of one columnar reader <= one row group decoded ("
                + mib(decoded)
                + ") + 64 MiB",
            mib(readerPeak) + " (limit " + mib(readerLimit) + ")",
            readerPeak >= 0 && readerPeak <= readerLimit));
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

  private static Benchmarks.Result lastOf(List<Benchmarks.Result> results, String prefix) {
    Benchmarks.Result last = null;
    for (Benchmarks.Result result : results) {
      if (result.name().startsWith(prefix)) {
        last = result;
      }
    }
    if (last == null) {
      throw new IllegalStateException("No result named " + prefix);
    }
    return last;
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

  /**
   * The side-by-side table as horizontal bars of MB/s of raw data, one per measured throughput, the
   * SDK's in one color and everyone else's in another: ratios are seen faster than read.
   */
  static void chart(List<Benchmarks.Result> results, java.nio.file.Path png)
      throws java.io.IOException {
    org.jfree.data.category.DefaultCategoryDataset data =
        new org.jfree.data.category.DefaultCategoryDataset();
    for (Benchmarks.Result result : results) {
      if (result.rawBytes() == 0 || result.name().contains("compaction")) {
        continue;
      }
      String series = result.name().startsWith("SDK") ? "tiering" : "baseline";
      data.addValue(result.mbPerSecond(), series, result.name());
    }
    org.jfree.chart.JFreeChart chart =
        org.jfree.chart.ChartFactory.createBarChart(
            "Throughput, MB/s of raw data (more is better)",
            null,
            "MB/s",
            data,
            org.jfree.chart.plot.PlotOrientation.HORIZONTAL,
            true,
            false,
            false);
    org.jfree.chart.plot.CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(java.awt.Color.WHITE);
    plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
    plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(0.45f);
    org.jfree.chart.renderer.category.BarRenderer renderer =
        (org.jfree.chart.renderer.category.BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(-1.0); // one bar per row: each row is in one series only
    renderer.setSeriesPaint(0, new java.awt.Color(0x2b, 0x6c, 0xb0));
    renderer.setSeriesPaint(1, new java.awt.Color(0xa0, 0xa0, 0xa0));
    renderer.setDefaultItemLabelGenerator(
        new org.jfree.chart.labels.StandardCategoryItemLabelGenerator(
            "{2}", new java.text.DecimalFormat("0")));
    renderer.setDefaultItemLabelsVisible(true);
    chart.setBackgroundPaint(java.awt.Color.WHITE);
    int height = 120 + 26 * data.getColumnCount();
    org.jfree.chart.ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, height);
  }
}
