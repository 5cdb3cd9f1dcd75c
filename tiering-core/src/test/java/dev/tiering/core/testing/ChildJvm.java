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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A test JVM started from this test's class path: lines can be sent to its stdin and awaited on its
 * stdout. Closing kills it with SIGKILL ({@link Process#destroyForcibly()} on Linux) and reaps it,
 * so no child outlives a failing test.
 */
public final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Writer stdin;
  private final Thread reader;
  private final List<String> lines = new ArrayList<>();

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                  }
                }
              } catch (IOException ignored) {
                // The pipe closes when the child dies.
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
    return new ChildJvm(main.getSimpleName() + String.join(" ", args), process);
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

  /** Waits for the child to exit on its own. */
  public int waitFor(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + timeoutMillis + " ms");
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /** Everything the child printed so far. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** Kills the child (SIGKILL) and reaps it; returns its exit value. */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError(name + " survived SIGKILL for 30 s");
    }
    reader.join(10_000);
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
