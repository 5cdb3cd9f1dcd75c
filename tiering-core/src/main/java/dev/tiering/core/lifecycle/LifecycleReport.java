package dev.tiering.core.lifecycle;

import dev.tiering.core.ByteSize;
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
public record LifecycleReport(
    String operation, boolean dryRun, List<Action> actions, List<Failure> failures) {

  /** What was done to one path. */
  public enum Verb {
    /** Deleted. */
    DELETED("deleted", "would delete"),
    /** Moved to the archive. */
    ARCHIVED("archived", "would archive"),
    /** Copied into the hot cache. */
    CACHED("cached", "would cache"),
    /** Removed from the hot cache. */
    EVICTED("evicted", "would evict"),
    /** Copied into the lake. */
    INGESTED("ingested", "would ingest"),
    /** Merged into larger files (compaction inputs). */
    COMPACTED("merged", "would merge"),
    /** Written as a merge of smaller files (compaction outputs). */
    WRITTEN("wrote", "would write"),
    /** Left alone, with the reason in the detail. */
    KEPT("kept", "would keep");

    private final String done;
    private final String wouldDo;

    Verb(String done, String wouldDo) {
      this.done = done;
      this.wouldDo = wouldDo;
    }

    /**
     * {@return the verb as a report says it: {@code deleted}, or {@code would delete} for a dry
     * run}
     *
     * @param dryRun whether the report is of a dry run
     */
    public String word(boolean dryRun) {
      return dryRun ? wouldDo : done;
    }
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
   * One failure: what could not be done to which path, and why, in words.
   *
   * @param path the path
   * @param operation what could not be done to it, as a verb: {@code delete}, {@code move to the
   *     archive}, {@code copy into the cache}, {@code read}, {@code list}, {@code lock} ...
   * @param error why, in words: the system's reason ({@code permission denied}, {@code no such file
   *     or directory}, {@code operation not permitted} ...) or the SDK's own sentence; never just
   *     the path again
   */
  public record Failure(Path path, String operation, String error) {

    /**
     * Checks the components.
     *
     * @param path the path; not null
     * @param operation what could not be done; not null
     * @param error why; not null
     */
    public Failure {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(error, "error");
    }

    /**
     * {@return a failure to {@code operation} {@code path}, with the exception's reason in words}
     *
     * @param path the path that could not be handled
     * @param operation what could not be done to it, as a verb
     * @param error what went wrong
     */
    public static Failure of(Path path, String operation, Throwable error) {
      return new Failure(path, operation, reason(path, error));
    }

    /**
     * {@return the failure as one line after its path, e.g. {@code cannot delete: permission
     * denied}}
     */
    public String describe() {
      return "cannot " + operation + ": " + error;
    }

    /**
     * The reason of {@code error} in words, without repeating {@code path}: the kind of a file
     * system error ({@code permission denied}) with the system's own reason (errno text) or the
     * SDK's sentence, and the other file involved if there is one.
     */
    static String reason(Path path, Throwable error) {
      Throwable e =
          error instanceof java.io.UncheckedIOException && error.getCause() != null
              ? error.getCause()
              : error;
      if (e instanceof java.nio.file.FileSystemException fs) {
        String kind = kindOf(fs);
        String why = fs.getReason() == null ? null : lowerFirst(fs.getReason().strip());
        String text =
            kind == null
                ? why == null ? "input/output error" : why
                : why == null || why.equalsIgnoreCase(kind) ? kind : kind + " (" + why + ")";
        StringBuilder line = new StringBuilder(text);
        String file = fs.getFile();
        if (file != null && !file.equals(path.toString())) {
          line.append(" (").append(file).append(')');
        }
        String other = fs.getOtherFile();
        if (other != null && !other.equals(path.toString()) && !other.equals(file)) {
          line.append(" (with ").append(other).append(')');
        }
        return line.toString();
      }
      String message = e.getMessage();
      String name = path.toString();
      if (message == null || message.isBlank() || message.strip().equals(name)) {
        return e instanceof java.io.EOFException
            ? "unexpected end of file"
            : e instanceof java.io.IOException
                ? "input/output error (" + e.getClass().getSimpleName() + ")"
                : e.getClass().getSimpleName();
      }
      return message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message;
    }

    private static String kindOf(java.nio.file.FileSystemException e) {
      if (e instanceof java.nio.file.AccessDeniedException) {
        return "permission denied";
      } else if (e instanceof java.nio.file.NoSuchFileException) {
        return "no such file or directory";
      } else if (e instanceof java.nio.file.DirectoryNotEmptyException) {
        return "directory not empty";
      } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
        return "already exists";
      } else if (e instanceof java.nio.file.NotDirectoryException) {
        return "not a directory";
      } else if (e instanceof java.nio.file.AtomicMoveNotSupportedException) {
        return "cannot be moved there in one step (another file system)";
      } else if (e instanceof java.nio.file.FileSystemLoopException) {
        return "a loop of symbolic links";
      } else if (e instanceof java.nio.file.NotLinkException) {
        return "not a symbolic link";
      }
      return null;
    }

    /** {@code Operation not permitted} as {@code operation not permitted}; {@code FIFO} stays. */
    private static String lowerFirst(String text) {
      return text.length() > 1
              && Character.isUpperCase(text.charAt(0))
              && Character.isLowerCase(text.charAt(1))
          ? Character.toLowerCase(text.charAt(0)) + text.substring(1)
          : text;
    }
  }

  /**
   * Checks and copies the components.
   *
   * @param operation the operation; not null
   * @param dryRun true if nothing was changed
   * @param actions what was (or would be) done, copied
   * @param failures what could not be done, copied
   */
  public LifecycleReport {
    Objects.requireNonNull(operation, "operation");
    actions = List.copyOf(actions);
    failures = List.copyOf(failures);
  }

  /**
   * {@return the actions of one kind, in order}
   *
   * @param verb the kind of action
   */
  public List<Action> actions(Verb verb) {
    List<Action> matching = new ArrayList<>();
    for (Action action : actions) {
      if (action.verb() == verb) {
        matching.add(action);
      }
    }
    return matching;
  }

  /**
   * {@return the number of paths that were (or would be) removed from where they were} That is
   * deleted, archived, evicted and compacted ones.
   */
  public long removedFiles() {
    return actions.stream()
        .filter(
            a ->
                a.verb() == Verb.DELETED
                    || a.verb() == Verb.ARCHIVED
                    || a.verb() == Verb.EVICTED
                    || a.verb() == Verb.COMPACTED)
        .count();
  }

  /** {@return the bytes of what was (or would be) removed from where it was} */
  public long removedBytes() {
    return actions.stream()
        .filter(
            a ->
                a.verb() == Verb.DELETED
                    || a.verb() == Verb.ARCHIVED
                    || a.verb() == Verb.EVICTED
                    || a.verb() == Verb.COMPACTED)
        .mapToLong(Action::bytes)
        .sum();
  }

  /** {@return whether nothing failed} */
  public boolean ok() {
    return failures.isEmpty();
  }

  /**
   * {@return one line that counts what this report's own process did, in the words of the
   * operation} For example {@code cleanup batch b42: deleted 14 file(s) (2.1 MiB), kept 2, 0
   * failure(s)}, or for a dry run {@code ... (dry run, nothing changed): would delete 14 file(s)
   * (2.1 MiB), ...}.
   */
  public String summary() {
    StringBuilder line =
        new StringBuilder(operation).append(dryRun ? " (dry run, nothing changed): " : ": ");
    for (Verb verb : Verb.values()) {
      List<Action> done = actions(verb);
      if (done.isEmpty()) {
        continue;
      }
      line.append(verb.word(dryRun)).append(' ').append(done.size());
      if (verb != Verb.KEPT) {
        line.append(" file(s) (")
            .append(ByteSize.of(done.stream().mapToLong(Action::bytes).sum()))
            .append(')');
      }
      line.append(", ");
    }
    if (actions.isEmpty()) {
      line.append("nothing to do, ");
    }
    return line.append(failures.size()).append(" failure(s)").toString();
  }

  /**
   * {@return the report as the command line prints it: a line per action when {@code verbose} (and
   * always for a dry run), a line per failure, then the summary} Every path and detail is made
   * printable (see {@link dev.tiering.core.internal.NameRules#printable}): a name read from disk
   * can neither forge nor erase a line.
   *
   * @param verbose whether to list every action of an execution
   */
  public List<String> lines(boolean verbose) {
    List<String> lines = new ArrayList<>();
    if (verbose || dryRun) {
      for (Action action : actions) {
        lines.add(
            printable(
                String.format(
                    java.util.Locale.ROOT,
                    "  %-13s %s (%d bytes)%s",
                    action.verb().word(dryRun),
                    action.path(),
                    action.bytes(),
                    action.detail().isEmpty() ? "" : ": " + action.detail())));
      }
    }
    for (Failure failure : failures) {
      lines.add(
          printable(
              String.format(
                  java.util.Locale.ROOT,
                  "  %-13s %s: %s",
                  "FAILED",
                  failure.path(),
                  failure.describe())));
    }
    lines.add(printable(summary()));
    return lines;
  }

  private static String printable(String text) {
    return dev.tiering.core.internal.NameRules.printable(text);
  }

  /**
   * Starts collecting the actions of an operation.
   *
   * @param operation the operation, e.g. {@code cleanup batch b42}
   * @param dryRun true if nothing may be changed
   * @return an empty builder
   */
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

    /**
     * Records an action.
     *
     * @param verb what was done
     * @param path the path it was done to
     * @param bytes the bytes concerned
     * @param detail where it went, or why it was kept; may be empty
     * @return this builder
     */
    public Builder add(Verb verb, Path path, long bytes, String detail) {
      actions.add(new Action(verb, path, bytes, detail));
      return this;
    }

    /**
     * Records a failure, with the reason in words (see {@link Failure#of}).
     *
     * @param path the path that could not be handled
     * @param operation what could not be done to it, as a verb, e.g. {@code delete}
     * @param error what went wrong
     * @return this builder
     */
    public Builder fail(Path path, String operation, Exception error) {
      failures.add(Failure.of(path, operation, error));
      return this;
    }

    /** {@return whether nothing may be changed} */
    public boolean dryRun() {
      return dryRun;
    }

    /**
     * {@return the report, with its summary logged at INFO to {@code log}}
     *
     * @param log where the summary goes
     */
    public LifecycleReport finish(org.slf4j.Logger log) {
      LifecycleReport report = build();
      log.info("{}", report.summary());
      return report;
    }

    /** {@return the report so far} */
    public LifecycleReport build() {
      return new LifecycleReport(operation, dryRun, actions, failures);
    }
  }
}
