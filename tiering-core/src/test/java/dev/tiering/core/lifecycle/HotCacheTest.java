package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.Area;
import dev.tiering.core.DataKind;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.RoutingRule;
import dev.tiering.core.routing.RoutingRules;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.TickingClock;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HotCacheTest {

  private static final long KB = 1024;

  @TempDir Path base;
  private PathResolver paths;

  /** Each reading of the clock is one millisecond later: access order is always strict. */
  private final TickingClock ticking = new TickingClock(Instant.ofEpochMilli(1_700_000_000_000L));

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  private HotCache cache(long budget) {
    return HotCache.builder(paths).budget(budget).clock(ticking).build();
  }

  private Path lakeFile(String table, int day, String name, int bytes) throws IOException {
    Path dir =
        paths.partitionDir(
            Zone.GOLD, TableName.of(table), LocalDate.of(2025, 11, day), PartitionLayout.DATE_PATH);
    Files.createDirectories(dir);
    return Files.write(dir.resolve(name), parquetFramed(bytes, name.hashCode()));
  }

  /**
   * A name a commit gives a data file ({@code part-<commit>-<uuid>.parquet}), its uuid drawn from
   * {@code label}: promote copies only such files of a partition, as readers read only them.
   */
  static String committed(String label) {
    return "part-0000000001-"
        + java.util.UUID.nameUUIDFromBytes(label.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + ".parquet";
  }

  /**
   * Bytes framed as a Parquet file (PAR1 at both ends, a footer length that fits), all the cache
   * checks in this module; the rest varies with {@code seed}.
   */
  static byte[] parquetFramed(int bytes, int seed) {
    byte[] content = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      content[i] = (byte) (i * 7 + seed);
    }
    byte[] magic = {'P', 'A', 'R', '1'};
    System.arraycopy(magic, 0, content, 0, 4);
    System.arraycopy(magic, 0, content, bytes - 4, 4);
    java.nio.ByteBuffer.wrap(content, bytes - 8, 4)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .putInt(Math.max(1, bytes / 10));
    return content;
  }

  @Test
  void theBudgetHoldsUnderAStreamOfPromotions() throws IOException {
    HotCache cache = cache(1000 * KB);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      files.add(lakeFile("sales", 1 + i % 3, "part-" + i + ".parquet", (int) (150 * KB)));
    }
    for (Path file : files) {
      LifecycleReport report = cache.promote(file).execute();
      assertThat(report.ok()).isTrue();
      assertThat(cache.usedBytes()).isLessThanOrEqualTo(1000 * KB);
    }
    assertThat(cache.entries())
        .hasSize(6)
        .extracting(HotCache.Entry::lakeFile)
        .containsExactlyElementsOf(files.subList(24, 30));
    assertThat(paths.counterpart(files.get(29), DataKind.CACHE))
        .hasSameBinaryContentAs(files.get(29));
    assertThat(paths.counterpart(files.get(0), DataKind.CACHE)).doesNotExist();
  }

  @Test
  void lruOrderSurvivesARestart() throws IOException {
    Path a = lakeFile("t", 1, "a.parquet", (int) (100 * KB));
    Path b = lakeFile("t", 1, "b.parquet", (int) (100 * KB));
    Path c = lakeFile("t", 1, "c.parquet", (int) (100 * KB));
    HotCache first = cache(300 * KB);
    first.promote(a).execute();
    first.promote(b).execute();
    first.promote(c).execute();
    assertThat(first.forRead(a)).isEqualTo(paths.counterpart(a, DataKind.CACHE));
    // Access times reach the index within ACCESS_SAVE_SECONDS, with the next read: here, of a
    // file that is not cached at all.
    assertThat(cache(300 * KB).entries())
        .extracting(HotCache.Entry::lakeFile)
        .containsExactly(a, b, c);
    ticking.skip(java.time.Duration.ofSeconds(HotCache.ACCESS_SAVE_SECONDS));
    Path uncached = lakeFile("t", 1, "uncached.parquet", (int) KB);
    assertThat(first.forRead(uncached)).isEqualTo(uncached);

    HotCache restarted = cache(300 * KB);
    assertThat(restarted.entries()).extracting(HotCache.Entry::lakeFile).containsExactly(b, c, a);
    Path d = lakeFile("t", 1, "d.parquet", (int) (100 * KB));
    LifecycleReport report = restarted.promote(d).execute();

    assertThat(report.actions(LifecycleReport.Verb.EVICTED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(paths.counterpart(b, DataKind.CACHE));
    assertThat(restarted.entries()).extracting(HotCache.Entry::lakeFile).containsExactly(c, a, d);
  }

  @Test
  void anInstanceSeesWhatAnotherProcessSavedSinceItsOwnLastSave() throws IOException {
    Path a = lakeFile("t", 1, "a.parquet", (int) (100 * KB));
    Path b = lakeFile("t", 1, "b.parquet", (int) (100 * KB));
    Path c = lakeFile("t", 1, "c.parquet", (int) (100 * KB));
    HotCache one = cache(200 * KB);
    HotCache other = cache(200 * KB);
    one.promote(a).execute();
    other.promote(b).execute();
    // one's parsed index is stale: it must see b, and count it against the budget.
    assertThat(one.forRead(b)).isEqualTo(paths.counterpart(b, DataKind.CACHE));
    other.evict(a).execute();
    assertThat(one.forRead(a)).isEqualTo(a);
    LifecycleReport report = one.promote(c).execute();

    assertThat(report.actions(LifecycleReport.Verb.EVICTED)).isEmpty();
    assertThat(other.entries()).extracting(HotCache.Entry::lakeFile).containsExactly(b, c);
    assertThat(other.usedBytes()).isEqualTo(200 * KB);
    assertThat(Files.exists(paths.counterpart(a, DataKind.CACHE))).isFalse();
  }

  @Test
  void aTruncatedCopyIsDetectedAndNeverServed() throws IOException {
    Path file = lakeFile("t", 2, "part-1.parquet", (int) (64 * KB));
    HotCache cache = cache(HotCache.DEFAULT_BUDGET);
    cache.promote(file).execute();
    Path copy = paths.counterpart(file, DataKind.CACHE);
    try (RandomAccessFile truncate = new RandomAccessFile(copy.toFile(), "rw")) {
      truncate.setLength(10 * KB);
    }

    assertThat(cache.forRead(file)).isEqualTo(file);
    assertThat(copy).doesNotExist();
    assertThat(cache.entries()).isEmpty();
  }

  @Test
  void verifyCatchesSameSizeCorruptionAndVanishedLakeFiles() throws IOException {
    Path damaged = lakeFile("t", 3, committed("damaged"), (int) (64 * KB));
    Path gone = lakeFile("t", 3, committed("gone"), (int) (64 * KB));
    Path fine = lakeFile("t", 3, committed("fine"), (int) (64 * KB));
    HotCache cache = cache(HotCache.DEFAULT_BUDGET);
    cache
        .promote(
            paths.partitionDir(
                Zone.GOLD, TableName.of("t"), LocalDate.of(2025, 11, 3), PartitionLayout.DATE_PATH))
        .execute();
    try (RandomAccessFile flip =
        new RandomAccessFile(paths.counterpart(damaged, DataKind.CACHE).toFile(), "rw")) {
      flip.seek(1000);
      flip.write(flip.read() ^ 0xff);
    }
    Files.delete(gone);

    LifecycleReport report = cache.verify().execute();

    assertThat(report.actions(LifecycleReport.Verb.EVICTED))
        .extracting(LifecycleReport.Action::detail)
        .containsExactlyInAnyOrder("checksum mismatch", "its lake file is gone");
    assertThat(cache.entries()).extracting(HotCache.Entry::lakeFile).containsExactly(fine);
  }

  @Test
  void onlyLakeCleanDataIsCachedAndNothingBiggerThanTheBudget() throws IOException {
    HotCache cache = cache(10 * KB);
    Path staging = Files.createDirectories(paths.areaRoot(Area.STAGING)).resolve("slm_1_b.parquet");
    Files.writeString(staging, "x");
    assertThatThrownBy(() -> cache.promote(staging).execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only lake clean data is cached");
    Path big = lakeFile("t", 4, "big.parquet", (int) (20 * KB));
    assertThat(cache.promote(big).execute().failures())
        .singleElement()
        .satisfies(f -> assertThat(f.error()).contains("more than the whole cache budget"));
  }

  @Test
  void aDryRunCopiesAndEvictsNothing() throws IOException {
    Path a = lakeFile("t", 5, "a.parquet", (int) (100 * KB));
    Path b = lakeFile("t", 5, "b.parquet", (int) (100 * KB));
    HotCache cache = cache(150 * KB);
    cache.promote(a).execute();
    LifecycleReport dry = cache.promote(b).preview();
    assertThat(dry.actions(LifecycleReport.Verb.EVICTED)).hasSize(1);
    assertThat(dry.actions(LifecycleReport.Verb.CACHED)).hasSize(1);
    assertThat(cache.entries()).extracting(HotCache.Entry::lakeFile).containsExactly(a);
    assertThat(paths.counterpart(b, DataKind.CACHE)).doesNotExist();
  }

  @Test
  void aCopyTheIndexDoesNotListIsRemovedByVerifyButAPinnedTableIsNot() throws IOException {
    HotCache cache = cache(1000 * KB);
    Path kept = lakeFile("sales", 1, "part-1.parquet", (int) KB);
    cache.promote(kept).execute();
    // What a promote killed between publishing its copy and saving the index leaves behind:
    Path orphan =
        paths.counterpart(lakeFile("sales", 2, "part-2.parquet", (int) KB), DataKind.CACHE);
    Files.createDirectories(orphan.getParent());
    Files.write(orphan, new byte[(int) KB]);
    // A table the rules pin to the SSD lives in the same area; it is data, not a copy.
    PathResolver pinned =
        new PathResolver(
            paths.layout(),
            RoutingRules.defaults()
                .prepend(
                    RoutingRule.route(DataKind.CLEAN)
                        .inZone(Zone.GOLD)
                        .forTables("dash_*")
                        .to(Area.CLEAN_CACHE)));
    Path dashboard =
        pinned.tableDir(Zone.GOLD, TableName.of("dash_live")).resolve("part-9.parquet");
    Files.createDirectories(dashboard.getParent());
    Files.write(dashboard, new byte[10]);

    LifecycleReport report =
        HotCache.builder(pinned).budget(1000 * KB).clock(ticking).build().verify().execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.path()).isEqualTo(orphan);
              assertThat(a.detail())
                  .isEqualTo(
                      "a copy the cache index does not list (left by an" + " interrupted promote)");
            });
    assertThat(orphan).doesNotExist();
    assertThat(dashboard).exists();
    assertThat(paths.counterpart(kept, DataKind.CACHE)).exists();
  }

  @Test
  void aTablePinnedToTheSsdIsNotCachedAgain() throws IOException {
    Path file = lakeFile("dash_live", 1, "part-1.parquet", (int) KB);
    PathResolver pinned =
        new PathResolver(
            paths.layout(),
            RoutingRules.defaults()
                .prepend(
                    RoutingRule.route(DataKind.CLEAN)
                        .inZone(Zone.GOLD)
                        .forTables("dash_*")
                        .to(Area.CLEAN_CACHE)));
    assertThatThrownBy(() -> HotCache.builder(pinned).build().promote(file).execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot cache "
                + file
                + ": table gold.dash_live is placed in hot/clean by"
                + " rule 1 (clean zone=gold table=dash_* -> hot/clean (code)), so it is on the SSD"
                + " already and its cache copies would mix with its data");
  }

  @Test
  void promotingAPartitionMidCompactionCopiesOnlyWhatReadersSee() throws IOException {
    Path input1 = lakeFile("sales", 1, committed("a"), (int) KB);
    Path input2 = lakeFile("sales", 1, committed("b"), (int) KB);
    Path output = lakeFile("sales", 1, committed("c"), (int) (2 * KB));
    // A compaction past its commit point: the inputs are superseded by the output.
    Files.writeString(
        input1.resolveSibling(".compaction-1.journal"),
        "tiering-compaction 2\n"
            + "input "
            + input1.getFileName()
            + "\ninput "
            + input2.getFileName()
            + "\noutput "
            + output.getFileName()
            + " "
            + 2 * KB
            + " 10\npublished\n");

    LifecycleReport report = cache(1000 * KB).promote(input1.getParent()).execute();

    assertThat(report.actions(LifecycleReport.Verb.CACHED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(output);
    assertThat(input2).exists();
  }

  private PathResolver pinned(PathResolver base) {
    return new PathResolver(
        base.layout(),
        RoutingRules.defaults()
            .prepend(
                RoutingRule.route(DataKind.CLEAN)
                    .inZone(Zone.GOLD)
                    .forTables("dash_*")
                    .to(Area.CLEAN_CACHE)));
  }

  @Test
  void aTablePinnedAfterItWasCachedKeepsItsDataOnTheSsd() throws IOException {
    Path lakeFile = lakeFile("dash_live", 10, "part-1.parquet", 2048);
    cache(1000 * KB).promote(lakeFile).execute();
    // The operator pins dash_* to the SSD and moves the table's files where it now lives.
    PathResolver pinned = pinned(paths);
    Path pinnedFile =
        pinned
            .partitionDir(
                Zone.GOLD,
                TableName.of("dash_live"),
                LocalDate.of(2025, 11, 10),
                PartitionLayout.DATE_PATH)
            .resolve("part-1.parquet");
    Files.move(lakeFile, pinnedFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path written = Files.write(pinnedFile.resolveSibling("part-2.parquet"), new byte[100]);

    LifecycleReport report = HotCache.builder(pinned).build().verify().execute();

    assertThat(report.actions(LifecycleReport.Verb.EVICTED)).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.DELETED)).isEmpty();
    assertThat(pinnedFile).exists();
    assertThat(written).exists();
    assertThat(HotCache.builder(pinned).build().entries()).isEmpty();
  }

  @Test
  void anIndexLineNamingAPinnedTablesFileIsIgnoredAndItsFileKept() throws IOException {
    PathResolver pinned = pinned(paths);
    Path data =
        pinned
            .partitionDir(
                Zone.GOLD,
                TableName.of("dash_live"),
                LocalDate.of(2025, 11, 10),
                PartitionLayout.DATE_PATH)
            .resolve("part-9.parquet");
    Files.createDirectories(data.getParent());
    Files.write(data, new byte[10]);
    Files.writeString(
        pinned.cacheIndexFile(),
        "tiering-cache 1\n1700000000000\t10\t0\t" + "gold/dash_live/2025/11/10/part-9.parquet\n");

    HotCache cache = HotCache.builder(pinned).build();
    LifecycleReport report = cache.verify().execute();
    cache.evict(paths.areaRoot(Area.LAKE_CLEAN)).execute();

    assertThat(report.actions()).isEmpty();
    assertThat(data).exists();
    assertThat(cache.entries()).isEmpty();
  }

  @Test
  void onlyCompleteParquetFilesAreCachedAndVerifyDropsCopiesThatAreNot() throws IOException {
    Path dir = lakeFile("sales", 3, committed("good"), (int) KB).getParent();
    Path empty = Files.write(dir.resolve(committed("empty")), new byte[0]);
    Path random = Files.write(dir.resolve(committed("random")), new byte[2048]);
    byte[] good = parquetFramed(4096, 1);
    Path truncated =
        Files.write(dir.resolve(committed("truncated")), java.util.Arrays.copyOf(good, 3000));
    HotCache cache = cache(1000 * KB);

    LifecycleReport report = cache.promote(dir).execute();

    assertThat(report.actions(LifecycleReport.Verb.CACHED))
        .singleElement()
        .satisfies(a -> assertThat(a.path().getFileName()).hasToString(committed("good")));
    assertThat(report.failures())
        .extracting(LifecycleReport.Failure::path)
        .containsExactlyInAnyOrder(empty, random, truncated);
    assertThat(report.failures())
        .allSatisfy(f -> assertThat(f.operation()).isEqualTo("cache"))
        .allSatisfy(f -> assertThat(f.error()).doesNotContain(f.path().toString()))
        .extracting(LifecycleReport.Failure::describe)
        .containsExactlyInAnyOrder(
            "cannot cache: it is 0 bytes, too short to be a Parquet file; readers are told so too"
                + " (check the lake file)",
            "cannot cache: it is not a complete Parquet file (no PAR1 magic at its start and end);"
                + " readers are told so too (check the lake file)",
            "cannot cache: it is not a complete Parquet file (no PAR1 magic at its start and end);"
                + " readers are told so too (check the lake file)");

    // A copy a cache made before this check, of a lake file that is not Parquet: verify drops it.
    Path copy = paths.counterpart(random, DataKind.CACHE);
    Files.copy(random, copy);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(new byte[2048]);
    String line =
        "1700000000000\t2048\t"
            + Long.toHexString(crc.getValue())
            + "\t"
            + paths.areaRoot(Area.LAKE_CLEAN).relativize(random)
            + "\n";
    Files.writeString(paths.cacheIndexFile(), line, java.nio.file.StandardOpenOption.APPEND);
    LifecycleReport verified = cache.verify().execute();
    assertThat(verified.actions(LifecycleReport.Verb.EVICTED))
        .singleElement()
        .satisfies(a -> assertThat(a.detail()).startsWith("it is not a complete Parquet file"));
    assertThat(copy).doesNotExist();
  }

  @Test
  void withoutTheRulesThatPinATableItsDataOnTheSsdIsNeverTakenForOrphanedCopies()
      throws IOException {
    PathResolver pinned = pinned(paths);
    Path data =
        pinned
            .partitionDir(
                Zone.GOLD,
                TableName.of("dash_daily"),
                LocalDate.of(2025, 11, 10),
                PartitionLayout.DATE_PATH)
            .resolve("part-1.parquet");
    Files.createDirectories(data.getParent());
    Files.write(data, parquetFramed(1180, 3));
    Path sidecar =
        Files.writeString(pinned.schemaFile(Zone.GOLD, TableName.of("dash_daily")), "{}");
    // An operator's command run without the application's rules: it sees an unknown directory.
    HotCache operators = cache(1000 * KB);

    assertThat(operators.removeOrphans().execute().actions()).isEmpty();
    assertThat(paths.cacheLockFile()).as("nothing to do, so no lock file made").doesNotExist();
    assertThat(operators.verify().execute().actions(LifecycleReport.Verb.DELETED)).isEmpty();

    assertThat(data).exists();
    assertThat(sidecar).exists();
  }

  @Test
  void aDirectoryNamedLikeADataFileIsNeverCopiedAndIsNamedAsADirectory() throws IOException {
    Path good = lakeFile("sales", 3, committed("1"), (int) KB);
    // What Spark writes: a directory named like a file, with data files inside.
    Path sparkDir = Files.createDirectories(good.resolveSibling("part-9.parquet"));
    Files.write(sparkDir.resolve("part-00000.parquet"), parquetFramed((int) KB, 9));
    HotCache cache = cache(1000 * KB);
    Path table = paths.tableDir(Zone.GOLD, TableName.of("sales"));

    LifecycleReport dry = cache.promote(table).preview();
    LifecycleReport report = cache.promote(table).execute();

    assertThat(dry.actions()).isEqualTo(report.actions());
    assertThat(report.actions(LifecycleReport.Verb.CACHED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(good);
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .singleElement()
        .satisfies(a -> assertThat(a.path()).isEqualTo(sparkDir))
        .satisfies(
            a ->
                assertThat(a.detail())
                    .isEqualTo(
                        "not cached: it is a directory named like a data file, not a file (move it"
                            + " out of the table)"));
    assertThat(paths.counterpart(sparkDir, DataKind.CACHE)).doesNotExist();
    assertThat(cache.entries()).extracting(HotCache.Entry::lakeFile).containsExactly(good);
  }

  @Test
  void aFailedEvictionNamesTheCopyWhatFailedAndWhyOnce() throws IOException {
    Path a = lakeFile("t", 1, committed("a"), (int) KB);
    Path b = lakeFile("t", 1, committed("b"), (int) KB);
    Path stuck = paths.counterpart(a, DataKind.CACHE);
    dev.tiering.core.testing.FaultyStorage storage =
        new dev.tiering.core.testing.FaultyStorage()
            .failDeletes(stuck::equals, p -> new java.nio.file.AccessDeniedException(p.toString()));
    HotCache cache =
        HotCache.builder(paths).budget(100 * KB).clock(ticking).storage(storage).build();
    cache.promote(a.getParent()).execute();

    LifecycleReport report = cache.evict(a.getParent()).execute();

    assertThat(report.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo(stuck))
        .satisfies(f -> assertThat(f.describe()).isEqualTo("cannot delete: permission denied"));
    assertThat(report.actions(LifecycleReport.Verb.EVICTED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(paths.counterpart(b, DataKind.CACHE));
    assertThat(cache.entries()).extracting(HotCache.Entry::lakeFile).containsExactly(a);
  }

  @Test
  void oneUnreadablePartitionIsReportedAndTheOthersArePromoted() throws IOException {
    Path day1 = lakeFile("t", 1, committed("1"), (int) KB);
    Path day2 = lakeFile("t", 2, committed("2"), (int) KB);
    Path day3 = lakeFile("t", 3, committed("3"), (int) KB);
    dev.tiering.core.testing.FaultyStorage storage =
        new dev.tiering.core.testing.FaultyStorage()
            .failLists(day2.getParent()::equals)
            .failReads(day3::equals);
    HotCache cache =
        HotCache.builder(paths).budget(100 * KB).clock(ticking).storage(storage).build();

    LifecycleReport report = cache.promote(paths.tableDir(Zone.GOLD, TableName.of("t"))).execute();

    assertThat(report.actions(LifecycleReport.Verb.CACHED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(day1);
    assertThat(report.failures())
        .extracting(LifecycleReport.Failure::path, LifecycleReport.Failure::describe)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(day2.getParent(), "cannot list: permission denied"),
            org.assertj.core.groups.Tuple.tuple(
                day3, "cannot copy into the cache: permission denied"));
  }

  @Test
  void promotingADirectoryNamedLikeADataFileByItsOwnPathCopiesNothingFromIt() throws IOException {
    Path good = lakeFile("sales", 3, "part-0000000001-a.parquet", (int) KB);
    // What Spark writes: a directory named like a file, with data files inside. Named directly
    // (the API takes any lake path), it is copied as if it were a partition.
    Path sparkDir = Files.createDirectories(good.resolveSibling("part-9.parquet"));
    Files.write(sparkDir.resolve("part-00000.parquet"), parquetFramed((int) KB, 9));

    LifecycleReport report = cache(1000 * KB).promote(sparkDir).execute();

    assertThat(report.actions(LifecycleReport.Verb.CACHED))
        .as("readers never read files inside a directory named like a data file")
        .isEmpty();
  }

  @Test
  void promoteCopiesOnlyWhatReadersReadNotABackupDirectoryInAPartitionNorForeignFiles()
      throws IOException {
    Path good =
        lakeFile(
            "sales", 3, "part-0000000001-45303152-b784-46d7-aff5-a6152c18929c.parquet", (int) KB);
    // An operator's copy kept inside the partition, and a file no commit wrote (LakeReader never
    // reads it: "foreign"; the compactor says "foreign, never merged nor read").
    Path backup = Files.createDirectories(good.resolveSibling("backup"));
    Path inBackup =
        Files.write(backup.resolve(good.getFileName().toString()), parquetFramed((int) KB, 1));
    Path foreign =
        Files.write(good.resolveSibling("copy-of-a.parquet"), parquetFramed((int) KB, 2));

    LifecycleReport report =
        cache(1000 * KB).promote(paths.tableDir(Zone.GOLD, TableName.of("sales"))).execute();

    assertThat(report.actions(LifecycleReport.Verb.CACHED))
        .extracting(LifecycleReport.Action::path)
        .as("budget spent on copies no reader reads: %s, %s", inBackup, foreign)
        .containsExactly(good);
  }

  @Test
  void aLakeFileNameWithANewlineDoesNotSplitTheCacheIndex() throws IOException {
    // No commit names a file so (a commit's names hold a uuid), so readers never read it: promote
    // passes it over, saying so, and its name never reaches the line-based index.
    Path good = lakeFile("sales", 3, committed("good"), (int) KB);
    Path odd = lakeFile("sales", 3, "part-0000000001-a\n1\t2\t3\tx.parquet", (int) KB);
    LifecycleReport report = cache(1000 * KB).promote(odd.getParent()).execute();

    // A fresh instance reads the index from disk, as the next command does.
    assertThat(cache(1000 * KB).entries())
        .extracting(HotCache.Entry::lakeFile)
        .containsExactly(good);
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(odd);
  }

  @Test
  void aDamagedIndexLineIsSkippedAndADirectoryAtTheIndexStopsAPromoteBeforeItCopies()
      throws IOException {
    Path good = lakeFile("sales", 3, committed("good"), (int) KB);
    Files.createDirectories(paths.cacheIndexFile().getParent());
    Files.writeString(paths.cacheIndexFile(), "tiering-cache 1 abc\n12\tno more fields\n");
    assertThat(cache(1000 * KB).entries()).isEmpty();

    Files.delete(paths.cacheIndexFile());
    Files.createDirectories(paths.cacheIndexFile().resolve("restored"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> cache(1000 * KB).promote(good.getParent()).execute())
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessage(
            paths.cacheIndexFile()
                + ": it is a directory, not the cache index file, and the cache cannot replace it"
                + " (move it away; the cache then starts afresh)");
    assertThat(paths.counterpart(good, DataKind.CACHE)).doesNotExist();
  }
}
