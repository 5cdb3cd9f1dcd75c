package dev.tiering.core.storage;

import dev.tiering.core.TierLayout;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Storage} on the local file system. This class is the SDK's only home of fsync and atomic
 * publish.
 *
 * <p>Publishing is crash-safe: content is written to a hidden temporary file in the target's own
 * directory (same file system, so the final step is a rename or link, never a copy), forced to the
 * device, published in one atomic step, and then the directory itself is forced so that the new
 * name survives a power cut. A crash at any point leaves either no new file or the complete file,
 * plus at worst a hidden temporary file that recovery removes.
 */
final class LocalStorage implements Storage {

  static final LocalStorage INSTANCE = new LocalStorage();
  static final String TEMP_SUFFIX = ".tmp";

  private static final Logger log = LoggerFactory.getLogger(LocalStorage.class);
  private static final int BUFFER_BYTES = 256 * 1024;

  /**
   * Temporary files this JVM is writing. Checked before any lock probe: probing opens and closes a
   * descriptor, and closing any descriptor of a file drops all of this process's POSIX locks on it,
   * which would make a live file look abandoned to other processes.
   */
  private final Set<Path> liveTemporaries = ConcurrentHashMap.newKeySet();

  /** The identities (device, inode) of the temporary files this JVM is writing. */
  private final Set<Object> liveKeys = ConcurrentHashMap.newKeySet();

  /** The JVM's one table of lock-file locks (see {@link ProcessLocks} for why one). */
  private final ProcessLocks locks = new ProcessLocks();

  private LocalStorage() {}

  /**
   * Deletes a temporary file no live writer holds. Opening a file to probe its lock is only safe
   * for a file no lock of this process lives on: closing any descriptor of a file drops all of the
   * process's locks on it. So the file must be a regular file with exactly one name (a hard link to
   * a lock file or a live writer's file has two; the one second name removed without opening is the
   * published file's own, left by a publish killed before it removed the temporary name), and not a
   * file this JVM writes or holds a lock file lock on (compared by identity, not path). Someone
   * able to swap the name for a link between these checks and the open could still make one probe
   * drop a lock of this JVM; doing so needs write access to the tier.
   */
  @Override
  public boolean deleteIfAbandoned(Path temporary) throws IOException {
    if (!Storage.isTemporary(temporary.getFileName().toString())
        || liveTemporaries.contains(temporary)) {
      return false;
    }
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(temporary, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException alreadyGone) {
      return false;
    }
    Object identity = attributes.fileKey();
    if (!attributes.isRegularFile()
        || (identity != null && (liveKeys.contains(identity) || locks.holds(identity)))) {
      return false;
    }
    if (links(temporary) != 1) {
      // A publish killed between its link(2) and the removal of the temporary name leaves the
      // published file with this second name: remove the name (unlinking drops no lock; only
      // closing a descriptor does). Any other second name is left alone, unopened.
      Path published =
          Storage.temporaryTarget(temporary.getFileName().toString())
              .map(temporary::resolveSibling)
              .orElse(null);
      if (published == null || identity == null || !identity.equals(identity(published))) {
        return false;
      }
      return Files.deleteIfExists(temporary);
    }
    try (FileChannel channel =
        FileChannel.open(temporary, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldHere) {
        return false;
      }
      if (lock == null) {
        return false;
      }
      // Counted only if this process removed it: another recovery may have been first.
      return Files.deleteIfExists(temporary);
    } catch (NoSuchFileException alreadyGone) {
      return false;
    }
  }

  /** A file's identity (device and inode), or null if it is not there. */
  private static Object identity(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (NoSuchFileException gone) {
      return null;
    }
  }

  /** The number of names of a file, or 1 where the file system does not say. */
  private static int links(Path file) throws IOException {
    try {
      return (Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      return 1;
    }
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    createDirectories(dir);
    Path temp = Storage.temporarySibling(dir.resolve(target.getFileName()));
    FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      // Published by link or rename, so the file keeps this owner: the tiers' owner's, as root.
      Owners.adoptDirectoryOwner(temp);
      // Held until the file is published or discarded: how other processes tell a live writer's
      // temporary file from one a crash left behind.
      channel.lock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(temp);
      throw e;
    }
    liveTemporaries.add(temp);
    Object key =
        Files.readAttributes(temp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    if (key != null) {
      liveKeys.add(key);
    }
    return new LocalPendingFile(target, temp, channel, mode, key);
  }

  @Override
  public InputStream openStream(Path file) throws IOException {
    return Files.newInputStream(file);
  }

  @Override
  public SeekableByteChannel openChannel(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.READ);
  }

  @Override
  public List<FileEntry> list(Path dir) throws IOException {
    refuseLinks(dir, "list");
    List<FileEntry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path path : stream) {
        try {
          entries.add(entry(path));
        } catch (NoSuchFileException vanished) {
          // Deleted between listing and stat (a concurrent cleanup): it is simply not there.
        }
      }
    } catch (NoSuchFileException missing) {
      return List.of();
    }
    entries.sort(Comparator.comparing(FileEntry::name));
    return entries;
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    refuseLinks(dir, "list");
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path path : stream) {
        names.add(path.getFileName().toString());
      }
    } catch (NoSuchFileException missing) {
      return List.of();
    }
    return names;
  }

  @Override
  public Optional<FileEntry> stat(Path path) throws IOException {
    try {
      return Optional.of(entry(path));
    } catch (NoSuchFileException missing) {
      return Optional.empty();
    }
  }

  private static FileEntry entry(Path path) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    FileEntry.Type type =
        attributes.isSymbolicLink()
            ? FileEntry.Type.SYMLINK
            : attributes.isDirectory()
                ? FileEntry.Type.DIRECTORY
                : attributes.isRegularFile() ? FileEntry.Type.FILE : special(path);
    return new FileEntry(
        path,
        type,
        type == FileEntry.Type.DIRECTORY ? 0 : attributes.size(),
        attributes.lastModifiedTime().toInstant());
  }

  /** The kind of a special file, from its mode (read only for these, which are rare). */
  private static FileEntry.Type special(Path path) throws IOException {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
      return FileEntry.Type.OTHER;
    }
    return switch (mode & 0170000) {
      case 0010000 -> FileEntry.Type.FIFO;
      case 0140000 -> FileEntry.Type.SOCKET;
      case 0060000 -> FileEntry.Type.BLOCK_DEVICE;
      case 0020000 -> FileEntry.Type.CHARACTER_DEVICE;
      default -> FileEntry.Type.OTHER;
    };
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    refuseLinks(source.toAbsolutePath().getParent(), "move from");
    createDirectories(target.toAbsolutePath().getParent());
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          target.toString(),
          source.toString(),
          "move target exists; nothing is ever replaced by a move");
    }
    // rename(2) would replace a target created since the check above; the window is a few
    // microseconds and moves are only done by lifecycle jobs that own their targets.
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
    Path targetDir = target.toAbsolutePath().getParent();
    Path sourceDir = source.toAbsolutePath().getParent();
    forceDirectory(targetDir);
    if (!sourceDir.equals(targetDir)) {
      forceDirectory(sourceDir); // a rename within one directory is made durable by one force
    }
  }

  @Override
  public boolean delete(Path path) throws IOException {
    refuseLinks(path.toAbsolutePath().getParent(), "delete in");
    // Files.deleteIfExists removes a symbolic link itself, never its target.
    return Files.deleteIfExists(path);
  }

  /**
   * Creates a directory and its missing parents, each made durable in its own parent (a new file is
   * only as durable as the directories that name it), and refuses to create anything through a
   * symbolic link.
   */
  @Override
  public void createDirectories(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new NoSuchFileException(dir.toString(), null, "no existing ancestor to create it in");
    }
    refuseLinks(existing, "create directories in");
    if (!Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
      throw new java.nio.file.NotDirectoryException(
          existing + " (cannot create " + absolute + " under it: it is not a directory)");
    }
    for (int i = existing.getNameCount(); i < absolute.getNameCount(); i++) {
      Path next = absolute.getRoot().resolve(absolute.subpath(0, i + 1));
      try {
        Files.createDirectory(next);
      } catch (FileAlreadyExistsException raced) {
        // Made meanwhile by another writer (checked for links below, like any directory).
        refuseLinks(next, "create directories in");
        continue;
      }
      Owners.adoptDirectoryOwner(next);
      forceDirectory(next.getParent());
    }
  }

  /**
   * Refuses to work in a directory that is reached through a symbolic link: inside the tiers the
   * SDK never follows links (roots are resolved to real paths once, in {@link TierLayout}), so that
   * nothing outside a tier can be listed, created or deleted through one.
   */
  static void refuseLinks(Path dir, String operation) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    Path real;
    try {
      real = absolute.toRealPath();
    } catch (NoSuchFileException nothingThere) {
      return; // nothing to follow; whatever is created there is checked then
    }
    if (real.equals(absolute)) {
      return;
    }
    Path link = absolute;
    for (int i = 1; i <= absolute.getNameCount(); i++) {
      Path prefix = absolute.getRoot().resolve(absolute.subpath(0, i));
      if (Files.isSymbolicLink(prefix)) {
        link = prefix;
        break;
      }
    }
    throw new java.nio.file.FileSystemException(
        absolute.toString(),
        null,
        "Refusing to "
            + operation
            + " "
            + absolute
            + ": "
            + link
            + " is a symbolic link (to "
            + real
            + "), and the SDK never follows links inside the tiers (make "
            + link
            + " a real"
            + " directory, or set the tier root to the real path)");
  }

  @Override
  public StoreUsage usage(Path path) throws IOException {
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      throw new NoSuchFileException(path.toString(), null, "no existing ancestor to measure");
    }
    FileStore store = Files.getFileStore(existing);
    return new StoreUsage(
        store.getTotalSpace(),
        store.getUnallocatedSpace(),
        Math.min(store.getUsableSpace(), store.getUnallocatedSpace()));
  }

  @Override
  public Closeable lock(Path lockFile, Duration timeout) throws IOException {
    createDirectories(lockFile.toAbsolutePath().getParent());
    return locks
        .acquire(lockFile, ProcessLocks.WHOLE_FILE, false, timeout)
        .orElseThrow(
            () ->
                new IOException(
                    "Timed out after "
                        + timeout.toMillis()
                        + " ms waiting for lock "
                        + lockFile
                        + " (another writer holds it; retry when it is done)"));
  }

  @Override
  public Optional<Closeable> tryLock(Path lockFile, String key, LockMode mode, Duration timeout)
      throws IOException {
    createDirectories(lockFile.toAbsolutePath().getParent());
    return locks.acquire(lockFile, ProcessLocks.position(key), mode == LockMode.SHARED, timeout);
  }

  /**
   * Forces a directory's entries to the device, so a new name in it survives a power cut.
   *
   * @throws IOException naming the directory if it cannot be forced: the change is made and
   *     visible, but may not survive a power cut (local Linux file systems always can)
   */
  static void forceDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      throw new IOException(
          "Cannot force directory "
              + dir
              + " to disk ("
              + e
              + "): the change"
              + " in it is made and visible, but may not survive a power failure; check the device",
          e);
    }
  }

  /** A hidden temporary file, published by hard link (CREATE_NEW) or rename (REPLACE). */
  private final class LocalPendingFile implements PendingFile {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final WriteMode mode;
    private final Object key;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES);
    private final OutputStream stream = new BufferedChannelStream();
    private long written;
    private boolean finished;

    LocalPendingFile(Path target, Path temp, FileChannel channel, WriteMode mode, Object key) {
      this.target = target;
      this.temp = temp;
      this.channel = channel;
      this.mode = mode;
      this.key = key;
    }

    @Override
    public Path target() {
      return target;
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public long bytesWritten() {
      return written;
    }

    @Override
    public void commit() throws IOException {
      if (finished) {
        throw new IllegalStateException("Pending file for " + target + " is already finished");
      }
      try {
        flush();
        channel.force(true);
        // Published while the channel (and its lock) is still open, so no sweeper can take the
        // temporary file for abandoned between the last write and the publish.
        publish();
        finished = true;
        try {
          channel.close();
        } finally {
          forget();
        }
      } finally {
        if (!finished) {
          close();
        }
      }
      forceDirectory(target.toAbsolutePath().getParent());
    }

    private void publish() throws IOException {
      if (mode == WriteMode.REPLACE) {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      try {
        // link(2) fails if the target exists: an atomic "create if absent" that rename lacks.
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        throw new FileAlreadyExistsException(
            target.toString(),
            null,
            "already exists; data files are never overwritten (write under a new name)");
      } catch (UnsupportedOperationException noHardLinks) {
        publishByRename(noHardLinks);
        return;
      } catch (java.nio.file.FileSystemException e) {
        if (!withoutHardLinks(e)) {
          throw e; // a real failure (permissions, space, I/O): never papered over by a rename
        }
        publishByRename(e);
        return;
      }
      try {
        Files.delete(temp);
      } catch (IOException e) {
        // The file is published and complete; the extra hidden name is removed by recovery.
        log.warn(
            "Published {} but could not remove its temporary name {}: {}",
            target,
            temp,
            e.toString());
      }
    }

    /**
     * True if link(2) failed because this file system has no hard links (FAT, some FUSE and network
     * file systems: EPERM or EOPNOTSUPP), the one case where a publish falls back to a rename
     * guarded by an existence check. That fallback cannot be atomic against a concurrent publisher
     * of the same name; lake data files have unique names, so only two writers of one staging file
     * could race there.
     */
    private static boolean withoutHardLinks(java.nio.file.FileSystemException e) {
      String reason = String.valueOf(e.getReason());
      return !(e instanceof java.nio.file.AccessDeniedException)
          && (reason.contains("Operation not permitted") || reason.contains("not supported"));
    }

    private void publishByRename(Exception why) throws IOException {
      log.debug("Hard link unavailable for {} ({}); publishing by rename", target, why.toString());
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(
            target.toString(),
            null,
            "already exists; data files are never overwritten (write under a new name)");
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("Cannot publish " + target + " atomically: " + e.getMessage(), e);
      }
    }

    private void flush() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    @Override
    public void close() throws IOException {
      if (finished) {
        return;
      }
      finished = true;
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
        forget();
      }
    }

    private void forget() {
      liveTemporaries.remove(temp);
      if (key != null) {
        liveKeys.remove(key);
      }
    }

    /** Buffers into the channel; close() only flushes, publishing is commit()'s job. */
    private final class BufferedChannelStream extends OutputStream {
      @Override
      public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
          flushOpen();
        }
        buffer.put((byte) b);
        written++;
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length >= buffer.capacity()) {
          flushOpen();
          ByteBuffer direct = ByteBuffer.wrap(bytes, offset, length);
          while (direct.hasRemaining()) {
            channel.write(direct);
          }
        } else {
          if (length > buffer.remaining()) {
            flushOpen();
          }
          buffer.put(bytes, offset, length);
        }
        written += length;
      }

      @Override
      public void flush() throws IOException {
        flushOpen();
      }

      @Override
      public void close() throws IOException {
        if (channel.isOpen()) {
          flushOpen();
        }
      }

      private void flushOpen() throws IOException {
        if (finished) {
          throw new IOException("Pending file for " + target + " is already finished");
        }
        LocalPendingFile.this.flush();
      }
    }
  }
}
