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
     * @return what was done, or would be done, and what failed
     * @throws IOException if the operation cannot go on at all, e.g. a directory it must list
     *     cannot be read; failures on single files are reported instead
     */
    LifecycleReport run(boolean preview) throws IOException;
  }

  private final String operation;
  private final Work work;

  private LifecyclePlan(String operation, Work work) {
    this.operation = Objects.requireNonNull(operation, "operation");
    this.work = Objects.requireNonNull(work, "work");
  }

  /**
   * {@return a plan of {@code work}, described as {@code operation}}
   *
   * @param operation the operation as reports name it, e.g. {@code cleanup batch b42}
   * @param work what the operation does, run for real or as a preview
   */
  public static LifecyclePlan of(String operation, Work work) {
    return new LifecyclePlan(operation, work);
  }

  /**
   * {@return what would be done, and why, without changing anything (a dry run)}
   *
   * @throws IOException if the operation cannot look at the disk, e.g. a directory cannot be read
   */
  public LifecycleReport preview() throws IOException {
    return work.run(true);
  }

  /**
   * Does it.
   *
   * @return what was done, and what failed; failures on single files do not stop the rest
   * @throws IOException if the operation cannot go on at all, e.g. a directory cannot be read
   */
  public LifecycleReport execute() throws IOException {
    return work.run(false);
  }

  /** The operation, as reports name it. */
  @Override
  public String toString() {
    return operation;
  }
}
