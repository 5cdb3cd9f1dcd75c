package dev.tiering.hadoop;

import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.LockMode;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.StoreUsage;
import dev.tiering.core.storage.WriteMode;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.ipc.RemoteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage SPI on a Hadoop {@link FileSystem}: HDFS, or any file system whose rename is atomic.
 * Paths are absolute paths on that file system ({@code /lake/clean/...}); the store's scheme and
 * authority are added here.
 *
 * <ul>
 *   <li>Atomic publish: a file is written to a hidden temporary name beside its target, {@code
 *       hsync}ed, closed, and renamed with {@link FileContext#rename} ({@code NONE}: never
 *       replacing; {@code OVERWRITE} for replacing writes). On HDFS that rename is one atomic
 *       NameNode operation.
 *   <li>Live writers: a temporary file still open for writing (HDFS: its lease is held) is never
 *       taken for abandoned; see {@link #deleteIfAbandoned}.
 *   <li>Locks: a lock file that its holder keeps open for writing; see below.
 * </ul>
 *
 * <p><b>Locks.</b> On HDFS a lock is held by holding the lease of its lock file. A lock file is
 * taken by creating it (never overwriting) or, when it is there and closed, by appending to it:
 * each is one NameNode operation that succeeds only if no client holds the file's lease. Release
 * closes the holder's own stream, which completes only its own lease (the NameNode checks the
 * holder), and leaves the closed file for the next taker: lock files are never renamed or deleted.
 * Hence: <em>at most one holder at a time</em>, across threads, processes and hosts, because HDFS
 * grants one lease per file; <em>a crashed holder's lock is taken over only after its lease is
 * recovered</em> (by the NameNode when another client asks after the lease soft limit, by the hard
 * limit, or by {@code hdfs debug recoverLease}), because until then its file is open; and
 * <em>release never removes another holder's lock</em>, because it touches nothing but its own
 * stream. Threads of one storage queue in memory first, and a thread that times out or is
 * interrupted while waiting leaves the holder's lock alone. As with any lease, a holder whose
 * client stops renewing the lease for longer than the soft limit (a JVM frozen for a minute) can
 * lose the lock while it still believes it holds it; its release then fails and says so. On other
 * Hadoop file systems a lock file is created exclusively and deleted by its holder; one left by a
 * dead holder is never taken over and must be deleted by hand.
 *
 * <p>File systems whose rename is a copy (object stores such as {@code s3a}, {@code gs}) are
 * refused: a reader could see a half-copied file. Thread-safe.
 */
public final class HadoopStorage implements Storage {

  /**
   * Configuration key: {@code true} lets a file system this class does not know to rename
   * atomically serve the lake (for example {@code abfs} with a hierarchical namespace).
   */
  public static final String ASSUME_ATOMIC_RENAME = "tiering.hadoop.assume-atomic-rename";

  private static final Logger log = LoggerFactory.getLogger(HadoopStorage.class);
  private static final Set<String> ATOMIC_RENAME =
      Set.of("hdfs", "viewfs", "webhdfs", "swebhdfs", "file");
  private static final int COPY_BUFFER = 128 * 1024;

  /** Timeouts are held to this, so that deadlines never overflow. */
  private static final Duration LONGEST_WAIT = Duration.ofDays(365);

  private static final long LONGEST_PAUSE_MILLIS = 200;

  /** What the NameNode answers while a client holds a file's lease: the lock is taken. */
  private static final Set<String> TAKEN =
      Set.of(
          "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException",
          "org.apache.hadoop.hdfs.protocol.RecoveryInProgressException",
          "org.apache.hadoop.ipc.RetriableException");

  /**
   * Runs the NameNode calls that take and release locks. Their callers wait for them to finish even
   * when interrupted: an interrupted call could have taken a lock on the NameNode with no stream
   * here to release it, and the lock would stay taken as long as this client lives.
   */
  private static final ExecutorService LOCK_CALLS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "tiering-hdfs-lock");
            thread.setDaemon(true);
            return thread;
          });

  private final URI store;
  private final Configuration conf;
  private final Set<Path> liveTemporaries = ConcurrentHashMap.newKeySet();

  /** The lock files that threads of this storage hold or are taking; guarded by itself. */
  private final Set<Path> lockedHere = new HashSet<>();

  private final Object connecting = new Object();
  private volatile Connection connection;

  /** Test seam: called at named points of connecting and locking; does nothing otherwise. */
  volatile Hook hook = (point, path) -> {};

  /** A point where tests can stop or observe a thread. */
  interface Hook {
    void at(String point, Path path) throws IOException;
  }

  /** The file system and the file context over it, published together once both exist. */
  private record Connection(FileSystem fs, FileContext context) {}

  private HadoopStorage(URI store, Configuration conf) {
    this.store = store;
    this.conf = conf;
  }

  /**
   * A storage on a Hadoop file system, connecting at first use.
   *
   * @param store the file system, as {@code scheme://authority}; a path part is ignored
   * @param conf the Hadoop configuration to connect with
   * @return the storage
   * @throws IllegalArgumentException if the file system's rename is not known to be atomic and
   *     {@link #ASSUME_ATOMIC_RENAME} is not set
   */
  public static HadoopStorage open(URI store, Configuration conf) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(conf, "conf");
    String scheme = store.getScheme() == null ? "" : store.getScheme().toLowerCase(Locale.ROOT);
    if (!ATOMIC_RENAME.contains(scheme) && !conf.getBoolean(ASSUME_ATOMIC_RENAME, false)) {
      throw new IllegalArgumentException(
          "Cannot keep the lake on "
              + store
              + ": on "
              + scheme
              + ":// a rename is not known to be atomic (on object stores it is a copy), so a reader"
              + " could see a half-written file and a crash could leave one. Use HDFS or a local disk"
              + " for the lake; if this file system's rename is atomic, set "
              + ASSUME_ATOMIC_RENAME
              + "=true in its Hadoop configuration");
    }
    return new HadoopStorage(
        URI.create(
            scheme + "://" + (store.getRawAuthority() == null ? "" : store.getRawAuthority())),
        conf);
  }

  /**
   * Fails clearly if Hadoop's classes are on the class path twice: the shaded client this module
   * brings, and the trimmed hadoop-common of {@code tiering-parquet}. Which copy a class comes from
   * then depends on the class path order, and the wrong mix fails later with a NoClassDefFoundError
   * far from its cause.
   *
   * @throws IllegalStateException naming both jars and the exclusion that fixes it
   */
  static void checkOneHadoop(ClassLoader loader) {
    List<String> copies = new ArrayList<>();
    try {
      java.util.Enumeration<java.net.URL> found =
          loader.getResources("org/apache/hadoop/fs/FileSystem.class");
      while (found.hasMoreElements()) {
        copies.add(found.nextElement().toString().replaceFirst("!/.*", ""));
      }
    } catch (IOException e) {
      log.debug("Cannot look for duplicate Hadoop classes: {}", e.toString());
      return;
    }
    if (copies.size() > 1) {
      throw new IllegalStateException(
          "Hadoop's classes are on the class path twice "
              + copies
              + ": tiering-hadoop brings Hadoop's shaded client, so exclude"
              + " org.apache.hadoop:hadoop-common and org.apache.hadoop:hadoop-mapreduce-client-core"
              + " from dev.tiering:tiering-parquet (docs/hdfs.md shows the exclusions)");
    }
  }

  /** The Hadoop configuration: the class path's, plus {@code $HADOOP_CONF_DIR}'s site files. */
  static Configuration defaultConfiguration() {
    Configuration conf = new Configuration();
    String dir = System.getenv("HADOOP_CONF_DIR");
    if (dir != null && !dir.isBlank()) {
      for (String name : new String[] {"core-site.xml", "hdfs-site.xml"}) {
        java.io.File file = new java.io.File(dir, name);
        if (file.isFile()) {
          conf.addResource(new org.apache.hadoop.fs.Path(file.toURI()));
        }
      }
    }
    return conf;
  }

  /** {@return the file system this storage serves, as {@code scheme://authority}} */
  public URI store() {
    return store;
  }

  /** Connects at first use; every thread sees either no connection or a complete one. */
  private Connection connection() throws IOException {
    Connection current = connection;
    if (current == null) {
      synchronized (connecting) {
        current = connection;
        if (current == null) {
          checkOneHadoop(HadoopStorage.class.getClassLoader());
          FileSystem fs = FileSystem.get(store, conf);
          hook.at("connected", null);
          current = new Connection(fs, FileContext.getFileContext(store, conf));
          connection = current;
        }
      }
    }
    return current;
  }

  private FileSystem fs() throws IOException {
    return connection().fs();
  }

  private FileContext context() throws IOException {
    return connection().context();
  }

  /** The file system, for tests. */
  FileSystem fileSystem() throws IOException {
    return fs();
  }

  private org.apache.hadoop.fs.Path hadoop(Path path) {
    String absolute = path.toAbsolutePath().normalize().toString();
    return new org.apache.hadoop.fs.Path(store.getScheme(), store.getAuthority(), absolute);
  }

  private static Path local(org.apache.hadoop.fs.Path path) {
    return Path.of(path.toUri().getPath());
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    Objects.requireNonNull(mode, "mode");
    Path temp = Storage.temporarySibling(target.toAbsolutePath().normalize());
    fs().mkdirs(hadoop(temp.getParent()));
    FSDataOutputStream out;
    try {
      out = fs().create(hadoop(temp), false);
    } catch (FileNotFoundException e) {
      throw missing(temp, e);
    }
    liveTemporaries.add(temp);
    return new HadoopPendingFile(target.toAbsolutePath().normalize(), temp, out, mode);
  }

  @Override
  public InputStream openStream(Path file) throws IOException {
    try {
      return fs().open(hadoop(file));
    } catch (FileNotFoundException e) {
      throw missing(file, e);
    }
  }

  @Override
  public SeekableByteChannel openChannel(Path file) throws IOException {
    try {
      long size = fs().getFileStatus(hadoop(file)).getLen();
      return new InputChannel(fs().open(hadoop(file)), size);
    } catch (FileNotFoundException e) {
      throw missing(file, e);
    }
  }

  @Override
  public List<FileEntry> list(Path dir) throws IOException {
    FileStatus[] statuses;
    try {
      statuses = fs().listStatus(hadoop(dir));
    } catch (FileNotFoundException e) {
      return List.of();
    }
    List<FileEntry> entries = new ArrayList<>(statuses.length);
    for (FileStatus status : statuses) {
      entries.add(entry(status));
    }
    entries.sort(Comparator.comparing(FileEntry::name));
    return entries;
  }

  private static FileEntry entry(FileStatus status) {
    FileEntry.Type type =
        status.isSymlink()
            ? FileEntry.Type.SYMLINK
            : status.isDirectory()
                ? FileEntry.Type.DIRECTORY
                : status.isFile() ? FileEntry.Type.FILE : FileEntry.Type.OTHER;
    return new FileEntry(
        local(status.getPath()),
        type,
        type == FileEntry.Type.DIRECTORY ? 0 : status.getLen(),
        Instant.ofEpochMilli(status.getModificationTime()));
  }

  @Override
  public Optional<FileEntry> stat(Path path) throws IOException {
    try {
      return Optional.of(entry(fs().getFileLinkStatus(hadoop(path))));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    fs().mkdirs(hadoop(target.toAbsolutePath().getParent()));
    rename(source, target, Options.Rename.NONE);
  }

  /** Renames atomically; Hadoop's exceptions become the SPI's. */
  private void rename(Path source, Path target, Options.Rename option) throws IOException {
    try {
      context().rename(hadoop(source), hadoop(target), option);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(
          target.toString(), source.toString(), "the target exists and is never replaced");
    } catch (FileNotFoundException e) {
      throw missing(source, e);
    }
  }

  @Override
  public boolean delete(Path path) throws IOException {
    try {
      return fs().delete(hadoop(path), false);
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /**
   * Deletes a temporary file no writer holds. On HDFS a file stays open while its writer's lease
   * lives: a live writer's file, however slow, is never taken; a dead writer's file is taken once
   * the NameNode has recovered its lease (HDFS does so within its lease limits). On other file
   * systems only files this JVM writes are known to be live, and the caller's grace period (see
   * {@link dev.tiering.core.lifecycle.TempFileSweeper}) must cover the others.
   */
  @Override
  public boolean deleteIfAbandoned(Path temporary) throws IOException {
    Path normalized = temporary.toAbsolutePath().normalize();
    if (liveTemporaries.contains(normalized)) {
      return false;
    }
    FileSystem current = fs();
    if (current instanceof LeaseRecoverable leases) {
      try {
        if (!leases.isFileClosed(hadoop(normalized))) {
          return false;
        }
      } catch (FileNotFoundException gone) {
        return false;
      }
    }
    return delete(normalized);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    fs().mkdirs(hadoop(dir));
  }

  /** Capacity, from the file system's {@link FsStatus} (HDFS: the cluster's). */
  @Override
  public StoreUsage usage(Path path) throws IOException {
    FsStatus status = fs().getStatus(hadoop(path));
    long total = Math.max(0, status.getCapacity());
    long free = Math.min(total, Math.max(0, status.getRemaining()));
    return new StoreUsage(total, free, free);
  }

  /**
   * An exclusive lock (see the class comment): the lock file is taken from the NameNode by one
   * thread of this storage at a time, which polls while another client holds it. The file stays
   * after release, closed, for the next taker.
   */
  @Override
  public Closeable lock(Path lockFile, Duration timeout) throws IOException {
    Path path = lockFile.toAbsolutePath().normalize();
    return acquire(path, timeout).orElseThrow(() -> timedOut(path, timeout));
  }

  /**
   * An exclusive keyed lock: each key has its own lock file beside {@code lockFile}, named by a
   * 64-bit hash of the key ({@code .partitions.lock.<16 hex digits>}), locked as by {@link #lock}.
   * Two keys that hash alike share a lock, which only makes one of them wait. Shared locks are not
   * available: they serve the hot tier, which is always a local disk.
   *
   * @throws UnsupportedOperationException for {@link LockMode#SHARED}
   */
  @Override
  public Optional<Closeable> tryLock(Path lockFile, String key, LockMode mode, Duration timeout)
      throws IOException {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(mode, "mode");
    Path path = lockFile.toAbsolutePath().normalize();
    if (mode != LockMode.EXCLUSIVE) {
      throw new UnsupportedOperationException(
          "Shared keyed locks are not available on "
              + store
              + " (key '"
              + key
              + "' of "
              + path
              + "): they serve the hot tier, which is always a"
              + " local disk; the lake takes exclusive keyed locks only");
    }
    return acquire(keyFile(path, key), timeout);
  }

  /** The lock file of {@code key} within {@code lockFile}: {@code <lockFile>.<16 hex digits>}. */
  static Path keyFile(Path lockFile, String key) {
    return lockFile.resolveSibling(
        lockFile.getFileName() + "." + HexFormat.of().toHexDigits(keyHash(key)));
  }

  /** A 64-bit hash of a key: the local keyed locks' hash, with all 64 bits. */
  static long keyHash(String key) {
    long h = 1125899906842597L;
    for (int i = 0; i < key.length(); i++) {
      h = 31 * h + key.charAt(i);
    }
    // A 64-bit finalizer spreads similar keys (partitions that differ in one digit) apart.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  /** Takes {@code path}'s lock, or empty after the timeout. */
  private Optional<Closeable> acquire(Path path, Duration timeout) throws IOException {
    Duration wait =
        timeout.isNegative()
            ? Duration.ZERO
            : timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : timeout;
    long deadline = System.nanoTime() + wait.toNanos();
    if (!enterHere(path, deadline)) {
      return Optional.empty();
    }
    boolean held = false;
    try {
      Optional<HeldLock> lock = acquireFile(path, deadline);
      held = lock.isPresent();
      return lock.map(Closeable.class::cast);
    } finally {
      if (!held) {
        leaveHere(path);
      }
    }
  }

  /**
   * Waits until no other thread of this storage holds or is taking {@code path}. A thread that
   * times out or is interrupted here has changed nothing.
   */
  private boolean enterHere(Path path, long deadline) throws InterruptedIOException {
    synchronized (lockedHere) {
      while (!lockedHere.add(path)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lockedHere, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("Interrupted waiting for lock " + path);
        }
      }
      return true;
    }
  }

  private void leaveHere(Path path) {
    synchronized (lockedHere) {
      lockedHere.remove(path);
      lockedHere.notifyAll();
    }
  }

  /** Takes the lock file from the file system, polling while another client holds it. */
  private Optional<HeldLock> acquireFile(Path path, long deadline) throws IOException {
    FileSystem fs = fs();
    long pauseMillis = 5;
    while (true) {
      Optional<FSDataOutputStream> out = uninterruptibly(() -> attempt(fs, path));
      Optional<HeldLock> lock = out.map(stream -> new HeldLock(fs, path, stream));
      if (Thread.currentThread().isInterrupted()) {
        if (lock.isPresent()) {
          lock.get().releaseFile();
        }
        throw new InterruptedIOException("Interrupted waiting for lock " + path);
      }
      if (lock.isPresent()) {
        return lock;
      }
      hook.at("busy", path);
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(pauseMillis)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted waiting for lock " + path);
      }
      pauseMillis = Math.min(pauseMillis * 2, LONGEST_PAUSE_MILLIS);
    }
  }

  /**
   * One attempt on the NameNode: create the lock file, or append to it if it is there and closed.
   * While a client holds the file's lease both fail; past the lease's soft limit the NameNode
   * recovers a dead holder's lease when asked so, and the next attempt takes the file.
   */
  private Optional<FSDataOutputStream> attempt(FileSystem fs, Path path) throws IOException {
    org.apache.hadoop.fs.Path file = hadoop(path);
    try {
      FSDataOutputStream created = fs.create(file, false);
      shareLikeItsDirectory(fs, file);
      return Optional.of(created);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException exists) {
      // There and closed (a held file fails as taken, below): free unless another taker is first.
    } catch (IOException e) {
      if (taken(e)) {
        return Optional.empty();
      }
      throw unwrapped(e);
    }
    if (!(fs instanceof DistributedFileSystem hdfs)) {
      return Optional.empty(); // no leases: the file is held until its creator deletes it
    }
    hook.at("takeover", path);
    try {
      // NEW_BLOCK: appending to erasure-coded files needs it; no data is ever written anyway.
      return Optional.of(
          hdfs.append(
              file,
              EnumSet.of(CreateFlag.APPEND, CreateFlag.NEW_BLOCK),
              fs.getConf().getInt("io.file.buffer.size", 4096),
              null));
    } catch (FileNotFoundException deletedByHand) {
      return Optional.empty(); // the next attempt creates it
    } catch (IOException e) {
      if (taken(e)) {
        return Optional.empty();
      }
      throw unwrapped(e);
    }
  }

  /**
   * Lets everyone who may write the lock file's directory append to the new lock file: they could
   * all take the lock when it was a file created anew each time; the umask would keep them out.
   */
  private static void shareLikeItsDirectory(FileSystem fs, org.apache.hadoop.fs.Path file) {
    try {
      short dirMode = fs.getFileStatus(file.getParent()).getPermission().toShort();
      fs.setPermission(file, new FsPermission((short) (dirMode & 0666)));
    } catch (IOException | UnsupportedOperationException e) {
      log.warn(
          "Cannot give lock file {} the write access of its directory: {}", file, e.toString());
    }
  }

  private static boolean taken(IOException e) {
    String type =
        e instanceof RemoteException remote ? remote.getClassName() : e.getClass().getName();
    return TAKEN.contains(type);
  }

  private static IOException unwrapped(IOException e) {
    return e instanceof RemoteException remote ? remote.unwrapRemoteException() : e;
  }

  /**
   * Runs {@code call} to its end even if this thread is interrupted meanwhile (the interrupt is
   * kept for the caller to act on), so that no NameNode call is abandoned halfway.
   */
  private static <T> T uninterruptibly(Callable<T> call) throws IOException {
    Future<T> result = LOCK_CALLS.submit(call);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException io) {
            throw io;
          }
          if (cause instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (cause instanceof Error error) {
            throw error;
          }
          throw new IOException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private IOException timedOut(Path path, Duration timeout) {
    Connection current = connection;
    boolean leases = current == null || current.fs() instanceof DistributedFileSystem;
    return new IOException(
        "Timed out after "
            + timeout.toMillis()
            + " ms waiting for lock "
            + path
            + " (another writer holds it; retry when it is done. "
            + (leases
                ? "A holder that died keeps it until HDFS recovers its lease: when the next attempt comes"
                    + " after the lease soft limit (60 s), or at once with 'hdfs debug recoverLease -path "
                    + path
                    + "' once that holder is surely dead)"
                : "A holder that died leaves it taken: delete "
                    + store
                    + path
                    + " once that holder is"
                    + " surely dead)"));
  }

  /** A held lock: its lock file open for writing. Closing releases it once, from any thread. */
  private final class HeldLock implements Closeable {
    private final FileSystem fs;
    private final Path path;
    private final FSDataOutputStream out;
    private final AtomicBoolean released = new AtomicBoolean();

    HeldLock(FileSystem fs, Path path, FSDataOutputStream out) {
      this.fs = fs;
      this.path = path;
      this.out = out;
    }

    @Override
    public void close() throws IOException {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      try {
        releaseFile();
      } finally {
        leaveHere(path);
      }
    }

    /**
     * Closes this holder's own stream and nothing else: the NameNode completes the file only for
     * the lease holder. Without leases, the holder deletes the file it created.
     */
    void releaseFile() throws IOException {
      uninterruptibly(
          () -> {
            try {
              out.close();
            } catch (IOException e) {
              log.warn("Lock {} was not released cleanly: {}", path, e.toString());
              throw new IOException(
                  "Releasing lock "
                      + store
                      + path
                      + ": "
                      + e.getMessage()
                      + " (if HDFS recovered this client's lease meanwhile, because the client had not"
                      + " renewed it within the soft limit, another client may have held the lock too)",
                  e);
            } finally {
              hook.at("released", path);
              if (!(fs instanceof DistributedFileSystem)) {
                fs.delete(hadoop(path), false);
              }
            }
            return null;
          });
    }
  }

  private NoSuchFileException missing(Path path, FileNotFoundException e) {
    NoSuchFileException missing =
        new NoSuchFileException(store + path.toString(), null, e.getMessage());
    missing.initCause(e);
    return missing;
  }

  @Override
  public String toString() {
    return "HadoopStorage[" + store + "]";
  }

  /** A file being written under a hidden name; renamed into place on commit. */
  private final class HadoopPendingFile implements PendingFile {
    private final Path target;
    private final Path temp;
    private final FSDataOutputStream out;
    private final WriteMode mode;
    private final OutputStream stream;
    private long written;
    private boolean finished;

    HadoopPendingFile(Path target, Path temp, FSDataOutputStream out, WriteMode mode) {
      this.target = target;
      this.temp = temp;
      this.out = out;
      this.mode = mode;
      this.stream =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              open();
              out.write(b);
              written++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              open();
              out.write(b, off, len);
              written += len;
            }

            @Override
            public void flush() throws IOException {
              if (!finished) {
                out.flush();
              }
            }

            @Override
            public void close() throws IOException {
              // Parquet closes its stream; only commit() or close() of the pending file finish it.
              flush();
            }
          };
    }

    private void open() throws IOException {
      if (finished) {
        throw new IOException("Pending file for " + target + " is already finished");
      }
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
      boolean published = false;
      try {
        try {
          out.hsync();
        } catch (UnsupportedOperationException noSync) {
          out.flush();
        }
        out.close();
        // NONE refuses an existing target in the same NameNode operation that publishes.
        rename(
            temp,
            target,
            mode == WriteMode.REPLACE ? Options.Rename.OVERWRITE : Options.Rename.NONE);
        published = true;
      } finally {
        finished = true;
        liveTemporaries.remove(temp);
        if (!published) {
          discard();
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (finished) {
        return;
      }
      finished = true;
      try {
        out.close();
      } catch (IOException e) {
        log.debug("Closing discarded {}: {}", temp, e.toString());
      } finally {
        liveTemporaries.remove(temp);
        discard();
      }
    }

    private void discard() throws IOException {
      try {
        fs().delete(hadoop(temp), false);
      } catch (FileNotFoundException gone) {
        // Nothing to discard.
      }
    }
  }

  /** A read-only {@link SeekableByteChannel} over a Hadoop input stream. */
  private static final class InputChannel implements SeekableByteChannel {
    private final FSDataInputStream in;
    private final long size;
    private final byte[] copy = new byte[COPY_BUFFER];
    private boolean open = true;

    InputChannel(FSDataInputStream in, long size) {
      this.in = in;
      this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (!dst.hasRemaining()) {
        return 0;
      }
      if (in.getPos() >= size) {
        return -1;
      }
      if (dst.hasArray()) {
        int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
        if (n > 0) {
          dst.position(dst.position() + n);
        }
        return n;
      }
      int n = in.read(copy, 0, Math.min(copy.length, dst.remaining()));
      if (n > 0) {
        dst.put(copy, 0, n);
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new NonWritableChannelException();
    }

    @Override
    public long position() throws IOException {
      return in.getPos();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      in.seek(Math.min(newPosition, size));
      return this;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() throws IOException {
      open = false;
      in.close();
    }
  }
}
