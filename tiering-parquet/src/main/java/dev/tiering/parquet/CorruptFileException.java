package dev.tiering.parquet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A file is not a complete, readable Parquet file: truncated, overwritten, or damaged on disk. The
 * SDK never writes such a file under a visible name (see {@code docs/reliability.md}), so one is
 * the work of another program or of the disk. Nothing was changed because of it.
 */
public final class CorruptFileException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  CorruptFileException(Path file, Throwable cause) {
    super(
        "Cannot read "
            + file
            + ": it is not a complete Parquet file ("
            + describe(cause)
            + "). It was left as it is; move it aside or delete it, and write its data again from its"
            + " source",
        cause);
    this.file = Objects.requireNonNull(file, "file");
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
  }

  /** {@return the damaged file} */
  public Path file() {
    return file;
  }

  /**
   * The failure of reading {@code file}, named: decoding errors (Parquet and the codecs throw them
   * unchecked) become a {@link CorruptFileException}; a missing or unreadable file, an interrupt or
   * a failure already named stays what it is.
   */
  static IOException of(Path file, Throwable failure) {
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure instanceof CorruptFileException
        || failure instanceof java.nio.file.FileSystemException
        || failure instanceof java.io.InterruptedIOException
        || failure instanceof ParquetRowReader.SchemaMismatchException) {
      return (IOException) failure;
    }
    return new CorruptFileException(file, failure);
  }
}
