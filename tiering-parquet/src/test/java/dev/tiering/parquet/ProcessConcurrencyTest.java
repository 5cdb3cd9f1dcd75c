package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.ChildJvm;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.SidecarStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same races as {@link ConcurrencyTest}, between processes: seven SLM writer JVMs, the
 * coordinator cleaning and compacting in this one; and two JVMs appending to one lake table and
 * updating its sidecar at the same time.
 */
class ProcessConcurrencyTest {

  private static final int WRITERS = 7;
  private static final int BATCHES = 8;

  @TempDir Path base;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void sevenWriterProcessesWhileTheCoordinatorCleansAndCompacts() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingJanitor janitor = StagingJanitor.builder(paths).grace(Duration.ZERO).build();
    Compactor compactor = Compactor.builder(paths).minCommitAge(java.time.Duration.ZERO).build();
    LakeWriter lake = LakeWriter.builder(paths).build();
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger cleanups = new AtomicInteger();
    AtomicInteger compactions = new AtomicInteger();
    List<Long> appended = Collections.synchronizedList(new ArrayList<>());
    Thread coordinator =
        new Thread(
            () -> {
              try {
                for (int i = 1; running.get(); i++) {
                  LifecycleReport report = janitor.cleanupOldBatches(2).execute();
                  if (!report.failures().isEmpty()) {
                    problems.add("cleanup: " + report.failures());
                  }
                  cleanups.incrementAndGet();
                  lake.writeCleanData(CrashChild.schema(), ConcurrencyTest.rows(1000 + i, 0));
                  appended.addAll(ConcurrencyTest.ids(1000 + i, 0));
                  report = compactor.compact(Zone.BRONZE, CrashChild.schema().table()).execute();
                  if (!report.failures().isEmpty()) {
                    problems.add("compaction: " + report.failures());
                  }
                  compactions.incrementAndGet();
                }
              } catch (Exception e) {
                problems.add("coordinator: " + e);
              }
            });
    List<ChildJvm> slms = new ArrayList<>();
    try {
      for (int slm = 0; slm < WRITERS; slm++) {
        slms.add(ChildJvm.start(WriterProcess.class, "slm", base.toString(), String.valueOf(slm)));
      }
      for (ChildJvm child : slms) {
        child.await("ready"::equals, 60_000);
      }
      coordinator.start();
      for (int b = 0; b < BATCHES; b++) {
        for (ChildJvm child : slms) {
          child.send("write " + b);
        }
        String done = "done " + b;
        for (ChildJvm child : slms) {
          child.await(done::equals, 60_000);
        }
        // Batch b is complete: it and batch b-1 must be there, whole, whatever cleanup does.
        for (int k = Math.max(0, b - 1); k <= b; k++) {
          for (int slm = 0; slm < WRITERS; slm++) {
            assertThat(
                    CrashRows.idsBySdk(
                        List.of(paths.intermediateFile(SlmId.of(slm), ConcurrencyTest.batch(k)))))
                .as("batch " + k + " after batch " + b)
                .isEqualTo(ConcurrencyTest.ids(k, slm));
          }
        }
      }
      for (ChildJvm child : slms) {
        child.send("exit");
        assertThat(child.waitFor(30_000)).isZero();
      }
    } finally {
      running.set(false);
      coordinator.join(60_000);
      for (ChildJvm child : slms) {
        child.close();
      }
    }
    assertThat(problems).isEmpty();
    assertThat(cleanups.get()).isPositive();
    assertThat(compactions.get()).isPositive();
    janitor.cleanupOldBatches(2).execute();
    assertThat(janitor.batches())
        .extracting(StagingJanitor.Batch::batch)
        .containsExactly(ConcurrencyTest.batch(BATCHES - 1), ConcurrencyTest.batch(BATCHES - 2));
    List<Long> expected = new ArrayList<>(appended);
    expected.sort(null);
    assertThat(
            CrashRows.idsByDuckDb(
                CrashLoopTest.visibleParquet(
                    paths.tableDir(Zone.BRONZE, CrashChild.schema().table()))))
        .isEqualTo(expected);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twoProcessesAppendingWithCompatibleSchemasBothSucceed() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    List<String> outcome = appendTogether(paths, "base", "wider", 15);
    assertThat(outcome).containsExactly("done 14", "done 14");

    SchemaSidecar sidecar =
        new SidecarStore(paths).read(Zone.BRONZE, CrashChild.schema().table()).orElseThrow();
    assertThat(sidecar.schema().field("note")).isPresent();
    assertThat(sidecar.quality().rowCount()).isEqualTo(30L * WriterProcess.APPEND_ROWS);
    assertThat(lakeIds(paths)).isEqualTo(expectedIds(List.of(0, 1), 15));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twoProcessesAppendingWithClashingSchemasOneGetsAClearError() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    List<String> outcome = appendTogether(paths, "base", "clashing", 15);

    assertThat(outcome)
        .filteredOn(line -> line.startsWith("refused "))
        .singleElement()
        .satisfies(line -> assertThat(line).contains("payload"));
    int winner = outcome.get(0).equals("done 14") ? 0 : 1;
    assertThat(outcome.get(winner)).isEqualTo("done 14");
    SchemaSidecar sidecar =
        new SidecarStore(paths).read(Zone.BRONZE, CrashChild.schema().table()).orElseThrow();
    assertThat(sidecar.schema().fields())
        .isEqualTo(WriterProcess.schema(winner == 0 ? "base" : "clashing").fields());
    assertThat(lakeIds(paths)).isEqualTo(expectedIds(List.of(winner), 15));
  }

  /**
   * Starts two appending JVMs at once, checks that the sidecar parses whenever it is looked at
   * while they run, and returns the last line of each.
   */
  private List<String> appendTogether(PathResolver paths, String first, String second, int commits)
      throws Exception {
    Path sidecar = paths.schemaFile(Zone.BRONZE, CrashChild.schema().table());
    try (ChildJvm a =
            ChildJvm.start(
                WriterProcess.class,
                "append",
                base.toString(),
                "0",
                String.valueOf(commits),
                first);
        ChildJvm b =
            ChildJvm.start(
                WriterProcess.class,
                "append",
                base.toString(),
                "1",
                String.valueOf(commits),
                second)) {
      a.await("ready"::equals, 60_000);
      b.await("ready"::equals, 60_000);
      int looks = 0;
      while (a.lines().size() + b.lines().size() < 2 * (commits + 1)
          && !(finished(a, commits) && finished(b, commits))) {
        if (Files.exists(sidecar)) {
          new ObjectMapper().readTree(Files.readAllBytes(sidecar));
          SchemaSidecar.read(sidecar);
          looks++;
        }
        Thread.sleep(5);
      }
      assertThat(a.waitFor(60_000)).isZero();
      assertThat(b.waitFor(60_000)).isZero();
      assertThat(looks).as("sidecar reads while both appended").isPositive();
      return List.of(last(a), last(b));
    }
  }

  private static boolean finished(ChildJvm child, int commits) {
    String last = last(child);
    return last.equals("done " + (commits - 1)) || last.startsWith("refused ");
  }

  private static String last(ChildJvm child) {
    List<String> lines = child.lines();
    return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
  }

  private static List<Long> lakeIds(PathResolver paths) throws Exception {
    List<Path> files =
        CrashLoopTest.visibleParquet(paths.tableDir(Zone.BRONZE, CrashChild.schema().table()));
    List<Long> byDuckDb = CrashRows.idsByDuckDb(files);
    assertThat(CrashRows.idsBySdk(files)).isEqualTo(byDuckDb);
    return byDuckDb;
  }

  private static List<Long> expectedIds(List<Integer> writers, int commits) {
    List<Long> ids = new ArrayList<>();
    for (int writer : writers) {
      for (int i = 0; i < commits; i++) {
        for (int r = 0; r < WriterProcess.APPEND_ROWS; r++) {
          ids.add(WriterProcess.firstAppendId(writer, i) + r);
        }
      }
    }
    ids.sort(null);
    return ids;
  }
}
