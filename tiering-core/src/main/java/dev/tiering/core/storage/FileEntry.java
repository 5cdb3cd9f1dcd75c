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
    FILE("a regular file"),
    /** A directory. */
    DIRECTORY("a directory"),
    /** A symbolic link, never followed. */
    SYMLINK("a symbolic link"),
    /** A named pipe. */
    FIFO("a FIFO (named pipe)"),
    /** A Unix domain socket. */
    SOCKET("a socket"),
    /** A block device. */
    BLOCK_DEVICE("a block device"),
    /** A character device. */
    CHARACTER_DEVICE("a character device"),
    /** Anything else, or a special file whose kind the store does not tell. */
    OTHER("a special file");

    private final String words;

    Type(String words) {
      this.words = words;
    }

    /** {@return the kind in words, with its article, e.g. {@code a FIFO (named pipe)}} */
    public String inWords() {
      return words;
    }
  }

  /**
   * Checks the components.
   *
   * @param path the entry's path; not null
   * @param type what the entry is; not null
   * @param size the size in bytes
   * @param modified the last modification time; not null
   */
  public FileEntry {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(modified, "modified");
  }

  /** {@return the entry's file name} */
  public String name() {
    return path.getFileName().toString();
  }

  /** {@return whether the entry is a regular file} */
  public boolean isFile() {
    return type == Type.FILE;
  }

  /** {@return whether the entry is a directory} */
  public boolean isDirectory() {
    return type == Type.DIRECTORY;
  }
}
