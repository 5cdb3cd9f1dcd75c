package dev.tiering.core.lifecycle;

import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When each file of an archived partition reached the archive: the partition's {@code
 * .tiering-archived}, read back as untrusted input. Version 2 holds one line per file, {@code
 * <ISO-8601 time> <file name>}, so a file that reaches the archive late (it was stuck in the lake)
 * never postpones the retention of those that arrived before it. Version 1 ({@code arrived <time>}
 * for the whole partition, written by earlier versions) still reads: every file it saw moved in
 * then arrived at that time, the latest a pass moved one; a file modified after that time (put
 * there by hand later) is not one of them. Names in a record are never used to build a path: they
 * are only compared with the names of files listed in the partition. Immutable.
 *
 * @param times the arrival of each file, by name
 * @param all for a version 1 record, the arrival of every file; else null
 */
record ArrivalRecord(Map<String, Instant> times, Instant all) {

  /** The largest record read: about 25,000 files of 128-character names. */
  static final int MAX_BYTES = 4 << 20;

  private static final String HEADER_1 = "tiering-archived 1";
  private static final String HEADER_2 = "tiering-archived 2";
  private static final String ARRIVED = "arrived ";

  ArrivalRecord {
    times = Map.copyOf(times);
  }

  /** {@return a record of no file} */
  static ArrivalRecord empty() {
    return new ArrivalRecord(Map.of(), null);
  }

  /**
   * How much younger than a version 1 record's time a file it dates may be: a move across devices
   * copies, so the copy's time is when it was made, a little after the record's.
   */
  private static final java.time.Duration VERSION_1_SLACK = java.time.Duration.ofMinutes(10);

  /** {@return when {@code file} arrived, or null if the record does not say} */
  Instant arrival(FileEntry file) {
    Instant time = times.get(file.name());
    if (time != null) {
      return time;
    }
    // A version 1 record dates the files its pass moved in, which are no younger than it: a file
    // written after it (restored by hand) would otherwise inherit an old arrival and be deleted.
    return all != null && !file.modified().isAfter(all.plus(VERSION_1_SLACK)) ? all : null;
  }

  /**
   * {@return this record as one of single files, giving each of {@code present} the time this
   * record gives it, if any, then each of {@code arrived} the time {@code at}}
   */
  ArrivalRecord with(Iterable<FileEntry> present, Iterable<String> arrived, Instant at) {
    Map<String, Instant> next = new TreeMap<>(times);
    for (FileEntry file : present) {
      Instant time = arrival(file);
      if (time != null) {
        next.putIfAbsent(file.name(), time);
      }
    }
    for (String name : arrived) {
      next.put(name, at);
    }
    return new ArrivalRecord(next, null);
  }

  /** {@return whether a record can hold {@code name}: one line, no path} */
  static boolean canHold(String name) {
    return !name.isEmpty()
        && !name.startsWith(".")
        && name.indexOf('/') < 0
        && name.chars().noneMatch(c -> c == '\n' || c == '\r' || c == 0);
  }

  /** Writes (or replaces) the record atomically, as version 2. */
  void write(Storage storage, Path file) throws IOException {
    StringBuilder text = new StringBuilder(HEADER_2).append('\n');
    new TreeMap<>(times)
        .forEach((name, time) -> text.append(time).append(' ').append(name).append('\n'));
    try (PendingFile out = storage.create(file, WriteMode.REPLACE)) {
      out.stream().write(text.toString().getBytes(StandardCharsets.UTF_8));
      out.commit();
    }
  }

  /**
   * Reads the record: empty if it is not there.
   *
   * @throws StampFile.DamagedException if it is not a regular file of at most {@value #MAX_BYTES}
   *     bytes of either version's form, each name a plain file name given once
   * @throws IOException if it cannot be read
   */
  static Optional<ArrivalRecord> read(Storage storage, Path file) throws IOException {
    Optional<FileEntry> entry = storage.stat(file);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    if (!entry.get().isFile()) {
      // Never opened: a FIFO would block, a link could read anything.
      throw damaged("it is " + entry.get().type().inWords() + ", not a file");
    }
    byte[] bytes;
    try (InputStream in = storage.openStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw damaged("it is more than " + MAX_BYTES + " bytes");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw damaged("it is not UTF-8 text");
    }
    if (!text.endsWith("\n")) {
      throw damaged("it is incomplete (no final newline)");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (lines[0].equals(HEADER_1) && lines.length == 2 && lines[1].startsWith(ARRIVED)) {
      return Optional.of(
          new ArrivalRecord(Map.of(), time(lines[1].substring(ARRIVED.length()), 2)));
    }
    if (!lines[0].equals(HEADER_2)) {
      throw damaged(
          "it is not a record of the form '"
              + HEADER_2
              + "' followed by '<time> <file name>' lines (or '"
              + HEADER_1
              + "' followed by 'arrived <time>')");
    }
    Map<String, Instant> times = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int space = lines[i].indexOf(' ');
      String name = space < 0 ? "" : lines[i].substring(space + 1);
      if (!canHold(name)) {
        throw damaged("its line " + (i + 1) + " is not '<time> <file name>'");
      }
      if (times.put(name, time(lines[i].substring(0, space), i + 1)) != null) {
        throw damaged("its line " + (i + 1) + " names a file named before");
      }
    }
    return Optional.of(new ArrivalRecord(times, null));
  }

  private static Instant time(String text, int line) throws StampFile.DamagedException {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw damaged("its line " + line + " holds no ISO-8601 time (e.g. 2025-11-10T12:00:00Z)");
    }
  }

  private static StampFile.DamagedException damaged(String why) {
    return new StampFile.DamagedException(why);
  }
}
