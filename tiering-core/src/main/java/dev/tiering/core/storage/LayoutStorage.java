package dev.tiering.core.storage;

import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A storage that knows the tiers' layout (see {@link Storage#reportingFullTiers}): a write that
 * runs out of space becomes a {@link TierFullException} naming the tier, and nothing is ever
 * created below a tier root that is not there. A missing root is an unmounted disk far more often
 * than a new installation, and creating it would fill the disk that holds the mount point (the root
 * file system) instead: so the SDK never creates a root, except when asked to by {@link
 * Storage#createRoots} (a {@link #createDirectories} of exactly the root).
 */
final class LayoutStorage extends ForwardingStorage {

  private final TierLayout layout;
  private final String command;

  LayoutStorage(Storage delegate, TierLayout layout, String command) {
    super(delegate);
    this.layout = java.util.Objects.requireNonNull(layout, "layout");
    this.command = command;
  }

  TierLayout layout() {
    return layout;
  }

  String command() {
    return command;
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    requireRoot(target);
    try {
      return new Pending(delegate().create(target, mode));
    } catch (IOException e) {
      throw diagnose(explained(e), target);
    }
  }

  @Override
  public java.io.InputStream openStream(Path file) throws IOException {
    return explaining(() -> super.openStream(file));
  }

  @Override
  public java.nio.channels.SeekableByteChannel openChannel(Path file) throws IOException {
    return explaining(() -> super.openChannel(file));
  }

  @Override
  public java.util.List<FileEntry> list(Path dir) throws IOException {
    return explaining(() -> super.list(dir));
  }

  @Override
  public java.util.List<String> names(Path dir) throws IOException {
    return explaining(() -> super.names(dir));
  }

  @Override
  public java.util.Optional<FileEntry> stat(Path path) throws IOException {
    return explaining(() -> super.stat(path));
  }

  @Override
  public boolean delete(Path path) throws IOException {
    return explaining(() -> super.delete(path));
  }

  @Override
  public boolean deleteIfAbandoned(Path temporary) throws IOException {
    return explaining(() -> super.deleteIfAbandoned(temporary));
  }

  /** A storage call, for {@link #explaining}. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  /** {@return what {@code call} returns} Its failure is {@link #explained}. */
  private static <T> T explaining(Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (IOException e) {
      throw explained(e);
    }
  }

  /**
   * The failure with why in its message. The JDK gives only the path for the three commonest errors
   * (EACCES, ENOENT, EEXIST), so a message would read {@code /data/lake/...} alone; every other
   * error already carries its errno text, and the SDK's own exceptions their sentence. What was
   * tried is the caller's to say (a report's operation). Same exception type, the original as its
   * cause.
   */
  static IOException explained(IOException e) {
    if (!(e instanceof java.nio.file.FileSystemException fs)
        || fs.getReason() != null
        || fs.getFile() == null) {
      return e;
    }
    java.nio.file.FileSystemException named;
    if (fs instanceof java.nio.file.AccessDeniedException) {
      named =
          new java.nio.file.AccessDeniedException(
              fs.getFile(), fs.getOtherFile(), "permission denied");
    } else if (fs instanceof java.nio.file.NoSuchFileException) {
      named =
          new java.nio.file.NoSuchFileException(
              fs.getFile(), fs.getOtherFile(), "no such file or directory");
    } else if (fs instanceof java.nio.file.FileAlreadyExistsException) {
      named =
          new java.nio.file.FileAlreadyExistsException(
              fs.getFile(), fs.getOtherFile(), "already exists");
    } else {
      return e;
    }
    named.initCause(e);
    return named;
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    requireRoot(target);
    try {
      super.move(source, target);
    } catch (IOException e) {
      throw explained(e);
    }
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    Tier tier = layout.tierOf(dir).orElse(null);
    if (tier == null || !dir.toAbsolutePath().normalize().equals(layout.root(tier))) {
      requireRoot(dir);
    }
    try {
      super.createDirectories(dir);
    } catch (IOException e) {
      throw explained(e);
    }
  }

  @Override
  public java.io.Closeable lock(Path lockFile, java.time.Duration timeout) throws IOException {
    requireRoot(lockFile);
    return explaining(() -> super.lock(lockFile, timeout));
  }

  @Override
  public java.util.Optional<java.io.Closeable> tryLock(
      Path lockFile, String key, LockMode mode, java.time.Duration timeout) throws IOException {
    requireRoot(lockFile);
    return explaining(() -> super.tryLock(lockFile, key, mode, timeout));
  }

  /**
   * Refuses to write below a tier root that is not a directory. One stat of the root per file
   * created, moved or locked: small beside the fsyncs of a publish, and a disk unmounted while a
   * long job runs is caught at its next file.
   */
  private void requireRoot(Path path) throws IOException {
    Tier tier = layout.tierOf(path).orElse(null);
    if (tier == null) {
      return;
    }
    Path root = layout.root(tier);
    java.util.Optional<FileEntry> entry = delegate().stat(root);
    if (entry.isPresent() && entry.get().isDirectory()) {
      return;
    }
    throw new java.nio.file.NoSuchFileException(
        layout.display(root),
        null,
        "The "
            + (tier == Tier.HOT ? "hot tier" : "lake")
            + " root "
            + layout.display(root)
            + (entry.isEmpty() ? " does not exist" : " is not a directory")
            + ", so nothing was written to "
            + layout.display(path)
            + " (is the "
            + (tier == Tier.HOT ? "SSD" : "lake disk")
            + " mounted? The SDK never creates a tier root: mount it, or create it once with"
            + " 'tiering init')");
  }

  /** The failure itself, or a {@link TierFullException} if it is a full device. */
  private IOException diagnose(IOException e, Path target) {
    if (e instanceof TierFullException full) {
      // Made by an inner layout storage (a decorator between two of them, such as the command
      // line's progress): this one may know the command, whose advice must then be left out.
      return command == null || command.equals(full.command())
          ? e
          : new TierFullException(
              full.tier(),
              layout,
              full.target(),
              full.usage(),
              command,
              (IOException) e.getCause());
    }
    if (!TierFullException.isOutOfSpace(e)) {
      return e;
    }
    Tier tier = layout.tierOf(target).orElse(null);
    StoreUsage usage;
    try {
      usage = delegate().usage(target);
    } catch (IOException | RuntimeException unmeasurable) {
      usage = null;
    }
    return new TierFullException(tier, layout, target, usage, command, e);
  }

  /** Discards the file at the first failure, so a full disk gets its partial bytes back. */
  private final class Pending extends ForwardingPendingFile {
    private final PendingFile real;
    private final OutputStream stream;

    Pending(PendingFile real) {
      super(real);
      this.real = real;
      this.stream =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              try {
                real.stream().write(b);
              } catch (IOException e) {
                throw fail(e);
              }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              try {
                real.stream().write(b, off, len);
              } catch (IOException e) {
                throw fail(e);
              }
            }

            @Override
            public void flush() throws IOException {
              try {
                real.stream().flush();
              } catch (IOException e) {
                throw fail(e);
              }
            }

            @Override
            public void close() throws IOException {
              try {
                real.stream().close();
              } catch (IOException e) {
                throw fail(e);
              }
            }
          };
    }

    private IOException fail(IOException e) {
      IOException diagnosed = diagnose(e, real.target());
      if (diagnosed instanceof TierFullException) {
        try {
          real.close();
        } catch (IOException | RuntimeException discard) {
          diagnosed.addSuppressed(discard);
        }
      }
      return diagnosed;
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public void commit() throws IOException {
      try {
        real.commit();
      } catch (IOException e) {
        throw fail(explained(e));
      }
    }
  }
}
