package dev.tiering.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's tour compiles (it is ApiTour), runs, and the README shows exactly its code. */
class ApiTourTest {

  @Test
  void theTourRuns(@TempDir Path base) throws IOException {
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      ApiTour.tour(base);
    } finally {
      System.setOut(original);
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .contains(
            "intermediate slm=3 batch=b42 -> "
                + base
                + "/hot/staging/slm_3_b42.parquet [hot tier, SSD, area hot/staging] by rule 1")
        .contains("schema 1.0.0, commit 1, 500 rows")
        .contains("Prediction[inputId=500, slmId=3, label=cat, score=0.5, ts=")
        .contains("cleanup batch b42: deleted 1")
        .contains("tiering status at ");
    // The batch was aggregated, then removed from staging at once.
    assertThat(base.resolve("hot/staging/slm_3_b42.parquet")).doesNotExist();
  }

  @Test
  void theReadmeShowsTheTourVerbatim() throws IOException {
    String source = Files.readString(Path.of("src/main/java/dev/tiering/examples/ApiTour.java"));
    String tour =
        source.substring(
            source.indexOf("// tour:start") + "// tour:start".length(),
            source.indexOf("    // tour:end"));
    String expected =
        Arrays.stream(tour.strip().split("\n"))
            .map(line -> line.startsWith("    ") ? line.substring(4) : line)
            .collect(Collectors.joining("\n"));
    String readme = Files.readString(Path.of("../README.md"));
    assertThat(readme).as("README.md must show ApiTour's tour, line for line").contains(expected);
  }
}
