package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Memory is bounded by settings, not by table size: 1 GB of raw rows through a 256 MB heap. */
class LargerThanHeapTest {

  /** 26 million rows of about 40 raw bytes: just over 1 GB. */
  private static final long ROWS = 26_000_000L;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aTableFourTimesTheHeapWritesInAForkedJvm(@TempDir Path base) throws Exception {
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                System.getProperty("java.class.path"),
                BigTableWriter.class.getName(),
                base.toString(),
                Long.toString(ROWS))
            .redirectErrorStream(true)
            .start();
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        output.add(line);
      }
    } finally {
      if (!process.waitFor(240, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    assertThat(process.exitValue()).as(String.join("\n", output)).isZero();
    assertThat(output).anyMatch(line -> line.startsWith("rows=" + ROWS + " "));
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(base.resolve("lake/clean/silver/slm_predictions/**/*.parquet"))
                    + ")"))
        .isEqualTo(ROWS);
  }
}
