package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.BatchId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.lifecycle.TempFileSweeper;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.SidecarStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGKILLs writing, compacting and cleaning JVMs (52 kills in all) and checks after every kill that
 * what is visible is exactly what was committed: every visible file is complete and read the same
 * by parquet-java and DuckDB, every committed row is there once, the one commit in flight is there
 * whole or not at all, every schema.json parses, and recovery leaves no temporary file.
 *
 * <p>Each kill is placed by the child's own progress: after its N-th reported event (a commit
 * begun, a compaction begun or finished, a cleanup begun) plus a short random delay, so the
 * progress each assertion relies on is there however slow the machine. Kill points and data come
 * from one seed, printed so that a failure can be replayed with {@code -Dtiering.crash.seed=<seed>}
 * (the instruction a kill lands on still depends on the machine).
 */
class CrashLoopTest {

  private static final Logger log = LoggerFactory.getLogger(CrashLoopTest.class);
  private static final long SEED = Long.getLong("tiering.crash.seed", 20261124L);
  private static final TempFileSweeper RECOVERY =
      new TempFileSweeper(Storage.local(), Duration.ZERO, Clock.systemUTC());

  /** One commit the child began: its rows are ids first .. first + rows - 1. */
  private record Commit(String kind, long first, int rows, String batch) {
    List<Long> ids() {
      List<Long> ids = new ArrayList<>(rows);
      for (int i = 0; i < rows; i++) {
        ids.add(first + i);
      }
      return ids;
    }
  }

  /** What the children reported over all runs: commits done, and the one in flight at the kill. */
  private static final class Ledger {
    final Map<Long, Commit> done = new LinkedHashMap<>();
    final List<String> batches = new ArrayList<>();
    Commit inFlight;
    String batchInProgress;
    int compactions;

    void add(KilledChild.Output output, int run, KilledChild.Kill kill) {
      Map<Long, Commit> begun = new LinkedHashMap<>();
      inFlight = null;
      batchInProgress = null;
      for (String line : output.lines()) {
        String[] word = line.split(" ");
        switch (word[0]) {
          case "begin" -> {
            long first = Long.parseLong(word[2]);
            String batch = word.length > 4 ? word[4] : null;
            inFlight = new Commit(word[1], first, Integer.parseInt(word[3]), batch);
            begun.put(first, inFlight);
            batchInProgress = batch;
          }
          case "done" -> {
            done.put(Long.parseLong(word[1]), begun.get(Long.parseLong(word[1])));
            inFlight = null;
          }
          case "batch" -> {
            batches.add(word[1]);
            batchInProgress = null;
          }
          case "compacted" -> compactions++;
          default -> {}
        }
      }
      log.info(
          "run {} ({}): {} commits done so far, in flight at the kill: {}",
          run,
          kill,
          done.size(),
          inFlight);
    }

    /** Counts the commit in flight as done if its first row is visible; checked whole later. */
    void settle(List<Long> visible) {
      if (inFlight != null && java.util.Collections.binarySearch(visible, inFlight.first()) >= 0) {
        done.put(inFlight.first(), inFlight);
      }
      inFlight = null;
    }

    List<Long> ids(String kind) {
      List<Long> ids = new ArrayList<>();
      done.values().stream().filter(c -> c.kind().equals(kind)).forEach(c -> ids.addAll(c.ids()));
      ids.sort(null);
      return ids;
    }
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void writersKilledAtRandomLoseNothingAndShowNothingHalfWritten(@TempDir Path base)
      throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    Random random = seeded("write");
    Ledger ledger = new Ledger();
    for (int run = 0; run < 30; run++) {
      // After the 2nd to 4th commit began: at least one commit is done in every run.
      KilledChild.Kill kill =
          new KilledChild.Kill("begin", 2 + random.nextInt(3), random.nextInt(400));
      ledger.add(
          KilledChild.runAndKill(
              CrashChild.class,
              kill,
              "write",
              base.toString(),
              String.valueOf(run),
              String.valueOf(random.nextLong())),
          run,
          kill);

      // Before recovery the SDK's reader shows every lake commit whole or not at all; a glob can
      // see the files of a commit killed while it published them, which recovery completes.
      List<Long> doneBefore = ledger.ids("lake");
      List<Long> seenBefore =
          Files.exists(paths.schemaFile(Zone.BRONZE, CrashChild.schema().table()))
              ? CrashRows.idsBySdk(
                  new LakeReader(paths)
                      .files(Zone.BRONZE, CrashChild.schema().table()).stream()
                          .map(LakeReader.DataFile::path)
                          .toList())
              : List.of();
      new dev.tiering.schema.SidecarStore(paths).recover(Zone.BRONZE, CrashChild.schema().table());
      List<Path> staging = visibleParquet(paths.areaRoot(dev.tiering.core.Area.STAGING));
      List<Path> lake = visibleParquet(paths.tableDir(Zone.BRONZE, CrashChild.schema().table()));
      List<Long> visible = new ArrayList<>(CrashRows.idsBySdk(staging));
      visible.addAll(CrashRows.idsBySdk(lake));
      visible.sort(null);
      ledger.settle(visible);
      assertThat(seenBefore)
          .as("the SDK's reader before recovery, run " + run)
          .isIn(doneBefore, ledger.ids("lake"));
      assertSameEverywhere(staging, ledger.ids("staging"));
      assertSameEverywhere(lake, ledger.ids("lake"));
      assertLakeReaderSees(paths, ledger.ids("lake"));
      assertSidecarParses(paths);
      recoverAndAssertNoTemporaryFiles(base, paths);
    }
    assertThat(ledger.done.size()).as("commits in all").isGreaterThanOrEqualTo(30);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void compactionKilledAtRandomKeepsEveryRowExactlyOnce(@TempDir Path base) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    Path table = paths.tableDir(Zone.BRONZE, CrashChild.schema().table());
    Random random = seeded("compact");
    Ledger ledger = new Ledger();
    for (int run = 0; run < 10; run++) {
      // Even runs die after a compaction finished, odd ones while one runs.
      KilledChild.Kill kill =
          run % 2 == 0
              ? new KilledChild.Kill("compacted", 1, random.nextInt(300))
              : new KilledChild.Kill("compacting", 1 + random.nextInt(2), random.nextInt(300));
      ledger.add(
          KilledChild.runAndKill(
              CrashChild.class,
              kill,
              "compact",
              base.toString(),
              String.valueOf(run),
              String.valueOf(random.nextLong())),
          run,
          kill);

      // An append killed after its commit point is finished first (as `tiering recover` does
      // before it settles compactions): the ledger then counts it, as a glob will see it.
      new dev.tiering.schema.SidecarStore(paths).recover(Zone.BRONZE, CrashChild.schema().table());
      // Before compaction recovery, the SDK's reader already sees every row once: it reads the
      // journals.
      List<Long> throughJournals = new ArrayList<>();
      if (Files.exists(paths.schemaFile(Zone.BRONZE, CrashChild.schema().table()))) {
        throughJournals =
            CrashRows.idsBySdk(
                new LakeReader(paths)
                    .files(Zone.BRONZE, CrashChild.schema().table()).stream()
                        .map(LakeReader.DataFile::path)
                        .toList());
      }
      ledger.settle(throughJournals);
      assertThat(throughJournals)
          .as("rows seen through the journals, run " + run)
          .isEqualTo(ledger.ids("lake"));

      if (!throughJournals.isEmpty()) {
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .recover(Zone.BRONZE, CrashChild.schema().table());
      }
      recoverAndAssertNoTemporaryFiles(base, paths);
      assertThat(names(table)).noneMatch(CompactionJournal::isJournal);
      assertSameEverywhere(visibleParquet(table), ledger.ids("lake"));
      assertSidecarParses(paths);
    }
    assertThat(ledger.compactions).as("compactions completed").isGreaterThanOrEqualTo(5);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void cleanupKilledAtRandomNeverTakesAKeptBatch(@TempDir Path base) throws Exception {
    cleanupKilledAtRandom(base, false);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void archivingAcrossDevicesKilledAtRandomLosesAndDuplicatesNothing(@TempDir Path base)
      throws Exception {
    cleanupKilledAtRandom(base, true);
  }

  private void cleanupKilledAtRandom(Path base, boolean archive) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    Path stagingDir = paths.areaRoot(dev.tiering.core.Area.STAGING);
    Random random = seeded(archive ? "archive" : "cleanup");
    Ledger ledger = new Ledger();
    StagingJanitor janitor =
        StagingJanitor.builder(paths)
            .grace(Duration.ZERO)
            .archive(archive)
            .storage(archive ? new CrashChild.OtherDevice() : Storage.local())
            .build();
    for (int run = 0; run < 6; run++) {
      // After the 1st to 3rd cleanup began: at least one batch is complete in every run.
      KilledChild.Kill kill =
          new KilledChild.Kill("cleaning", 1 + random.nextInt(3), random.nextInt(300));
      ledger.add(
          KilledChild.runAndKill(
              CrashChild.class,
              kill,
              archive ? "cleanup-archive" : "cleanup",
              base.toString(),
              String.valueOf(run),
              String.valueOf(random.nextLong())),
          run,
          kill);
      List<Path> staged = visibleParquet(stagingDir);
      List<Path> archived = visibleParquet(base.resolve("lake"));
      List<Long> stagedIds = CrashRows.idsBySdk(staged);
      ledger.settle(stagedIds);

      // The newest complete batch, and what is done of the one being written, are never taken.
      String last = ledger.batches.isEmpty() ? null : ledger.batches.get(ledger.batches.size() - 1);
      for (Commit commit : ledger.done.values()) {
        if (commit.batch().equals(last) || commit.batch().equals(ledger.batchInProgress)) {
          assertThat(stagedIds)
              .as("rows of kept batch " + commit.batch())
              .containsAll(commit.ids());
        }
      }
      assertThat(CrashRows.idsByDuckDb(staged)).isEqualTo(stagedIds);
      assertThat(CrashRows.idsByDuckDb(archived)).isEqualTo(CrashRows.idsBySdk(archived));

      // Recovery, then the cleanup run again, finishes what the kill interrupted.
      recoverAndAssertNoTemporaryFiles(base, paths);
      assertThat(janitor.cleanupOldBatches(2).execute().failures()).isEmpty();
      List<BatchId> kept = janitor.batches().stream().map(StagingJanitor.Batch::batch).toList();
      assertThat(kept).hasSizeLessThanOrEqualTo(2);
      List<Long> keptIds = new ArrayList<>();
      ledger.done.values().stream()
          .filter(c -> kept.contains(BatchId.of(c.batch())))
          .forEach(c -> keptIds.addAll(c.ids()));
      keptIds.sort(null);
      assertSameEverywhere(visibleParquet(stagingDir), keptIds);
      List<Long> everything = ledger.ids("staging");
      if (archive) {
        List<Long> all = new ArrayList<>(CrashRows.idsBySdk(visibleParquet(stagingDir)));
        all.addAll(CrashRows.idsBySdk(visibleParquet(base.resolve("lake"))));
        all.sort(null);
        assertThat(all).as("staging and archive together, run " + run).isEqualTo(everything);
      } else {
        assertThat(visibleParquet(base.resolve("lake"))).isEmpty();
      }
    }
    assertThat(ledger.batches).as("batches completed").hasSizeGreaterThanOrEqualTo(6);
  }

  private static Random seeded(String test) {
    long seed = SEED ^ test.hashCode();
    log.info("Crash loop '{}' runs with -Dtiering.crash.seed={} (test seed {})", test, SEED, seed);
    return new Random(seed);
  }

  /** parquet-java and DuckDB both read exactly the {@code expected} ids from {@code files}. */
  private static void assertSameEverywhere(List<Path> files, List<Long> expected) throws Exception {
    assertThat(CrashRows.idsBySdk(files)).as("ids read by parquet-java").isEqualTo(expected);
    assertThat(CrashRows.idsByDuckDb(files)).as("ids read by DuckDB").isEqualTo(expected);
  }

  private static void assertLakeReaderSees(PathResolver paths, List<Long> expected)
      throws Exception {
    if (expected.isEmpty()) {
      return;
    }
    List<Path> files =
        new LakeReader(paths)
            .files(Zone.BRONZE, CrashChild.schema().table()).stream()
                .map(LakeReader.DataFile::path)
                .toList();
    assertThat(CrashRows.idsBySdk(files)).isEqualTo(expected);
  }

  private static void assertSidecarParses(PathResolver paths) throws IOException {
    Path file = paths.schemaFile(Zone.BRONZE, CrashChild.schema().table());
    if (Files.exists(file)) {
      new ObjectMapper().readTree(file.toFile());
      assertThat(new SidecarStore(paths).read(Zone.BRONZE, CrashChild.schema().table()))
          .hasValueSatisfying(s -> assertThat(s.schema().fields()).hasSize(3));
    }
  }

  private static void recoverAndAssertNoTemporaryFiles(Path base, PathResolver paths)
      throws IOException {
    RECOVERY.recover(paths);
    try (Stream<Path> all = Files.walk(base)) {
      assertThat(all.filter(p -> Storage.isTemporary(p.getFileName().toString())))
          .as("temporary files after recovery")
          .isEmpty();
    }
  }

  /**
   * The visible Parquet files under {@code dir}: what an engine's {@code **}/*.parquet glob sees.
   */
  static List<Path> visibleParquet(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(
              p ->
                  p.getFileName().toString().endsWith(".parquet")
                      && !p.getFileName().toString().startsWith(".")
                      && Files.isRegularFile(p))
          .sorted()
          .toList();
    }
  }

  private static List<String> names(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      return all.map(p -> p.getFileName().toString()).toList();
    }
  }
}
