package dev.tiering.core.lifecycle;

import dev.tiering.core.Area;
import dev.tiering.core.DataKind;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.internal.PartitionView;
import dev.tiering.core.lifecycle.internal.PartitionWalker;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.internal.GuardedListener;
import dev.tiering.core.routing.DataRef;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.Placement;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clean-data cache on the SSD ({@code <hot>/clean}): copies of frequently read lake files, kept
 * under a byte budget by evicting the least recently used. The hot tier is mounted {@code noatime}
 * (see {@code tiering doctor}), so recency cannot come from file access times: the cache keeps its
 * own access record in {@code .cache-index}, so the LRU order survives restarts. Promotes,
 * evictions and drops are saved before the lock is released; access times from reads are saved at
 * most every {@value #ACCESS_SAVE_SECONDS} seconds, so a process that exits loses at most that much
 * recency (never a copy or its accounting). Each instance keeps the parsed index while the file
 * still carries the token of its last load or save, so an operation costs the same with 100 or
 * 100,000 copies until it has to save.
 *
 * <p>A copy is published atomically and verified (size and CRC32C against the lake file) before it
 * is served; when a read finds a copy whose size no longer matches (truncated or replaced), the
 * copy is dropped and the lake file is served. {@link #verify(boolean)} rereads every copy to catch
 * same-size corruption. Changes are serialized by a lock file, across threads and processes. An
 * evicted copy can vanish between {@link #forRead} and a reader's open; readers fall back to the
 * lake file.
 */
public final class HotCache {

  /** The default byte budget: 40 GiB, the most the clean cache area is sized for. */
  public static final long DEFAULT_BUDGET = 40L * 1024 * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(HotCache.class);
  private static final String INDEX_HEADER = "tiering-cache 1";
  private static final byte[] PARQUET_MAGIC = {'P', 'A', 'R', '1'};

  /** The largest index read: about 600,000 copies. */
  private static final long MAX_INDEX_BYTES = 64L << 20;

  /** The most copies held, so that the index stays well under {@link #MAX_INDEX_BYTES}. */
  private static final int MAX_ENTRIES = 200_000;

  private static final Duration LOCK_TIMEOUT = Duration.ofMinutes(2);

  /** The checksum of an entry a preview would add: no CRC32C is -1, and its copy is not made. */
  private static final long PLANNED = -1;

  static final int ACCESS_SAVE_SECONDS = 10;

  /** A promote of many files releases the lock this often, so that readers get their turn. */
  private static final long PROMOTE_BATCH_NANOS = Duration.ofSeconds(2).toNanos();

  private final PathResolver paths;
  private final Storage storage;
  private final long budget;
  private final Clock clock;
  private final MetricsListener metrics;

  /** The index as last loaded or saved by this instance; used and changed under the lock only. */
  private volatile Loaded loaded;

  private HotCache(Builder b) {
    this.paths = b.paths;
    this.storage =
        (b.storage != null ? b.storage : Storage.forLayout(b.paths.layout()))
            .reportingFullTiers(b.paths.layout(), "cache");
    this.budget = b.budget;
    this.clock = b.clock;
    this.metrics = GuardedListener.of(b.metrics);
  }

  /**
   * {@return a builder of a cache over {@code paths}' hot clean area}
   *
   * @param paths where the cache and the lake are
   */
  public static Builder builder(PathResolver paths) {
    return new Builder(paths);
  }

  /**
   * One cached file.
   *
   * @param lakeFile the lake file it copies
   * @param cacheFile the SSD copy
   * @param bytes its size
   * @param crc32c its checksum
   * @param lastAccess when it was last promoted or read through the cache
   */
  public record Entry(Path lakeFile, Path cacheFile, long bytes, long crc32c, Instant lastAccess) {}

  /** {@return the byte budget} */
  public long budget() {
    return budget;
  }

  /**
   * {@return every entry, least recently used first} Changes nothing: the index is replaced
   * atomically, so it is read without the lock (and without creating the lock file).
   *
   * @throws IOException if the index cannot be read
   */
  public List<Entry> entries() throws IOException {
    return sorted(load().entries);
  }

  /**
   * {@return the bytes the cached copies take}
   *
   * @throws IOException if the index cannot be read
   */
  public long usedBytes() throws IOException {
    return entries().stream().mapToLong(Entry::bytes).sum();
  }

  /**
   * Copies a lake file, or every data file under a lake directory (a partition or a table), into
   * the cache, evicting least recently used copies to stay within the budget.
   *
   * @param lakePath a lake data file, partition or table directory
   * @return the plan, to preview or execute
   * @throws IllegalArgumentException if the path is not inside a lake table
   */
  public LifecyclePlan promote(Path lakePath) {
    checkCacheable(lakePath);
    return LifecyclePlan.of("cache promote " + lakePath, preview -> promote(lakePath, preview))
        .reportingTo(dev.tiering.core.metrics.LifecycleCompleted.Operation.CACHE_PROMOTE, metrics);
  }

  private LifecycleReport promote(Path lakePath, boolean dryRun) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("cache promote " + lakePath, dryRun);
    checkIndexReplaceable();
    List<FileEntry> files = new ArrayList<>();
    collect(lakePath, files, report);
    // A preview plays the promote on one copy of the index, so that what it would evict for one
    // file is not evicted again for the next, and what it would cache counts against the budget.
    Map<Path, Entry> played = dryRun ? load().entries : null;
    int next = 0;
    while (next < files.size()) {
      // A batch of files per lock: one index save per batch, and readers wait at most a batch.
      int from = next;
      Change<Integer> batch =
          index -> {
            long started = System.nanoTime();
            int at = from;
            boolean changed = false;
            do {
              FileEntry file = files.get(at++);
              try {
                changed |= promoteFile(file, index, report);
              } catch (IOException | RuntimeException e) {
                // One file's failure (it vanished in a compaction, say) must not cost the batch its
                // save: copies published before it would be left outside the index and the budget.
                report.fail(file.path(), "copy into the cache", e);
              }
            } while (at < files.size() && System.nanoTime() - started < PROMOTE_BATCH_NANOS);
            if (changed && !dryRun) {
              save(index);
            }
            return at;
          };
      next = dryRun ? batch.apply(played) : withIndex(false, batch);
    }
    return report.finish(log);
  }

  /** Refuses, before anything is planned, a path the cache never holds copies of. */
  private void checkCacheable(Path lakePath) {
    Path normalized = lakePath.toAbsolutePath().normalize();
    Path lakeClean = paths.areaRoot(Area.LAKE_CLEAN);
    if (!normalized.startsWith(lakeClean)) {
      throw new IllegalArgumentException(
          "Cannot cache "
              + lakePath
              + ": only lake clean data is"
              + " cached (use a path under "
              + lakeClean
              + ")");
    }
    paths.counterpart(normalized, DataKind.CACHE);
  }

  /**
   * Adds the files to copy for {@code lakePath}: the table's own data files as its readers read
   * them, nothing else. Readers read the visible {@code *.parquet} files directly in a partition
   * directory (or in an unpartitioned table's directory) that a commit wrote ({@link
   * PathResolver#commitOf}, the name rule the lake's readers apply first); so a file of another
   * name is foreign, and a directory inside a partition ({@code backup/}, or {@code
   * part-9.parquet/} as Spark writes) is never descended into. What is passed over is reported as
   * kept, with why; entries named like data files that are not regular files (a directory, a FIFO,
   * a link) are never copied or entered.
   */
  private void collect(Path lakePath, List<FileEntry> files, LifecycleReport.Builder report)
      throws IOException {
    Path normalized = lakePath.toAbsolutePath().normalize();
    Path lakeClean = paths.areaRoot(Area.LAKE_CLEAN);
    if (!normalized.startsWith(lakeClean)) {
      throw new IllegalArgumentException(
          "Cannot cache "
              + lakePath
              + ": only lake clean data is"
              + " cached (use a path under "
              + lakeClean
              + ")");
    }
    paths.counterpart(normalized, DataKind.CACHE);
    Path relative = lakeClean.relativize(normalized);
    Placement table =
        paths.resolve(
            DataRef.clean(
                Zone.parse(relative.getName(0).toString()),
                TableName.of(relative.getName(1).toString())));
    if (table.area() != Area.LAKE_CLEAN) {
      throw new IllegalArgumentException(
          "Cannot cache "
              + lakePath
              + ": table "
              + table.ref().zone()
              + "."
              + table.ref().table()
              + " is placed in "
              + table.area()
              + " by rule "
              + table.ruleNumber()
              + " ("
              + table.rule()
              + "), so it is on the SSD"
              + " already and its cache copies would mix with its data");
    }
    Path tableDir = lakeClean.resolve(relative.subpath(0, 2));
    FileEntry entry =
        storage
            .stat(normalized)
            .orElseThrow(
                () ->
                    new java.nio.file.NoSuchFileException(
                        lakePath.toString(), null, "nothing to cache there"));
    if (entry.type() == FileEntry.Type.SYMLINK) {
      throw new IllegalArgumentException(
          "Cannot cache "
              + lakePath
              + ": it is a symbolic link,"
              + " and the SDK never reads through links (cache the file it points to, if that is in"
              + " the lake)");
    }
    PartitionWalker walker = new PartitionWalker(paths, storage);
    if (entry.isFile()) {
      Path dir = normalized.getParent();
      if (!dir.equals(tableDir) && !walker.isPartition(tableDir, dir)) {
        notCached(
            entry,
            "it is not directly in a partition directory of its table, and readers read no other"
                + " file (move it into its partition, or out of the table)",
            report);
      } else if (!PartitionView.isDataFile(entry)) {
        notCached(entry, "it is not a data file (a visible *.parquet file)", report);
      } else {
        files.add(entry);
      }
    } else if (entry.isDirectory()) {
      // The table's own files, as its readers find them: the table directory's (an unpartitioned
      // table), then each partition's at or under the directory, and nothing deeper.
      List<Path> dirs = new ArrayList<>();
      if (normalized.equals(tableDir)) {
        dirs.add(tableDir);
      }
      if (walker.isPartition(tableDir, normalized)) {
        dirs.add(normalized);
      } else {
        for (PartitionWalker.Partition partition :
            walker.partitions(
                tableDir,
                null,
                (unlistable, e) -> {
                  // One unreadable directory hides only itself.
                  if (unlistable.startsWith(normalized) || normalized.startsWith(unlistable)) {
                    report.fail(unlistable, "list", e);
                  }
                })) {
          if (partition.dir().startsWith(normalized)) {
            dirs.add(partition.dir());
          }
        }
      }
      if (dirs.isEmpty()) {
        notCached(
            entry,
            "no partition directory of its table is at or under it, and readers read only the"
                + " files directly in those (move it out of the table)",
            report);
      }
      for (Path dir : dirs) {
        try {
          partitionFiles(dir, dir.equals(tableDir), files, report);
        } catch (IOException e) {
          report.fail(dir, "list", e);
        }
      }
    } else {
      throw new IllegalArgumentException(
          "Cannot cache "
              + lakePath
              + ": it is "
              + entry.type().inWords()
              + ", not a file or a directory of lake data");
    }
  }

  /** Why a data file no commit wrote is not cached (the words of the lake's readers' rule). */
  private static final String FOREIGN =
      "it is foreign to its table: its name has no commit number, so no commit of the table wrote"
          + " it and readers never read it (the SDK names its files part-<commit>-<uuid>.parquet)";

  /**
   * Adds the data files readers read in one partition directory (or an unpartitioned table's
   * directory): of a compaction in progress, only one side; reports what else looks like data.
   */
  private void partitionFiles(
      Path dir, boolean isTableDir, List<FileEntry> files, LifecycleReport.Builder report)
      throws IOException {
    for (FileEntry file : PartitionView.files(storage, dir, PartitionView.ALL)) {
      if (PathResolver.commitOf(file.name()) == 0) {
        notCached(file, FOREIGN, report);
      } else {
        files.add(file);
      }
    }
    for (FileEntry child : storage.list(dir)) {
      if (child.name().startsWith(".") || child.name().startsWith("_") || child.isFile()) {
        continue;
      }
      if (child.name().endsWith(".parquet")) {
        // Named like a data file, but not one: never copied, nor what is inside it.
        notCached(
            child,
            "it is "
                + child.type().inWords()
                + " named like a data file, not a file (move it out of the table)",
            report);
      } else if (!isTableDir && child.isDirectory()) {
        notCached(
            child,
            "it is a directory inside a partition, and readers never read what is in it (move it"
                + " out of the table)",
            report);
      }
    }
  }

  private static void notCached(FileEntry entry, String why, LifecycleReport.Builder report) {
    report.add(LifecycleReport.Verb.KEPT, entry.path(), entry.size(), "not cached: " + why);
  }

  /** Promotes one file into {@code index} (saved by the caller); true if the index changed. */
  private boolean promoteFile(
      FileEntry lake, Map<Path, Entry> index, LifecycleReport.Builder report) throws IOException {
    Path cacheFile = paths.counterpart(lake.path(), DataKind.CACHE);
    if (lake.size() > budget) {
      report.fail(
          lake.path(),
          "cache",
          new IllegalArgumentException(
              lake.size() + " bytes is more than the whole cache budget of " + budget + " bytes"));
      return false;
    }
    if (index.size() >= MAX_ENTRIES && !index.containsKey(lake.path())) {
      // Past this the index would outgrow what load() reads, and the cache would forget it all.
      report.fail(
          lake.path(),
          "cache",
          new IllegalStateException(
              "the cache holds "
                  + MAX_ENTRIES
                  + " copies, its most; evict some, or compact the lake into fewer, larger files"));
      return false;
    }
    String damage = parquetDamage(lake.path(), lake.size());
    if (damage != null) {
      report.fail(
          lake.path(),
          "cache",
          new IOException(damage + "; readers are told so too (check the lake file)"));
      return false;
    }
    Entry existing = index.get(lake.path());
    if (existing != null
        && existing.bytes() == lake.size()
        && storage.stat(cacheFile).map(FileEntry::size).orElse(-1L) == lake.size()) {
      report.add(LifecycleReport.Verb.KEPT, lake.path(), lake.size(), "already cached");
      index.put(lake.path(), touch(existing));
      return true;
    }
    boolean evicted = evictFor(index, lake.size(), lake.path(), report);
    if (report.dryRun()) {
      // Entered in the preview's own copy of the index: later files of the preview count it.
      index.put(
          lake.path(), new Entry(lake.path(), cacheFile, lake.size(), PLANNED, clock.instant()));
      report.add(LifecycleReport.Verb.CACHED, lake.path(), lake.size(), cacheFile.toString());
      return false;
    }
    long crc;
    try {
      crc = copyVerified(lake.path(), cacheFile, lake.size());
    } catch (IOException e) {
      report.fail(lake.path(), "copy into the cache", e);
      return evicted;
    }
    index.put(lake.path(), new Entry(lake.path(), cacheFile, lake.size(), crc, clock.instant()));
    report.add(LifecycleReport.Verb.CACHED, lake.path(), lake.size(), cacheFile.toString());
    return true;
  }

  /**
   * Evicts least recently used entries until {@code incoming} more bytes fit the budget; true if
   * any was.
   */
  private boolean evictFor(
      Map<Path, Entry> index, long incoming, Path keep, LifecycleReport.Builder report) {
    long used =
        index.values().stream()
            .filter(e -> !e.lakeFile().equals(keep))
            .mapToLong(Entry::bytes)
            .sum();
    if (used + incoming <= budget) {
      return false;
    }
    for (Entry victim : sorted(index)) {
      if (used + incoming <= budget) {
        break;
      }
      if (victim.lakeFile().equals(keep)) {
        continue;
      }
      drop(index, victim, report, "least recently used; making room");
      used -= victim.bytes();
    }
    return true;
  }

  private void drop(
      Map<Path, Entry> index, Entry entry, LifecycleReport.Builder report, String why) {
    try {
      // A preview drops the entry from its own copy of the index, as the execution would.
      boolean freed =
          report.dryRun()
              ? entry.crc32c() == PLANNED || storage.stat(entry.cacheFile()).isPresent()
              : storage.delete(entry.cacheFile());
      index.remove(entry.lakeFile());
      // Counted as freed only if this process removed the copy.
      report.add(
          LifecycleReport.Verb.EVICTED,
          entry.cacheFile(),
          freed ? entry.bytes() : 0,
          freed ? why : why + " (its copy was already gone: only its index entry removed)");
    } catch (IOException e) {
      report.fail(entry.cacheFile(), "delete", e);
    }
  }

  /** Copies through a checksum, then rereads the published copy and compares. */
  private long copyVerified(Path source, Path target, long size) throws IOException {
    CRC32C sourceCrc = new CRC32C();
    long copied = 0;
    try (InputStream in = storage.openStream(source);
        PendingFile out = storage.create(target, WriteMode.REPLACE)) {
      byte[] buffer = new byte[256 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sourceCrc.update(buffer, 0, n);
        out.stream().write(buffer, 0, n);
        copied += n;
      }
      out.commit();
    }
    long copyCrc;
    try {
      copyCrc = checksum(target);
    } catch (IOException | RuntimeException e) {
      // Published but never verified: it must not stay, unlisted, outside the budget.
      storage.delete(target);
      throw e;
    }
    if (copied != size || copyCrc != sourceCrc.getValue()) {
      storage.delete(target);
      throw new IOException(
          "Copy of "
              + source
              + " failed verification ("
              + copied
              + " of "
              + size
              + " bytes, checksum "
              + Long.toHexString(copyCrc)
              + " vs "
              + Long.toHexString(sourceCrc.getValue())
              + "); the lake file will be served");
    }
    return copyCrc;
  }

  /**
   * Why a file is not a complete Parquet file, or null if its frame is sound: {@code PAR1} at both
   * ends and a footer length that fits. (Reading the footer itself needs Parquet, which this module
   * does not depend on; readers check the rest and name the file.) A zero-byte, truncated or
   * foreign file is never cached, so the cache never serves one.
   */
  private String parquetDamage(Path file, long size) throws IOException {
    if (size < 12) {
      return "it is " + size + " bytes, too short to be a Parquet file";
    }
    byte[] head = new byte[4];
    byte[] tail = new byte[8];
    try (java.nio.channels.SeekableByteChannel channel = storage.openChannel(file)) {
      readFully(channel, 0, head);
      readFully(channel, size - 8, tail);
    }
    if (!java.util.Arrays.equals(head, PARQUET_MAGIC)
        || !java.util.Arrays.equals(tail, 4, 8, PARQUET_MAGIC, 0, 4)) {
      return "it is not a complete Parquet file (no PAR1 magic at its start and end)";
    }
    long footer =
        java.nio.ByteBuffer.wrap(tail, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt()
            & 0xFFFFFFFFL;
    if (footer == 0 || footer > size - 12) {
      return "its footer length " + footer + " does not fit its " + size + " bytes";
    }
    return null;
  }

  private static void readFully(
      java.nio.channels.SeekableByteChannel channel, long position, byte[] into)
      throws IOException {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(into);
    channel.position(position);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new java.io.EOFException("Unexpected end of " + into.length + "-byte read");
      }
    }
  }

  private long checksum(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    try (InputStream in = storage.openStream(file)) {
      byte[] buffer = new byte[256 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        crc.update(buffer, 0, n);
      }
    }
    return crc.getValue();
  }

  /**
   * The paths to read for these lake files: each file's SSD copy when it is cached and whole, else
   * the lake file. Records the access of every cached file served (saved within {@value
   * #ACCESS_SAVE_SECONDS} seconds, by this or a later call of this instance).
   *
   * @param lakeFiles the lake files to read
   * @return the path to read for each, in the same order
   * @throws IOException if the index cannot be read or saved, the lock cannot be taken, or a
   *     damaged copy cannot be dropped
   */
  public List<Path> forRead(List<Path> lakeFiles) throws IOException {
    List<Path> result = new ArrayList<>(lakeFiles.size());
    // Hits and their bytes, counted as served; misses are the rest.
    long[] hits = new long[2];
    withIndex(
        false,
        index -> {
          boolean dropped = false;
          boolean touched = false;
          for (Path lakeFile : lakeFiles) {
            Path normalized = lakeFile.toAbsolutePath().normalize();
            Entry entry = index.get(normalized);
            if (entry == null) {
              result.add(lakeFile);
              continue;
            }
            long copy =
                storage
                    .stat(entry.cacheFile())
                    .filter(FileEntry::isFile)
                    .map(FileEntry::size)
                    .orElse(-1L);
            // The SDK never rewrites a lake file; if something else did, the copy is not of it.
            long lake =
                storage.stat(normalized).filter(FileEntry::isFile).map(FileEntry::size).orElse(-1L);
            if (copy != entry.bytes() || lake != entry.bytes()) {
              log.warn(
                  "Cache copy {} is {} bytes and its lake file {}, expected {} (-1: missing):"
                      + " dropped, serving the lake file",
                  entry.cacheFile(),
                  copy,
                  lake,
                  entry.bytes());
              if (copy >= 0) {
                storage.delete(entry.cacheFile());
              }
              index.remove(normalized);
              result.add(lakeFile);
              dropped = true;
            } else {
              index.put(normalized, touch(entry));
              result.add(entry.cacheFile());
              touched = true;
              hits[0]++;
              hits[1] += entry.bytes();
            }
          }
          Loaded current = loaded;
          if (touched && current.unsavedSince == null) {
            current.unsavedSince = clock.instant();
          }
          if (dropped
              || (current.unsavedSince != null
                  && !clock
                      .instant()
                      .isBefore(current.unsavedSince.plusSeconds(ACCESS_SAVE_SECONDS)))) {
            save(index);
          }
          return null;
        });
    if (GuardedListener.enabled(metrics)) {
      metrics.cacheRead(
          new dev.tiering.core.metrics.CacheRead(
              (int) hits[0], lakeFiles.size() - (int) hits[0], hits[1]));
    }
    return result;
  }

  /**
   * {@return the path to read for one lake file} See {@link #forRead(List)}.
   *
   * @param lakeFile the lake file to read
   * @throws IOException if the index cannot be read or saved, the lock cannot be taken, or a
   *     damaged copy cannot be dropped
   */
  public Path forRead(Path lakeFile) throws IOException {
    return forRead(List.of(lakeFile)).get(0);
  }

  /**
   * Removes the copies of a lake file or of every file under a lake directory.
   *
   * @param lakePath a lake file or directory; copies of files under it are removed
   * @return the plan, to preview or execute
   */
  public LifecyclePlan evict(Path lakePath) {
    return LifecyclePlan.of("cache evict " + lakePath, preview -> evict(lakePath, preview))
        .reportingTo(dev.tiering.core.metrics.LifecycleCompleted.Operation.CACHE_EVICT, metrics);
  }

  private LifecycleReport evict(Path lakePath, boolean dryRun) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("cache evict " + lakePath, dryRun);
    Path prefix = lakePath.toAbsolutePath().normalize();
    withIndex(
        dryRun,
        index -> {
          for (Entry entry : sorted(index)) {
            if (entry.lakeFile().startsWith(prefix)) {
              drop(index, entry, report, "evicted on request");
            }
          }
          if (!dryRun) {
            save(index);
          }
          return null;
        });
    return report.finish(log);
  }

  /**
   * Rereads every copy and drops those whose size or checksum no longer match, and those whose lake
   * file is gone (compacted or archived); removes copies the index does not list (left by an
   * interrupted promote).
   *
   * @return the plan, to preview or execute
   */
  public LifecyclePlan verify() {
    return LifecyclePlan.of("cache verify", preview -> verify(preview));
  }

  private LifecycleReport verify(boolean dryRun) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("cache verify", dryRun);
    withIndex(
        dryRun,
        index -> {
          sweepOrphans(index, report);
          for (Entry entry : sorted(index)) {
            String problem = null;
            if (storage.stat(entry.lakeFile()).isEmpty()) {
              problem = "its lake file is gone";
            } else {
              var copy = storage.stat(entry.cacheFile());
              if (copy.isEmpty() || copy.get().size() != entry.bytes()) {
                problem = "copy is missing or its size changed";
              } else if (checksum(entry.cacheFile()) != entry.crc32c()) {
                problem = "checksum mismatch";
              } else {
                problem = parquetDamage(entry.cacheFile(), entry.bytes());
              }
            }
            if (problem != null) {
              drop(index, entry, report, problem);
            } else {
              report.add(LifecycleReport.Verb.KEPT, entry.cacheFile(), entry.bytes(), "verified");
            }
          }
          if (!dryRun) {
            save(index);
          }
          return null;
        });
    return report.finish(log);
  }

  /**
   * Removes copies the index does not know: a promote interrupted between publishing its copy and
   * saving the index leaves one, taking SSD space outside the budget. Only the cache's own
   * directories are swept (tables the rules pin to the SSD are not copies); temporary files are
   * left to recovery. Runs under the cache lock, so no promote is between those two steps. {@link
   * #verify} does this too; {@code tiering recover} runs it at boot.
   *
   * @return the plan, to preview or execute
   */
  public LifecyclePlan removeOrphans() {
    return LifecyclePlan.of("cache remove orphans", preview -> removeOrphans(preview));
  }

  private LifecycleReport removeOrphans(boolean dryRun) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("cache orphans", dryRun);
    // Looked for first without the lock, so that a tidy cache gets no lock file made for it.
    if (orphans(load().entries).isEmpty()) {
      return report.build();
    }
    withIndex(
        dryRun,
        index -> {
          sweepOrphans(index, report);
          return null;
        });
    return report.finish(log);
  }

  private void sweepOrphans(Map<Path, Entry> index, LifecycleReport.Builder report)
      throws IOException {
    for (FileEntry orphan : orphans(index)) {
      try {
        if (report.dryRun() || storage.delete(orphan.path())) {
          report.add(
              LifecycleReport.Verb.DELETED,
              orphan.path(),
              orphan.size(),
              "a copy the cache" + " index does not list (left by an interrupted promote)");
        }
      } catch (IOException e) {
        // One copy that cannot go (a file root left) must not keep the others.
        report.fail(orphan.path(), "remove the orphaned cache copy", e);
      }
    }
  }

  /**
   * The copies the index does not list. A file counts as a copy only if the lake holds a file of
   * its name and size at the same place: data of a table pinned to the SSD by routing rules this
   * process was not given (an operator's command without {@code --rules}) is never mistaken for
   * one. Temporary files are left to recovery.
   */
  private List<FileEntry> orphans(Map<Path, Entry> index) throws IOException {
    java.util.Set<Path> known = new java.util.HashSet<>();
    index.values().forEach(e -> known.add(e.cacheFile()));
    List<FileEntry> found = new ArrayList<>();
    Path root = paths.areaRoot(Area.CLEAN_CACHE);
    for (FileEntry zoneDir : storage.list(root)) {
      if (!zoneDir.isDirectory()) {
        continue;
      }
      for (FileEntry tableDir : storage.list(zoneDir.path())) {
        if (tableDir.isDirectory() && isCacheOfLakeTable(zoneDir.name(), tableDir.name())) {
          collectOrphans(tableDir.path(), known, found);
        }
      }
    }
    return found;
  }

  private void collectOrphans(Path dir, java.util.Set<Path> known, List<FileEntry> found)
      throws IOException {
    for (FileEntry entry : storage.list(dir)) {
      if (entry.isDirectory()) {
        collectOrphans(entry.path(), known, found);
      } else if (entry.isFile()
          && !Storage.isTemporary(entry.name())
          && !known.contains(entry.path())) {
        Path lakeFile = paths.counterpart(entry.path(), DataKind.CLEAN);
        if (lakeFile.startsWith(paths.areaRoot(Area.LAKE_CLEAN))
            && storage
                .stat(lakeFile)
                .filter(f -> f.isFile() && f.size() == entry.size())
                .isPresent()) {
          found.add(entry);
        }
      }
    }
  }

  /** True for {@code <hot>/clean/{zone}/{table}} of a table the rules keep in the lake. */
  private boolean isCacheOfLakeTable(String zone, String table) {
    try {
      return paths.resolve(DataRef.clean(Zone.parse(zone), TableName.of(table))).area()
          == Area.LAKE_CLEAN;
    } catch (IllegalArgumentException notATable) {
      return false;
    }
  }

  private Entry touch(Entry entry) {
    return new Entry(
        entry.lakeFile(), entry.cacheFile(), entry.bytes(), entry.crc32c(), clock.instant());
  }

  private static List<Entry> sorted(Map<Path, Entry> index) {
    List<Entry> entries = new ArrayList<>(index.values());
    entries.sort(
        Comparator.comparing(Entry::lastAccess).thenComparing(e -> e.lakeFile().toString()));
    return entries;
  }

  /** A change to the index, made under the cache lock. */
  private interface Change<T> {
    T apply(Map<Path, Entry> index) throws IOException;
  }

  /**
   * Runs {@code change} on the index under the cache lock; a dry run changes nothing, so it gets a
   * fresh copy read without the lock (the index is replaced atomically) and creates no lock file. A
   * change that fails forgets the parsed index, which may hold what was never saved.
   */
  private <T> T withIndex(boolean dryRun, Change<T> change) throws IOException {
    if (dryRun) {
      return change.apply(load().entries);
    }
    try (Closeable lock = storage.lock(paths.cacheLockFile(), LOCK_TIMEOUT)) {
      try {
        return change.apply(index());
      } catch (Throwable e) {
        loaded = null;
        throw e;
      }
    }
  }

  /**
   * The index as this instance last loaded or saved it, if the file still carries that token (no
   * other process has saved since), else read afresh. Only under the cache lock.
   */
  private Map<Path, Entry> index() throws IOException {
    Loaded known = loaded;
    if (known != null && known.token != null) {
      java.util.Optional<FileEntry> file = storage.stat(paths.cacheIndexFile());
      if (file.isPresent()
          && file.get().isFile()
          && file.get().size() == known.bytes
          && known.token.equals(token(readHeader()))) {
        return known.entries;
      }
    }
    loaded = load();
    return loaded.entries;
  }

  /** An index as read or written: its token (null if it had none) and entries. */
  private static final class Loaded {
    final String token;
    final long bytes;
    final Map<Path, Entry> entries;

    /** When the oldest access time not yet saved was recorded; null if all are saved. */
    Instant unsavedSince;

    Loaded(String token, long bytes, Map<Path, Entry> entries) {
      this.token = token;
      this.bytes = bytes;
      this.entries = entries;
    }
  }

  /** The first line of the index file, at most 80 bytes of it. */
  private String readHeader() throws IOException {
    try (InputStream in = storage.openStream(paths.cacheIndexFile())) {
      String head = new String(in.readNBytes(80), StandardCharsets.UTF_8);
      int end = head.indexOf('\n');
      return end < 0 ? head : head.substring(0, end);
    }
  }

  /** The token of a header line, or null if it has none (an index written before tokens). */
  private static String token(String header) {
    return header.startsWith(INDEX_HEADER + " ")
        ? header.substring(INDEX_HEADER.length() + 1)
        : null;
  }

  /**
   * Reads the access record: a header line ({@code tiering-cache 1 <token>}, the token fresh at
   * each save), then one line per copy, {@code millis<TAB>bytes<TAB>crc<TAB>lake path relative to
   * the lake clean area}. Lake paths hold no tabs or newlines: zones, tables and partitions are
   * names the resolver checks, and promote copies only files a commit named (see {@link #collect}).
   * The index is read back from disk, so it is untrusted: a damaged line, or one naming anything
   * but a file of a lake table the cache may copy (one the rules keep in the lake), is skipped and
   * dropped at the next save, and its copy is never served or deleted.
   */
  private Loaded load() throws IOException {
    Map<Path, Entry> index = new LinkedHashMap<>();
    Path file = paths.cacheIndexFile();
    java.util.Optional<FileEntry> entry = storage.stat(file);
    if (entry.isEmpty()) {
      return new Loaded(null, 0, index);
    }
    if (!entry.get().isFile() || entry.get().size() > MAX_INDEX_BYTES) {
      // Never opened: a FIFO would block every reader, a link could read anything, a huge file
      // fill the heap. The cache serves nothing until its next change replaces the index.
      log.warn(
          "Ignoring cache index {}: it is {}; no copy is served until the cache rewrites it",
          file,
          entry.get().isFile()
              ? entry.get().size() + " bytes, more than the " + MAX_INDEX_BYTES + "-byte limit"
              : entry.get().type().inWords() + ", not a file");
      return new Loaded(null, 0, index);
    }
    String text;
    try (InputStream in = storage.openStream(file)) {
      text = new String(in.readNBytes((int) MAX_INDEX_BYTES), StandardCharsets.UTF_8);
    }
    Path lakeRoot = paths.areaRoot(Area.LAKE_CLEAN);
    String[] lines = text.split("\n");
    String token = token(lines[0]);
    for (int i = 1; i < lines.length; i++) {
      String[] parts = lines[i].split("\t", 4);
      try {
        if (parts.length != 4) {
          throw new IllegalArgumentException(
              parts.length + " tab-separated field(s), not 4 (millis, bytes, crc, lake path)");
        }
        Path lakeFile = lakeRoot.resolve(parts[3]).normalize();
        if (!lakeFile.startsWith(lakeRoot)) {
          throw new IllegalArgumentException("outside the lake");
        }
        Path relative = lakeRoot.relativize(lakeFile);
        if (relative.getNameCount() < 3
            || !isCacheOfLakeTable(
                relative.getName(0).toString(), relative.getName(1).toString())) {
          // Its copy would be a file of a table pinned to the SSD, or no table's: never ours.
          throw new IllegalArgumentException("not a file of a lake table the cache may copy");
        }
        index.put(
            lakeFile,
            new Entry(
                lakeFile,
                paths.counterpart(lakeFile, DataKind.CACHE),
                Long.parseLong(parts[1]),
                Long.parseUnsignedLong(parts[2], 16),
                Instant.ofEpochMilli(Long.parseLong(parts[0]))));
      } catch (RuntimeException damaged) {
        log.warn("Skipping damaged line {} of {}: {}", i + 1, file, damaged.toString());
      }
    }
    return new Loaded(token, entry.get().size(), index);
  }

  /**
   * Refuses a directory at the index's path: no save can replace it (a link or a FIFO there is
   * replaced, never followed or opened). A promote checks first, so that no copy is made that the
   * index could not list.
   */
  private void checkIndexReplaceable() throws IOException {
    Path file = paths.cacheIndexFile();
    if (storage.stat(file).filter(FileEntry::isDirectory).isPresent()) {
      throw new java.nio.file.FileSystemException(
          file.toString(),
          null,
          "it is a directory, not the cache index file, and the cache cannot replace it (move it"
              + " away; the cache then starts afresh)");
    }
  }

  /** Replaces the index file with {@code index} under a fresh token; only under the lock. */
  private void save(Map<Path, Entry> index) throws IOException {
    checkIndexReplaceable();
    String token = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    text.writeBytes((INDEX_HEADER + " " + token + "\n").getBytes(StandardCharsets.UTF_8));
    Path lakeRoot = paths.areaRoot(Area.LAKE_CLEAN);
    for (Entry entry : sorted(index)) {
      text.writeBytes(
          (entry.lastAccess().toEpochMilli()
                  + "\t"
                  + entry.bytes()
                  + "\t"
                  + Long.toHexString(entry.crc32c())
                  + "\t"
                  + lakeRoot.relativize(entry.lakeFile())
                  + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    try (PendingFile out = storage.create(paths.cacheIndexFile(), WriteMode.REPLACE)) {
      OutputStream stream = out.stream();
      text.writeTo(stream);
      out.commit();
    }
    loaded = new Loaded(token, text.size(), index);
  }

  /** Builds a {@link HotCache}. */
  public static final class Builder {
    private final PathResolver paths;
    private Storage storage;
    private long budget = DEFAULT_BUDGET;
    private Clock clock = Clock.systemUTC();
    private MetricsListener metrics = MetricsListener.NONE;

    private Builder(PathResolver paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /**
     * Sets the storage (default: {@link Storage#forLayout} of the tiers).
     *
     * @param value the storage of both tiers
     * @return this builder
     */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /**
     * Sets the byte budget (default {@link HotCache#DEFAULT_BUDGET}, 40 GiB).
     *
     * @param bytes the most the copies may take; 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     */
    public Builder budget(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException(
            "Invalid cache budget " + bytes + " bytes (use 1 or more)");
      }
      this.budget = bytes;
      return this;
    }

    /**
     * Sets the clock for access times (default: the system clock, UTC).
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets where metrics go.
     *
     * @param value the listener; default {@link MetricsListener#NONE}, which records nothing
     * @return this builder
     */
    public Builder metrics(MetricsListener value) {
      this.metrics = Objects.requireNonNull(value, "metrics");
      return this;
    }

    /** {@return the cache} */
    public HotCache build() {
      return new HotCache(this);
    }
  }
}
