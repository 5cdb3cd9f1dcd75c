package dev.tiering.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.testing.ChildJvm;
import dev.tiering.core.testing.Seeded;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's pipeline killed at its worst moments and resumed: every row lands in silver and gold
 * exactly once, the same rows as a run of the same id that was never interrupted.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExactlyOnceDemoTest {

  private static final String RUN = "exactly-once";
  private static final int BATCHES = 3;
  private static final int SLMS = 3;
  private static final int ROWS = 1500;

  @TempDir Path base;

  private static DemoPipeline.Summary runInProcess(Path root) throws Exception {
    return DemoPipeline.run(
        new DemoPipeline.Options(root, BATCHES, SLMS, ROWS, RUN),
        new PrintWriter(new StringWriter()),
        null);
  }

  private static ChildJvm child(Path root, String... pauseAt) throws java.io.IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                root.toString(),
                RUN,
                Integer.toString(BATCHES),
                Integer.toString(SLMS),
                Integer.toString(ROWS)));
    args.addAll(List.of(pauseAt));
    return ChildJvm.start(DemoChild.class, args.toArray(String[]::new));
  }

  /**
   * What a table holds, as DuckDB reads its files by glob: the row count, the distinct rows, and a
   * hash of the multiset of rows (timestamps left out: only they may differ between runs).
   */
  private static List<Object> contents(Path root, String table, String columns)
      throws SQLException {
    String files =
        "read_parquet('"
            + root.resolve("lake/clean/" + table + "/**/*.parquet")
            + "', union_by_name = true)";
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs =
            statement.executeQuery(
                "SELECT count(*), (SELECT count(*) FROM (SELECT"
                    + " DISTINCT "
                    + columns
                    + " FROM "
                    + files
                    + ")), sum(hash("
                    + columns
                    + "))::VARCHAR"
                    + " FROM "
                    + files)) {
      rs.next();
      return List.of(rs.getLong(1), rs.getLong(2), rs.getString(3));
    }
  }

  private static void assertSameLakes(Path resumed, Path reference) throws SQLException {
    String silver = "slm_id, input_id, prediction, confidence, label";
    String consensus =
        "input_id, batch, consensus_label, models, agreement, spread,"
            + " mean_prediction, disagreement";
    String stats =
        "slm_id, batch, rows, rejected, mean_prediction, mean_confidence," + " agreement_rate";
    List<Object> expected = contents(reference, "silver/slm_predictions", silver);
    assertThat((Long) expected.get(0))
        .as("reference silver rows")
        .isGreaterThan((long) BATCHES * SLMS * ROWS * 99 / 100);
    assertThat(expected.get(1)).as("no duplicate in the reference").isEqualTo(expected.get(0));
    assertThat(contents(resumed, "silver/slm_predictions", silver)).isEqualTo(expected);
    assertThat(contents(resumed, "gold/input_consensus", consensus))
        .isEqualTo(contents(reference, "gold/input_consensus", consensus));
    assertThat(contents(resumed, "gold/model_daily_stats", stats))
        .isEqualTo(contents(reference, "gold/model_daily_stats", stats));
  }

  @Test
  void aCoordinatorKilledAfterSilverAndBeforeCleanupWritesNoRowTwiceWhenTheBatchIsRerun()
      throws Exception {
    Path resumed = base.resolve("resumed");
    try (ChildJvm demo = child(resumed, "coordinator: silver " + RUN + "-b2 done")) {
      demo.await("PAUSED"::equals, 120_000);
      demo.kill();
    }
    DemoPipeline.Summary rerun = runInProcess(resumed);

    assertSameLakes(resumed, reference());
    assertThat(rerun.skippedBatches()).isEqualTo(1);
    assertThat(rerun.batches()).hasSize(2);
  }

  @Test
  void aRunKilledAtRandomMomentsAndResumedEqualsAnUninterruptedRunOfTheSameId() throws Exception {
    Path resumed = base.resolve("resumed");
    Random random = Seeded.random(Seeded.baseSeed(), 16);
    // About 4 progress lines per batch (SLMs, coordinator, silver, gold, cleanup): kill after a
    // random one of them, three times, each attempt resuming the last.
    for (int kill = 0; kill < 3; kill++) {
      int after = 1 + random.nextInt(BATCHES * 5);
      try (ChildJvm demo = child(resumed)) {
        try {
          demo.awaitCount(line -> !line.isBlank(), after, 120_000);
        } catch (AssertionError finishedFirst) {
          // The attempt printed fewer lines than chosen: it finished, which is a resume too.
        }
        demo.kill();
      }
    }
    runInProcess(resumed);

    assertSameLakes(resumed, reference());
  }

  private Path reference() throws Exception {
    Path reference = base.resolve("reference");
    DemoPipeline.Summary summary = runInProcess(reference);
    assertThat(summary.skippedBatches()).isZero();
    return reference;
  }
}
