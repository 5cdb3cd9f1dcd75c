package dev.tiering.parquet;

import dev.tiering.core.testing.ChildJvm;
import java.util.List;

/**
 * Runs a {@link ChildJvm} until it reports a chosen amount of progress, then kills it. The kill is
 * placed by the child's own progress, not by time since it started, so a slow or busy machine
 * changes only how long a run takes, never what it has done before the kill.
 */
final class KilledChild {

  private KilledChild() {}

  /** What the child printed before it died. */
  record Output(List<String> lines) {}

  /**
   * When to kill: after the child printed its {@code count}-th line starting with {@code event},
   * plus {@code delayMillis}.
   */
  record Kill(String event, int count, long delayMillis) {
    @Override
    public String toString() {
      return "kill after " + event + " #" + count + " + " + delayMillis + " ms";
    }
  }

  /**
   * Starts {@code main} with {@code args}, waits for the progress {@code kill} names, then kills it
   * with SIGKILL after the kill's delay. The delay only spreads where in the child's next step the
   * kill lands; what must be visible afterwards follows from what the child reported, whatever the
   * timing.
   *
   * @throws AssertionError if the child failed on its own before the kill, or made no progress for
   *     three minutes
   */
  static Output runAndKill(Class<?> main, Kill kill, String... args) throws Exception {
    int exit;
    try (ChildJvm child = ChildJvm.start(main, args)) {
      child.awaitCount(line -> line.startsWith(kill.event()), kill.count(), 180_000);
      Thread.sleep(kill.delayMillis());
      exit = child.kill();
      if (exit != 137) {
        throw new AssertionError(
            main.getSimpleName()
                + " exited on its own (exit "
                + exit
                + ") before it was killed: "
                + child.lines());
      }
      return new Output(child.lines());
    }
  }
}
