package dev.tiering.examples;

import dev.tiering.Tiering;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.Zone;
import dev.tiering.parquet.LakeWriteOptions;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/**
 * The seed's three storage functions on the SDK's one entry point, with Java records for rows:
 * {@code save_intermediate_result}, {@code save_clean_data} and {@code cleanup_batch}; and the
 * coordinator's read of a batch, which the seed leaves implicit and which must not start before the
 * last job committed.
 */
public final class SeedFunctions {

  /** An SLM's prediction for one input. */
  public record Prediction(long inputId, int slmId, String label, double score, Instant ts) {}

  private final Tiering tiering;

  /** The functions on these tiers. */
  public SeedFunctions(Tiering tiering) {
    this.tiering = tiering;
  }

  /** An SLM job's result, to the SSD (zstd 3), complete or not at all. */
  public void saveIntermediateResult(int slm, String batch, List<Prediction> rows)
      throws IOException {
    tiering.staging().writeIntermediate(SlmId.of(slm), BatchId.of(batch), Prediction.class, rows);
  }

  /**
   * The coordinator's read: every prediction of the batch, once each of SLMs {@code 0 .. slms - 1}
   * (the seed's {@code range(7)}) has committed its file.
   *
   * @throws dev.tiering.parquet.IncompleteBatchException if a job has not committed yet: nothing is
   *     read; read again once the jobs are done
   */
  public List<Prediction> readIntermediateResults(String batch, int slms) throws IOException {
    try (Stream<Prediction> rows =
        tiering.staging().readBatch(BatchId.of(batch), Prediction.class, SlmId.range(0, slms))) {
      return rows.toList();
    }
  }

  /**
   * Clean rows to the lake (zstd 5, schema.json kept), once per batch however often retried. An
   * empty list is refused (it would use the batch's write id up): these rows come from the caller,
   * who may have read a batch before its jobs finished. A coordinator that knows its batch is
   * complete and empty commits it with {@link LakeWriteOptions#allowEmpty()}, as {@link
   * Coordinator} does.
   */
  public void saveCleanData(String batch, List<Prediction> rows) throws IOException {
    tiering
        .lake()
        .writeCleanData(
            Zone.SILVER,
            "slm_predictions",
            Prediction.class,
            rows,
            LakeWriteOptions.defaults().partitionBy("ts").writeId(batch));
  }

  /** Removes an aggregated batch from staging now (a batch a job still writes is kept). */
  public void cleanupBatch(String batch) throws IOException {
    tiering.janitor().cleanupBatch(BatchId.of(batch)).execute();
  }
}
