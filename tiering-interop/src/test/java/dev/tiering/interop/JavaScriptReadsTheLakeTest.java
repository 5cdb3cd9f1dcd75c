package dev.tiering.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JavaScript (hyparquet with hyparquet-compressors for ZSTD, on Node.js) reads the demo lake and
 * agrees with DuckDB row for row; its default parsers cut timestamps to milliseconds.
 */
class JavaScriptReadsTheLakeTest {

  @TempDir Path root;

  private static List<String> run(Path dir, List<String> command) throws Exception {
    Path log = Files.createTempFile("node", ".out");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " failed: " + Files.readString(log, StandardCharsets.UTF_8));
    }
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  @Test
  void hyparquetWithItsZstdCompressorAgreesWithDuckDbRowForRow() throws Exception {
    DemoLake.write(root);
    Path js = Files.createDirectories(root.resolve("js"));
    for (String name : List.of("package.json", "read-lake.mjs")) {
      Files.copy(Path.of("src/test/js", name), js.resolve(name));
    }
    run(js, List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"));
    Path table = DemoLake.table(root, "silver", "slm_predictions");
    List<String> command = new ArrayList<>(List.of("node", "read-lake.mjs"));
    try (Stream<Path> files = Files.walk(table)) {
      files
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .sorted()
          .forEach(p -> command.add(p.toString()));
    }
    List<String> lines = run(js, command);
    String millis = lines.remove(lines.size() - 1);
    lines.sort(null);

    List<String> byDuck =
        DemoLake.duckRows(
            "SELECT concat_ws('|', slm_id, input_id,"
                + " printf('%.4f', prediction), coalesce(printf('%.2f', confidence), 'null'),"
                + " coalesce(label, 'null'), coalesce(batch, 'null')) AS line FROM "
                + DemoLake.glob(table)
                + " ORDER BY line");
    assertThat(lines).hasSizeGreaterThan(11_900).isEqualTo(byDuck);
    // hyparquet's default parser makes a millisecond Date of a microsecond timestamp: the
    // microseconds are cut off, and the demo's timestamps have them.
    assertThat(millis)
        .isEqualTo(
            "ms "
                + DemoLake.duckRows(
                        "SELECT sum(epoch_us(timestamp) //" + " 1000) FROM " + DemoLake.glob(table))
                    .get(0));
    assertThat(
            Long.parseLong(
                DemoLake.duckRows(
                        "SELECT count(*) FROM "
                            + DemoLake.glob(table)
                            + " WHERE epoch_us(timestamp) % 1000 <> 0")
                    .get(0)))
        .as("rows with microseconds")
        .isPositive();
  }
}
