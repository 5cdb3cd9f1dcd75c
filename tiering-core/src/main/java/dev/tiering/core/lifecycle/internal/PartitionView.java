package dev.tiering.core.lifecycle.internal;

import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.SnapshotExpiredException;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reader sees of one partition (or unpartitioned table) directory while compactions run: its
 * visible data files, minus those a compaction journal hides (see {@link
 * CompactionJournal#hiddenFromReaders()}), taken at one consistent moment.
 *
 * <p>The rule: list the directory and read its journals, list it again for the files and open them,
 * then list it a third time; the view holds only if all three listings show the same epoch markers
 * (see {@link CompactionJournal#advanceEpoch}), else it is taken again. A compaction saves each new
 * journal state, then advances the epoch, and only then makes the file changes that only the new
 * state hides (publishing outputs, deleting inputs). A reader that read the older state and listed
 * files changed under the newer one therefore saw the epoch move between its first and its last
 * listing: a view that held never mixes the files of one state with the journal of another, and
 * every committed row is seen exactly once. (The third listing is needed because a directory
 * listing is not atomic: it may show a marker renamed during it under its old name.) A journal that
 * vanishes between listing and reading (its compaction finished) also makes the view be taken
 * again.
 *
 * <p>A view is also taken as of a table snapshot: the files of commits after it (their number is in
 * their names, see {@link PathResolver#commitOf}) are left out, so that a write being published, or
 * published after a scan began, is seen by that scan not at all rather than in part. Thread-safe
 * (it keeps no state).
 */
public final class PartitionView {

  /** A snapshot that shows every published file, whatever its commit. */
  public static final long ALL = Long.MAX_VALUE;

  private static final int ATTEMPTS = 100;
  private static final Logger log = LoggerFactory.getLogger(PartitionView.class);

  private PartitionView() {}

  /** Opens the files of a view; what it opened is handed back to discard if the view changed. */
  @FunctionalInterface
  public interface Opener<T> {
    /**
     * Opens (pins) the visible data files.
     *
     * @param visible the view's data files, by name
     * @return what was opened, returned by {@link PartitionView#open} if the view holds
     * @throws NoSuchFileException if a file went away before it was opened: the view is retaken
     * @throws IOException if a file cannot be opened for another reason; the view is abandoned
     */
    T open(List<FileEntry> visible) throws IOException;
  }

  /** Releases what an {@link Opener} opened for a view that did not hold. */
  @FunctionalInterface
  public interface Discarder<T> {
    /**
     * Releases {@code opened}.
     *
     * @param opened what the opener returned
     * @throws IOException if it cannot be released; the view is abandoned
     */
    void discard(T opened) throws IOException;
  }

  /**
   * {@return whether readers read this file: a visible regular {@code *.parquet} file}
   *
   * @param entry a directory entry
   */
  public static boolean isDataFile(FileEntry entry) {
    return entry.isFile() && entry.name().endsWith(".parquet") && !entry.name().startsWith(".");
  }

  /**
   * {@return the visible data files of {@code dir} of commits up to {@code snapshot}, by name, at
   * one consistent moment}
   *
   * @param storage the storage of the table
   * @param dir a partition directory, or an unpartitioned table's directory
   * @param snapshot the newest commit to show, or {@link #ALL} for every one
   * @throws IOException if the view kept changing for a hundred attempts, or a journal in it cannot
   *     be trusted
   * @throws SnapshotExpiredException if a compaction merged commits after {@code snapshot} with
   *     earlier ones in this directory since the snapshot was taken
   */
  public static List<FileEntry> files(Storage storage, Path dir, long snapshot) throws IOException {
    return open(storage, dir, snapshot, visible -> visible, visible -> {});
  }

  /**
   * Opens the visible data files of {@code dir} of commits up to {@code snapshot} at one consistent
   * moment.
   *
   * @param <T> what the opener returns, e.g. open readers
   * @param storage the storage of the table
   * @param dir a partition directory, or an unpartitioned table's directory
   * @param snapshot the newest commit to show, or {@link #ALL} for every one
   * @param opener opens the view's files; called again each time the view is retaken
   * @param discarder releases what the opener opened for a view that did not hold
   * @return what the opener opened for the view that held
   * @throws IOException if the view kept changing for a hundred attempts (a compaction looping on
   *     the partition), or a journal in it cannot be trusted
   * @throws SnapshotExpiredException if a compaction merged commits after {@code snapshot} with
   *     earlier ones in this directory since the snapshot was taken
   */
  public static <T> T open(
      Storage storage, Path dir, long snapshot, Opener<T> opener, Discarder<T> discarder)
      throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      List<FileEntry> first = storage.list(dir);
      Set<String> hidden = new HashSet<>();
      try {
        for (FileEntry entry : first) {
          if (entry.isFile() && CompactionJournal.isJournal(entry.name())) {
            hidden.addAll(CompactionJournal.read(storage, entry.path()).hiddenFromReaders());
          }
        }
        List<FileEntry> second = storage.list(dir);
        List<String> epoch = CompactionJournal.epochs(first);
        if (epoch.equals(CompactionJournal.epochs(second))) {
          List<FileEntry> visible = new ArrayList<>();
          for (FileEntry entry : second) {
            if (isDataFile(entry) && !hidden.contains(entry.name())) {
              long commit = PathResolver.commitOf(entry.name());
              if (commit <= snapshot) {
                visible.add(entry);
              } else if (PathResolver.isCompactedName(entry.name())) {
                throw new SnapshotExpiredException(dir, snapshot, entry.path());
              }
            } else if (entry.type() == FileEntry.Type.SYMLINK) {
              log.warn(
                  "Skipping symbolic link {}: the SDK never reads through links", entry.path());
            }
          }
          T opened = opener.open(visible);
          if (epoch.equals(CompactionJournal.epochs(storage.list(dir)))) {
            return opened;
          }
          discarder.discard(opened);
        }
      } catch (NoSuchFileException changed) {
        last = changed;
      }
      log.debug("Partition {} changed while it was read; reading it again", dir);
      pause(attempt);
    }
    throw new IOException(
        "Cannot read "
            + dir
            + ": a compaction changed it "
            + ATTEMPTS
            + " times while it was being read (is one looping on it?)",
        last);
  }

  /** Backs off a little, so that a compaction mid-step can finish the step. */
  private static void pause(int attempt) throws IOException {
    if (attempt < 3) {
      return;
    }
    try {
      Thread.sleep(Math.min(50, attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("Interrupted while reading a partition");
    }
  }
}
