package dev.tiering.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test JVM started from this test's class path: lines can be sent to its stdin and awaited on its
 * stdout. Closing kills it with SIGKILL and reaps it, so no child outlives a failing test.
 *
 * <p>A kill never loses what the child printed: everything it wrote to stdout before it died is in
 * {@link #lines()} once {@link #kill()} returns. {@link Process#destroyForcibly()} would not do: it
 * also closes the parent's end of the pipe, so the lines the reader thread had not reached yet
 * (under load, the last few) were dropped, and a crash test's ledger missed the child's last
 * commits. The kill goes through the process handle, which only signals, and the reader is joined
 * until it has read the pipe to its end.
 */
public final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final Thread reader;
  private final List<String> lines = new ArrayList<>();
  private volatile Exception failure;

  /** Open while reading is held back (see {@link #startPaused}); the reader waits on it. */
  private final CountDownLatch gate;

  private ChildJvm(String name, Process process, CountDownLatch gate) {
    this.name = name;
    this.process = process;
    this.gate = gate;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  gate.await();
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException | InterruptedException e) {
                // Only the child's death ends the pipe, and then readLine() returns null: an
                // error here means lines may be missing, which kill() reports.
                failure = e;
              }
            },
            name + "-stdout");
    reader.start();
  }

  /** Starts {@code main} with {@code args}; it inherits stderr. */
  public static ChildJvm start(Class<?> main, String... args) throws IOException {
    // A fast start matters more than peak speed in a JVM that lives a few seconds.
    return start(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"), main, args);
  }

  /** Starts {@code main} with {@code args} and the given JVM options; it inherits stderr. */
  public static ChildJvm start(List<String> jvmOptions, Class<?> main, String... args)
      throws IOException {
    return start(java.util.Map.of(), jvmOptions, main, args);
  }

  /** As {@link #start(List, Class, String...)}, with these environment variables added. */
  public static ChildJvm start(
      java.util.Map<String, String> environment,
      List<String> jvmOptions,
      Class<?> main,
      String... args)
      throws IOException {
    return start(environment, jvmOptions, new CountDownLatch(0), main, args);
  }

  private static ChildJvm start(
      java.util.Map<String, String> environment,
      List<String> jvmOptions,
      CountDownLatch gate,
      Class<?> main,
      String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(environment);
    Process process = builder.start();
    return new ChildJvm(main.getSimpleName() + String.join(" ", args), process, gate);
  }

  /** Sends one line to the child's stdin. */
  public void send(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  /**
   * Waits until the child printed a line matching {@code wanted}.
   *
   * @throws AssertionError if the child dies or the time runs out first
   */
  public String await(Predicate<String> wanted, long timeoutMillis) throws InterruptedException {
    return awaitCount(wanted, 1, timeoutMillis);
  }

  /**
   * Waits until the child printed {@code count} lines matching {@code wanted}; returns the last.
   *
   * @throws AssertionError if the child dies or the time runs out first
   */
  public String awaitCount(Predicate<String> wanted, int count, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    synchronized (lines) {
      int seen = 0;
      int matched = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (wanted.test(lines.get(seen)) && ++matched == count) {
            return lines.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
          throw new AssertionError(
              name
                  + " did not print what was awaited (alive: "
                  + process.isAlive()
                  + "); it printed "
                  + lines);
        }
        lines.wait(Math.max(1, Math.min(50, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
  }

  /**
   * Waits for the child to exit on its own, and reads what it printed to the end.
   *
   * @throws AssertionError if it does not exit in time, or its output cannot be read to the end
   */
  public int waitFor(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeoutMillis + " ms");
    }
    readToEnd();
    return process.exitValue();
  }

  /** Everything the child printed so far. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /**
   * Starts {@code main} with its output held back until {@link #resumeReading()}: lines it prints
   * meanwhile stay in the pipe. For tests of this class: a reader that lags behind its child.
   */
  static ChildJvm startPaused(Class<?> main, String... args) throws IOException {
    return start(java.util.Map.of(), List.of("-Xmx64m"), new CountDownLatch(1), main, args);
  }

  /** Lets the reader of a child {@link #startPaused started paused} go on. */
  void resumeReading() {
    gate.countDown();
  }

  /**
   * Kills the child (SIGKILL), reaps it and reads what it printed to the end; returns its exit
   * value.
   *
   * @throws AssertionError if the child outlives the signal, or its output cannot be read to the
   *     end within a minute: a crash test's ledger would then miss what the child did last
   */
  public int kill() throws InterruptedException {
    signalAndReap();
    readToEnd();
    return process.exitValue();
  }

  /** Waits for the reader to reach the end of the dead child's output. */
  private void readToEnd() throws InterruptedException {
    reader.join(60_000);
    if (reader.isAlive() || failure != null) {
      throw new AssertionError(
          name
              + "'s output was not read to its end"
              + (failure == null ? " within 60 s" : ": " + failure),
          failure);
    }
  }

  /** The first half of {@link #kill()}: the child is dead, what it printed not yet read. */
  void signalAndReap() throws InterruptedException {
    // Through the handle: Process.destroyForcibly() would also close our end of the pipe.
    process.toHandle().destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL for 30 s");
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
