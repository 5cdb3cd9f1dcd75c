package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.SidecarStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seven SLM writer threads write batch after batch into staging while the coordinator's cleanup
 * runs in a loop with no grace period, and a lake table takes appends while compaction and SDK
 * readers run on it. Bounded: 12 batches of 7 files, 40 lake appends.
 */
class ConcurrencyTest {

  private static final int WRITERS = 7;
  private static final int BATCHES = 12;
  private static final int ROWS = 2_000;

  @TempDir Path base;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void cleanupNeverTakesTheBatchBeingWrittenOrTheLastCompleteOne() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter staging = StagingWriter.builder(paths).build();
    StagingJanitor janitor = StagingJanitor.builder(paths).grace(Duration.ZERO).build();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger completed = new AtomicInteger(-1);
    // When all seven have written batch k, batches k and k-1 must be complete and exact.
    CyclicBarrier batchDone =
        new CyclicBarrier(
            WRITERS,
            () -> {
              int k = completed.incrementAndGet();
              for (int b = Math.max(0, k - 1); b <= k; b++) {
                for (int slm = 0; slm < WRITERS; slm++) {
                  Path file = paths.intermediateFile(SlmId.of(slm), batch(b));
                  try {
                    assertThat(CrashRows.idsBySdk(List.of(file))).isEqualTo(ids(b, slm));
                  } catch (Throwable e) {
                    problems.add("after batch " + k + ", " + file.getFileName() + ": " + e);
                  }
                }
              }
            });
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
    try {
      Future<Integer> cleaner =
          pool.submit(
              () -> {
                int runs = 0;
                while (writing.get()) {
                  LifecycleReport report = janitor.cleanupOldBatches(2).execute();
                  if (!report.failures().isEmpty()) {
                    problems.add("cleanup failed: " + report.failures());
                  }
                  runs++;
                }
                return runs;
              });
      List<Future<?>> writers = new ArrayList<>();
      for (int slm = 0; slm < WRITERS; slm++) {
        int id = slm;
        writers.add(
            pool.submit(
                () -> {
                  for (int b = 0; b < BATCHES; b++) {
                    staging.writeIntermediate(
                        SlmId.of(id), batch(b), CrashChild.schema(), rows(b, id));
                    batchDone.await(60, TimeUnit.SECONDS);
                  }
                  return null;
                }));
      }
      for (Future<?> writer : writers) {
        writer.get(100, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(cleaner.get(30, TimeUnit.SECONDS)).as("cleanup runs").isPositive();
    } finally {
      writing.set(false);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(problems).isEmpty();
    assertThat(completed.get()).isEqualTo(BATCHES - 1);
    janitor.cleanupOldBatches(2).execute();
    assertThat(janitor.batches())
        .extracting(StagingJanitor.Batch::batch)
        .containsExactly(batch(BATCHES - 1), batch(BATCHES - 2));
    for (int b = BATCHES - 2; b < BATCHES; b++) {
      List<Path> files = new ArrayList<>();
      List<Long> expected = new ArrayList<>();
      for (int slm = 0; slm < WRITERS; slm++) {
        files.add(paths.intermediateFile(SlmId.of(slm), batch(b)));
        expected.addAll(ids(b, slm));
      }
      expected.sort(null);
      assertThat(CrashRows.idsByDuckDb(files)).isEqualTo(expected);
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void appendsCompactionAndReadersTogetherLoseAndDuplicateNothing() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    LakeWriter lake = LakeWriter.builder(paths).build();
    Compactor compactor = Compactor.builder(paths).minCommitAge(java.time.Duration.ZERO).build();
    LakeReader reader = new LakeReader(paths);
    lake.writeCleanData(CrashChild.schema(), rows(0, 0));
    ConcurrentLinkedQueue<Long> committed = new ConcurrentLinkedQueue<>();
    committed.addAll(ids(0, 0));
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean appending = new AtomicBoolean(true);
    AtomicInteger compactions = new AtomicInteger();
    AtomicInteger scans = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<?> appender =
          pool.submit(
              () -> {
                for (int i = 1; i <= 40; i++) {
                  lake.writeCleanData(CrashChild.schema(), rows(i, 0));
                  committed.addAll(ids(i, 0));
                }
                return null;
              });
      Future<?> compacting =
          pool.submit(
              () -> {
                while (appending.get()) {
                  LifecycleReport report =
                      compactor.compact(Zone.BRONZE, CrashChild.schema().table()).execute();
                  if (!report.failures().isEmpty()) {
                    problems.add("compaction failed: " + report.failures());
                  }
                  compactions.incrementAndGet();
                }
                return null;
              });
      Future<?> reading =
          pool.submit(
              () -> {
                while (appending.get()) {
                  Set<Long> before = new HashSet<>(committed);
                  List<Long> seen = new ArrayList<>();
                  try (ParquetRowReader rows =
                      reader.scan(Zone.BRONZE, CrashChild.schema().table())) {
                    while (rows.next()) {
                      seen.add(rows.getLong(0));
                    }
                  }
                  Set<Long> distinct = new HashSet<>(seen);
                  if (distinct.size() != seen.size()) {
                    problems.add("a scan saw " + (seen.size() - distinct.size()) + " rows twice");
                  }
                  if (!distinct.containsAll(before)) {
                    problems.add("a scan missed rows committed before it began");
                  }
                  scans.incrementAndGet();
                }
                return null;
              });
      appender.get(100, TimeUnit.SECONDS);
      appending.set(false);
      compacting.get(30, TimeUnit.SECONDS);
      reading.get(30, TimeUnit.SECONDS);
    } finally {
      appending.set(false);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(problems).isEmpty();
    assertThat(compactions.get()).as("compactions").isPositive();
    assertThat(scans.get()).as("scans").isPositive();

    compactor.compact(Zone.BRONZE, CrashChild.schema().table()).execute();
    List<Long> expected = new ArrayList<>(committed);
    expected.sort(null);
    List<Path> files =
        CrashLoopTest.visibleParquet(paths.tableDir(Zone.BRONZE, CrashChild.schema().table()));
    assertThat(files).hasSize(1);
    assertThat(CrashRows.idsByDuckDb(files)).isEqualTo(expected);
    assertThat(new SidecarStore(paths).read(Zone.BRONZE, CrashChild.schema().table()))
        .hasValueSatisfying(s -> assertThat(s.quality().rowCount()).isEqualTo(41L * ROWS));
  }

  static BatchId batch(int b) {
    return BatchId.of(String.format("b%03d", b));
  }

  static List<Long> ids(int b, int slm) {
    List<Long> ids = new ArrayList<>(ROWS);
    long first = b * 1_000_000L + slm * 10_000L;
    for (int i = 0; i < ROWS; i++) {
      ids.add(first + i);
    }
    return ids;
  }

  static List<Map<String, Object>> rows(int b, int slm) {
    Random random = new Random(b * 31L + slm);
    List<Map<String, Object>> rows = new ArrayList<>(ROWS);
    for (long id : ids(b, slm)) {
      rows.add(CrashRows.row(id, random));
    }
    return rows;
  }
}
