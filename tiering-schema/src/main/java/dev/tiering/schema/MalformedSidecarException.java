package dev.tiering.schema;

import java.io.IOException;

/**
 * A {@code schema.json} that cannot be read: not JSON, not the sidecar's shape, or over a limit.
 * The message is {@code source:line:column: json.path: problem}, so an editor can jump to it.
 */
public final class MalformedSidecarException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The file (or other source) that was read. */
  private final String source;

  /** The 1-based line of the problem, or 0. */
  private final int line;

  /** The 1-based column of the problem, or 0. */
  private final int column;

  MalformedSidecarException(String source, int line, int column, String problem, Throwable cause) {
    super(source + (line > 0 ? ":" + line + ":" + column : "") + ": " + problem, cause);
    this.source = source;
    this.line = line;
    this.column = column;
  }

  /** {@return the file (or other source) that was read} */
  public String source() {
    return source;
  }

  /** {@return the 1-based line of the problem, or 0 if it concerns the whole file} */
  public int line() {
    return line;
  }

  /** {@return the 1-based column of the problem, or 0 if it concerns the whole file} */
  public int column() {
    return column;
  }
}
