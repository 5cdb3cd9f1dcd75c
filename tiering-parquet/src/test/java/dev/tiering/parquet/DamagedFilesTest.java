package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated, scribbled-over and foreign files among good ones: the reader names the file,
 * compaction skips them or fails before changing anything (as configured), cleanup removes them
 * like any other staging file, and no operation stops half-way.
 */
class DamagedFilesTest {

  @TempDir Path base;
  private PathResolver paths;
  private Path partition;
  private List<Path> files;
  private Path truncated;
  private Path scribbled;
  private List<Long> soundIds;

  @BeforeEach
  void fiveFilesTwoOfThemDamaged() throws Exception {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    LakeWriter lake = LakeWriter.builder(paths).build();
    for (int f = 0; f < 5; f++) {
      lake.writeCleanData(CrashChild.schema(), CrashRows.rows(f * 100_000L, 20_000));
    }
    files = CrashLoopTest.visibleParquet(paths.tableDir(Zone.BRONZE, CrashChild.schema().table()));
    assertThat(files).hasSize(5);
    partition = files.get(0).getParent();
    truncated = files.get(1);
    scribbled = files.get(3);
    soundIds = CrashRows.idsBySdk(List.of(files.get(0), files.get(2), files.get(4)));
    try (RandomAccessFile file = new RandomAccessFile(truncated.toFile(), "rw")) {
      file.setLength(file.length() / 2);
    }
    try (RandomAccessFile file = new RandomAccessFile(scribbled.toFile(), "rw")) {
      byte[] junk = new byte[4096];
      Arrays.fill(junk, (byte) 0x5a);
      file.seek(file.length() / 4);
      file.write(junk);
    }
  }

  @Test
  void theReaderNamesTheDamagedFile() {
    for (Path damaged : List.of(truncated, scribbled)) {
      assertThatThrownBy(() -> readEveryColumn(damaged))
          .isInstanceOfSatisfying(
              CorruptFileException.class, e -> assertThat(e.file()).isEqualTo(damaged))
          .hasMessageStartingWith(
              "Cannot read " + damaged + ": it is not a complete Parquet file (")
          .hasMessageEndingWith(
              "It was left as it is; move it aside or delete it, and write its"
                  + " data again from its source");
    }
    assertThatThrownBy(
            () -> {
              try (ParquetRowReader reader =
                  new LakeReader(paths).scan(Zone.BRONZE, CrashChild.schema().table())) {
                while (reader.next()) {
                  reader.getLong(0);
                }
              }
            })
        .isInstanceOfSatisfying(
            CorruptFileException.class, e -> assertThat(e.file()).isEqualTo(truncated));
  }

  @Test
  void compactionSkipsDamagedFilesAndMergesTheRest() throws Exception {
    Map<Path, byte[]> damagedBefore = bytes(truncated, scribbled);

    LifecycleReport report =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.BRONZE, CrashChild.schema().table())
            .execute();

    assertThat(report.failures())
        .extracting(LifecycleReport.Failure::path)
        .containsExactlyInAnyOrder(truncated, scribbled);
    assertThat(report.failures())
        .allSatisfy(
            f ->
                assertThat(f.error())
                    .startsWith("Cannot read " + f.path() + ": it is not a complete"));
    assertThat(report.actions(LifecycleReport.Verb.COMPACTED))
        .extracting(LifecycleReport.Action::path)
        .containsExactlyInAnyOrder(files.get(0), files.get(2), files.get(4));
    assertThat(bytes(truncated, scribbled))
        .allSatisfy((path, content) -> assertThat(content).isEqualTo(damagedBefore.get(path)));
    List<Path> after = CrashLoopTest.visibleParquet(partition);
    assertThat(after).hasSize(3).contains(truncated, scribbled);
    Path merged =
        after.stream()
            .filter(p -> !p.equals(truncated) && !p.equals(scribbled))
            .findFirst()
            .orElseThrow();
    assertThat(soundIds).hasSize(60_000);
    assertThat(CrashRows.idsByDuckDb(List.of(merged))).isEqualTo(soundIds);
    assertThat(names(partition))
        .noneMatch(n -> CompactionJournal.isJournal(n) || n.endsWith(".tmp"));
  }

  @Test
  void compactionSetToFailStopsWithThePartitionAsItWas() throws Exception {
    Map<Path, byte[]> before = bytes(files.toArray(Path[]::new));

    assertThatThrownBy(
            () ->
                Compactor.builder(paths)
                    .minCommitAge(java.time.Duration.ZERO)
                    .onCorrupt(Compactor.OnCorrupt.FAIL)
                    .build()
                    .compact(Zone.BRONZE, CrashChild.schema().table())
                    .execute())
        .isInstanceOfSatisfying(
            CorruptFileException.class, e -> assertThat(e.file()).isIn(truncated, scribbled));

    assertThat(CrashLoopTest.visibleParquet(partition)).isEqualTo(files);
    assertThat(bytes(files.toArray(Path[]::new)))
        .allSatisfy((path, content) -> assertThat(content).isEqualTo(before.get(path)));
    assertThat(names(partition))
        .noneMatch(n -> CompactionJournal.isJournal(n) || n.endsWith(".tmp"));
  }

  @Test
  void aDamagedFileFoundOnlyWhileMergingIsRolledBackAndSkipped() throws Exception {
    // A file whose footer is sound but whose pages are not passes the first check; the merge
    // finds it, rolls back its half-written output and journal, and merges the rest.
    Files.delete(truncated);
    LifecycleReport report =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.BRONZE, CrashChild.schema().table())
            .execute();
    assertThat(report.failures())
        .extracting(LifecycleReport.Failure::path)
        .containsExactly(scribbled);
    assertThat(CrashLoopTest.visibleParquet(partition)).hasSize(2).contains(scribbled);
    assertThat(names(partition))
        .noneMatch(n -> CompactionJournal.isJournal(n) || n.endsWith(".tmp"));
  }

  @Test
  void cleanupRemovesDamagedStagingFilesLikeAnyOther() throws Exception {
    StagingWriter staging = StagingWriter.builder(paths).build();
    staging.writeIntermediate(
        SlmId.of(1), BatchId.of("old"), CrashChild.schema(), CrashRows.rows(0, 10));
    Path bad = paths.intermediateFile(SlmId.of(2), BatchId.of("old"));
    Files.writeString(bad, "not parquet at all");
    for (String batch : List.of("b1", "b2")) {
      staging.writeIntermediate(
          SlmId.of(1), BatchId.of(batch), CrashChild.schema(), CrashRows.rows(0, 10));
    }
    assertThatThrownBy(() -> CrashRows.idsBySdk(List.of(bad)))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(bad.toString());

    LifecycleReport report =
        StagingJanitor.builder(paths).grace(Duration.ZERO).build().cleanupOldBatches(2).execute();

    assertThat(report.failures()).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .extracting(LifecycleReport.Action::path)
        .containsExactlyInAnyOrder(bad, paths.intermediateFile(SlmId.of(1), BatchId.of("old")));
  }

  private static void readEveryColumn(Path file) throws IOException {
    try (ParquetRowReader reader =
        ParquetRowReader.open(
            dev.tiering.core.storage.Storage.local(),
            List.of(file),
            StagingWriter.withoutPartitions(CrashChild.schema()))) {
      while (reader.next()) {
        reader.toMap();
      }
    }
  }

  private static Map<Path, byte[]> bytes(Path... files) throws IOException {
    Map<Path, byte[]> content = new HashMap<>();
    for (Path file : files) {
      content.put(file, Files.readAllBytes(file));
    }
    return content;
  }

  private static List<String> names(Path dir) throws IOException {
    try (var list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).toList();
    }
  }
}
