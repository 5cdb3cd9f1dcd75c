package dev.tiering.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One {@code schema.json} document: a table's schema and its quality metrics, in a fixed shape
 * (snake_case keys, {@code schema.fields}, {@code schema.partition_by}, {@code quality_metrics},
 * ISO-8601 UTC times, pretty-printed). Keys this SDK does not know are kept and written back. To
 * change a table's sidecar, use {@link SidecarStore}, which versions, locks and writes atomically.
 *
 * @param schema the table schema
 * @param quality the quality metrics, or null if none were recorded
 * @param lastCommit the sequence number of the table's last applied commit ({@code last_commit}), 0
 *     before the first: readers see the data files of commits up to this one (see {@link
 *     SidecarStore#commitFiles})
 */
public record SchemaSidecar(TableSchema schema, QualityMetrics quality, long lastCommit) {

  /**
   * Checks the components.
   *
   * @param schema not null
   * @param quality the quality metrics, or null
   * @param lastCommit 0 or more
   */
  public SchemaSidecar {
    Objects.requireNonNull(schema, "schema");
    if (lastCommit < 0) {
      throw new IllegalArgumentException("Invalid last commit " + lastCommit + " (use 0 or more)");
    }
  }

  /**
   * A sidecar of a table without commits yet.
   *
   * @param schema the table schema
   * @param quality the quality metrics, or null if none were recorded
   */
  public SchemaSidecar(TableSchema schema, QualityMetrics quality) {
    this(schema, quality, 0);
  }

  /**
   * Reads a sidecar file, refusing files over 4 MiB before reading them.
   *
   * @param file the {@code schema.json} file; a link or directory is refused
   * @return the sidecar
   * @throws MalformedSidecarException naming the file, line and column of the first problem
   * @throws IOException if the file cannot be read
   */
  public static SchemaSidecar read(Path file) throws IOException {
    if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new MalformedSidecarException(
          file.toString(),
          0,
          0,
          Files.isDirectory(file)
              ? "it is a directory, not a schema.json file"
              : Files.exists(file) ? "it is not a" + " regular file" : "no such file",
          null);
    }
    long size = Files.size(file);
    if (size > SidecarJson.MAX_BYTES) {
      throw new MalformedSidecarException(
          file.toString(),
          0,
          0,
          "it is "
              + size
              + " bytes, more than the "
              + SidecarJson.MAX_BYTES
              + "-byte limit for a sidecar",
          null);
    }
    try (InputStream in = Files.newInputStream(file)) {
      // Read one byte past the limit: a file that grew since the size check is still refused.
      return SidecarJson.parse(in.readNBytes(SidecarJson.MAX_BYTES + 1), file.toString());
    }
  }

  /**
   * Parses a sidecar document.
   *
   * @param json the document
   * @param source what to name it in error messages, e.g. its file
   * @return the sidecar
   * @throws MalformedSidecarException naming the source, line and column of the first problem
   */
  public static SchemaSidecar parse(String json, String source) throws MalformedSidecarException {
    return SidecarJson.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), source);
  }

  /** {@return the pretty-printed document, ending with a newline} */
  public String toJson() {
    return SidecarJson.render(this);
  }

  /**
   * {@return this sidecar with other metrics}
   *
   * @param metrics the new metrics, or null for none
   */
  public SchemaSidecar withQuality(QualityMetrics metrics) {
    return new SchemaSidecar(schema, metrics, lastCommit);
  }
}
