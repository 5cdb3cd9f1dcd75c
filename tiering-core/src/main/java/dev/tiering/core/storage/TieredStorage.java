package dev.tiering.core.storage;

import dev.tiering.core.TierLayout;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Local disks for the hot tier, another file system for the lake (see {@link Storage#forLayout}):
 * each call goes to the store that holds its path, and a move between the two is refused as between
 * devices, so {@link Storage#transfer} copies.
 */
final class TieredStorage implements Storage {

  private static final Map<URI, Storage> STORES = new ConcurrentHashMap<>();

  private final Storage local;
  private final Storage lake;
  private final Path lakeRoot;

  private TieredStorage(Storage local, Storage lake, Path lakeRoot) {
    this.local = local;
    this.lake = lake;
    this.lakeRoot = lakeRoot;
  }

  static Storage of(TierLayout layout) {
    Storage lake = STORES.computeIfAbsent(layout.lakeStore(), TieredStorage::provide);
    return new TieredStorage(Storage.local(), lake, layout.lakeRoot());
  }

  private static Storage provide(URI store) {
    for (StorageProvider provider : ServiceLoader.load(StorageProvider.class)) {
      if (provider.serves(store.getScheme())) {
        return provider.open(store);
      }
    }
    throw new IllegalStateException(
        "No storage for the lake on "
            + store
            + ": add the"
            + " dev.tiering:tiering-hadoop module to the class path (for "
            + store.getScheme()
            + "://, Hadoop's client for that file system too), or use a local lake root");
  }

  private Storage at(Path path) {
    return path.toAbsolutePath().normalize().startsWith(lakeRoot) ? lake : local;
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    return at(target).create(target, mode);
  }

  @Override
  public InputStream openStream(Path file) throws IOException {
    return at(file).openStream(file);
  }

  @Override
  public SeekableByteChannel openChannel(Path file) throws IOException {
    return at(file).openChannel(file);
  }

  @Override
  public List<FileEntry> list(Path dir) throws IOException {
    return at(dir).list(dir);
  }

  @Override
  public List<String> names(Path dir) throws IOException {
    return at(dir).names(dir);
  }

  @Override
  public Optional<FileEntry> stat(Path path) throws IOException {
    return at(path).stat(path);
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    Storage from = at(source);
    if (from != at(target)) {
      throw new AtomicMoveNotSupportedException(
          source.toString(),
          target.toString(),
          "the hot tier and the lake are on different file systems");
    }
    from.move(source, target);
  }

  @Override
  public boolean delete(Path path) throws IOException {
    return at(path).delete(path);
  }

  @Override
  public boolean deleteIfAbandoned(Path temporary) throws IOException {
    return at(temporary).deleteIfAbandoned(temporary);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    at(dir).createDirectories(dir);
  }

  @Override
  public StoreUsage usage(Path path) throws IOException {
    return at(path).usage(path);
  }

  @Override
  public Closeable lock(Path lockFile, Duration timeout) throws IOException {
    return at(lockFile).lock(lockFile, timeout);
  }

  @Override
  public Optional<Closeable> tryLock(Path lockFile, String key, LockMode mode, Duration timeout)
      throws IOException {
    return at(lockFile).tryLock(lockFile, key, mode, timeout);
  }
}
