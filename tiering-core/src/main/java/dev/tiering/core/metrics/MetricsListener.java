package dev.tiering.core.metrics;

/**
 * Receives what the SDK did, as immutable events with exact figures, to count it in a metrics
 * system (the {@code tiering-micrometer} module binds it to Micrometer). Every method has a no-op
 * default, so a listener overrides only what it records. Set one on {@code Tiering.builder()} or on
 * a service's builder; without one, the SDK builds no event at all.
 *
 * <p>Events are sent after an operation succeeded (or, for {@link #operationFailed}, after it
 * failed), on the thread that ran it, so implementations must be thread-safe and quick. A listener
 * that throws (anything, Errors included) never breaks the operation: the SDK logs it at WARN and
 * goes on.
 */
public interface MetricsListener {

  /** The listener that records nothing: the default of every builder. */
  MetricsListener NONE = new MetricsListener() {};

  /**
   * A data file became visible: a staging file, or a file of a committed lake write.
   *
   * @param event where, and its rows, bytes and write time
   */
  default void filePublished(FilePublished event) {}

  /**
   * A lake write committed.
   *
   * @param event the table, its commit number, files, rows, bytes and time
   */
  default void tableCommitted(TableCommitted event) {}

  /**
   * A lifecycle operation (cleanup, cache, archive, compaction) ran for real, not as a preview.
   *
   * @param event what it did, in files and bytes per effect, and its failures
   */
  default void lifecycleCompleted(LifecycleCompleted event) {}

  /**
   * Readers asked the hot cache for lake files.
   *
   * @param event how many were served from the SSD and how many from the lake
   */
  default void cacheRead(CacheRead event) {}

  /**
   * The health checks ran.
   *
   * @param event every check's figure and level, and the tiers' usage
   */
  default void healthChecked(HealthChecked event) {}

  /**
   * An operation failed with an exception (it was thrown to the caller too).
   *
   * @param event the operation and the kind of error
   */
  default void operationFailed(OperationFailed event) {}
}
