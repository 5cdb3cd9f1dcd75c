package dev.tiering.core.lifecycle;

import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small text file in which lifecycle code records when something happened, so that ages never
 * come from file times a restore, a copy or a wrong clock can change: a header line naming the kind
 * and version, then one {@code <key> <ISO-8601 instant>} line per time, in a fixed order. It is
 * written through the storage's atomic publish (replacing the last one whole), and read back as
 * untrusted input: a regular file of at most {@value #MAX_BYTES} bytes, parsed strictly.
 */
final class StampFile {

  /** The largest stamp file read; a real one is under 100 bytes. */
  static final int MAX_BYTES = 512;

  private StampFile() {}

  /** Why a stamp file cannot be used; the message says what is wrong, in words. */
  static final class DamagedException extends IOException {
    private static final long serialVersionUID = 1L;

    DamagedException(String why) {
      super(why);
    }
  }

  /**
   * Writes (or replaces) {@code file} atomically.
   *
   * @param header the first line, e.g. {@code tiering-archived 1}
   * @param times the keys and times, in the order they are written and read
   */
  static void write(Storage storage, Path file, String header, Map<String, Instant> times)
      throws IOException {
    StringBuilder text = new StringBuilder(header).append('\n');
    times.forEach((key, time) -> text.append(key).append(' ').append(time).append('\n'));
    try (PendingFile out = storage.create(file, WriteMode.REPLACE)) {
      out.stream().write(text.toString().getBytes(StandardCharsets.US_ASCII));
      out.commit();
    }
  }

  /**
   * Reads {@code file}: empty if it is not there.
   *
   * @param header the first line it must have
   * @param keys the keys it must hold, in order, each once
   * @return the times by key, in order
   * @throws DamagedException if it is not a regular file of at most {@value #MAX_BYTES} bytes with
   *     exactly that header and those keys, each with an ISO-8601 instant
   * @throws IOException if it cannot be read
   */
  static Optional<Map<String, Instant>> read(
      Storage storage, Path file, String header, List<String> keys) throws IOException {
    Optional<FileEntry> entry = storage.stat(file);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    if (!entry.get().isFile()) {
      // Never opened: a FIFO would block, a link could read anything.
      throw new DamagedException("it is " + entry.get().type().inWords() + ", not a file");
    }
    byte[] bytes;
    try (InputStream in = storage.openStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new DamagedException("it is more than " + MAX_BYTES + " bytes");
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    if (!text.endsWith("\n")) {
      throw new DamagedException("it is incomplete (no final newline)");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines.length != keys.size() + 1 || !lines[0].equals(header)) {
      throw new DamagedException(
          "it is not a record of the form '" + header + "' followed by " + String.join(", ", keys));
    }
    Map<String, Instant> times = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      String line = lines[i + 1];
      String prefix = keys.get(i) + " ";
      if (!line.startsWith(prefix)) {
        throw new DamagedException("its line " + (i + 2) + " is not '" + prefix + "<time>'");
      }
      try {
        times.put(keys.get(i), Instant.parse(line.substring(prefix.length())));
      } catch (DateTimeParseException e) {
        throw new DamagedException(
            "its line " + (i + 2) + " holds no ISO-8601 time (e.g. 2025-11-10T12:00:00Z)");
      }
    }
    return Optional.of(times);
  }
}
