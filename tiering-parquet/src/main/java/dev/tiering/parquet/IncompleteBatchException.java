package dev.tiering.parquet;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import java.util.List;
import java.util.Objects;

/**
 * A batch in staging is not the batch its reader expected: an SLM it expects has no intermediate
 * file there yet (its job has not committed, or failed), or an SLM it does not expect has one.
 * Nothing was read. A coordinator that started before its jobs finished waits and reads again; one
 * that read the batch without saying which SLMs to expect could have aggregated part of it.
 */
public final class IncompleteBatchException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final transient BatchId batch;
  private final transient List<SlmId> missing;
  private final transient List<SlmId> unexpected;

  IncompleteBatchException(
      BatchId batch, List<SlmId> expected, List<SlmId> missing, List<SlmId> unexpected) {
    super(message(batch, expected, missing, unexpected));
    this.batch = Objects.requireNonNull(batch, "batch");
    this.missing = List.copyOf(missing);
    this.unexpected = List.copyOf(unexpected);
  }

  private static String message(
      BatchId batch, List<SlmId> expected, List<SlmId> missing, List<SlmId> unexpected) {
    StringBuilder text = new StringBuilder("Batch ").append(batch).append(" is not complete: ");
    if (!missing.isEmpty()) {
      text.append("no intermediate file yet of SLM(s) ").append(ids(missing));
    }
    if (!unexpected.isEmpty()) {
      text.append(missing.isEmpty() ? "" : "; ")
          .append("files of SLM(s) ")
          .append(ids(unexpected))
          .append(" that were not expected");
    }
    return text.append(" (expected SLM(s) ")
        .append(ids(expected))
        .append("). Nothing was read: wait for the jobs to commit and read again, or name the SLMs")
        .append(" the batch really has")
        .toString();
  }

  private static String ids(List<SlmId> ids) {
    StringBuilder text = new StringBuilder();
    for (SlmId id : ids) {
      text.append(text.length() == 0 ? "" : ", ").append(id.value());
    }
    return text.toString();
  }

  /** {@return the batch} */
  public BatchId batch() {
    return batch;
  }

  /** {@return the expected SLMs that have no intermediate file in the batch, in order} */
  public List<SlmId> missing() {
    return missing;
  }

  /** {@return the SLMs with an intermediate file in the batch that were not expected, in order} */
  public List<SlmId> unexpected() {
    return unexpected;
  }
}
