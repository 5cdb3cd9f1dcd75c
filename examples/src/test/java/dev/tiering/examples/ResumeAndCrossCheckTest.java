package dev.tiering.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.lifecycle.StagingJanitor;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.duckdb.LakeViews;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.ParquetRowWriter;
import dev.tiering.parquet.StagingWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run resumed only with its own shape, and the SQL cross-check equal to the Java one on ties:
 * regression tests from an adversarial review.
 */
class ResumeAndCrossCheckTest {

  @TempDir Path base;

  private static DemoPipeline.Summary demo(Path root, int batches, int slms, int rows, String id)
      throws Exception {
    return DemoPipeline.run(
        new DemoPipeline.Options(root, batches, slms, rows, id),
        new PrintWriter(new StringWriter()),
        null);
  }

  private static List<List<Object>> q(Path root, String sql) throws Exception {
    try (LakeViews views =
        LakeViews.open(new PathResolver(Storage.createRoots(TierLayout.under(root))))) {
      return views.query(sql, 1000).rows();
    }
  }

  private static final String PER_BATCH =
      "SELECT batch, count(*) AS slms, sum(rows)::BIGINT"
          + " + sum(rejected)::BIGINT AS predictions FROM gold.model_daily_stats GROUP BY ALL"
          + " ORDER BY 1";

  /** A run resumed with other sizes would hold two shapes of data under one id: refused. */
  @Test
  void aRunIsResumedOnlyWithTheSlmsAndSizesItStartedWith() throws Exception {
    Path root = base.resolve("a");
    demo(root, 1, 2, 20, "r1");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> demo(root, 2, 3, 10, "r1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Run r1 was started with 2 SLMs x 20 predictions")
        .hasMessageContaining("resume it with the same --slms and --rows-per-slm");
    // More batches of the same shape extend the run.
    assertThat(demo(root, 2, 2, 20, "r1").skippedBatches()).isEqualTo(1);
    assertThat(q(root, PER_BATCH))
        .containsExactly(List.of("r1-b1", 2L, 40L), List.of("r1-b2", 2L, 40L));
  }

  private static void stage(StagingWriter staging, BatchId batch, int slm, Object[][] rows)
      throws Exception {
    try (ParquetRowWriter w = staging.openIntermediate(SlmId.of(slm), batch, Tables.PREDICTIONS)) {
      long micros = 1_762_732_800_000_000L;
      for (Object[] r : rows) {
        w.setTimestampMicros(0, micros)
            .setInt(1, slm)
            .setLong(2, (Long) r[0])
            .setDouble(3, (Double) r[1]);
        if (r[2] != null) {
          w.setString(5, (String) r[2]);
        }
        w.endRow();
      }
      w.commit();
    }
  }

  /**
   * Ties, null labels, all-null labels, and labels that UTF-16 and code points order differently
   * (U+FF21 and U+1F600 tie for input 3: both take the first in code point order).
   */
  @Test
  void theSqlCrossCheckEqualsTheJavaOneOnEveryKindOfTie() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("x"))));
    StagingWriter staging = StagingWriter.builder(paths).build();
    BatchId batch = BatchId.of("x-b1");
    String fullwidthA = "\uFF21"; // U+FF21: after surrogates in UTF-16, before in UTF-8
    String emoji = "\uD83D\uDE00"; // U+1F600
    Object[][][] slms = {
      {{1L, 0.5, "dog"}, {2L, 0.1, null}, {3L, 0.9, fullwidthA}, {4L, 0.2, "B"}, {5L, 0.3, ""}},
      {{1L, 0.6, "cat"}, {2L, 0.2, null}, {3L, 0.8, emoji}, {4L, 0.4, "a"}, {5L, 0.3, null}},
      {{1L, 0.7, null}, {2L, 0.3, null}, {3L, 0.7, null}, {4L, 0.6, null}, {5L, 1.5, "z"}}
    };
    for (int s = 0; s < slms.length; s++) {
      stage(staging, batch, s, slms[s]);
    }
    try (LakeViews views = LakeViews.open(paths)) {
      Coordinator coordinator =
          new Coordinator(
              staging,
              LakeWriter.builder(paths).build(),
              StagingJanitor.builder(paths).grace(Duration.ZERO).build(),
              step -> {},
              views);
      Coordinator.BatchResult result = coordinator.process(batch, SlmId.range(0, slms.length));
      assertThat(result.sqlInputs()).isEqualTo(5);
      assertThat(result.sqlMismatches()).isZero();
      assertThat(
              views
                  .query(
                      "SELECT consensus_label FROM gold.input_consensus WHERE" + " input_id = 3", 1)
                  .rows())
          .containsExactly(List.of(fullwidthA));
    }
  }
}
