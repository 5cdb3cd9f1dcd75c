package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.Archiver;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.RetentionPolicy;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.lifecycle.TempFileSweeper;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links planted in staging and in the lake, pointing outside the tiers: no operation of
 * the SDK reads through them, moves them, or touches what they point to. Links are removed as links
 * by cleanup, and left alone elsewhere.
 */
class PlantedLinksTest {

  @TempDir Path base;
  private PathResolver paths;
  private Path outside;
  private Map<String, String> outsideBefore;
  private Path stagingFileLink;
  private Path stagingDirLink;
  private Path lakeFileLink;
  private Path lakeDayLink;
  private Path partition;

  @BeforeEach
  void plantLinks() throws Exception {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("tiers"))));
    outside = Files.createDirectories(base.resolve("outside"));
    StagingWriter staging = StagingWriter.builder(paths).build();
    Path victim =
        staging
            .writeIntermediate(
                SlmId.of(9), BatchId.of("victim"), CrashChild.schema(), CrashRows.rows(777_000, 50))
            .file();
    Files.move(victim, outside.resolve("victim.parquet"));
    Files.createDirectories(outside.resolve("secret"));
    Files.writeString(outside.resolve("secret/keys.txt"), "do not touch");
    outsideBefore = snapshot(outside);

    staging.writeIntermediate(
        SlmId.of(1), BatchId.of("old"), CrashChild.schema(), CrashRows.rows(0, 10));
    stagingFileLink =
        Files.createSymbolicLink(
            paths.intermediateFile(SlmId.of(5), BatchId.of("old")),
            outside.resolve("victim.parquet"));
    stagingDirLink =
        Files.createSymbolicLink(
            paths.intermediateFile(SlmId.of(6), BatchId.of("old")), outside.resolve("secret"));
    for (String batch : List.of("b1", "b2")) {
      staging.writeIntermediate(
          SlmId.of(1), BatchId.of(batch), CrashChild.schema(), CrashRows.rows(100, 10));
    }

    LakeWriter lake = LakeWriter.builder(paths).build();
    lake.writeCleanData(CrashChild.schema(), CrashRows.rows(1_000, 10));
    lake.writeCleanData(CrashChild.schema(), CrashRows.rows(2_000, 10));
    Path table = paths.tableDir(Zone.BRONZE, CrashChild.schema().table());
    partition = CrashLoopTest.visibleParquet(table).get(0).getParent();
    lakeFileLink =
        Files.createSymbolicLink(
            partition.resolve("part-planted.parquet"), outside.resolve("victim.parquet"));
    Files.createDirectories(table.resolve("2020/01"));
    lakeDayLink = Files.createSymbolicLink(table.resolve("2020/01/01"), outside.resolve("secret"));
  }

  @Test
  void readersNeverReadThroughALink() throws Exception {
    LakeReader reader = new LakeReader(paths);
    assertThat(reader.files(Zone.BRONZE, CrashChild.schema().table()))
        .extracting(LakeReader.DataFile::path)
        .doesNotContain(lakeFileLink)
        .allSatisfy(p -> assertThat(p).startsWith(partition));
    List<Long> ids = new ArrayList<>();
    try (ParquetRowReader rows = reader.scan(Zone.BRONZE, CrashChild.schema().table())) {
      while (rows.next()) {
        ids.add(rows.getLong(0));
      }
    }
    assertThat(ids).hasSize(20).noneMatch(id -> id >= 777_000);
    assertOutsideUntouched();
  }

  @Test
  void cleanupRemovesLinksAsLinks() throws Exception {
    LifecycleReport report =
        StagingJanitor.builder(paths)
            .grace(Duration.ZERO)
            .archive(true)
            .build()
            .cleanupOldBatches(2)
            .execute();
    assertThat(report.failures()).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .extracting(LifecycleReport.Action::path)
        .containsExactlyInAnyOrder(stagingFileLink, stagingDirLink);
    assertThat(report.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(paths.intermediateFile(SlmId.of(1), BatchId.of("old")));
    assertThat(stagingFileLink).doesNotExist();
    assertThat(Files.exists(stagingDirLink, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertOutsideUntouched();
  }

  @Test
  void compactionArchiveCacheAndRecoveryLeaveLinksAndTheirTargetsAlone() throws Exception {
    LifecycleReport compaction =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.BRONZE, CrashChild.schema().table())
            .execute();
    assertThat(compaction.actions(LifecycleReport.Verb.COMPACTED))
        .hasSize(2)
        .extracting(LifecycleReport.Action::path)
        .doesNotContain(lakeFileLink);

    assertThatThrownBy(() -> HotCache.builder(paths).build().promote(lakeFileLink).execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot cache "
                + lakeFileLink
                + ": it is a symbolic link, and the SDK never"
                + " reads through links (cache the file it points to, if that is in the lake)");
    assertThat(
            HotCache.builder(paths)
                .build()
                .promote(partition)
                .execute()
                .actions(LifecycleReport.Verb.CACHED))
        .extracting(LifecycleReport.Action::path)
        .hasSize(1)
        .doesNotContain(lakeFileLink);

    new TempFileSweeper(Storage.local(), Duration.ZERO, Clock.systemUTC()).recover(paths);

    Clock nextYear = Clock.fixed(Instant.now().plus(Duration.ofDays(400)), ZoneOffset.UTC);
    LifecycleReport archive =
        new Archiver(paths, Storage.local(), nextYear)
            .apply(RetentionPolicy.none().lake(Zone.BRONZE, Period.ofDays(30)))
            .execute();
    assertThat(archive.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .hasSize(1)
        .doesNotContain(lakeFileLink);
    assertThat(Files.isSymbolicLink(lakeFileLink)).isTrue();
    assertThat(Files.isSymbolicLink(lakeDayLink)).isTrue();
    assertOutsideUntouched();
  }

  @Test
  void aStagingAreaThatIsALinkIsRefusedAndNothingItPointsToIsDeleted() throws Exception {
    Path target = Files.createDirectories(outside.resolve("staging-elsewhere"));
    Files.copy(outside.resolve("victim.parquet"), target.resolve("slm_0_b1.parquet"));
    Files.copy(outside.resolve("victim.parquet"), target.resolve("slm_0_b2.parquet"));
    Map<String, String> before = snapshot(outside);
    PathResolver linked =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("linked"))));
    Files.createDirectories(linked.layout().hotRoot());
    Path link = Files.createSymbolicLink(linked.areaRoot(dev.tiering.core.Area.STAGING), target);

    StagingJanitor janitor = StagingJanitor.builder(linked).grace(Duration.ZERO).build();
    assertThatThrownBy(() -> janitor.cleanupOldBatches(0).execute())
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessageContaining("Refusing to list " + link + ": " + link + " is a symbolic link")
        .hasMessageContaining("the SDK never follows links inside the tiers");
    assertThatThrownBy(
            () ->
                StagingWriter.builder(linked)
                    .build()
                    .writeIntermediate(
                        SlmId.of(3), BatchId.of("b3"), CrashChild.schema(), CrashRows.rows(0, 1)))
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessageContaining(link + " is a symbolic link");
    assertThat(snapshot(outside)).isEqualTo(before);
  }

  @Test
  void aLakeZoneThatIsALinkIsNeitherReadNorCompacted() throws Exception {
    Path table = paths.tableDir(Zone.BRONZE, CrashChild.schema().table());
    Path zone = table.getParent();
    Path moved = Files.move(zone, outside.resolve("bronze"));
    Files.createSymbolicLink(zone, moved);
    Map<String, String> before = snapshot(outside);

    assertThatThrownBy(
            () ->
                Compactor.builder(paths)
                    .minCommitAge(java.time.Duration.ZERO)
                    .build()
                    .compact(Zone.BRONZE, CrashChild.schema().table())
                    .execute())
        .hasMessageContaining(zone + " is a symbolic link");
    assertThatThrownBy(() -> new LakeReader(paths).files(Zone.BRONZE, CrashChild.schema().table()))
        .hasMessageContaining(zone + " is a symbolic link");
    assertThat(snapshot(outside)).isEqualTo(before);
  }

  @Test
  void aHotRootThatReachesTheLakeThroughALinkIsRefused() throws Exception {
    Path lake = Files.createDirectories(base.resolve("x/lake"));
    Path alias = Files.createSymbolicLink(base.resolve("x/hotalias"), lake);
    assertThatThrownBy(() -> new TierLayout(alias, lake))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap");
    assertThatThrownBy(() -> new TierLayout(alias.resolve("hot"), lake))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap");
  }

  @Test
  void lockFilesThatAreLinksAreRefusedAndNothingIsCreatedOutside() throws Exception {
    Files.delete(paths.stagingLockFile());
    Files.createSymbolicLink(paths.stagingLockFile(), outside.resolve("created-by-sdk"));
    Path partitionsLock = paths.partitionLockFile(Zone.BRONZE, CrashChild.schema().table());
    Files.deleteIfExists(partitionsLock);
    Files.createSymbolicLink(partitionsLock, outside.resolve("created-by-compactor"));

    assertThatThrownBy(
            () ->
                StagingWriter.builder(paths)
                    .build()
                    .writeIntermediate(
                        SlmId.of(0), BatchId.of("b9"), CrashChild.schema(), CrashRows.rows(0, 10)))
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessageContaining(
            "Refusing to lock " + paths.stagingLockFile() + ": it is a symbolic link");
    // Each partition fails on its own (and the others would go on); none is compacted.
    var compaction =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.BRONZE, CrashChild.schema().table())
            .execute();
    assertThat(compaction.actions()).isEmpty();
    assertThat(compaction.failures())
        .isNotEmpty()
        .allSatisfy(
            f ->
                assertThat(f.error())
                    .containsIgnoringCase(
                        "Refusing to lock " + partitionsLock + ": it is a symbolic link"));
    assertOutsideUntouched();
  }

  @Test
  void aStagingLockLinkedToAnotherLockFileIsRefusedSoNoWritersHoldIsLost() throws Exception {
    Path partitionsLock = paths.partitionLockFile(Zone.BRONZE, CrashChild.schema().table());
    Files.createFile(partitionsLock);
    Files.delete(paths.stagingLockFile());
    Files.createSymbolicLink(paths.stagingLockFile(), partitionsLock);

    assertThatThrownBy(
            () ->
                StagingWriter.builder(paths)
                    .build()
                    .openIntermediate(SlmId.of(1), BatchId.of("b1"), CrashChild.schema()))
        .hasMessageContaining("it is a symbolic link");
  }

  @Test
  void aLinkAtAnArchiveTargetIsNeverTakenForTheCopy() throws Exception {
    Path file = paths.intermediateFile(SlmId.of(1), BatchId.of("old"));
    Path copy = Files.copy(file, outside.resolve("copy.parquet"));
    Path target =
        paths.stagingArchiveFile(
            dev.tiering.core.routing.StagingFile.intermediate(SlmId.of(1), BatchId.of("old")));
    Files.createDirectories(target.getParent());
    Files.createSymbolicLink(target, copy);
    Map<String, String> before = snapshot(outside);

    LifecycleReport report =
        StagingJanitor.builder(paths)
            .archive(true)
            .build()
            .cleanupBatch(BatchId.of("old"))
            .execute();

    assertThat(report.failures())
        .filteredOn(f -> f.path().equals(file))
        .singleElement()
        .satisfies(
            f -> assertThat(f.error()).contains("a symbolic link is already there, not a copy"));
    assertThat(file).exists();
    assertThat(Files.isSymbolicLink(target)).isTrue();
    assertThat(snapshot(outside)).isEqualTo(before);
  }

  private void assertOutsideUntouched() throws IOException {
    assertThat(snapshot(outside)).isEqualTo(outsideBefore);
  }

  /** Every file under {@code dir} with a digest of its content. */
  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        files.put(
            dir.relativize(p).toString(),
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(p))));
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return files;
  }
}
