package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.lifecycle.LifecycleReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReportsTest {

  @Test
  void eachFailureIsPrintedOnceWithItsPathTheOperationAndTheReasonInWords() {
    Path copy = Path.of("/data/hot/clean/gold/t/2025/11/10/part-1.parquet");
    Path lake = Path.of("/data/lake/clean/gold/t/2025/11/10/part-2.parquet");
    LifecycleReport report =
        LifecycleReport.builder("cache evict", false)
            .fail(copy, "delete", new AccessDeniedException(copy.toString()))
            .fail(lake, "copy into the cache", new NoSuchFileException(lake.toString()))
            .build();
    StringWriter out = new StringWriter();

    int exit = Reports.print(new PrintWriter(out), report, false);

    // Before: "FAILED <file>: <file>", the exception's message being only the path.
    assertThat(out.toString())
        .isEqualTo(
            "  FAILED        "
                + copy
                + ": cannot delete: permission denied\n"
                + "  FAILED        "
                + lake
                + ": cannot copy into the cache: no such file or directory\n"
                + "cache evict: nothing to do, 2 failure(s)\n");
    assertThat(exit).isEqualTo(1);
  }
}
