package dev.tiering.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.TempFileSweeper;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.CrashableStorage;
import dev.tiering.core.testing.Seeded;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeReader;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.ParquetRowReader;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's reader, the DuckDB views and, after recovery, a plain DuckDB glob return the same
 * multiset of rows, while a writer and a compactor change the table: 50 seeded interleavings, each
 * stopping the background after every change to the disk and checking the readers there, then
 * killing it at a random change (nothing after it happens, as in a crash) and recovering.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReadersAgreeTest {

  private static final TableName TABLE = TableName.of("events");
  private static final Instant START = Instant.parse("2025-11-10T20:00:00Z");
  private static final TableSchema SCHEMA =
      TableSchema.builder(Zone.SILVER, "events")
          .required("ts", FieldType.TIMESTAMP)
          .required("id", FieldType.INT64)
          .required("value", FieldType.FLOAT64)
          .nullable("payload", FieldType.STRING)
          .partitionByDate()
          .build();

  @TempDir Path base;

  /** One row as every reader returns it. */
  private record Row(long id, double value, String payload) implements Comparable<Row> {
    @Override
    public int compareTo(Row o) {
      return Long.compare(id, o.id);
    }
  }

  /** The rows of a commit: ids from {@code first}, over two days (two partitions). */
  private static List<Map<String, Object>> rows(long first, int n) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long id = first; id < first + n; id++) {
      Map<String, Object> row = new HashMap<>();
      row.put("ts", START.plus(Duration.ofMinutes(id * 37 % 480)));
      row.put("id", id);
      row.put("value", id * 0.25);
      row.put("payload", id % 7 == 0 ? null : "p" + id);
      rows.add(row);
    }
    return rows;
  }

  private static List<Row> expected(List<List<Map<String, Object>>> commits, long upTo) {
    List<Row> rows = new ArrayList<>();
    for (int c = 0; c < upTo; c++) {
      for (Map<String, Object> row : commits.get(c)) {
        rows.add(
            new Row((Long) row.get("id"), (Double) row.get("value"), (String) row.get("payload")));
      }
    }
    rows.sort(null);
    return rows;
  }

  private static LakeWriter writer(PathResolver paths, Storage storage) {
    return LakeWriter.builder(paths).storage(storage).maxOpenPartitions(1).build();
  }

  private static void write(LakeWriter lake, List<Map<String, Object>> rows) throws IOException {
    lake.writeCleanData(SCHEMA, rows, LakeWriteOptions.defaults().partitionBy("ts"));
  }

  /** A whole SDK scan, taken again if a compaction outdated its snapshot (as documented). */
  private static List<Row> sdkRows(PathResolver paths) throws IOException {
    LakeReader reader = new LakeReader(paths);
    for (int attempt = 1; ; attempt++) {
      List<Row> rows = new ArrayList<>();
      try (ParquetRowReader scan = reader.scan(Zone.SILVER, TABLE)) {
        while (scan.next()) {
          rows.add(
              new Row(
                  scan.getLong(1), scan.getDouble(2), scan.isNull(3) ? null : scan.getString(3)));
        }
      } catch (dev.tiering.core.storage.SnapshotExpiredException expired) {
        if (attempt < 10) {
          continue;
        }
        throw expired;
      }
      rows.sort(null);
      return rows;
    }
  }

  private static List<Row> duckRows(Connection duck, String from) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (Statement statement = duck.createStatement();
        ResultSet rs =
            statement.executeQuery("SELECT id, value, payload FROM " + from + " ORDER BY id")) {
      while (rs.next()) {
        rows.add(new Row(rs.getLong(1), rs.getDouble(2), rs.getString(3)));
      }
    }
    return rows;
  }

  /** DuckDB's count and multiset hash of the rows, for the two DuckDB readings. */
  private static List<Object> duckHash(Connection duck, String from) throws Exception {
    try (Statement statement = duck.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(*), sum(hash(id, value, payload))" + "::VARCHAR FROM " + from)) {
      rs.next();
      return List.of(rs.getLong(1), String.valueOf(rs.getString(2)));
    }
  }

  @Test
  void theSdkReaderTheViewsAndAGlobAfterRecoveryReturnTheSameRows() throws Exception {
    int kills = 0;
    int checks = 0;
    for (int run = 0; run < 50; run++) {
      Random random = Seeded.random(Seeded.baseSeed(), 1600 + run);
      String schedule =
          "run " + run + " (-D" + Seeded.SEED_PROPERTY + "=" + Seeded.baseSeed() + ")";
      PathResolver paths =
          new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("run" + run))));
      List<List<Map<String, Object>>> commits = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        commits.add(rows(c * 20L, 20));
        write(writer(paths, Storage.local()), commits.get(c));
      }
      // The background's work, in order: writes (known rows, so known commits) and compactions.
      List<List<Map<String, Object>>> planned = new ArrayList<>();
      List<Boolean> isWrite = new ArrayList<>();
      for (int op = 0; op < 5; op++) {
        boolean w = random.nextInt(3) != 0;
        isWrite.add(w);
        planned.add(w ? rows(1000L * (op + 1), 10 + random.nextInt(20)) : null);
      }
      Stepper disk = new Stepper(Storage.local());
      CompletableFuture<Void> background =
          CompletableFuture.runAsync(
              () -> {
                disk.owner = Thread.currentThread();
                try {
                  for (int op = 0; op < planned.size(); op++) {
                    if (isWrite.get(op)) {
                      write(writer(paths, disk), planned.get(op));
                    } else {
                      Compactor.builder(paths)
                          .storage(disk)
                          .minCommitAge(Duration.ZERO)
                          .build()
                          .compact(Zone.SILVER, TABLE)
                          .execute();
                    }
                  }
                } catch (IOException | RuntimeException e) {
                  if (!disk.dead()) {
                    throw new IllegalStateException(e);
                  }
                } finally {
                  disk.finish();
                }
              });
      planned.stream().filter(p -> p != null).forEach(commits::add);
      int killAt = random.nextInt(60);
      try (LakeViews views = LakeViews.open(paths)) {
        disk.awaitPause();
        for (int step = 0; !disk.finished && step < killAt; step++) {
          disk.advance(1 + random.nextInt(3));
          // Frozen between two changes to the disk: every reader shows some applied commit whole.
          long before = new LakeReader(paths).sidecar(Zone.SILVER, TABLE).lastCommit();
          List<Row> sdk = sdkRows(paths);
          assertThat(sdk)
              .as("SDK reader, %s, step %d", schedule, step)
              .isEqualTo(expected(commits, before));
          views.refresh();
          assertThat(duckRows(views.connection(), "silver.events"))
              .as("DuckDB view, %s, step %d", schedule, step)
              .isEqualTo(expected(commits, views.snapshot("silver.events")));
          checks++;
        }
      }
      if (!disk.finished) {
        disk.kill();
        kills++;
      }
      background.get(2, TimeUnit.MINUTES);

      new SidecarStore(paths).recover(Zone.SILVER, TABLE);
      Compactor.builder(paths).build().recover(Zone.SILVER, TABLE);
      TempFileSweeper.forLayout(paths.layout()).recover(paths);
      long last = new LakeReader(paths).sidecar(Zone.SILVER, TABLE).lastCommit();
      List<Row> want = expected(commits, last);
      assertThat(sdkRows(paths)).as("SDK reader after recovery, %s", schedule).isEqualTo(want);
      String glob =
          "read_parquet('"
              + paths.tableDir(Zone.SILVER, TABLE).resolve("**/*.parquet")
              + "', union_by_name = true)";
      try (LakeViews views = LakeViews.open(paths);
          Connection fresh = DriverManager.getConnection("jdbc:duckdb:")) {
        assertThat(duckRows(views.connection(), "silver.events"))
            .as("view, %s", schedule)
            .isEqualTo(want);
        assertThat(duckRows(fresh, glob)).as("glob after recovery, %s", schedule).isEqualTo(want);
        assertThat(duckHash(fresh, glob))
            .as("glob hash, %s", schedule)
            .isEqualTo(duckHash(views.connection(), "silver.events"));
      }
    }
    assertThat(kills).as("runs killed midway").isGreaterThan(10);
    assertThat(checks).as("frozen states checked").isGreaterThan(300);
  }

  /**
   * The background's storage: after each change to the disk it stops until the test lets it make
   * more; killed, the background's calls fail as a dead process's (see {@link CrashableStorage}).
   */
  private static final class Stepper extends CrashableStorage {
    private final Semaphore permits = new Semaphore(0);
    private final Semaphore paused = new Semaphore(0);
    volatile Thread owner;
    volatile boolean finished;

    Stepper(Storage delegate) {
      super(delegate);
    }

    @Override
    protected boolean dies() {
      return Thread.currentThread() == owner;
    }

    @Override
    protected void changed() throws IOException {
      if (Thread.currentThread() != owner) {
        return;
      }
      paused.release();
      try {
        if (!permits.tryAcquire(2, TimeUnit.MINUTES)) {
          throw new IOException("the test never let the background go on");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
      alive();
    }

    /** Waits until the background stopped after a change, or finished. */
    void awaitPause() throws InterruptedException {
      if (!paused.tryAcquire(2, TimeUnit.MINUTES)) {
        throw new AssertionError("the background neither paused nor finished");
      }
    }

    /** Lets the background make {@code n} more changes (fewer if it finishes first). */
    void advance(int n) throws InterruptedException {
      for (int i = 0; i < n && !finished; i++) {
        permits.release();
        awaitPause();
      }
    }

    void kill() {
      die();
      permits.release();
    }

    void finish() {
      finished = true;
      paused.release();
    }
  }
}
