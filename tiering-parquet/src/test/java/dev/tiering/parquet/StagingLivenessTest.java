package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cleanup never takes a file of a batch whose writer is alive, whatever the age of its files, and
 * never a batch that a writer starts or rewrites while the cleanup runs. Interleavings are forced
 * with a storage hook and an injected clock, not with time.
 */
class StagingLivenessTest {

  @TempDir Path base;
  private PathResolver paths;
  private StagingWriter staging;

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    staging = StagingWriter.builder(paths).build();
  }

  private void write(int slm, String batch) throws IOException {
    staging.writeIntermediate(
        SlmId.of(slm),
        BatchId.of(batch),
        Predictions.schema(),
        Predictions.rows(20, Predictions.START, slm));
  }

  private List<String> files(String batch) throws IOException {
    try (Stream<Path> all = Files.list(paths.areaRoot(Area.STAGING))) {
      return all.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith("_" + batch + ".parquet") && !n.startsWith("."))
          .sorted()
          .toList();
    }
  }

  /** A janitor that sees the files two hours after they were written, with no grace period. */
  private StagingJanitor twoHoursLater(Storage storage) {
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
    return StagingJanitor.builder(paths).storage(storage).clock(later).grace(Duration.ZERO).build();
  }

  @Test
  void aSlowWritersBatchIsKeptWholeHoursAfterItsTemporaryFileWasLastWritten() throws Exception {
    for (int slm = 0; slm < 6; slm++) {
      write(slm, "b1");
    }
    write(0, "b2");
    write(0, "b3");
    // SLM 6 opened its file and buffers rows in memory: its temporary file stays small and old.
    try (ParquetRowWriter laggard =
        staging.openIntermediate(SlmId.of(6), BatchId.of("b1"), Predictions.schema())) {
      for (var row : Predictions.rows(20, Predictions.START, 6)) {
        laggard.write(row);
      }
      LifecycleReport report = twoHoursLater(Storage.local()).cleanupOldBatches(2).execute();

      assertThat(report.actions(LifecycleReport.Verb.DELETED)).isEmpty();
      assertThat(report.actions(LifecycleReport.Verb.KEPT))
          .hasSize(8)
          .filteredOn(a -> a.path().toString().contains("_b1."))
          .hasSize(6)
          .allSatisfy(
              a ->
                  assertThat(a.detail())
                      .isEqualTo("batch b1 is still being written (a live writer holds it)"));
      laggard.commit();
    }
    assertThat(files("b1")).hasSize(7);
    assertThat(
            twoHoursLater(Storage.local()).cleanupBatch(BatchId.of("b1")).execute().removedFiles())
        .isEqualTo(7);
  }

  @Test
  void aWriterThatStartsAfterTheScanKeepsItsBatch() throws Exception {
    for (int slm = 0; slm < 6; slm++) {
      write(slm, "b1");
    }
    write(0, "b2");
    ParquetRowWriter[] late = new ParquetRowWriter[1];
    Storage hooked =
        afterFirstStagingListing(
            () ->
                late[0] =
                    staging.openIntermediate(SlmId.of(6), BatchId.of("b1"), Predictions.schema()));

    LifecycleReport report = twoHoursLater(hooked).cleanupOldBatches(1).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED)).isEmpty();
    try (ParquetRowWriter writer = late[0]) {
      writer.write(Predictions.rows(1, Predictions.START, 9).get(0));
      writer.commit();
    }
    assertThat(files("b1")).hasSize(7);
  }

  @Test
  void aFileRewrittenWhileCleanupRunsIsNeitherLostNorTakenForTheOldOne() throws Exception {
    write(0, "b1");
    write(1, "b1");
    write(0, "b2");
    Path rewritten = paths.intermediateFile(SlmId.of(0), BatchId.of("b1"));
    StagingWriter replacing = StagingWriter.builder(paths).replaceExisting(true).build();
    Storage hooked =
        afterFirstStagingListing(
            () ->
                replacing.writeIntermediate(
                    SlmId.of(0),
                    BatchId.of("b1"),
                    Predictions.schema(),
                    Predictions.rows(33, Predictions.START, 7)));

    LifecycleReport report = twoHoursLater(hooked).cleanupOldBatches(1).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED)).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .filteredOn(a -> a.path().equals(rewritten))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.detail())
                    .isEqualTo(
                        "batch b1 was written to while cleanup ran; left for the next cleanup"));
    try (ParquetRowReader rows = ParquetRowReader.open(rewritten, Predictions.schema())) {
      int n = 0;
      while (rows.next()) {
        n++;
      }
      assertThat(n).isEqualTo(33);
    }
  }

  /** Local storage that runs {@code action} once, right after the janitor's first listing. */
  private Storage afterFirstStagingListing(IoAction action) {
    Path stagingDir = paths.areaRoot(Area.STAGING);
    return new ForwardingStorage(Storage.local()) {
      private boolean done;

      @Override
      public List<FileEntry> list(Path dir) throws IOException {
        List<FileEntry> entries = super.list(dir);
        if (!done && dir.equals(stagingDir)) {
          done = true;
          action.run();
        }
        return entries;
      }
    };
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
