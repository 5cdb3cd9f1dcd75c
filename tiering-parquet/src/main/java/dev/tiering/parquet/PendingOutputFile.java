package dev.tiering.parquet;

import dev.tiering.core.storage.PendingFile;
import java.io.IOException;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} over a {@link PendingFile}: Parquet writes and closes the stream,
 * which only flushes; the file becomes visible when its owner commits the pending file.
 */
final class PendingOutputFile implements OutputFile {

  private final PendingFile pending;

  PendingOutputFile(PendingFile pending) {
    this.pending = pending;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) {
    return new PositionOutputStream() {
      @Override
      public long getPos() {
        return pending.bytesWritten();
      }

      @Override
      public void write(int b) throws IOException {
        pending.stream().write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        pending.stream().write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        pending.stream().flush();
      }

      @Override
      public void close() throws IOException {
        pending.stream().close();
      }
    };
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) {
    return create(blockSizeHint);
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return pending.target().toString();
  }
}
