package dev.tiering.cli;

import dev.tiering.core.lifecycle.LifecycleReport;
import java.io.PrintWriter;

/** Prints lifecycle reports the same way for every command. */
final class Reports {

  private Reports() {}

  /**
   * Prints the summary, every action when {@code verbose} (or for a dry run), and every failure.
   *
   * @return the exit code: 0 if nothing failed, 1 otherwise
   */
  /** Previews the plan ({@code --dry-run}) or executes it. */
  static dev.tiering.core.lifecycle.LifecycleReport run(
      dev.tiering.core.lifecycle.LifecyclePlan plan, boolean dryRun) throws java.io.IOException {
    return dryRun ? plan.preview() : plan.execute();
  }

  static int print(PrintWriter out, LifecycleReport report, boolean verbose) {
    report.lines(verbose).forEach(out::println);
    out.flush();
    return report.ok() ? 0 : 1;
  }

  /**
   * The line for a table an operation failed on as a whole: the operation, and the path with the
   * reason in words, which a JDK file system error's own message lacks (it is often the path
   * alone).
   */
  static String failedTable(String operation, String table, Exception e) {
    return "  FAILED        "
        + table
        + ": "
        + operation
        + ": "
        + (e instanceof java.io.IOException io ? TieringCli.describe(io) : e.getMessage());
  }
}
