package dev.tiering.core.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link PendingFile} that passes every call to another, for decorators that change a few of them
 * (a {@link ForwardingStorage}'s files: progress, holds, fault injection in tests). Override what
 * you need.
 */
public abstract class ForwardingPendingFile implements PendingFile {

  private final PendingFile delegate;

  /**
   * Forwards to {@code delegate}.
   *
   * @param delegate the pending file that does the work; not null
   */
  protected ForwardingPendingFile(PendingFile delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** {@return the file calls are passed to} */
  protected PendingFile delegate() {
    return delegate;
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
    delegate.commit();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
