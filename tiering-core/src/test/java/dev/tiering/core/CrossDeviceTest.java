package dev.tiering.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archiving from a hot tier on one real device to a lake on another: the hot root is made in {@code
 * /dev/shm} (tmpfs), the lake in the test's temporary directory, which is on another file system on
 * the machines that run CI. Where no such pair exists, the test is skipped.
 */
class CrossDeviceTest {

  @TempDir Path lakeBase;
  private Path hotBase;
  private PathResolver paths;

  @BeforeEach
  void setUp() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(
        Files.isDirectory(shm)
            && Files.isWritable(shm)
            && !Files.getFileStore(shm).equals(Files.getFileStore(lakeBase)),
        "needs /dev/shm on another file system than " + lakeBase);
    hotBase = Files.createTempDirectory(shm, "tiering-hot-");
    paths =
        new PathResolver(
            TierLayout.builder()
                .hotRoot(hotBase.resolve("hot"))
                .lakeRoot(lakeBase.resolve("lake"))
                .build());
  }

  @AfterEach
  void tearDown() throws IOException {
    if (hotBase != null) {
      try (Stream<Path> all = Files.walk(hotBase)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private StagingJanitor archiving() {
    return StagingJanitor.builder(paths)
        .archive(true)
        .grace(Duration.ZERO)
        .clock(Clock.fixed(Instant.now().plusSeconds(3600), ZoneOffset.UTC))
        .build();
  }

  private Path stage(String batch) throws IOException {
    Path file = paths.intermediateFile(SlmId.of(1), BatchId.of(batch));
    Files.createDirectories(file.getParent());
    return Files.writeString(file, "rows of " + batch);
  }

  @Test
  void anArchiveInterruptedAfterItsCopyIsFinishedByTheNextCleanup() throws IOException {
    Path source = stage("b1");
    stage("b2");
    Path archived =
        paths.stagingArchiveFile(StagingFile.intermediate(SlmId.of(1), BatchId.of("b1")));
    // What a kill between the published copy and the delete of the source leaves behind:
    Files.createDirectories(archived.getParent());
    Files.copy(source, archived);

    LifecycleReport report = archiving().cleanupOldBatches(1).execute();

    assertThat(report.failures()).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(source);
    assertThat(source).doesNotExist();
    assertThat(archived).hasContent("rows of b1");
  }

  @Test
  void aDifferentFileAtTheArchiveTargetIsReportedAndNothingMoves() throws IOException {
    Path source = stage("b1");
    stage("b2");
    Path archived =
        paths.stagingArchiveFile(StagingFile.intermediate(SlmId.of(1), BatchId.of("b1")));
    Files.createDirectories(archived.getParent());
    Files.writeString(archived, "something else");

    LifecycleReport report = archiving().cleanupOldBatches(1).execute();

    assertThat(report.failures())
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.error())
                    .contains("a different file is already there; nothing was moved or replaced"));
    assertThat(source).hasContent("rows of b1");
    assertThat(archived).hasContent("something else");
    assertThatThrownBy(() -> Storage.local().transfer(source, archived))
        .isInstanceOf(FileAlreadyExistsException.class);
  }
}
