package dev.tiering.core.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The record locks this JVM holds on lock files, shared by all its threads.
 *
 * <p>POSIX record locks belong to the process, not to a thread or a descriptor, and closing
 * <em>any</em> descriptor of a file drops all of the process's locks on it. So this table keeps one
 * channel per lock file, opened by the first user and closed only when no thread holds or awaits a
 * lock in it, and it decides between the JVM's own threads in memory before asking the OS. A thread
 * that times out or is interrupted while waiting never touches the channel, so it can never release
 * a lock that another thread holds.
 *
 * <p>A lock is a byte range of its file: a whole-file lock for the plain exclusive locks, and one
 * byte per key (at a position hashed from the key) for keyed locks, so that one lock file serves
 * any number of keys and never has to be deleted. Two keys that hash alike share a lock, which only
 * makes one of them wait. Thread-safe.
 */
final class ProcessLocks {

  /** The range of a plain, whole-file lock. */
  static final long WHOLE_FILE = -1;

  /** Open lock files by identity (see {@link #identity}). */
  private final Map<Object, LockFile> files = new HashMap<>();

  /** One open lock file: its channel and the ranges this JVM holds in it. */
  private static final class LockFile {
    final FileChannel channel;
    final Map<Long, Range> ranges = new HashMap<>();
    int waiters;

    LockFile(FileChannel channel) {
      this.channel = channel;
    }
  }

  /** One range: held shared by {@code shared} threads, or exclusively by one. */
  private static final class Range {
    int shared;
    boolean exclusive;
    FileLock os;
  }

  /** True if this JVM has the lock file of this identity open (holds or awaits a lock in it). */
  synchronized boolean holds(Object identity) {
    return files.containsKey(identity);
  }

  /** The byte a key locks: a position in 1..2^62, so ranges never reach the whole-file lock's 0. */
  static long position(String key) {
    long h = 1125899906842597L;
    for (int i = 0; i < key.length(); i++) {
      h = 31 * h + key.charAt(i);
    }
    // A 64-bit finalizer spreads similar keys (batch ids that differ in one digit) apart.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return 1 + (h & 0x3FFF_FFFF_FFFF_FFFFL);
  }

  /**
   * Takes a lock, waiting up to {@code timeout} for threads of this JVM and for other processes.
   *
   * @param position {@link #WHOLE_FILE} or a key's {@link #position}
   * @return the held lock (closing it releases the lock, once), or empty after the timeout
   */
  Optional<Closeable> acquire(Path lockFile, long position, boolean shared, Duration timeout)
      throws IOException {
    Path path = lockFile.toAbsolutePath().normalize();
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), TimeUnit.DAYS.toNanos(365));
    long pauseMillis = 1;
    synchronized (this) {
      Object key = identity(path);
      LockFile file = key == null ? null : files.get(key);
      if (file == null) {
        FileChannel channel = open(path);
        key = identity(path);
        if (key == null) {
          key = path; // removed at once by someone else: the channel still serves this caller
        }
        file = files.get(key);
        if (file != null) {
          channel.close(); // safe: this JVM holds no lock through this new channel
        } else {
          file = new LockFile(channel);
          files.put(key, file);
        }
      }
      file.waiters++;
      try {
        while (true) {
          Range range = file.ranges.computeIfAbsent(position, p -> new Range());
          if (grant(file, range, position, shared)) {
            return Optional.of(new Held(key, file, position, range, shared));
          }
          if (range.shared == 0 && !range.exclusive) {
            file.ranges.remove(position);
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return Optional.empty();
          }
          // Woken by a release in this JVM; other processes' releases are only seen by polling.
          wait(Math.max(1, Math.min(pauseMillis, TimeUnit.NANOSECONDS.toMillis(left))));
          pauseMillis = Math.min(pauseMillis * 2, 20);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted waiting for lock " + path);
      } finally {
        file.waiters--;
        closeIfUnused(key, file);
      }
    }
  }

  /**
   * The lock file's identity (device and inode), or null if it is not there yet. The table is keyed
   * by it, not by path: two paths to one file (a hard link) must share one channel, or closing one
   * would drop the locks held through the other.
   */
  private static Object identity(Path lockFile) throws IOException {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(lockFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        throw notALockFile(
            lockFile, attributes.isSymbolicLink() ? "a symbolic link" : "not a regular file");
      }
      return attributes.fileKey() != null ? attributes.fileKey() : lockFile;
    } catch (java.nio.file.NoSuchFileException notYet) {
      return null;
    }
  }

  private static FileChannel open(Path lockFile) throws IOException {
    // Read and write: a shared (read) record lock needs a readable descriptor, an exclusive one a
    // writable one. Never through a link: a planted one would create or lock a file elsewhere.
    try {
      FileChannel channel =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
      try {
        // Lock files are never deleted: one root made must stay usable by the tiers' owner.
        Owners.adoptDirectoryOwner(lockFile);
      } catch (IOException | RuntimeException e) {
        channel.close(); // no lock is held through it yet
        throw e;
      }
      return channel;
    } catch (java.nio.file.FileSystemException e) {
      if (Files.isSymbolicLink(lockFile)) {
        throw notALockFile(lockFile, "a symbolic link");
      }
      throw e;
    }
  }

  private static IOException notALockFile(Path lockFile, String what) {
    return new java.nio.file.FileSystemException(
        lockFile.toString(),
        null,
        "Refusing to lock "
            + lockFile
            + ": it is "
            + what
            + ", not a lock file the SDK made (remove it; the SDK"
            + " creates it again)");
  }

  private static boolean grant(LockFile file, Range range, long position, boolean shared)
      throws IOException {
    if (range.exclusive || (!shared && range.shared > 0)) {
      return false;
    }
    if (shared && range.shared > 0) {
      range.shared++;
      return true;
    }
    FileLock os;
    try {
      os =
          position == WHOLE_FILE
              ? file.channel.tryLock(0, Long.MAX_VALUE, shared)
              : file.channel.tryLock(position, 1, shared);
    } catch (OverlappingFileLockException heldThroughAnotherChannel) {
      // Only if code outside this table locked the same file in this JVM: wait for it like for
      // another process.
      return false;
    }
    if (os == null) {
      return false;
    }
    range.os = os;
    if (shared) {
      range.shared = 1;
    } else {
      range.exclusive = true;
    }
    return true;
  }

  private synchronized void release(
      Object key, LockFile file, long position, Range range, boolean shared) throws IOException {
    try {
      if (shared && --range.shared > 0) {
        return;
      }
      range.exclusive = false;
      file.ranges.remove(position);
      range.os.release();
    } finally {
      closeIfUnused(key, file);
      notifyAll();
    }
  }

  /** Closes a lock file's channel once no thread holds or awaits a lock in it. */
  private void closeIfUnused(Object key, LockFile file) throws IOException {
    if (file.ranges.isEmpty() && file.waiters == 0 && files.get(key) == file) {
      files.remove(key);
      file.channel.close();
    }
  }

  /** A held lock; closing it releases it once, later closes do nothing. */
  private final class Held implements Closeable {
    private final Object key;
    private final LockFile file;
    private final long position;
    private final Range range;
    private final boolean shared;
    private boolean released;

    Held(Object key, LockFile file, long position, Range range, boolean shared) {
      this.key = key;
      this.file = file;
      this.position = position;
      this.range = range;
      this.shared = shared;
    }

    @Override
    public void close() throws IOException {
      synchronized (ProcessLocks.this) {
        if (released) {
          return;
        }
        released = true;
      }
      release(key, file, position, range, shared);
    }
  }
}
