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
 * _}) directories are skipped; links are never followed. What the walk passes over without reading
 * (a directory that is not a partition, such as {@code 2026/02/30} or {@code abc}, a file outside
 * the partitions) is found by {@link #strays}, for reports. Thread-safe.
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

  /**
   * {@return whether {@code dir} is a date partition of {@code tableDir} in any layout, as {@link
   * #partitions} finds them} Looks at the names only.
   *
   * @param tableDir the table directory
   * @param dir a directory under it
   */
  public boolean isPartition(Path tableDir, Path dir) {
    return dir.startsWith(tableDir)
        && !dir.equals(tableDir)
        && dayOf(tableDir.relativize(dir), null).isPresent();
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

  /**
   * Something in a table's directory tree that is not part of the table: never read by the SDK,
   * though an engine's {@code *.parquet} glob may read it.
   *
   * @param path where it is
   * @param reason why it is not part of the table
   */
  public record Stray(Path path, String reason) {}

  /**
   * {@return what under {@code tableDir} is not part of the table's structure, by path: directories
   * that are not partitions of {@code layout} (nor the year or month directories above them), and
   * files outside the partitions; inside each partition, entries other than regular {@code
   * *.parquet} files (a directory, a link, a FIFO, another kind of file). Hidden ({@code .}) and
   * metadata ({@code _}) entries and the table's {@code schema.json} are the table's own. Whether a
   * {@code *.parquet} file in a partition is the table's is for its reader to say (its name and
   * footer).}
   *
   * @param tableDir the table directory
   * @param layout the table's partition layout, or empty for an unpartitioned table (whose data
   *     files lie in {@code tableDir} itself)
   * @throws IOException if a directory cannot be listed
   */
  public List<Stray> strays(Path tableDir, Optional<PartitionLayout> layout) throws IOException {
    List<Stray> found = new ArrayList<>();
    if (layout.isEmpty()) {
      partitionContent(tableDir, true, found);
    } else {
      stray(tableDir, tableDir, layout.get(), found);
    }
    found.sort(java.util.Comparator.comparing(s -> s.path().toString()));
    return found;
  }

  private void stray(Path tableDir, Path dir, PartitionLayout layout, List<Stray> found)
      throws IOException {
    List<String> levels = levels(layout);
    for (FileEntry entry : storage.list(dir)) {
      String name = entry.name();
      if (name.startsWith(".") || name.startsWith("_") || isSidecar(tableDir, entry)) {
        continue;
      }
      Path relative = tableDir.relativize(entry.path());
      int depth = relative.getNameCount();
      if (!entry.isDirectory()) {
        found.add(new Stray(entry.path(), kind(entry) + " outside the partitions"));
      } else if (!name.matches(levels.get(depth - 1))) {
        found.add(
            new Stray(
                entry.path(),
                "not a partition directory of the table's layout (" + pattern(layout) + ")"));
      } else if (depth < levels.size()) {
        stray(tableDir, entry.path(), layout, found);
      } else if (paths.partitionDate(relative, layout).isPresent()) {
        partitionContent(entry.path(), false, found);
      } else {
        found.add(
            new Stray(entry.path(), "not a partition directory: " + relative + " is not a date"));
      }
    }
  }

  /** Entries of a partition (or unpartitioned table) directory that no data file can be. */
  private void partitionContent(Path dir, boolean tableDir, List<Stray> found) throws IOException {
    for (FileEntry entry : storage.list(dir)) {
      String name = entry.name();
      if (name.startsWith(".")
          || (tableDir && (name.startsWith("_") || isSidecar(dir, entry)))
          || (entry.isFile() && name.endsWith(".parquet"))) {
        continue;
      }
      found.add(
          new Stray(
              entry.path(),
              entry.isFile()
                  ? "not a Parquet data file (*.parquet)"
                  : kind(entry) + " inside " + (tableDir ? "the table" : "a partition")));
    }
  }

  private static boolean isSidecar(Path tableDir, FileEntry entry) {
    return entry.isFile() && entry.path().equals(tableDir.resolve("schema.json"));
  }

  /** An entry's kind in words. */
  private static String kind(FileEntry entry) {
    return entry.type() == FileEntry.Type.SYMLINK
        ? "a symbolic link (never followed)"
        : entry.type() == FileEntry.Type.FILE ? "a file" : entry.type().inWords();
  }

  /** The name patterns of a layout's directory levels, from the table directory down. */
  private static List<String> levels(PartitionLayout layout) {
    return switch (layout) {
      case DATE_PATH -> List.of("[0-9]{4}", "(0[1-9]|1[0-2])", "[0-9]{2}");
      case HIVE_DATE -> List.of("date=[0-9]{4}-[0-9]{2}-[0-9]{2}");
      case HIVE_YEAR_MONTH_DAY -> List.of("year=[0-9]{4}", "month=(0[1-9]|1[0-2])", "day=[0-9]{2}");
    };
  }

  private static String pattern(PartitionLayout layout) {
    return switch (layout) {
      case DATE_PATH -> "yyyy/MM/dd";
      case HIVE_DATE -> "date=yyyy-MM-dd";
      case HIVE_YEAR_MONTH_DAY -> "year=yyyy/month=MM/day=dd";
    };
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
