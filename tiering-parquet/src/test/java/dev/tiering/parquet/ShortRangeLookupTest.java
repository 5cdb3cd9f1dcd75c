package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The day-by-day lookup of short ranges gives the walk's answer (from an adversarial review). */
class ShortRangeLookupTest {

  private static final TableName TABLE = TableName.of("slm_predictions");

  @TempDir Path base;

  /** Files of [from, to] by the day lookup, and by the walk (a range of 400+ days, filtered). */
  static List<String> direct(LakeReader reader, LocalDate from, LocalDate to) throws Exception {
    List<String> out = new ArrayList<>();
    for (LakeReader.DataFile f : reader.files(Zone.SILVER, TABLE, from, to)) {
      out.add(f.day() + " " + f.path() + " " + f.bytes());
    }
    return out;
  }

  static List<String> walked(LakeReader reader, LocalDate from, LocalDate to) throws Exception {
    List<String> out = new ArrayList<>();
    for (LakeReader.DataFile f :
        reader.files(Zone.SILVER, TABLE, from.minusDays(500), to.plusDays(500))) {
      if (!f.day().isBefore(from) && !f.day().isAfter(to)) {
        out.add(f.day() + " " + f.path() + " " + f.bytes());
      }
    }
    return out;
  }

  static long scanCount(LakeReader reader, LocalDate from, LocalDate to) throws Exception {
    long n = 0;
    try (ParquetRowReader rows = reader.scan(Zone.SILVER, TABLE, from, to)) {
      while (rows.next()) {
        n++;
      }
    }
    return n;
  }

  PathResolver writeDays(Path root, PartitionLayout layout, LocalDate first, int days)
      throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    for (int d = 0; d < days; d += 3) {
      Instant at = first.plusDays(d).atTime(12, 0).toInstant(ZoneOffset.UTC);
      LakeWriter.builder(paths)
          .layout(layout)
          .clock(Clock.fixed(at, ZoneOffset.UTC))
          .build()
          .writeCleanData(Predictions.schema(), Predictions.rows(10 + d, at, d));
    }
    return paths;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theDayLookupFindsWhatTheWalkFindsInEveryLayout() throws Exception {
    for (PartitionLayout layout : PartitionLayout.values()) {
      Path root = Files.createDirectories(base.resolve(layout.id()));
      // Across a month and a year boundary.
      PathResolver paths = writeDays(root, layout, LocalDate.of(2024, 12, 20), 45);
      LakeReader reader = new LakeReader(paths);
      LocalDate[][] ranges = {
        {LocalDate.of(2024, 12, 20), LocalDate.of(2025, 2, 10)},
        {LocalDate.of(2024, 12, 31), LocalDate.of(2025, 1, 1)},
        {LocalDate.of(2025, 1, 5), LocalDate.of(2025, 1, 5)},
        {LocalDate.of(2025, 1, 6), LocalDate.of(2025, 1, 5)},
        {LocalDate.of(2024, 2, 1), LocalDate.of(2025, 3, 6)}, // 399 days
      };
      for (LocalDate[] r : ranges) {
        assertThat(direct(reader, r[0], r[1]))
            .as(layout + " " + r[0] + ".." + r[1])
            .isEqualTo(walked(reader, r[0], r[1]));
      }
    }
  }

  /**
   * A month directory that is a symbolic link: neither the walk nor the day lookup goes through it
   * (the lookup once looked the day up through the link, and the read then failed).
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aLinkedMonthDirectoryIsSkippedByBoth() throws Exception {
    List<String> seen = new ArrayList<>();
    boolean anyDiffers = false;
    for (PartitionLayout layout :
        new PartitionLayout[] {PartitionLayout.DATE_PATH, PartitionLayout.HIVE_YEAR_MONTH_DAY}) {
      Path root = Files.createDirectories(base.resolve("links-" + layout.id()));
      PathResolver paths = writeDays(root, layout, LocalDate.of(2025, 1, 1), 10);
      LocalDate linkedDay = LocalDate.of(2025, 2, 1);
      Path dayDir = paths.partitionDir(Zone.SILVER, TABLE, linkedDay, layout);
      Path monthDir = dayDir.getParent();
      // The month's real files live elsewhere (an operator's "move to another disk").
      Path elsewhere =
          Files.createDirectories(
              root.resolve("elsewhere").resolve(monthDir.getFileName().toString()));
      Path realDay = Files.createDirectories(elsewhere.resolve(dayDir.getFileName().toString()));
      Path oneFile;
      try (var files =
          Files.list(paths.partitionDir(Zone.SILVER, TABLE, LocalDate.of(2025, 1, 1), layout))) {
        oneFile = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
      }
      Files.copy(oneFile, realDay.resolve(oneFile.getFileName()));
      Files.createSymbolicLink(monthDir, elsewhere);
      // A symlinked day directory too (its last component): both must skip it.
      LocalDate linkedLeaf = LocalDate.of(2025, 1, 20);
      Path leaf = paths.partitionDir(Zone.SILVER, TABLE, linkedLeaf, layout);
      Files.createDirectories(leaf.getParent());
      Files.createSymbolicLink(leaf, realDay);
      LakeReader reader = new LakeReader(paths);
      LocalDate from = LocalDate.of(2025, 1, 1);
      LocalDate to = LocalDate.of(2025, 2, 3);
      String walk;
      String lookup;
      try {
        walk = walked(reader, from, to).size() + " files";
      } catch (Exception e) {
        walk = "threw " + e;
      }
      try {
        lookup = direct(reader, from, to).size() + " files";
      } catch (Exception e) {
        lookup = "threw " + e;
      }
      String scan;
      try {
        scan = scanCount(reader, from, to) + " rows";
      } catch (Exception e) {
        scan = "threw " + e;
      }
      seen.add(layout + ": walk " + walk + " | lookup " + lookup + " | scan " + scan);
      anyDiffers |= !walk.equals(lookup);
    }
    assertThat(anyDiffers).as("lookup answered differently from the walk: %s", seen).isFalse();
  }

  /** A compaction stopped after its outputs are published: each side seen once by both. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aCompactionInProgressShowsOneSideToBoth() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    Instant at = Instant.parse("2025-11-10T12:00:00Z");
    LakeWriter lake = LakeWriter.builder(paths).clock(Clock.fixed(at, ZoneOffset.UTC)).build();
    long expected = 0;
    for (int f = 0; f < 5; f++) {
      lake.writeCleanData(Predictions.schema(), Predictions.rows(100 + f, at.plusSeconds(f), f));
      expected += 100 + f;
    }
    LakeReader reader = new LakeReader(paths);
    LocalDate day = LocalDate.of(2025, 11, 10);
    for (String stopAt : new String[] {"outputs", "epoch", "published"}) {
      try {
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .steps(
                step -> {
                  if (step.equals(stopAt) || step.startsWith(stopAt + " ")) {
                    throw new StopHere(step);
                  }
                })
            .build()
            .compact(Zone.SILVER, TABLE)
            .execute();
      } catch (StopHere stopped) {
        // Left mid-compaction.
      }
      assertThat(direct(reader, day, day)).as(stopAt).isEqualTo(walked(reader, day, day));
      assertThat(scanCount(reader, day, day)).as(stopAt).isEqualTo(expected);
      assertThat(scanCount(reader, day.minusDays(500), day.plusDays(500))).isEqualTo(expected);
      Compactor.builder(paths)
          .minCommitAge(java.time.Duration.ZERO)
          .build()
          .recover(Zone.SILVER, TABLE);
      assertThat(scanCount(reader, day, day)).isEqualTo(expected);
    }
  }

  private static final class StopHere extends Error {
    StopHere(String step) {
      super("stopped at " + step);
    }
  }
}
