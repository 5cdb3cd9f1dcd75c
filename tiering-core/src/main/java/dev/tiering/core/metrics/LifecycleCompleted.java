package dev.tiering.core.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a lifecycle operation did when it ran for real: files and bytes per effect (files it only
 * looked at and kept are not counted), and how many files it failed on.
 *
 * @param operation which operation
 * @param description the operation as its report names it, e.g. {@code cleanup batch b42}
 * @param outcomes files and bytes per effect, one per effect at most, none for an effect with none
 * @param failures files or directories it could not handle (the rest went on)
 * @param duration how long it ran
 */
public record LifecycleCompleted(
    Operation operation,
    String description,
    List<Outcome> outcomes,
    int failures,
    Duration duration) {

  /** The lifecycle operations that report. */
  public enum Operation {
    /** Staging cleanup: a batch, or all but the most recent ones. */
    CLEANUP,
    /** Copying lake files into the hot cache (evicting others to stay within budget). */
    CACHE_PROMOTE,
    /** Removing copies from the hot cache on request. */
    CACHE_EVICT,
    /** Archiving and retention of lake data. */
    ARCHIVE,
    /** Compaction of small lake files. */
    COMPACTION;

    /** {@return the operation as a metric tag: {@code cleanup}, {@code cache_promote}, ...} */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What an operation did to a file. */
  public enum Effect {
    /** Deleted. */
    DELETED,
    /** Moved to the archive. */
    ARCHIVED,
    /** Copied into the hot cache. */
    CACHED,
    /** Removed from the hot cache. */
    EVICTED,
    /** Copied into the lake. */
    INGESTED,
    /** Merged into larger files (compaction inputs). */
    MERGED,
    /** Written as a merge of smaller files (compaction outputs). */
    WRITTEN;

    /** {@return the effect as a metric tag: {@code deleted}, {@code archived}, ...} */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The files and bytes of one effect.
   *
   * @param effect what was done
   * @param files to how many files
   * @param bytes their bytes
   */
  public record Outcome(Effect effect, long files, long bytes) {

    /**
     * Checks the components.
     *
     * @param effect not null
     * @param files at least 0
     * @param bytes at least 0
     */
    public Outcome {
      Objects.requireNonNull(effect, "effect");
      Events.checkFigures("LifecycleCompleted.Outcome", files, bytes, Duration.ZERO);
    }
  }

  /**
   * Checks and copies the components.
   *
   * @param operation not null
   * @param description not null
   * @param outcomes copied; one per effect at most
   * @param failures at least 0
   * @param duration not null, not negative
   */
  public LifecycleCompleted {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(description, "description");
    outcomes = List.copyOf(outcomes);
    Events.checkFigures("LifecycleCompleted", failures, 0, duration);
    if (outcomes.stream().map(Outcome::effect).distinct().count() != outcomes.size()) {
      throw new IllegalArgumentException(
          "Invalid LifecycleCompleted: outcomes "
              + outcomes
              + " name an effect twice (sum them into one outcome per effect)");
    }
  }

  /**
   * {@return the files of one effect; 0 if none}
   *
   * @param effect the effect
   */
  public long files(Effect effect) {
    return outcomes.stream().filter(o -> o.effect() == effect).mapToLong(Outcome::files).sum();
  }

  /**
   * {@return the bytes of one effect; 0 if none}
   *
   * @param effect the effect
   */
  public long bytes(Effect effect) {
    return outcomes.stream().filter(o -> o.effect() == effect).mapToLong(Outcome::bytes).sum();
  }
}
