package dev.tiering.core.lifecycle.internal;

import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the date partitions of a table directory (of any table kind): the one place that walks
 * partition trees, for readers, compaction and retention. Hidden ({@code .}) and metadata ({@code
 * _}) directories are skipped; links are never followed. Thread-safe.
 */
public final class PartitionWalker {

  /**
   * One date partition.
   *
   * @param dir its directory
   * @param day its date
   */
  public record Partition(Path dir, LocalDate day) {}

  private final PathResolver paths;
  private final Storage storage;

  /**
   * A walker over {@code storage}, parsing partition names through {@code paths}.
   *
   * @param paths the resolver that reads partition directory names
   * @param storage the storage that lists directories
   */
  public PartitionWalker(PathResolver paths, Storage storage) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage");
  }

  /**
   * {@return the partitions under {@code tableDir}, in directory order (by name at every level)}
   *
   * @param tableDir the table directory
   * @param layout the layout whose partitions to find, or null for any layout
   * @throws IOException if a directory cannot be listed
   */
  public List<Partition> partitions(Path tableDir, PartitionLayout layout) throws IOException {
    List<Partition> found = new ArrayList<>();
    collect(tableDir, tableDir, layout, found, null);
    return found;
  }

  /** What to do with a directory below the table directory that cannot be listed. */
  @FunctionalInterface
  public interface Unreadable {
    /**
     * Told of a directory the walk could not list; the walk goes on without it.
     *
     * @param dir the directory
     * @param error why it could not be listed
     */
    void skipped(Path dir, IOException error);
  }

  /**
   * {@return the partitions under {@code tableDir} that can be reached, in directory order} A
   * directory below the table directory that cannot be listed is handed to {@code unreadable} and
   * skipped, so that one unreadable directory hides only what is in it.
   *
   * @param tableDir the table directory
   * @param layout the layout whose partitions to find, or null for any layout
   * @param unreadable told of each directory below the table directory that cannot be listed
   * @throws IOException if the table directory itself cannot be listed
   */
  public List<Partition> partitions(Path tableDir, PartitionLayout layout, Unreadable unreadable)
      throws IOException {
    List<Partition> found = new ArrayList<>();
    collect(tableDir, tableDir, layout, found, Objects.requireNonNull(unreadable, "unreadable"));
    return found;
  }

  private void collect(
      Path tableDir, Path dir, PartitionLayout layout, List<Partition> found, Unreadable unreadable)
      throws IOException {
    List<FileEntry> entries;
    try {
      entries = storage.list(dir);
    } catch (IOException e) {
      if (unreadable == null || dir.equals(tableDir)) {
        throw e;
      }
      unreadable.skipped(dir, e);
      return;
    }
    for (FileEntry entry : entries) {
      if (!entry.isDirectory() || entry.name().startsWith(".") || entry.name().startsWith("_")) {
        continue;
      }
      Optional<LocalDate> day = dayOf(tableDir.relativize(entry.path()), layout);
      if (day.isPresent()) {
        found.add(new Partition(entry.path(), day.get()));
      } else {
        collect(tableDir, entry.path(), layout, found, unreadable);
      }
    }
  }

  private Optional<LocalDate> dayOf(Path relative, PartitionLayout layout) {
    if (layout != null) {
      return paths.partitionDate(relative, layout);
    }
    for (PartitionLayout any : PartitionLayout.values()) {
      Optional<LocalDate> day = paths.partitionDate(relative, any);
      if (day.isPresent()) {
        return day;
      }
    }
    return Optional.empty();
  }
}
