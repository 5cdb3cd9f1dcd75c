package dev.tiering.core.lifecycle;

import dev.tiering.core.Area;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the hidden temporary files that crashed writers leave behind. A writer holds an OS lock
 * on its temporary file from the moment it creates it until it publishes or discards it, and the
 * kernel drops that lock when the writer dies: so a temporary file whose lock nobody holds is dead,
 * whatever its age, and one whose lock is held belongs to a live writer, whatever its age. The
 * grace period only covers the instant between a file's creation and its writer taking the lock.
 * Only names the SDK itself generates ({@code .<name>.<16 hex digits>.tmp}, see {@link
 * Storage#isTemporary}) are ever touched, and {@link #recover} only sweeps the SDK's own areas.
 * Writers sweep the directory they write into. Thread-safe.
 */
public final class TempFileSweeper {

  /** Default grace period of writers' own sweeps: far longer than any creation takes. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

  /**
   * Grace period of {@link #forLayout} (recovery): a temporary file is locked by its writer right
   * after it is created, so one younger than this may be a writer's that has not locked it yet.
   */
  public static final Duration RECOVERY_GRACE = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(TempFileSweeper.class);

  private final Storage storage;
  private final Duration grace;
  private final Clock clock;

  /**
   * A sweeper with the given grace period.
   *
   * @param storage the storage to sweep
   * @param grace how old a temporary file must be before it may be removed; zero or more
   * @param clock the clock that ages temporary files
   * @throws IllegalArgumentException if {@code grace} is negative
   */
  public TempFileSweeper(Storage storage, Duration grace, Clock clock) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.grace = Objects.requireNonNull(grace, "grace");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("Invalid grace period " + grace + " (use zero or more)");
    }
  }

  /** {@return a sweeper on local storage with the default grace period} */
  public static TempFileSweeper local() {
    return new TempFileSweeper(Storage.local(), DEFAULT_GRACE, Clock.systemUTC());
  }

  /**
   * {@return a recovery sweeper for both tiers of {@code layout}} It uses {@link Storage#forLayout}
   * and the {@link #RECOVERY_GRACE}.
   *
   * @param layout the tier roots
   */
  public static TempFileSweeper forLayout(TierLayout layout) {
    return new TempFileSweeper(Storage.forLayout(layout), RECOVERY_GRACE, Clock.systemUTC());
  }

  /**
   * Removes abandoned temporary files directly in {@code dir}.
   *
   * @param dir the directory to sweep; a missing one has nothing to sweep
   * @return the files removed
   * @throws IOException if the directory cannot be listed, or a file cannot be inspected or deleted
   */
  public List<Path> sweep(Path dir) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("sweep " + dir, false);
    sweep(dir, false, false, report);
    return report.build().actions(LifecycleReport.Verb.DELETED).stream()
        .map(LifecycleReport.Action::path)
        .toList();
  }

  /**
   * Removes abandoned temporary files anywhere under {@code root}, never following links.
   *
   * @param root the directory to sweep, with all below it
   * @return the files removed
   * @throws IOException if a directory cannot be listed, or a file cannot be inspected or deleted
   */
  public List<Path> sweepTree(Path root) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("sweep " + root, false);
    sweep(root, true, false, report);
    return report.build().actions(LifecycleReport.Verb.DELETED).stream()
        .map(LifecycleReport.Action::path)
        .toList();
  }

  /**
   * Removes abandoned temporary files from the SDK's areas of both tiers (staging, the clean cache,
   * and the lake's clean, archive and raw areas): nothing elsewhere under the roots, which may hold
   * other programs' files. A file or directory that fails (one root left behind, which the tiers'
   * owner may not remove) is reported with its path and reason, and the sweep goes on with the
   * rest.
   *
   * @param paths where the areas are
   * @return what it removed, every temporary file it kept, with why, and every path that failed
   * @throws IOException never for one path; only if the report itself cannot be made
   */
  public LifecycleReport recover(PathResolver paths) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("recover temporary files", false);
    for (Area area : Area.values()) {
      sweep(paths.areaRoot(area), true, true, report);
    }
    return report.finish(log);
  }

  /**
   * Sweeps {@code dir}; with {@code isolate}, a directory that cannot be listed or a file that
   * cannot be removed is a failure in the report, and the sweep goes on.
   */
  private void sweep(Path dir, boolean recurse, boolean isolate, LifecycleReport.Builder report)
      throws IOException {
    List<FileEntry> entries;
    try {
      entries = storage.list(dir);
    } catch (IOException e) {
      if (!isolate) {
        throw e;
      }
      report.fail(dir, "list the directory", e);
      return;
    }
    for (FileEntry entry : entries) {
      if (entry.isDirectory() && recurse) {
        sweep(entry.path(), true, isolate, report);
      } else if (entry.isFile() && Storage.isTemporary(entry.name())) {
        try {
          sweepFile(entry, report);
        } catch (IOException e) {
          if (!isolate) {
            throw e;
          }
          report.fail(entry.path(), "remove the abandoned temporary file", e);
        }
      }
    }
  }

  private void sweepFile(FileEntry entry, LifecycleReport.Builder report) throws IOException {
    if (!entry.modified().isBefore(clock.instant().minus(grace))) {
      report.add(
          LifecycleReport.Verb.KEPT,
          entry.path(),
          entry.size(),
          "created under " + describe(grace) + " ago: its writer may not hold its lock yet");
    } else if (storage.deleteIfAbandoned(entry.path())) {
      log.info(
          "Removed abandoned temporary file {} ({} bytes, last written {})",
          entry.path(),
          entry.size(),
          entry.modified());
      report.add(
          LifecycleReport.Verb.DELETED,
          entry.path(),
          entry.size(),
          "abandoned: no live writer holds it");
    } else if (storage.stat(entry.path()).isPresent()) {
      report.add(LifecycleReport.Verb.KEPT, entry.path(), entry.size(), "a live writer holds it");
    }
  }

  private static String describe(Duration grace) {
    return grace.toSeconds() % 60 == 0
        ? grace.toMinutes() + " minute(s)"
        : grace.toSeconds() + " second(s)";
  }
}
