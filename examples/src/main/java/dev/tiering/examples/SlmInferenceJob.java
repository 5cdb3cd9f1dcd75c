package dev.tiering.examples;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.parquet.ParquetRowWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.parquet.WriteResult;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One small language model labelling a batch of inputs, writing its predictions to staging with the
 * typed, allocation-free writer (seed: {@code write_intermediate}). The model is simulated,
 * deterministically: each input has a true class, each model is right with its own accuracy, and a
 * faulty model now and then emits a score above 1, which the coordinator rejects.
 */
public final class SlmInferenceJob {

  /** The classes the models label inputs with. */
  static final String[] LABELS = {"cat", "dog", "bird", "fish", "horse", "other"};

  private final StagingWriter staging;
  private final SlmId slm;

  /** A job for one SLM. */
  public SlmInferenceJob(StagingWriter staging, SlmId slm) {
    this.staging = Objects.requireNonNull(staging, "staging");
    this.slm = Objects.requireNonNull(slm, "slm");
  }

  /** The true class of an input, which every model tries to find. */
  static int trueClass(long inputId) {
    return Math.floorMod((inputId * 2654435761L) >>> 7, LABELS.length);
  }

  /**
   * Labels inputs {@code firstInput .. firstInput + count - 1}, one row each, timestamps a
   * millisecond apart from {@code start}, and commits the staging file.
   */
  public WriteResult run(BatchId batch, long firstInput, int count, Instant start)
      throws IOException {
    TableSchema schema = Tables.PREDICTIONS;
    int ts = schema.indexOf("timestamp");
    int slmId = schema.indexOf("slm_id");
    int input = schema.indexOf("input_id");
    int prediction = schema.indexOf("prediction");
    int confidence = schema.indexOf("confidence");
    int label = schema.indexOf("label");
    SplittableRandom random = new SplittableRandom(slm.value() * 1_000_003L + batch.hashCode());
    double accuracy = 0.93 - 0.04 * (slm.value() % 4);
    long micros = start.getEpochSecond() * 1_000_000L + start.getNano() / 1000;
    try (ParquetRowWriter writer = staging.openIntermediate(slm, batch, schema)) {
      for (int i = 0; i < count; i++) {
        long inputId = firstInput + i;
        boolean right = random.nextDouble() < accuracy;
        int cls =
            right
                ? trueClass(inputId)
                : (trueClass(inputId) + 1 + random.nextInt(LABELS.length - 1)) % LABELS.length;
        double score =
            right ? 0.80 + random.nextGaussian() * 0.08 : 0.45 + random.nextGaussian() * 0.12;
        score = Math.round(Math.max(0, Math.min(1, score)) * 10_000) / 10_000.0;
        if (slm.value() == 6 && random.nextInt(200) == 0) {
          score = 1.2;
        }
        writer
            .setTimestampMicros(ts, micros + i * 1000L)
            .setInt(slmId, slm.value())
            .setLong(input, inputId)
            .setDouble(prediction, score)
            .setString(label, LABELS[cls]);
        if (random.nextInt(50) != 0) {
          writer.setDouble(
              confidence, Math.round(Math.min(1, Math.abs(score - 0.5) * 2) * 100) / 100.0);
        }
        writer.endRow();
      }
      return writer.commit();
    }
  }
}
