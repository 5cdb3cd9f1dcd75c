package dev.tiering.parquet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test JVM started from this test's class path, read line by line, and killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux). Always killed and reaped, even when the test fails.
 */
final class KilledChild {

  private KilledChild() {}

  /** What the child printed before it died. */
  record Output(List<String> lines) {}

  /**
   * Starts {@code main} with {@code args}, waits for it to print {@code ready}, lets it run for
   * {@code runMillis}, then kills it.
   */
  static Output runAndKill(Class<?> main, long runMillis, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // A fast start matters more than peak speed in a JVM that lives a second.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    List<String> lines = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
          }
          if (line.equals("ready")) {
            ready.countDown();
          }
        }
      } catch (IOException ignored) {
        // The pipe closes when the child dies.
      }
    });
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!ready.await(50, TimeUnit.MILLISECONDS)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          reader.join(5_000);
          throw new AssertionError(main.getSimpleName() + " did not start (alive: "
              + process.isAlive() + "); it printed " + lines);
        }
      }
      Thread.sleep(runMillis);
    } finally {
      process.destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("killed child did not exit");
      }
      reader.join(30_000);
    }
    if (process.exitValue() != 137 && process.exitValue() != 0) {
      throw new AssertionError(main.getSimpleName() + " failed on its own (exit "
          + process.exitValue() + ") before it was killed: " + lines);
    }
    synchronized (lines) {
      return new Output(List.copyOf(lines));
    }
  }
}
