package dev.tiering.core.lifecycle;

import java.io.IOException;
import java.util.Objects;

/**
 * A lifecycle operation (cleanup, cache, archive, ingest, compaction), planned but not run: {@link
 * #preview()} reports what it would do and why, changing nothing; {@link #execute()} does it. Each
 * call looks at the disk afresh, so a preview is what an execution would do now.
 *
 * <pre>{@code
 * LifecyclePlan cleanup = janitor.cleanupOldBatches(2);
 * LifecycleReport wouldDo = cleanup.preview();   // what would go, and why; nothing changed
 * cleanup.execute();
 * }</pre>
 */
public final class LifecyclePlan {

  /** The work of an operation, run for real or as a preview. */
  @FunctionalInterface
  public interface Work {
    /**
     * Runs the operation.
     *
     * @param preview true to change nothing and report what would be done
     */
    LifecycleReport run(boolean preview) throws IOException;
  }

  private final String operation;
  private final Work work;

  private LifecyclePlan(String operation, Work work) {
    this.operation = Objects.requireNonNull(operation, "operation");
    this.work = Objects.requireNonNull(work, "work");
  }

  /** A plan of {@code work}, described as {@code operation} (e.g. {@code cleanup batch b42}). */
  public static LifecyclePlan of(String operation, Work work) {
    return new LifecyclePlan(operation, work);
  }

  /** What would be done, and why, without changing anything (a dry run). */
  public LifecycleReport preview() throws IOException {
    return work.run(true);
  }

  /** Does it. */
  public LifecycleReport execute() throws IOException {
    return work.run(false);
  }

  /** The operation, as reports name it. */
  @Override
  public String toString() {
    return operation;
  }
}
