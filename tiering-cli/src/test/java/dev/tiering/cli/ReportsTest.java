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

  @Test
  void aFileNameReadFromDiskCannotForgeOrEraseLinesOfAPreview() {
    // A name in a lake partition may hold any byte but '/' and NUL: a newline forges a line, and
    // ESC [1A ESC [2K erases the line before it on the operator's terminal (a "would delete").
    Path hostile =
        Path.of(
            "/data/lake/clean/silver/t/2020/01/01/x\n  would keep    all is well (0 bytes)"
                + "\u001b[1A\u001b[2K.parquet");
    LifecycleReport report =
        LifecycleReport.builder("retention", true)
            .add(LifecycleReport.Verb.ARCHIVED, hostile, 1, "/data/lake/archive/x")
            .fail(hostile, "move to the archive", new AccessDeniedException(hostile.toString()))
            .build();
    StringWriter out = new StringWriter();

    Reports.print(new PrintWriter(out), report, true);

    assertThat(out.toString().lines())
        .as(out.toString())
        .hasSize(3)
        .noneMatch(line -> line.chars().anyMatch(c -> c < 0x20 || c == 0x7f));
  }
}
