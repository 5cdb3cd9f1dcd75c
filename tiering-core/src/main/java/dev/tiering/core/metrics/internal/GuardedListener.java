package dev.tiering.core.metrics.internal;

import dev.tiering.core.metrics.CacheRead;
import dev.tiering.core.metrics.FilePublished;
import dev.tiering.core.metrics.HealthChecked;
import dev.tiering.core.metrics.LifecycleCompleted;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.OperationFailed;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener that passes events on and never lets the delegate's exception out: a metrics system
 * that fails must not fail the write or cleanup it reports on. Services wrap whatever listener they
 * are given once, when built. Not API.
 */
public final class GuardedListener implements MetricsListener {

  private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

  private final MetricsListener delegate;

  private GuardedListener(MetricsListener delegate) {
    this.delegate = delegate;
  }

  /**
   * {@return {@code listener}, guarded; {@link MetricsListener#NONE} and guarded listeners as they
   * are}
   *
   * @param listener the listener to guard
   */
  public static MetricsListener of(MetricsListener listener) {
    Objects.requireNonNull(listener, "listener");
    return listener == MetricsListener.NONE || listener instanceof GuardedListener
        ? listener
        : new GuardedListener(listener);
  }

  /**
   * {@return whether {@code listener} records anything} Callers skip building events (and reading
   * clocks) when it does not.
   *
   * @param listener a listener
   */
  public static boolean enabled(MetricsListener listener) {
    return listener != MetricsListener.NONE;
  }

  @Override
  public void filePublished(FilePublished event) {
    try {
      delegate.filePublished(event);
    } catch (Throwable e) {
      warn(event, e);
    }
  }

  @Override
  public void tableCommitted(dev.tiering.core.metrics.TableCommitted event) {
    try {
      delegate.tableCommitted(event);
    } catch (Throwable e) {
      warn(event, e);
    }
  }

  @Override
  public void lifecycleCompleted(LifecycleCompleted event) {
    try {
      delegate.lifecycleCompleted(event);
    } catch (Throwable e) {
      warn(event, e);
    }
  }

  @Override
  public void cacheRead(CacheRead event) {
    try {
      delegate.cacheRead(event);
    } catch (Throwable e) {
      warn(event, e);
    }
  }

  @Override
  public void healthChecked(HealthChecked event) {
    try {
      delegate.healthChecked(event);
    } catch (Throwable e) {
      warn(event, e);
    }
  }

  @Override
  public void operationFailed(OperationFailed event) {
    try {
      delegate.operationFailed(event);
    } catch (Throwable e) {
      warn(event, e);
    }
  }

  /**
   * Logs what the listener threw and swallows it, Errors included: the operation it reports on has
   * already happened, and an exception now would tell the caller it failed (a retried lake write
   * would then be written twice). An interrupt is passed on as the thread's status.
   */
  private void warn(Object event, Throwable e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    log.warn(
        "Metrics listener {} failed on {}; the operation went on unaffected",
        delegate.getClass().getName(),
        event,
        e);
  }
}
