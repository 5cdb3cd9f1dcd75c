package dev.tiering.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.routing.DataRef;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.testing.Seeded;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PartitionAndCounterpartTest {

  private final PathResolver paths = new PathResolver(TierLayout.defaults());
  private final TableName table = TableName.of("slm_predictions");

  /** Partitions of any date from 0001-01-01 to 9999-12-31 parse back, in their own layout only. */
  @Test
  void everyLayoutParsesBackItsOwnPartitionDates() {
    Path tableDir = paths.tableDir(Zone.SILVER, table);
    Seeded.forAll(
        1000,
        EDGE_DATES,
        PartitionAndCounterpartTest::anyDate,
        String::valueOf,
        date -> {
          for (PartitionLayout layout : PartitionLayout.values()) {
            Path partition = paths.partitionDir(Zone.SILVER, table, date, layout);
            Path relative = tableDir.relativize(partition);
            assertThat(partition.normalize()).isEqualTo(partition).startsWithRaw(tableDir);
            assertThat(paths.partitionDate(relative, layout)).contains(date);
            for (PartitionLayout other : PartitionLayout.values()) {
              if (other != layout) {
                assertThat(paths.partitionDate(relative, other))
                    .as("%s read as %s", relative, other)
                    .isEmpty();
              }
            }
          }
        });
  }

  private static final LocalDate FIRST = LocalDate.of(1, 1, 1);
  private static final LocalDate LAST = LocalDate.of(9999, 12, 31);

  /** The first and last dates four-digit years can write, the epoch, and leap days. */
  private static final List<LocalDate> EDGE_DATES =
      List.of(
          FIRST,
          LAST,
          LocalDate.of(1, 12, 31),
          LocalDate.of(9999, 1, 1),
          LocalDate.of(1969, 12, 31),
          LocalDate.EPOCH,
          LocalDate.of(4, 2, 29),
          LocalDate.of(2000, 2, 29),
          LocalDate.of(2024, 2, 29),
          LocalDate.of(1900, 2, 28),
          LocalDate.of(2100, 3, 1),
          LocalDate.of(999, 12, 31),
          LocalDate.of(1000, 1, 1),
          FIRST.plusDays(3_000_000));

  /** Any date with a four-digit year, uniformly (the old property stopped at year 8214). */
  private static LocalDate anyDate(Random random) {
    return FIRST.plusDays(random.nextLong(LAST.toEpochDay() - FIRST.toEpochDay() + 1));
  }

  @Test
  void foreignDirectoriesAreNotPartitions() {
    assertThat(paths.partitionDate(Path.of("2025/11"), PartitionLayout.DATE_PATH)).isEmpty();
    assertThat(paths.partitionDate(Path.of("2025/13/01"), PartitionLayout.DATE_PATH)).isEmpty();
    assertThat(paths.partitionDate(Path.of("2025/02/30"), PartitionLayout.DATE_PATH)).isEmpty();
    assertThat(paths.partitionDate(Path.of("2025/1/01"), PartitionLayout.DATE_PATH)).isEmpty();
    assertThat(paths.partitionDate(Path.of("+025/01/01"), PartitionLayout.DATE_PATH)).isEmpty();
    assertThat(paths.partitionDate(Path.of("date=2025-11-10x"), PartitionLayout.HIVE_DATE))
        .isEmpty();
    assertThat(paths.partitionDate(Path.of("day=2025-11-10"), PartitionLayout.HIVE_DATE)).isEmpty();
    assertThat(
            paths.partitionDate(
                Path.of("year=2025/month=11/day=1"), PartitionLayout.HIVE_YEAR_MONTH_DAY))
        .isEmpty();
    assertThat(paths.partitionDate(Path.of("2025/11/10"), PartitionLayout.HIVE_YEAR_MONTH_DAY))
        .isEmpty();
  }

  @Test
  void layoutsParseByIdAndRefuseUnknownOnes() {
    assertThat(PartitionLayout.parse("hive")).isEqualTo(PartitionLayout.HIVE_DATE);
    assertThatThrownBy(() -> PartitionLayout.parse("monthly"))
        .hasMessage("Unknown partition layout 'monthly' (use one of seed, hive, hive-ymd)");
  }

  @Test
  void counterpartMapsALakePartitionToItsCacheAndArchivePlaces() {
    Path file = Path.of("/data/lake/clean/silver/slm_predictions/2025/11/10/part-1.parquet");
    assertThat(paths.counterpart(file, DataKind.CACHE))
        .hasToString("/data/hot/clean/silver/slm_predictions/2025/11/10/part-1.parquet");
    assertThat(paths.counterpart(file, DataKind.ARCHIVE))
        .hasToString("/data/lake/archive/silver/slm_predictions/2025/11/10/part-1.parquet");
    assertThat(paths.counterpart(Path.of("/data/hot/clean/gold/t"), DataKind.CLEAN))
        .hasToString("/data/lake/clean/gold/t");
  }

  @Test
  void counterpartRefusesPathsOutsideTables() {
    assertThatThrownBy(
            () -> paths.counterpart(Path.of("/data/hot/staging/slm_1_b.parquet"), DataKind.CACHE))
        .hasMessageContaining("is not inside a table directory");
    assertThatThrownBy(() -> paths.counterpart(Path.of("/etc/passwd"), DataKind.CACHE))
        .hasMessageContaining("is not inside a table directory");
    assertThatThrownBy(() -> paths.counterpart(Path.of("/data/lake/clean/silver"), DataKind.CACHE))
        .hasMessageContaining("is not inside a table directory");
  }

  @Test
  void dataRefsRefuseComponentsTheirKindDoesNotHave() {
    assertThatThrownBy(() -> new DataRef(DataKind.CLEAN, null, table, null, null))
        .hasMessage("clean data needs a zone (bronze, silver or gold)");
    assertThatThrownBy(() -> new DataRef(DataKind.RAW, Zone.GOLD, table, null, null))
        .hasMessage("raw data takes no zone (zones apply to clean, cache and archive data)");
    assertThatThrownBy(
            () -> new DataRef(DataKind.INTERMEDIATE, Zone.GOLD, null, SlmId.of(1), BatchId.of("b")))
        .hasMessage("intermediate data takes no zone or table (those apply to table kinds)");
    assertThatThrownBy(() -> DataRef.clean(Zone.GOLD, table).as(DataKind.INTERMEDIATE))
        .hasMessageContaining("only table kinds map onto each other");
  }
}
