package dev.tiering.core.lifecycle;

import dev.tiering.core.TableName;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies input files into {@code <lake>/raw/{source}/{yyyy-MM-dd}/}, atomically, recording each
 * file's SHA-256 beside it in {@code <name>.sha256}, in the format {@code sha256sum -c} checks.
 * Ingesting the same file again is a no-op; a different file under a name already ingested that day
 * is refused. Thread-safe.
 */
public final class RawIngestor {

  private static final String CHECKSUM_SUFFIX = ".sha256";

  private static final Logger log = LoggerFactory.getLogger(RawIngestor.class);

  private final PathResolver paths;
  private final Storage storage;
  private final Clock clock;

  /**
   * An ingestor on the layout's storage (see {@link Storage#forLayout}) with the system clock.
   *
   * @param paths where the raw area is
   */
  public RawIngestor(PathResolver paths) {
    this(paths, Storage.forLayout(paths.layout()), Clock.systemUTC());
  }

  /**
   * An ingestor on the given storage and clock.
   *
   * @param paths where the raw area is
   * @param storage the storage that writes the copies
   * @param clock the clock that gives the date directory
   */
  public RawIngestor(PathResolver paths, Storage storage, Clock clock) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage").reportingFullTiers(paths.layout());
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Ingests one local file for {@code source}, under today's date.
   *
   * @param input the local file to copy; its name becomes the copy's name
   * @param source the source the file came from
   * @return the plan, to preview or execute
   * @throws IllegalArgumentException if the file's name is not a valid raw file name
   */
  public LifecyclePlan ingest(Path input, TableName source) {
    Objects.requireNonNull(source, "source");
    checkName(input.getFileName().toString());
    paths.rawFile(source, LocalDate.now(clock), input.getFileName().toString());
    return LifecyclePlan.of(
        "ingest " + input + " into raw/" + source, preview -> ingest(input, source, preview));
  }

  private static void checkName(String name) {
    if (name.endsWith(CHECKSUM_SUFFIX)) {
      // Such a name is the checksum of another file's: ingesting it would stand in for one.
      throw new IllegalArgumentException(
          "Invalid raw file name '"
              + name
              + "': names ending in "
              + CHECKSUM_SUFFIX
              + " are the checksum files ingest writes beside each file (rename"
              + " the input)");
    }
  }

  private LifecycleReport ingest(Path input, TableName source, boolean dryRun) throws IOException {
    LocalDate day = LocalDate.now(clock);
    String name = input.getFileName().toString();
    checkName(name);
    Path target = paths.rawFile(source, day, name);
    Path checksumFile = paths.rawFile(source, day, name + CHECKSUM_SUFFIX);
    LifecycleReport.Builder report = LifecycleReport.builder("ingest " + input, dryRun);
    Optional<FileEntry> found = storage.stat(input);
    if (found.isEmpty() || !found.get().isFile()) {
      String what =
          found.isEmpty()
              ? "no such input file"
              : switch (found.get().type()) {
                case DIRECTORY -> "it is a directory, not a file (ingest the files in it)";
                case SYMLINK ->
                    "it is a symbolic link, which ingest never follows (ingest the file"
                        + " it points to)";
                default -> "it is " + found.get().type().inWords() + ", not a file";
              };
      throw new java.nio.file.NoSuchFileException(input.toString(), null, what);
    }
    FileEntry in = found.get();
    // A preview reads what the execution reads (the digests), so it says what the execution will:
    // ingested, already ingested, or refused.
    Optional<FileEntry> existing = storage.stat(target);
    if (existing.isPresent() && existing.get().isDirectory()) {
      throw new java.nio.file.FileAlreadyExistsException(
          target.toString(),
          input.toString(),
          "a directory is where "
              + name
              + " would be ingested, not an ingested copy; nothing was written (move it away and"
              + " ingest again)");
    }
    if (existing.isPresent() && !existing.get().isFile()) {
      // A link, a FIFO or a device is no copy: never opened (a FIFO would block, a link would be
      // read or written through), it is removed as an entry and the copy published in its place.
      if (!dryRun) {
        storage.delete(target);
      }
      report.add(
          LifecycleReport.Verb.DELETED,
          target,
          0,
          "it is "
              + existing.get().type().inWords()
              + " (never followed or opened), not an ingested copy; the copy takes its place");
      existing = Optional.empty();
    }
    String digest;
    if (existing.isPresent()) {
      digest = sha256(input);
      if (!digest.equals(sha256(target))) {
        throw new java.nio.file.FileAlreadyExistsException(
            target.toString(),
            input.toString(),
            "a different file named "
                + name
                + " was already ingested for "
                + source
                + " on "
                + day
                + " (rename the input)");
      }
      report.add(LifecycleReport.Verb.KEPT, input, in.size(), "already ingested as " + target);
    } else {
      digest = dryRun ? sha256(input) : copyHashing(input, target);
      report.add(LifecycleReport.Verb.INGESTED, input, in.size(), target + " sha256:" + digest);
    }
    byte[] line = (digest + "  " + name + "\n").getBytes(StandardCharsets.UTF_8);
    Optional<FileEntry> recorded = storage.stat(checksumFile);
    if (recorded.isEmpty()) {
      if (!dryRun) {
        try (PendingFile out = storage.create(checksumFile, WriteMode.CREATE_NEW)) {
          out.stream().write(line);
          out.commit();
        }
      }
      report.add(
          LifecycleReport.Verb.WRITTEN,
          checksumFile,
          line.length,
          "the sha256 of " + name + ", as sha256sum -c reads it");
    } else if (!recorded.get().isFile()
        || !java.util.Arrays.equals(line, readAll(checksumFile, line.length + 1))) {
      report.fail(
          checksumFile,
          "check the checksum file",
          new IOException(
              "The checksum file "
                  + checksumFile
                  + " does not"
                  + " hold "
                  + name
                  + "'s sha256 ("
                  + digest
                  + "); check it, then remove it and ingest "
                  + name
                  + " again to write it"));
    }
    return report.finish(log);
  }

  private byte[] readAll(Path file, int limit) throws IOException {
    try (InputStream in = storage.openStream(file)) {
      return in.readNBytes(limit);
    }
  }

  private String copyHashing(Path input, Path target) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = storage.openStream(input);
        PendingFile out = storage.create(target, WriteMode.CREATE_NEW)) {
      byte[] buffer = new byte[256 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
        out.stream().write(buffer, 0, n);
      }
      out.commit();
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private String sha256(Path file) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = storage.openStream(file)) {
      byte[] buffer = new byte[256 * 1024];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }
}
