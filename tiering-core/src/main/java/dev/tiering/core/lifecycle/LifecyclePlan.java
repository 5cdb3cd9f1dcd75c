package dev.tiering.core.lifecycle;

import dev.tiering.core.metrics.LifecycleCompleted;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.OperationFailed;
import dev.tiering.core.metrics.internal.GuardedListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
  private final LifecycleCompleted.Operation kind;
  private final MetricsListener listener;

  private LifecyclePlan(
      String operation, Work work, LifecycleCompleted.Operation kind, MetricsListener listener) {
    this.operation = Objects.requireNonNull(operation, "operation");
    this.work = Objects.requireNonNull(work, "work");
    this.kind = kind;
    this.listener = listener;
  }

  /**
   * {@return a plan of {@code work}, described as {@code operation}}
   *
   * @param operation the operation as reports name it, e.g. {@code cleanup batch b42}
   * @param work what the operation does, run for real or as a preview
   */
  public static LifecyclePlan of(String operation, Work work) {
    return new LifecyclePlan(operation, work, null, MetricsListener.NONE);
  }

  /**
   * {@return this plan, sending what each {@link #execute()} did to {@code listener}} A preview
   * sends nothing; an execution that throws sends an {@link OperationFailed}.
   *
   * @param operation which operation this is, for the listener
   * @param listener where the result goes; {@link MetricsListener#NONE} for nowhere
   */
  public LifecyclePlan reportingTo(
      LifecycleCompleted.Operation operation, MetricsListener listener) {
    return new LifecyclePlan(
        this.operation,
        work,
        Objects.requireNonNull(operation, "operation"),
        GuardedListener.of(listener));
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
    if (!GuardedListener.enabled(listener)) {
      return work.run(false);
    }
    long started = System.nanoTime();
    LifecycleReport report;
    try {
      report = work.run(false);
    } catch (IOException | RuntimeException e) {
      listener.operationFailed(OperationFailed.of(kind.label(), e));
      throw e;
    }
    listener.lifecycleCompleted(
        completed(kind, report, Duration.ofNanos(System.nanoTime() - started)));
    return report;
  }

  /** The report's counts as an event: kept files are not counted, the rest by effect. */
  static LifecycleCompleted completed(
      LifecycleCompleted.Operation kind, LifecycleReport report, Duration duration) {
    Map<LifecycleCompleted.Effect, long[]> totals = new EnumMap<>(LifecycleCompleted.Effect.class);
    for (LifecycleReport.Action action : report.actions()) {
      LifecycleCompleted.Effect effect =
          switch (action.verb()) {
            case DELETED -> LifecycleCompleted.Effect.DELETED;
            case ARCHIVED -> LifecycleCompleted.Effect.ARCHIVED;
            case CACHED -> LifecycleCompleted.Effect.CACHED;
            case EVICTED -> LifecycleCompleted.Effect.EVICTED;
            case INGESTED -> LifecycleCompleted.Effect.INGESTED;
            case COMPACTED -> LifecycleCompleted.Effect.MERGED;
            case WRITTEN -> LifecycleCompleted.Effect.WRITTEN;
            case KEPT -> null;
          };
      if (effect != null) {
        long[] sum = totals.computeIfAbsent(effect, e -> new long[2]);
        sum[0]++;
        sum[1] += action.bytes();
      }
    }
    List<LifecycleCompleted.Outcome> outcomes = new ArrayList<>();
    totals.forEach((e, sum) -> outcomes.add(new LifecycleCompleted.Outcome(e, sum[0], sum[1])));
    return new LifecycleCompleted(
        kind, report.operation(), outcomes, report.failures().size(), duration);
  }

  /** The operation, as reports name it. */
  @Override
  public String toString() {
    return operation;
  }
}
