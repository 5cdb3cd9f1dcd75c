package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LifecycleReportTest {

  private static final Path FILE = Path.of("/data/lake/clean/silver/t/2025/11/10/part-1.parquet");

  private static String failure(String operation, Exception error) {
    return LifecycleReport.builder("test", false)
        .fail(FILE, operation, error)
        .build()
        .failures()
        .get(0)
        .describe();
  }

  @Test
  void aFailureNamesTheOperationAndTheReasonInWordsAndThePathOnlyOnce() {
    // java.nio's exceptions carry only the path as their message: "FAILED <file>: <file>" before.
    assertThat(failure("delete", new AccessDeniedException(FILE.toString())))
        .isEqualTo("cannot delete: permission denied");
    assertThat(failure("copy into the cache", new NoSuchFileException(FILE.toString())))
        .isEqualTo("cannot copy into the cache: no such file or directory");
    assertThat(
            failure(
                "delete",
                new FileSystemException(FILE.toString(), null, "Operation not permitted")))
        .isEqualTo("cannot delete: operation not permitted");
    assertThat(failure("delete", new DirectoryNotEmptyException(FILE.toString())))
        .isEqualTo("cannot delete: directory not empty");
    assertThat(
            failure(
                "move to the archive",
                new FileAlreadyExistsException(
                    "/data/lake/archive/silver/t/2025/11/10/part-1.parquet",
                    FILE.toString(),
                    "a different file is already there")))
        .isEqualTo(
            "cannot move to the archive: already exists (a different file is already there)"
                + " (/data/lake/archive/silver/t/2025/11/10/part-1.parquet)");
    assertThat(
            failure("read", new UncheckedIOException(new AccessDeniedException(FILE.toString()))))
        .isEqualTo("cannot read: permission denied");
    assertThat(failure("read", new IOException(FILE.toString())))
        .isEqualTo("cannot read: input/output error (IOException)");
    assertThat(failure("read", new IOException(FILE + ": Input/output error")))
        .isEqualTo("cannot read: Input/output error");
    assertThat(failure("read", new java.io.EOFException()))
        .isEqualTo("cannot read: unexpected end of file");
    assertThat(failure("cache", new IllegalArgumentException("too large for the budget")))
        .isEqualTo("cannot cache: too large for the budget");
  }
}
