package dev.tiering.core.routing;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of a staging file: its kind (intermediate or cross-check), SLM id and batch id. This
 * record is the only place that knows the staging file names, {@code slm_{id}_{batch}.parquet} and
 * {@code crosscheck_{id}_{batch}.parquet}, in both directions.
 *
 * @param kind {@link DataKind#INTERMEDIATE} or {@link DataKind#CROSSCHECK}
 * @param slm the SLM that wrote the file
 * @param batch the batch the file belongs to
 */
public record StagingFile(DataKind kind, SlmId slm, BatchId batch) {

  private static final String SUFFIX = ".parquet";

  /**
   * Checks that the kind is a staging kind.
   *
   * @param kind {@link DataKind#INTERMEDIATE} or {@link DataKind#CROSSCHECK}
   * @param slm the SLM that wrote the file; not null
   * @param batch the batch the file belongs to; not null
   * @throws IllegalArgumentException if {@code kind} is not intermediate or cross-check
   */
  public StagingFile {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(slm, "slm");
    Objects.requireNonNull(batch, "batch");
    if (!kind.isStaging()) {
      throw new IllegalArgumentException(
          "Data kind " + kind + " has no staging file name (use intermediate or crosscheck)");
    }
  }

  /**
   * {@return the intermediate result of {@code slm} for {@code batch}}
   *
   * @param slm the SLM that wrote the file
   * @param batch the batch the file belongs to
   */
  public static StagingFile intermediate(SlmId slm, BatchId batch) {
    return new StagingFile(DataKind.INTERMEDIATE, slm, batch);
  }

  /**
   * {@return the cross-check file of {@code slm} for {@code batch}}
   *
   * @param slm the SLM that wrote the file
   * @param batch the batch the file belongs to
   */
  public static StagingFile crosscheck(SlmId slm, BatchId batch) {
    return new StagingFile(DataKind.CROSSCHECK, slm, batch);
  }

  /** {@return the file name, e.g. {@code slm_3_b42.parquet}} */
  public String fileName() {
    return kind.stagingPrefix() + "_" + slm + "_" + batch + SUFFIX;
  }

  /**
   * Parses a staging file name back into its parts; the inverse of {@link #fileName()}.
   *
   * @param fileName a file name without directory; null gives empty
   * @return the parts, or empty if the name is not a staging file name (hidden temporary files,
   *     foreign files and names with invalid ids all give empty)
   */
  public static Optional<StagingFile> parse(String fileName) {
    if (fileName == null || !fileName.endsWith(SUFFIX)) {
      return Optional.empty();
    }
    for (DataKind kind : DataKind.values()) {
      String prefix = kind.isStaging() ? kind.stagingPrefix() + "_" : null;
      if (prefix == null || !fileName.startsWith(prefix)) {
        continue;
      }
      String rest = fileName.substring(prefix.length(), fileName.length() - SUFFIX.length());
      // The SLM id is digits only, so the first '_' ends it even when the batch id holds '_'.
      int sep = rest.indexOf('_');
      if (sep <= 0) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new StagingFile(
                kind, SlmId.parse(rest.substring(0, sep)), BatchId.of(rest.substring(sep + 1))));
      } catch (IllegalArgumentException notAStagingName) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** The file name. */
  @Override
  public String toString() {
    return fileName();
  }
}
