package dev.tiering.core.storage;

import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The few file operations the SDK needs, so that writers, cleanup, the cache and compaction are
 * written once and can run on any file system: {@link #local()} for local disks; other
 * implementations wrap other stores, and tests wrap one to inject faults. Links are never followed:
 * listing, stat and delete see a symbolic link as a link.
 *
 * <p>Implementations are thread-safe.
 */
public interface Storage {

  /** {@return the local file system (java.nio), with atomic publish by hard link or rename} */
  static Storage local() {
    return LocalStorage.INSTANCE;
  }

  /**
   * {@return the storage for both tiers of {@code layout}} That is {@link #local()} when the lake
   * is on a local disk; else local disks for the hot tier and, for the lake, the {@link
   * StorageProvider} that serves its URI's scheme (the {@code tiering-hadoop} module serves Hadoop
   * file systems); either {@link #reportingFullTiers reporting full tiers and refusing missing
   * roots}. Writers, readers and lifecycle operations use this unless given a storage.
   *
   * @param layout the tier roots, and the lake's file system if it is not local
   * @throws IllegalStateException if no provider on the class path serves the lake's scheme
   * @throws IllegalArgumentException if the provider refuses the file system (see {@link
   *     StorageProvider#open})
   */
  static Storage forLayout(TierLayout layout) {
    return (layout.lakeIsLocal() ? local() : TieredStorage.of(layout)).reportingFullTiers(layout);
  }

  /**
   * Creates both tier roots of {@code layout} (and their missing parents), the one way the SDK
   * makes a root: writers and lifecycle operations never do (see {@link #reportingFullTiers}), so
   * that a root that is missing because its disk is not mounted fails loudly instead of filling the
   * disk below the mount point. For {@code tiering init}, the demo, tests, and applications that
   * keep their tiers in a directory of their own.
   *
   * @param layout the tier roots; a lake on another file system is created there
   * @return {@code layout}
   * @throws IOException if a root cannot be created, or an existing one is not a directory
   */
  static TierLayout createRoots(TierLayout layout) throws IOException {
    Storage storage = forLayout(layout);
    for (dev.tiering.core.Tier tier : dev.tiering.core.Tier.values()) {
      storage.createDirectories(layout.root(tier));
    }
    return layout;
  }

  /**
   * Starts a file that becomes visible at {@code target} only when committed. Missing parent
   * directories are created. The content goes to a hidden temporary file in the target's directory
   * (see {@link #isTemporary(String)}).
   *
   * @param target where the file appears on commit
   * @param mode what the commit does if {@code target} exists by then
   * @return the pending file; the caller writes, commits and closes it
   * @throws IOException if the directories or the temporary file cannot be created
   */
  PendingFile create(Path target, WriteMode mode) throws IOException;

  /**
   * Opens a file for streaming reads.
   *
   * @param file the file to read
   * @return a stream over its content, to be closed by the caller
   * @throws IOException if the file is missing or cannot be opened
   */
  InputStream openStream(Path file) throws IOException;

  /**
   * Opens a file for random-access reads (Parquet footers live at the end).
   *
   * @param file the file to read
   * @return a read-only channel, to be closed by the caller
   * @throws IOException if the file is missing or cannot be opened
   */
  SeekableByteChannel openChannel(Path file) throws IOException;

  /**
   * {@return the entries directly in {@code dir}, sorted by name; empty if the directory does not
   * exist}
   *
   * @param dir the directory to list
   * @throws IOException if the directory cannot be read, or is reached through a link
   */
  List<FileEntry> list(Path dir) throws IOException;

  /**
   * {@return the names of the entries directly in {@code dir}, in no particular order; empty if the
   * directory does not exist} Cheaper than {@link #list} where only names matter (no stat).
   *
   * @param dir the directory to list
   * @throws IOException if the directory cannot be read, or is reached through a link
   */
  default List<String> names(Path dir) throws IOException {
    return list(dir).stream().map(FileEntry::name).toList();
  }

  /**
   * {@return the entry at {@code path}, or empty if nothing is there} A link is described as a
   * link, not followed.
   *
   * @param path the path to look at
   * @throws IOException if the attributes cannot be read
   */
  Optional<FileEntry> stat(Path path) throws IOException;

  /**
   * Moves a file or directory atomically, never replacing an existing target; missing parent
   * directories of the target are created.
   *
   * @param source the file or directory to move
   * @param target its new path
   * @throws java.nio.file.FileAlreadyExistsException if {@code target} exists
   * @throws java.nio.file.AtomicMoveNotSupportedException if the two paths are on different stores
   * @throws IOException if the move fails for another reason, or the move cannot be made durable
   */
  void move(Path source, Path target) throws IOException;

  /**
   * Copies a regular file; the copy appears at {@code target} only when complete (see {@link
   * #create}).
   *
   * @param source the regular file to copy
   * @param target where the copy appears
   * @param mode what to do if {@code target} exists when the copy is published
   * @return the bytes copied
   * @throws IOException if reading or publishing fails, including {@link
   *     java.nio.file.FileAlreadyExistsException} in {@link WriteMode#CREATE_NEW} mode; no partial
   *     copy is left
   */
  default long copy(Path source, Path target, WriteMode mode) throws IOException {
    try (InputStream in = openStream(source);
        PendingFile out = create(target, mode)) {
      long bytes = in.transferTo(out.stream());
      out.commit();
      return bytes;
    }
  }

  /**
   * Moves a regular file, even between stores (the hot SSD and the lake HDD): atomically by rename
   * when both paths are on one store, else by an atomic copy, then deleting the source. The target
   * never appears partial and an existing target is never replaced. A copy interrupted after it was
   * published but before the source was deleted is finished by the next transfer: a target with the
   * source's exact bytes counts as the copy.
   *
   * @param source the regular file to move
   * @param target its new path, on the same store or another
   * @throws java.nio.file.FileAlreadyExistsException if a different file is at {@code target}
   * @throws IOException if the move, copy or delete fails
   */
  default void transfer(Path source, Path target) throws IOException {
    try {
      move(source, target);
    } catch (java.nio.file.AtomicMoveNotSupportedException otherStore) {
      try {
        copy(source, target, WriteMode.CREATE_NEW);
      } catch (java.nio.file.FileAlreadyExistsException exists) {
        finishInterruptedTransfer(this, source, target);
        return;
      }
      delete(source);
    } catch (java.nio.file.FileAlreadyExistsException exists) {
      // Found before any rename was tried (the local storage checks first), so this is also how
      // a transfer across devices meets the copy an interrupted one published.
      finishInterruptedTransfer(this, source, target);
    }
  }

  /**
   * Checks, changing nothing, that {@link #transfer} would move {@code source} to {@code target}:
   * what a preview reports in its place, so that it fails where the transfer would.
   *
   * @param source the regular file to move
   * @param target its new path
   * @throws java.nio.file.FileAlreadyExistsException if anything but a copy of {@code source}'s
   *     exact bytes is at {@code target}, with the message the transfer would give
   * @throws IOException if either cannot be read
   */
  default void checkTransfer(Path source, Path target) throws IOException {
    if (stat(target).isPresent()) {
      checkIsCopy(this, source, target);
    }
  }

  /** The target is there already: the source goes if it is the same bytes, else nothing moves. */
  private static void finishInterruptedTransfer(Storage storage, Path source, Path target)
      throws IOException {
    checkIsCopy(storage, source, target);
    storage.delete(source);
  }

  /** Refuses a target that is not a copy of the source's exact bytes. */
  private static void checkIsCopy(Storage storage, Path source, Path target) throws IOException {
    Optional<FileEntry> there = storage.stat(target);
    if (there.isPresent() && !there.get().isFile()) {
      // A link there could point at an identical copy outside the tiers: it is not the copy.
      throw new java.nio.file.FileAlreadyExistsException(
          target.toString(),
          source.toString(),
          there.get().type().inWords()
              + " is already there, not a copy; nothing was moved or replaced (remove it)");
    }
    if (!sameContent(storage, source, target)) {
      throw new java.nio.file.FileAlreadyExistsException(
          target.toString(),
          source.toString(),
          "a different file is already there; nothing was moved or replaced (compare the two and"
              + " remove the one that is not wanted)");
    }
  }

  /** True if both files hold the same bytes (compared as streams, so on any storage). */
  private static boolean sameContent(Storage storage, Path a, Path b) throws IOException {
    java.util.Optional<FileEntry> first = storage.stat(a);
    java.util.Optional<FileEntry> second = storage.stat(b);
    if (first.isEmpty()
        || second.isEmpty()
        || !first.get().isFile()
        || !second.get().isFile()
        || first.get().size() != second.get().size()) {
      return false;
    }
    try (InputStream x = storage.openStream(a);
        InputStream y = storage.openStream(b)) {
      byte[] bx = new byte[64 * 1024];
      byte[] by = new byte[64 * 1024];
      while (true) {
        int n = x.readNBytes(bx, 0, bx.length);
        if (n == 0) {
          return y.read() < 0;
        }
        if (y.readNBytes(by, 0, n) != n || !java.util.Arrays.equals(bx, 0, n, by, 0, n)) {
          return false;
        }
      }
    }
  }

  /**
   * Deletes a file, an empty directory, or a link (not its target).
   *
   * @param path what to delete
   * @return false if nothing was there
   * @throws IOException if it cannot be deleted, e.g. a directory that is not empty
   */
  boolean delete(Path path) throws IOException;

  /**
   * Deletes a hidden temporary file if no live writer holds it (its writer crashed or was killed).
   * Files this or another process is still writing are left alone.
   *
   * @param temporary a hidden temporary file (see {@link #isTemporary(String)}); other names are
   *     left alone
   * @return true if the file was abandoned and is now deleted
   * @throws IOException if the file cannot be inspected or deleted
   */
  boolean deleteIfAbandoned(Path temporary) throws IOException;

  /**
   * Creates a directory and its missing parents.
   *
   * @param dir the directory; nothing happens if it exists
   * @throws IOException if a directory cannot be created, or an ancestor is a file or a link
   */
  void createDirectories(Path dir) throws IOException;

  /**
   * {@return the capacity of the store holding {@code path}}
   *
   * @param path any path on the store; it need not exist yet
   * @throws IOException if the store cannot be measured
   */
  StoreUsage usage(Path path) throws IOException;

  /**
   * Takes an exclusive lock named by {@code lockFile}, waiting up to {@code timeout} for other
   * threads and processes that hold it. Closing the result releases it.
   *
   * @param lockFile the lock file, created if missing
   * @param timeout how long to wait for the lock
   * @return the held lock
   * @throws IOException naming the lock if it stays taken past the timeout
   */
  java.io.Closeable lock(Path lockFile, java.time.Duration timeout) throws IOException;

  /**
   * Takes the lock named by {@code key} within {@code lockFile}, waiting up to {@code timeout} for
   * other threads and processes: any number of {@link LockMode#SHARED} holders, or one {@link
   * LockMode#EXCLUSIVE} holder. One lock file serves any number of keys and is never deleted.
   * Closing the result releases the lock.
   *
   * @param lockFile the lock file, created if missing
   * @param key the name of the lock within the file
   * @param mode whether the lock is shared or exclusive
   * @param timeout how long to wait for the lock
   * @return the held lock, or empty if it stayed taken past the timeout ({@link
   *     java.time.Duration#ZERO}: only if it is free now)
   * @throws IOException if the lock file cannot be created or locked
   * @throws UnsupportedOperationException on a store without keyed locks (they are used on the hot
   *     tier, which is always a local disk)
   */
  default Optional<java.io.Closeable> tryLock(
      Path lockFile, String key, LockMode mode, java.time.Duration timeout) throws IOException {
    throw new UnsupportedOperationException(
        "Keyed locks are not available on "
            + getClass().getSimpleName()
            + " (they are used on local disks only), for "
            + lockFile);
  }

  /**
   * {@return this storage, with writes that run out of space reported as a {@link
   * TierFullException}, and nothing created below a tier root that is not there} The exception
   * names the tier (from {@code layout}), the free space and the fix. The failed file is discarded
   * at once, so its partial bytes give the space back. A create, move, lock or {@link
   * #createDirectories} below a missing root fails with {@link java.nio.file.NoSuchFileException}
   * naming the root ("is it mounted?"): the SDK never creates a root, which would fill the disk of
   * the mount point instead (see {@link #createRoots}). Writers and lifecycle operations apply this
   * to whatever storage they are given; applying it twice is harmless.
   *
   * @param layout the tier roots, to tell which tier is full and where the roots are
   */
  default Storage reportingFullTiers(TierLayout layout) {
    return this instanceof LayoutStorage full && full.layout().equals(layout)
        ? this
        : new LayoutStorage(this, layout, null);
  }

  /**
   * {@return this storage as {@link #reportingFullTiers(TierLayout)} makes it, for the work of one
   * {@code tiering} command} A full tier's advice then never names that command, which would only
   * fail again (a compaction out of space is not told to run {@code tiering compact}).
   *
   * @param layout the tier roots
   * @param command the command whose work this storage does, such as {@code compact}
   */
  default Storage reportingFullTiers(TierLayout layout, String command) {
    java.util.Objects.requireNonNull(command, "command");
    if (this instanceof LayoutStorage full && full.layout().equals(layout)) {
      return command.equals(full.command())
          ? this
          : new LayoutStorage(full.delegate(), layout, command);
    }
    return new LayoutStorage(this, layout, command);
  }

  /**
   * {@return whether {@code fileName} is the hidden temporary name of a file being written} That
   * is, exactly as {@link #temporarySibling} makes them ({@code .<name>.<16 hex digits>.tmp}): they
   * start with a dot, which Spark, Hive and {@code ls} skip, and do not end in {@code .parquet}, so
   * {@code *.parquet} globs (DuckDB's too) never match them. Other hidden {@code *.tmp} files are
   * other programs' and are never touched.
   *
   * @param fileName a file name, without directory
   */
  static boolean isTemporary(String fileName) {
    int suffix = fileName.length() - LocalStorage.TEMP_SUFFIX.length();
    int random = suffix - 16;
    if (!fileName.startsWith(".")
        || !fileName.endsWith(LocalStorage.TEMP_SUFFIX)
        || random < 3
        || fileName.charAt(random - 1) != '.') {
      return false;
    }
    for (int i = random; i < suffix; i++) {
      char c = fileName.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@return the name a temporary file will be published as, or empty for a name that is not
   * temporary} For example {@code slm_1_b7.parquet} for {@code
   * .slm_1_b7.parquet.9f2c41d0a3b7e615.tmp}.
   *
   * @param fileName a file name, without directory
   */
  static java.util.Optional<String> temporaryTarget(String fileName) {
    if (!isTemporary(fileName)) {
      return java.util.Optional.empty();
    }
    String inner = fileName.substring(1, fileName.length() - LocalStorage.TEMP_SUFFIX.length());
    int dot = inner.lastIndexOf('.');
    return dot <= 0 ? java.util.Optional.empty() : java.util.Optional.of(inner.substring(0, dot));
  }

  /**
   * {@return a fresh hidden temporary name for writing {@code target} in its own directory} The
   * name is {@code .<name>.<random hex>.tmp}. Every {@link Storage} names its temporary files so,
   * so that recovery and {@link #isTemporary(String)} work on all of them.
   *
   * @param target the file to be written
   */
  static Path temporarySibling(Path target) {
    return target.resolveSibling(
        "."
            + target.getFileName()
            + "."
            + java.util.HexFormat.of()
                .toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong())
            + LocalStorage.TEMP_SUFFIX);
  }
}
