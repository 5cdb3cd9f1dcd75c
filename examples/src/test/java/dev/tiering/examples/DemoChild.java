package dev.tiering.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * {@code tiering demo --run ID} in a child JVM, its progress on stdout: what a test kills. With a
 * pause line, the child prints {@code PAUSED} when its progress reaches that line and waits on
 * stdin, so that the test kills it exactly there.
 *
 * <p>Arguments: root, run id, batches, SLMs, rows per SLM, and optionally the line to pause at.
 */
public final class DemoChild {

  private DemoChild() {}

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    String pauseAt = args.length > 5 ? args[5] : null;
    PrintStream progress =
        new PrintStream(System.out, true) {
          @Override
          public void println(String line) {
            super.println(line);
            if (line.equals(pauseAt)) {
              super.println("PAUSED");
              try {
                System.in.read();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          }
        };
    DemoPipeline.run(
        new DemoPipeline.Options(
            Path.of(args[0]),
            Integer.parseInt(args[2]),
            Integer.parseInt(args[3]),
            Integer.parseInt(args[4]),
            args[1]),
        new PrintWriter(new StringWriter()),
        progress);
    System.out.println("DONE");
  }
}
