package dev.tiering.hadoop;

import dev.tiering.core.FileEntry;
import dev.tiering.core.PendingFile;
import dev.tiering.core.Storage;
import dev.tiering.core.StoreUsage;
import dev.tiering.core.WriteMode;
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
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.LeaseRecoverable;
import org.apache.hadoop.fs.Options;
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
 *   <li>Locks: a lock file created exclusively and held open; see {@link #lock}.
 * </ul>
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

  private final URI store;
  private final Configuration conf;
  private final ConcurrentHashMap<Path, ReentrantLock> localLocks = new ConcurrentHashMap<>();
  private final Set<Path> liveTemporaries = ConcurrentHashMap.newKeySet();
  private final Object connecting = new Object();
  private volatile Connection connection;
  /** Test seam: called at named points of connecting and locking; does nothing otherwise. */
  volatile Hook hook = (point, path) -> { };

  /** A point where tests can stop or observe a thread. */
  interface Hook {
    void at(String point, Path path) throws IOException;
  }

  /** The file system and the file context over it, published together once both exist. */
  private record Connection(FileSystem fs, FileContext context) { }

  private HadoopStorage(URI store, Configuration conf) {
    this.store = store;
    this.conf = conf;
  }

  /**
   * A storage on the file system {@code store} ({@code scheme://authority}), connecting at first
   * use.
   *
   * @throws IllegalArgumentException if the file system's rename is not known to be atomic and
   *     {@link #ASSUME_ATOMIC_RENAME} is not set
   */
  public static HadoopStorage open(URI store, Configuration conf) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(conf, "conf");
    String scheme = store.getScheme() == null ? "" : store.getScheme().toLowerCase(Locale.ROOT);
    if (!ATOMIC_RENAME.contains(scheme) && !conf.getBoolean(ASSUME_ATOMIC_RENAME, false)) {
      throw new IllegalArgumentException("Cannot keep the lake on " + store + ": on " + scheme
          + ":// a rename is not known to be atomic (on object stores it is a copy), so a reader"
          + " could see a half-written file and a crash could leave one. Use HDFS or a local disk"
          + " for the lake; if this file system's rename is atomic, set " + ASSUME_ATOMIC_RENAME
          + "=true in its Hadoop configuration");
    }
    return new HadoopStorage(URI.create(scheme + "://"
        + (store.getRawAuthority() == null ? "" : store.getRawAuthority())), conf);
  }

  /**
   * Fails clearly if Hadoop's classes are on the class path twice: the shaded client this module
   * brings, and the trimmed hadoop-common of {@code tiering-parquet}. Which copy a class comes
   * from then depends on the class path order, and the wrong mix fails later with a
   * NoClassDefFoundError far from its cause.
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
      throw new IllegalStateException("Hadoop's classes are on the class path twice " + copies
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

  /** The file system this storage serves, as {@code scheme://authority}. */
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
    FileEntry.Type type = status.isSymlink() ? FileEntry.Type.SYMLINK
        : status.isDirectory() ? FileEntry.Type.DIRECTORY
        : status.isFile() ? FileEntry.Type.FILE : FileEntry.Type.OTHER;
    return new FileEntry(local(status.getPath()), type, type == FileEntry.Type.DIRECTORY ? 0
        : status.getLen(), Instant.ofEpochMilli(status.getModificationTime()));
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
      throw new FileAlreadyExistsException(target.toString(), source.toString(),
          "the target exists and is never replaced");
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
   * systems only files this JVM writes are known to be live, and the caller's grace period
   * (see {@link dev.tiering.core.TempFileSweeper}) must cover the others.
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
   * An exclusive lock: first among this JVM's threads, then across processes and hosts by
   * creating {@code lockFile} exclusively and holding it open until released (then deleting it).
   * A lock file left by a crashed holder is released when HDFS recovers the holder's lease and
   * closes the file: a closed lock file is stale and is taken over.
   */
  @Override
  public Closeable lock(Path lockFile, Duration timeout) throws IOException {
    Path path = lockFile.toAbsolutePath().normalize();
    long deadline = System.nanoTime() + timeout.toNanos();
    ReentrantLock local = localLocks.computeIfAbsent(path, p -> new ReentrantLock());
    try {
      if (!local.tryLock(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)) {
        throw timedOut(path, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted waiting for lock " + path);
    }
    try {
      FSDataOutputStream held = acquire(path, deadline, timeout);
      return () -> {
        try {
          held.close();
          fs().delete(hadoop(path), false);
        } finally {
          local.unlock();
        }
      };
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw e;
    }
  }

  private FSDataOutputStream acquire(Path path, long deadline, Duration timeout)
      throws IOException {
    fs().mkdirs(hadoop(path.getParent()));
    long pause = 5;
    while (true) {
      try {
        FSDataOutputStream out = fs().create(hadoop(path), false);
        out.hflush();
        return out;
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException
          | org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException taken) {
        takeOverIfStale(path);
      } catch (org.apache.hadoop.ipc.RemoteException remote) {
        IOException unwrapped = remote.unwrapRemoteException();
        if (!unwrapped.getClass().getSimpleName().contains("AlreadyBeingCreated")
            && !(unwrapped instanceof org.apache.hadoop.fs.FileAlreadyExistsException)) {
          throw unwrapped;
        }
      }
      if (System.nanoTime() > deadline) {
        throw timedOut(path, timeout);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted waiting for lock " + path);
      }
      pause = Math.min(pause * 2, 200);
    }
  }

  /** A lock file that is closed has no holder: move it aside (one taker wins) and delete it. */
  private void takeOverIfStale(Path path) throws IOException {
    if (!(fs() instanceof LeaseRecoverable leases)) {
      return;
    }
    try {
      if (!leases.isFileClosed(hadoop(path))) {
        return;
      }
      Path aside = Storage.temporarySibling(path);
      if (fs().rename(hadoop(path), hadoop(aside))) {
        fs().delete(hadoop(aside), false);
        log.warn("Took over stale lock {}: its holder died without releasing it", path);
      }
    } catch (FileNotFoundException released) {
      // Released meanwhile: the next attempt takes it.
    }
  }

  private static IOException timedOut(Path path, Duration timeout) {
    return new IOException("Timed out after " + timeout.toMillis() + " ms waiting for lock "
        + path + " (another writer holds it; retry when it is done. A holder that died releases"
        + " it when HDFS recovers its lease: 'hdfs debug recoverLease -path " + path + "')");
  }

  private NoSuchFileException missing(Path path, FileNotFoundException e) {
    NoSuchFileException missing = new NoSuchFileException(store + path.toString(), null,
        e.getMessage());
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
      this.stream = new OutputStream() {
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
        rename(temp, target, mode == WriteMode.REPLACE ? Options.Rename.OVERWRITE
            : Options.Rename.NONE);
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
