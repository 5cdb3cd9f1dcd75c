package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.FaultyStorage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagingWriterTest {

  @TempDir Path base;
  private PathResolver paths;
  private Path staging;

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    staging = base.resolve("hot/staging");
  }

  private List<String> stagingNames() throws IOException {
    try (Stream<Path> files = Files.list(staging)) {
      return files
          .map(p -> p.getFileName().toString())
          // The batch lock file and the batch records are the SDK's own bookkeeping.
          .filter(n -> !n.equals(".batches.lock") && !n.equals(".batch-records"))
          .sorted()
          .toList();
    }
  }

  @Test
  void intermediateAndCrosscheckFilesGetTheSeedsNames() throws Exception {
    StagingWriter writer = StagingWriter.builder(paths).build();
    writer.writeIntermediate(
        SlmId.of(3),
        BatchId.of("b42"),
        Predictions.schema(),
        Predictions.rows(10, Predictions.START, 1));
    writer.writeCrosscheck(
        SlmId.of(3),
        BatchId.of("b42"),
        Predictions.schema(),
        Predictions.rows(10, Predictions.START, 1));
    assertThat(stagingNames()).containsExactly("crosscheck_3_b42.parquet", "slm_3_b42.parquet");
    assertThat(
            Duck.query(
                "SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet("
                    + Duck.literal(staging.resolve("slm_3_b42.parquet"))
                    + "))"))
        .extracting(m -> m.get("column_name"))
        .doesNotContain("date");
  }

  @Test
  void aBatchWrittenTwiceIsRefusedBeforeWritingUnlessReplacingIsAllowed() throws Exception {
    StagingWriter writer = StagingWriter.builder(paths).build();
    writer.writeIntermediate(
        SlmId.of(1),
        BatchId.of("b1"),
        Predictions.schema(),
        Predictions.rows(10, Predictions.START, 1));
    byte[] first = Files.readAllBytes(staging.resolve("slm_1_b1.parquet"));

    assertThatThrownBy(
            () -> writer.openIntermediate(SlmId.of(1), BatchId.of("b1"), Predictions.schema()))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(
            "staging file exists: intermediate of SLM 1 for batch b1 was written"
                + " before (use a new batch id, or replaceExisting(true) to rewrite it)");
    assertThat(stagingNames()).containsExactly("slm_1_b1.parquet");
    assertThat(Files.readAllBytes(staging.resolve("slm_1_b1.parquet"))).isEqualTo(first);

    StagingWriter.builder(paths)
        .replaceExisting(true)
        .build()
        .writeIntermediate(
            SlmId.of(1),
            BatchId.of("b1"),
            Predictions.schema(),
            Predictions.rows(20, Predictions.START, 2));
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(staging.resolve("slm_1_b1.parquet"))
                    + ")"))
        .isEqualTo(20L);
  }

  @Test
  void closingWithoutCommitLeavesNothingEvenAfterRowGroupsWereWritten() throws Exception {
    StagingWriter writer =
        StagingWriter.builder(paths)
            .settings(WriterSettings.staging().toBuilder().rowGroupBytes(1024 * 1024).build())
            .build();
    try (ParquetRowWriter out =
        writer.openIntermediate(SlmId.of(1), BatchId.of("x"), Predictions.schema())) {
      for (var row : Predictions.rows(300_000, Predictions.START, 3)) {
        out.write(row);
      }
    }
    assertThat(stagingNames()).isEmpty();
  }

  @Test
  void aFullDiskMidwayLeavesNoFile() throws Exception {
    FaultyStorage disk = new FaultyStorage().failWritesAfter(200_000);
    StagingWriter writer =
        StagingWriter.builder(paths)
            .storage(disk)
            .settings(WriterSettings.staging().toBuilder().rowGroupBytes(1024 * 1024).build())
            .build();
    assertThatThrownBy(
            () ->
                writer.writeIntermediate(
                    SlmId.of(1),
                    BatchId.of("full"),
                    Predictions.schema(),
                    Predictions.rows(300_000, Predictions.START, 4)))
        .hasMessageContaining("No space left on device (injected)");
    assertThat(stagingNames()).isEmpty();
  }

  @Test
  void aGuardCanRefuseNewStagingFiles() throws Exception {
    StagingWriter guarded =
        StagingWriter.builder(paths)
            .guard(
                file -> {
                  throw new IllegalStateException(
                      "Cannot write to hot tier: 93% full above the 90% limit");
                })
            .build();
    assertThatThrownBy(
            () -> guarded.openIntermediate(SlmId.of(1), BatchId.of("g"), Predictions.schema()))
        .hasMessageStartingWith("Cannot write to hot tier: 93% full");
    assertThat(Files.exists(staging)).isFalse();
  }

  @Test
  void writersLeaveOtherTemporaryFilesToRecovery() throws Exception {
    // Opening a writer lists nothing: a sweep on every open cost O(files in staging) per file.
    Files.createDirectories(staging);
    Path abandoned =
        Files.writeString(staging.resolve(".slm_9_old.parquet.00aa00aa00aa00aa.tmp"), "partial");
    Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minusSeconds(7200)));

    StagingWriter.builder(paths)
        .build()
        .writeIntermediate(
            SlmId.of(1),
            BatchId.of("n"),
            Predictions.schema(),
            Predictions.rows(5, Predictions.START, 5));

    assertThat(abandoned).exists();
    assertThat(
            dev.tiering.core.lifecycle.TempFileSweeper.forLayout(paths.layout())
                .recover(paths)
                .actions(dev.tiering.core.lifecycle.LifecycleReport.Verb.DELETED))
        .extracting(dev.tiering.core.lifecycle.LifecycleReport.Action::path)
        .containsExactly(abandoned);
  }

  @Test
  void aStagingFileNeedsOnlyItsColumnsAndMessagesNameTheFile() throws Exception {
    dev.tiering.schema.RowSchema columns =
        dev.tiering.schema.RowSchema.builder()
            .required("input_id", dev.tiering.schema.FieldType.INT64)
            .nullable("label", dev.tiering.schema.FieldType.STRING)
            .build();
    ParquetRowWriter writer =
        StagingWriter.builder(paths)
            .build()
            .openIntermediate(SlmId.of(2), BatchId.of("rows"), columns);
    try (writer) {
      writer.setLong(0, 7).setString(1, "cat").endRow();
      writer.setLong(0, 8).setNull(1).endRow();
      writer.commit();
    }
    Path file = paths.intermediateFile(SlmId.of(2), BatchId.of("rows"));
    assertThat(
            Duck.scalar(
                "SELECT string_agg(input_id || ':' || coalesce(label, 'NULL'), ',' ORDER"
                    + " BY input_id) FROM read_parquet("
                    + Duck.literal(file)
                    + ")"))
        .isEqualTo("7:cat,8:NULL");
    assertThatThrownBy(() -> writer.setLong(0, 9).endRow())
        .hasMessage(
            "Writer for staging file slm_2_rows.parquet is committed or closed (open a"
                + " new one to write more rows)");
    assertThatThrownBy(
            () ->
                dev.tiering.schema.RowSchema.builder()
                    .required("a", dev.tiering.schema.FieldType.INT64)
                    .required("a", dev.tiering.schema.FieldType.INT32)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a'");
  }

  @Test
  void eachWriterRecordsWhenItsBatchWasFirstWrittenAndLastPublished() throws IOException {
    Instant first = Instant.parse("2025-11-10T09:00:00Z");
    Instant later = Instant.parse("2025-11-10T09:20:00Z");
    for (Instant at : List.of(first, later)) {
      StagingWriter.builder(paths)
          .clock(java.time.Clock.fixed(at, java.time.ZoneOffset.UTC))
          .build()
          .writeIntermediate(
              SlmId.of(at.equals(first) ? 1 : 2), BatchId.of("b7"), Row.class, List.of(new Row(1)));
    }

    assertThat(paths.stagingBatchRecord(BatchId.of("b7")))
        .hasContent("tiering-batch 1\nfirst 2025-11-10T09:00:00Z\nlast 2025-11-10T09:20:00Z\n");
    assertThat(
            dev.tiering.core.lifecycle.StagingJanitor.builder(paths)
                .clock(java.time.Clock.fixed(later, java.time.ZoneOffset.UTC))
                .build()
                .batches())
        .singleElement()
        .satisfies(b -> assertThat(b.began()).isEqualTo(first))
        .satisfies(b -> assertThat(b.lastWritten()).isEqualTo(later));
  }

  /** A one-column record. */
  record Row(int id) {}
}
