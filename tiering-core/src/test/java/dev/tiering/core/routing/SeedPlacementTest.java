package dev.tiering.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default rules reproduce every path of the seed's "Data Placement Strategy", literally. */
class SeedPlacementTest {

  private final PathResolver seed = new PathResolver(TierLayout.defaults());
  private final TableName predictions = TableName.of("slm_predictions");

  @Test
  void areaRootsAreTheSeedsDirectoryConstants() {
    assertThat(seed.areaRoot(Area.STAGING)).hasToString("/data/hot/staging");
    assertThat(seed.areaRoot(Area.CLEAN_CACHE)).hasToString("/data/hot/clean");
    assertThat(seed.areaRoot(Area.LAKE_CLEAN)).hasToString("/data/lake/clean");
    assertThat(seed.areaRoot(Area.LAKE_ARCHIVE)).hasToString("/data/lake/archive");
    assertThat(seed.areaRoot(Area.LAKE_RAW)).hasToString("/data/lake/raw");
  }

  @Test
  void writeIntermediateGoesToHotStaging() {
    assertThat(seed.intermediateFile(SlmId.of(3), BatchId.of("b42")))
        .hasToString("/data/hot/staging/slm_3_b42.parquet");
    assertThat(seed.resolve(DataRef.intermediate(SlmId.of(3), BatchId.of("b42"))).tier())
        .isEqualTo(Tier.HOT);
  }

  @Test
  void crossCheckFilesGoToHotStaging() {
    assertThat(seed.crosscheckFile(SlmId.of(0), BatchId.of("2025-11-10_001")))
        .hasToString("/data/hot/staging/crosscheck_0_2025-11-10_001.parquet");
  }

  @Test
  void writeCleanDataGoesToTheLakeByZoneTableAndDatePath() {
    LocalDate day = LocalDate.of(2025, 11, 10);
    assertThat(seed.partitionDir(Zone.SILVER, predictions, day, PartitionLayout.DATE_PATH))
        .hasToString("/data/lake/clean/silver/slm_predictions/2025/11/10");
    assertThat(seed.schemaFile(Zone.SILVER, predictions))
        .hasToString("/data/lake/clean/silver/slm_predictions/schema.json");
    assertThat(seed.resolve(DataRef.clean(Zone.GOLD, predictions)).tier()).isEqualTo(Tier.COLD);
  }

  @Test
  void hivePartitionLayoutsFollowTheTroubleshootingAdvice() {
    LocalDate day = LocalDate.of(2025, 11, 10);
    assertThat(seed.partitionDir(Zone.BRONZE, predictions, day, PartitionLayout.HIVE_DATE))
        .hasToString("/data/lake/clean/bronze/slm_predictions/date=2025-11-10");
    assertThat(
            seed.partitionDir(Zone.BRONZE, predictions, day, PartitionLayout.HIVE_YEAR_MONTH_DAY))
        .hasToString("/data/lake/clean/bronze/slm_predictions/year=2025/month=11/day=10");
  }

  @Test
  void cacheArchiveAndRawFollowTheSeedTrees() {
    assertThat(seed.resolve(DataRef.cache(Zone.GOLD, predictions)).path())
        .hasToString("/data/hot/clean/gold/slm_predictions");
    assertThat(seed.resolve(DataRef.archive(Zone.SILVER, predictions)).path())
        .hasToString("/data/lake/archive/silver/slm_predictions");
    assertThat(seed.resolve(DataRef.raw(TableName.of("sensor_feed"))).path())
        .hasToString("/data/lake/raw/sensor_feed");
  }

  @Test
  void newDataFilesGetUniqueStagedNamesAndTheirCommitsNumberWhenPublished() {
    Path partition =
        seed.partitionDir(
            Zone.SILVER, predictions, LocalDate.of(2025, 11, 10), PartitionLayout.DATE_PATH);
    Path first = seed.stagedDataFile(partition);
    Path second = seed.stagedDataFile(partition);
    assertThat(first.getParent()).isEqualTo(partition);
    assertThat(first.getFileName().toString()).matches("\\.part-[0-9a-f-]{36}\\.parquet\\.staged");
    assertThat(first).isNotEqualTo(second);
    Path published = seed.committedDataFile(first, 42);
    String uuid = first.getFileName().toString().substring(6, 42);
    assertThat(published).isEqualTo(partition.resolve("part-0000000042-" + uuid + ".parquet"));
    assertThat(PathResolver.commitOf(published.getFileName().toString())).isEqualTo(42);
    Path compacted = seed.compactedDataFile(partition, 7);
    assertThat(PathResolver.commitOf(compacted.getFileName().toString())).isEqualTo(7);
    assertThat(PathResolver.isCompactedName(compacted.getFileName().toString())).isTrue();
    // Names of files written before commit logs, or by hand, belong to no commit: foreign.
    assertThat(PathResolver.commitOf("part-" + uuid + ".parquet")).isZero();
    assertThat(PathResolver.commitOf("part-00000000x2-" + uuid + ".parquet")).isZero();
    assertThat(PathResolver.commitOf("data.parquet")).isZero();
    assertThatThrownBy(() -> seed.committedDataFile(partition.resolve("part-x.parquet"), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a staged");
  }

  @Test
  void placingEverySeedKindUnderATempBaseBuildsTheSeedsDirectoryTrees(@TempDir Path base)
      throws IOException {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    List<Path> files =
        List.of(
            paths.intermediateFile(SlmId.of(1), BatchId.of("b1")),
            paths.crosscheckFile(SlmId.of(1), BatchId.of("b1")),
            paths.committedDataFile(
                paths.stagedDataFile(
                    paths.partitionDir(
                        Zone.SILVER,
                        predictions,
                        LocalDate.of(2025, 11, 10),
                        PartitionLayout.DATE_PATH)),
                1),
            paths.schemaFile(Zone.SILVER, predictions),
            paths.resolve(DataRef.cache(Zone.SILVER, predictions)).path().resolve("x.parquet"),
            paths.resolve(DataRef.archive(Zone.SILVER, predictions)).path().resolve("x.parquet"),
            paths.resolve(DataRef.raw(TableName.of("feed"))).path().resolve("input.csv"));
    for (Path file : files) {
      Files.createDirectories(file.getParent());
      Files.createFile(file);
    }

    try (Stream<Path> walk = Files.walk(base)) {
      List<String> tree =
          walk.filter(Files::isRegularFile)
              .map(
                  p ->
                      base.relativize(p)
                          .toString()
                          .replaceAll("part-0000000001-[0-9a-f-]{36}", "part-1-ID"))
              .sorted()
              .toList();
      assertThat(tree)
          .containsExactly(
              "hot/clean/silver/slm_predictions/x.parquet",
              "hot/staging/crosscheck_1_b1.parquet",
              "hot/staging/slm_1_b1.parquet",
              "lake/archive/silver/slm_predictions/x.parquet",
              "lake/clean/silver/slm_predictions/2025/11/10/part-1-ID.parquet",
              "lake/clean/silver/slm_predictions/schema.json",
              "lake/raw/feed/input.csv");
    }
  }
}
