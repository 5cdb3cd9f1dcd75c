package dev.tiering.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole harness in quick mode so that it never rots. It checks that every benchmark ran
 * and produced sane output, and nothing about speed: timing belongs in the full run, not in tests.
 */
class QuickBenchmarkTest {

  @Test
  void everyBenchmarkRunsAndReports(@TempDir Path work) throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<Benchmarks.Result> results =
        new Benchmarks(
                Benchmarks.Mode.quick(20_000),
                work,
                new PrintStream(log, true, StandardCharsets.UTF_8))
            .runAll();

    assertThat(results)
        .extracting(Benchmarks.Result::name)
        .containsExactly(
            "SDK staging write, zstd 3, 1 writer",
            "SDK staging write, zstd 3, 1 writer, no-op metrics listener",
            "SDK staging write, zstd 3, 1 writer, 1 encoding thread",
            "SDK staging write, zstd 3, 7 concurrent writers",
            "SDK lake write, zstd 5, 1 writer",
            "SDK lake write, zstd 5, 7 concurrent writers",
            "parquet-hadoop ExampleParquetWriter, zstd 3",
            "bare WriteSupport -> RecordConsumer, zstd 3",
            "DuckDB COPY, zstd 3, 1 thread(s)",
            "DuckDB COPY, zstd 3, " + Runtime.getRuntime().availableProcessors() + " thread(s)",
            "zstd-jni alone on the plain column bytes, level 3",
            "zstd-jni alone on the plain column bytes, level 5",
            "SDK read, full scan of the staging file",
            "SDK columnar scan, every column, 1 thread(s)",
            "SDK columnar scan, every column, "
                + Runtime.getRuntime().availableProcessors()
                + " thread(s)",
            "SDK columnar scan, 2 columns (prediction, label), "
                + Runtime.getRuntime().availableProcessors()
                + " thread(s)",
            "DuckDB scan of the SDK's staging file, 1 thread",
            "SDK read, date-range scan (1 day of 8)",
            "DuckDB scan of the SDK's staging file, "
                + Runtime.getRuntime().availableProcessors()
                + " threads",
            "compaction of 20 small files",
            "staging cleanup of 1000 files",
            "100000 path resolutions");
    assertThat(results).allSatisfy(r -> assertThat(r.seconds()).isPositive());
    assertThat(results.subList(0, 10)).allSatisfy(r -> assertThat(r.outputBytes()).isPositive());
    assertThat(results.get(17).rows()).isBetween(1L, 20_000L / 4);

    String markdown = Report.markdown(Benchmarks.Mode.quick(20_000), results);
    assertThat(markdown)
        .contains("| benchmark | rows/s | MB/s raw |")
        .contains("| target | measured | met |");
    JsonNode json =
        new ObjectMapper().readTree(Report.json(Benchmarks.Mode.quick(20_000), results));
    assertThat(json.get("results")).hasSize(22);
    assertThat(json.get("targets")).hasSize(14);
    Path chart = work.resolve("throughput.png");
    Report.chart(results, chart);
    byte[] png = java.nio.file.Files.readAllBytes(chart);
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }
}
