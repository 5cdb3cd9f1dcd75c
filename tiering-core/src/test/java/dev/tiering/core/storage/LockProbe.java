package dev.tiering.core.storage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another process, for lock tests: it asks the OS for the same record lock the SDK takes, so a test
 * can see what other processes see. {@code probe FILE KEY MODE} prints {@code free} or {@code
 * taken}; {@code hold FILE KEY MODE} takes the lock, prints {@code held} and keeps it until its
 * stdin closes. KEY is {@code -} for a whole-file lock; MODE is {@code shared} or {@code
 * exclusive}.
 */
public final class LockProbe {

  private LockProbe() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[1]);
    long position = args[2].equals("-") ? 0 : ProcessLocks.position(args[2]);
    long size = args[2].equals("-") ? Long.MAX_VALUE : 1;
    boolean shared = args[3].equals("shared");
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (args[0].equals("probe")) {
        FileLock lock = channel.tryLock(position, size, shared);
        System.out.println(lock == null ? "taken" : "free");
        return;
      }
      FileLock lock = channel.lock(position, size, shared);
      System.out.println("held");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      lock.release();
    }
  }

  /** Runs a probe in a new JVM and returns what it printed: {@code free} or {@code taken}. */
  public static String probe(Path file, String key, LockMode mode) throws Exception {
    Process process = start("probe", file, key, mode);
    try {
      String answer =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError("Lock probe failed: " + answer);
      }
      return answer;
    } finally {
      process.destroyForcibly();
    }
  }

  /** Starts a JVM that holds the lock until the returned process's stdin is closed. */
  public static Process hold(Path file, String key, LockMode mode) throws Exception {
    Process process = start("hold", file, key, mode);
    String line =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    if (!"held".equals(line)) {
      process.destroyForcibly();
      throw new AssertionError("Lock holder did not take the lock: " + line);
    }
    return process;
  }

  private static Process start(String action, Path file, String key, LockMode mode)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                LockProbe.class.getName(),
                action,
                file.toString(),
                key,
                mode == LockMode.SHARED ? "shared" : "exclusive"));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
