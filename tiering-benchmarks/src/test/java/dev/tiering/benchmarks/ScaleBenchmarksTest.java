package dev.tiering.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the scale benchmarks at their smallest so that they never rot: every operation is measured
 * at every size, and the table and chart are written. Nothing about speed.
 */
class ScaleBenchmarksTest {

  @Test
  void everyOperationIsMeasuredAtEverySizeAndCharted(@TempDir Path work) throws Exception {
    System.setProperty("java.awt.headless", "true");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<ScaleBenchmarks.Point> points =
        new ScaleBenchmarks(
                work.resolve("scale"), new PrintStream(log, true, StandardCharsets.UTF_8), 1)
            .run(20, 100);

    assertThat(points)
        .extracting(ScaleBenchmarks.Point::operation)
        .containsOnly(
            "status (health check)",
            "staging writer open + commit (20 files)",
            "staging cleanup (dry run)",
            "staging cleanup",
            "ls (list every file)",
            "one-day scan",
            "compaction dry run",
            "compaction",
            "cache promote (10 files, one call each)",
            "cache read-through (10 files)",
            "cache evict (10 files, one call each)");
    assertThat(points).hasSize(2 * 11);
    assertThat(points).allSatisfy(p -> assertThat(p.seconds()).isPositive());
    // Each size's data is removed once measured.
    try (var left = Files.list(work.resolve("scale"))) {
      assertThat(left).isEmpty();
    }

    String markdown = ScaleReport.markdown(points);
    assertThat(markdown)
        .contains("| staging cleanup | staging files | 20: **")
        .contains("; 100: **");
    Path png = work.resolve("scale.png");
    ScaleReport.chart(points, png);
    assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
  }
}
