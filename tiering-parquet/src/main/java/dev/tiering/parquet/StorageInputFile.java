package dev.tiering.parquet;

import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A Parquet {@link InputFile} read through the storage SPI's random-access channel. */
final class StorageInputFile implements InputFile {

  private final Storage storage;
  private final Path path;
  private long length = -1;
  private SeekableByteChannel pinned;

  StorageInputFile(Storage storage, Path path) {
    this.storage = storage;
    this.path = path;
  }

  /**
   * Opens the file now and keeps it open until it is read or {@link #unpin}ned: once open, a
   * concurrent delete (compaction merging it, a cache eviction) no longer takes its bytes away.
   *
   * @throws java.nio.file.NoSuchFileException if it is already gone
   */
  static StorageInputFile pinned(Storage storage, Path path) throws IOException {
    StorageInputFile file = new StorageInputFile(storage, path);
    file.pinned = storage.openChannel(path);
    file.length = file.pinned.size();
    return file;
  }

  /** The file's path. */
  Path path() {
    return path;
  }

  /** Closes a pinned file that will not be read. */
  void unpin() throws IOException {
    if (pinned != null) {
      pinned.close();
      pinned = null;
    }
  }

  @Override
  public long getLength() throws IOException {
    if (length < 0) {
      try (SeekableByteChannel channel = storage.openChannel(path)) {
        length = channel.size();
      }
    }
    return length;
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    SeekableByteChannel channel = pinned != null ? pinned : storage.openChannel(path);
    pinned = null;
    return new SeekableInputStream() {
      private final ByteBuffer one = ByteBuffer.allocate(1);

      @Override
      public long getPos() throws IOException {
        return channel.position();
      }

      @Override
      public void seek(long newPos) throws IOException {
        channel.position(newPos);
      }

      @Override
      public int read() throws IOException {
        one.clear();
        return channel.read(one) <= 0 ? -1 : one.get(0) & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return channel.read(ByteBuffer.wrap(b, off, len));
      }

      @Override
      public void readFully(byte[] bytes) throws IOException {
        readFully(ByteBuffer.wrap(bytes));
      }

      @Override
      public void readFully(byte[] bytes, int start, int len) throws IOException {
        readFully(ByteBuffer.wrap(bytes, start, len));
      }

      @Override
      public int read(ByteBuffer buf) throws IOException {
        return channel.read(buf);
      }

      @Override
      public void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
          if (channel.read(buf) < 0) {
            throw new java.io.EOFException(
                "Unexpected end of " + path + " at " + channel.position());
          }
        }
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
