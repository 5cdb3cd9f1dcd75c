package dev.tiering.parquet;

import java.util.List;

/** Runs a {@link ChildJvm} until it is ready, lets it work for a while, then kills it. */
final class KilledChild {

  private KilledChild() {}

  /** What the child printed before it died. */
  record Output(List<String> lines) {}

  /**
   * Starts {@code main} with {@code args}, waits for it to print {@code ready}, lets it run for
   * {@code runMillis}, then kills it with SIGKILL.
   *
   * @throws AssertionError if the child failed on its own before the kill
   */
  static Output runAndKill(Class<?> main, long runMillis, String... args) throws Exception {
    int exit;
    try (ChildJvm child = ChildJvm.start(main, args)) {
      child.await("ready"::equals, 60_000);
      Thread.sleep(runMillis);
      exit = child.kill();
      if (exit != 137) {
        throw new AssertionError(main.getSimpleName() + " exited on its own (exit " + exit
            + ") before it was killed: " + child.lines());
      }
      return new Output(child.lines());
    }
  }
}
