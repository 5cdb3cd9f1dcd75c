package dev.tiering.parquet;

import dev.tiering.core.PendingFile;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A pending file that keeps a hold (a staging batch's lock) until it is published or discarded,
 * so that nothing the hold protects can be removed while the file is written.
 */
final class HoldingPendingFile implements PendingFile {

  private final PendingFile delegate;
  private final Closeable hold;

  HoldingPendingFile(PendingFile delegate, Closeable hold) {
    this.delegate = delegate;
    this.hold = hold;
  }

  @Override
  public Path target() {
    return delegate.target();
  }

  @Override
  public OutputStream stream() {
    return delegate.stream();
  }

  @Override
  public long bytesWritten() {
    return delegate.bytesWritten();
  }

  @Override
  public void commit() throws IOException {
    // Released only after the publish: a cleanup that takes the batch next sees the new file.
    try {
      delegate.commit();
    } finally {
      hold.close();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      delegate.close();
    } finally {
      hold.close();
    }
  }
}
