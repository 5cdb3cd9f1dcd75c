package dev.tiering.core.metrics;

import java.util.Objects;

/**
 * An operation that failed with an exception; the caller got the exception too.
 *
 * @param operation what failed: {@code staging write}, {@code lake commit}, {@code health check},
 *     or a lifecycle operation's {@link LifecycleCompleted.Operation#label() label}
 * @param kind the kind of error: the exception's simple class name, e.g. {@code TierFullException}
 *     or {@code FileAlreadyExistsException}
 */
public record OperationFailed(String operation, String kind) {

  /**
   * Checks the components.
   *
   * @param operation not null
   * @param kind not null
   */
  public OperationFailed {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(kind, "kind");
  }

  /**
   * {@return the failure of {@code operation} with {@code error}, of the error's kind}
   *
   * @param operation what failed
   * @param error the exception it failed with
   */
  public static OperationFailed of(String operation, Throwable error) {
    return new OperationFailed(operation, error.getClass().getSimpleName());
  }
}
