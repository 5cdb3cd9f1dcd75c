package dev.tiering.core.testing;

import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.ForwardingPendingFile;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A storage whose user can die as a process dies: subclasses see every change to the disk (a
 * published file, a move, a delete) in {@link #changed()}, and after {@link #die()} every call
 * fails, so nothing the code would do next, its clean-up included, reaches the disk. Closing a
 * pending file still works when dead: it only discards an unpublished temporary file, which is what
 * the recovery sweep does with a dead process's.
 */
public abstract class CrashableStorage extends ForwardingStorage {

  private volatile boolean dead;

  /** Forwards to {@code delegate}. */
  protected CrashableStorage(Storage delegate) {
    super(delegate);
  }

  /** Called after each change to the disk, by the thread that made it. */
  protected abstract void changed() throws IOException;

  /** True if the calling thread is the one that dies (default: every thread). */
  protected boolean dies() {
    return true;
  }

  /** From now on, every call of a thread that {@link #dies()} fails. */
  public void die() {
    dead = true;
  }

  /** True once {@link #die()} was called. */
  public boolean dead() {
    return dead;
  }

  /** Fails if the calling thread's process is dead. */
  protected void alive() throws IOException {
    if (dead && dies()) {
      throw new IOException("process is dead (injected)");
    }
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    alive();
    return new ForwardingPendingFile(super.create(target, mode)) {
      @Override
      public void commit() throws IOException {
        alive();
        super.commit();
        changed();
      }
    };
  }

  @Override
  public void move(Path source, Path target) throws IOException {
    alive();
    super.move(source, target);
    changed();
  }

  @Override
  public boolean delete(Path path) throws IOException {
    alive();
    boolean deleted = super.delete(path);
    changed();
    return deleted;
  }

  @Override
  public Optional<FileEntry> stat(Path path) throws IOException {
    alive();
    return super.stat(path);
  }

  @Override
  public List<FileEntry> list(Path dir) throws IOException {
    alive();
    return super.list(dir);
  }
}
