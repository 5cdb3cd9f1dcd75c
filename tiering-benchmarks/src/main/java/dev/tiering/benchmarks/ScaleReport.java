package dev.tiering.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The scale benchmarks as a Markdown table and a chart of time per item against size. */
final class ScaleReport {

  private ScaleReport() {}

  static String markdown(List<ScaleBenchmarks.Point> points) {
    Map<String, Map<Integer, ScaleBenchmarks.Point>> byOperation = new LinkedHashMap<>();
    for (ScaleBenchmarks.Point p : points) {
      byOperation
          .computeIfAbsent(p.operation() + " | " + p.item(), k -> new LinkedHashMap<>())
          .put(p.size(), p);
    }
    StringBuilder md =
        new StringBuilder(
            "| operation | per | size: µs per item (µs per"
                + " operation for the fixed counts), and the whole time |\n| --- | --- | --- |\n");
    byOperation.forEach(
        (key, bySize) -> {
          StringBuilder cells = new StringBuilder();
          bySize
              .values()
              .forEach(
                  p ->
                      cells
                          .append(cells.isEmpty() ? "" : "; ")
                          .append(
                              String.format(
                                  Locale.ROOT,
                                  "%,d: **%.1f** (%,.1f ms)",
                                  p.size(),
                                  p.microsPerItem(),
                                  p.seconds() * 1e3)));
          md.append("| ").append(key).append(" | ").append(cells).append(" |\n");
        });
    return md.toString();
  }

  /** A log-log line chart: one line per operation, flat lines are costs that scale. */
  static void chart(List<ScaleBenchmarks.Point> points, Path png) throws IOException {
    Map<String, XYSeries> series = new LinkedHashMap<>();
    for (ScaleBenchmarks.Point p : points) {
      series.computeIfAbsent(p.operation(), XYSeries::new).add(p.size(), p.microsPerItem());
    }
    XYSeriesCollection data = new XYSeriesCollection();
    series.values().forEach(data::addSeries);
    JFreeChart chart =
        ChartFactory.createXYLineChart(
            "Time per item against size (flat = linear" + " overall)",
            "size",
            "microseconds per item",
            data,
            PlotOrientation.VERTICAL,
            true,
            false,
            false);
    XYPlot plot = chart.getXYPlot();
    plot.setDomainAxis(
        new LogarithmicAxis("size: staging files, lake partitions or cache index entries"));
    plot.setRangeAxis(new LogarithmicAxis("microseconds per item"));
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      renderer.setSeriesStroke(i, new BasicStroke(2f));
    }
    plot.setRenderer(renderer);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 620);
  }
}
