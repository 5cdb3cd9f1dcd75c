package dev.tiering.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a lifecycle operation did, or with {@code dryRun} would do: every action on a file or
 * directory, and every failure, which does not stop the rest.
 *
 * @param operation the operation, e.g. {@code cleanup batch b42}
 * @param dryRun true if nothing was changed
 * @param actions what was (or would be) done, in order
 * @param failures what could not be done, with why
 */
public record LifecycleReport(String operation, boolean dryRun, List<Action> actions,
    List<Failure> failures) {

  /** What was done to one path. */
  public enum Verb {
    /** Deleted. */
    DELETED,
    /** Moved to the archive. */
    ARCHIVED,
    /** Copied into the hot cache. */
    CACHED,
    /** Removed from the hot cache. */
    EVICTED,
    /** Copied into the lake. */
    INGESTED,
    /** Merged into larger files (compaction inputs). */
    COMPACTED,
    /** Written as a merge of smaller files (compaction outputs). */
    WRITTEN,
    /** Left alone, with the reason in the detail. */
    KEPT
  }

  /**
   * One action.
   *
   * @param verb what was done
   * @param path the path it was done to
   * @param bytes the bytes concerned
   * @param detail where it went, or why it was kept; may be empty
   */
  public record Action(Verb verb, Path path, long bytes, String detail) {}

  /**
   * One failure.
   *
   * @param path the path
   * @param error why, as the exception's message
   */
  public record Failure(Path path, String error) {}

  /** Checks and copies the components. */
  public LifecycleReport {
    Objects.requireNonNull(operation, "operation");
    actions = List.copyOf(actions);
    failures = List.copyOf(failures);
  }

  /** Actions of one kind. */
  public List<Action> actions(Verb verb) {
    List<Action> matching = new ArrayList<>();
    for (Action action : actions) {
      if (action.verb() == verb) {
        matching.add(action);
      }
    }
    return matching;
  }

  /** Paths that were (or would be) removed from where they were: deleted, archived, evicted, compacted. */
  public long removedFiles() {
    return actions.stream().filter(a -> a.verb() == Verb.DELETED || a.verb() == Verb.ARCHIVED
        || a.verb() == Verb.EVICTED || a.verb() == Verb.COMPACTED).count();
  }

  /** Bytes of what was (or would be) removed from where it was. */
  public long removedBytes() {
    return actions.stream().filter(a -> a.verb() == Verb.DELETED || a.verb() == Verb.ARCHIVED
        || a.verb() == Verb.EVICTED || a.verb() == Verb.COMPACTED).mapToLong(Action::bytes).sum();
  }

  /** True if nothing failed. */
  public boolean ok() {
    return failures.isEmpty();
  }

  /** One line, e.g. {@code cleanup batch b42: deleted 14 files (2.1 MB), 0 failures}. */
  public String summary() {
    return operation + (dryRun ? " (dry run, nothing changed)" : "") + ": " + removedFiles()
        + " file(s), " + removedBytes() + " bytes" + (dryRun ? " would be" : "") + " removed, "
        + actions(Verb.KEPT).size() + " kept, " + failures.size() + " failure(s)";
  }

  /** Starts collecting the actions of an operation. */
  public static Builder builder(String operation, boolean dryRun) {
    return new Builder(operation, dryRun);
  }

  /** Collects actions and failures while an operation runs; not thread-safe. */
  public static final class Builder {
    private final String operation;
    private final boolean dryRun;
    private final List<Action> actions = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    private Builder(String operation, boolean dryRun) {
      this.operation = operation;
      this.dryRun = dryRun;
    }

    /** Records an action. */
    public Builder add(Verb verb, Path path, long bytes, String detail) {
      actions.add(new Action(verb, path, bytes, detail));
      return this;
    }

    /** Records a failure. */
    public Builder fail(Path path, Exception error) {
      failures.add(new Failure(path, String.valueOf(error.getMessage())));
      return this;
    }

    /** True if nothing may be changed. */
    public boolean dryRun() {
      return dryRun;
    }

    /** The report, with its summary logged at INFO to {@code log}. */
    public LifecycleReport finish(org.slf4j.Logger log) {
      LifecycleReport report = build();
      log.info("{}", report.summary());
      return report;
    }

    /** The report so far. */
    public LifecycleReport build() {
      return new LifecycleReport(operation, dryRun, actions, failures);
    }
  }
}
