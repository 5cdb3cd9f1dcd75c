package dev.tiering.core.storage;

import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/** See {@link Storage#reportingFullTiers}. */
final class TierFullStorage extends ForwardingStorage {

  private final TierLayout layout;

  TierFullStorage(Storage delegate, TierLayout layout) {
    super(delegate);
    this.layout = java.util.Objects.requireNonNull(layout, "layout");
  }

  TierLayout layout() {
    return layout;
  }

  @Override
  public PendingFile create(Path target, WriteMode mode) throws IOException {
    try {
      return new Pending(delegate().create(target, mode));
    } catch (IOException e) {
      throw diagnose(e, target);
    }
  }

  /** The failure itself, or a {@link TierFullException} if it is a full device. */
  private IOException diagnose(IOException e, Path target) {
    if (!TierFullException.isOutOfSpace(e) || e instanceof TierFullException) {
      return e;
    }
    Tier tier = layout.tierOf(target).orElse(null);
    StoreUsage usage;
    try {
      usage = delegate().usage(target);
    } catch (IOException | RuntimeException unmeasurable) {
      usage = null;
    }
    return new TierFullException(tier, layout, target, usage, e);
  }

  /** Discards the file at the first failure, so a full disk gets its partial bytes back. */
  private final class Pending implements PendingFile {
    private final PendingFile real;
    private final OutputStream stream;

    Pending(PendingFile real) {
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
    public Path target() {
      return real.target();
    }

    @Override
    public OutputStream stream() {
      return stream;
    }

    @Override
    public long bytesWritten() {
      return real.bytesWritten();
    }

    @Override
    public void commit() throws IOException {
      try {
        real.commit();
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public void close() throws IOException {
      real.close();
    }
  }
}
