package dev.tiering.core.storage;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * One directory entry as the storage saw it, without following symbolic links.
 *
 * @param path the entry's path
 * @param type what the entry is
 * @param size the size in bytes (of the link itself for links, 0 for directories)
 * @param modified the last modification time
 */
public record FileEntry(Path path, Type type, long size, Instant modified) {

  /** What a directory entry is. */
  public enum Type {
    /** A regular file. */
    FILE,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link, never followed. */
    SYMLINK,
    /** Anything else (device, socket, pipe). */
    OTHER
  }

  /** Checks the components. */
  public FileEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(modified, "modified");
  }

  /** The entry's file name. */
  public String name() {
    return path.getFileName().toString();
  }

  /** True for regular files. */
  public boolean isFile() {
    return type == Type.FILE;
  }

  /** True for directories. */
  public boolean isDirectory() {
    return type == Type.DIRECTORY;
  }
}
