package dev.tiering.core.lifecycle.internal;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.internal.NameRules;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.LockMode;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intent record of one compaction of one partition, kept in the partition as {@code
 * .compaction-<id>.journal} (hidden, so engines never read it). It names the inputs, then the
 * outputs with their sizes and row counts once they are written, then says {@code published} once
 * every output is visible. That last line is the commit point: before it, settling rolls back
 * (deletes the outputs); after it, settling rolls forward (deletes the inputs), but only if every
 * output is there with its recorded size. An output must also carry the journal's id in its Parquet
 * footer (the compactor writes it there): a journal that names any other file as its output is
 * refused, and nothing is changed. Either way every row ends up in the partition exactly once.
 * Lifecycle operations that move or copy a partition's files (archive, retention, the hot cache)
 * settle its journals first.
 *
 * <p>Readers see a partition through the journals (see {@link PartitionView}); so that they can
 * tell when a compaction changed what they should see, the partition's <em>epoch</em> (a hidden,
 * empty marker file renamed to a fresh random name) is advanced after each journal save and before
 * the file changes that only the saved state makes right for readers: publishing the outputs,
 * deleting the inputs, and (when undoing a published compaction) deleting the outputs.
 *
 * <p>A journal is read back from disk, so it is untrusted: every name in it must be a plain data
 * file name of its own partition ({@link #isDataFileName}), and its size is bounded; a journal that
 * breaks either rule is refused whole and never acted on. Instances are immutable.
 */
public final class CompactionJournal {

  /** The most inputs one compaction merges, so that journals stay small (about 60 KB). */
  public static final int MAX_INPUTS = 1000;

  /** The largest journal read; this SDK's are far smaller (see {@link #MAX_INPUTS}). */
  static final int MAX_BYTES = 1 << 20;

  /** The largest footer read to check an output's journal id; the SDK's are far smaller. */
  private static final long MAX_FOOTER_BYTES = 16L << 20;

  private static final String PREFIX = ".compaction-";
  private static final String SUFFIX = ".journal";
  private static final String EPOCH_PREFIX = ".compaction-epoch-";
  private static final String HEADER = "tiering-compaction 2";
  private static final Logger log = LoggerFactory.getLogger(CompactionJournal.class);

  /**
   * One merged file.
   *
   * @param name its file name in the partition
   * @param bytes its size
   * @param rows its row count
   */
  public record Output(String name, long bytes, long rows) {
    /**
     * Checks the name and the figures.
     *
     * @param name its file name; must pass {@link CompactionJournal#isDataFileName}
     * @param bytes its size; zero or more
     * @param rows its row count; zero or more
     * @throws IllegalArgumentException if the name is not a data file name or a figure is negative
     */
    public Output {
      checkName(name, "output");
      if (bytes < 0 || rows < 0) {
        throw new IllegalArgumentException("output " + name + " has a negative size or row count");
      }
    }
  }

  private final Path file;
  private final List<String> inputs;
  private final List<Output> outputs;
  private final boolean published;

  private CompactionJournal(
      Path file, List<String> inputs, List<Output> outputs, boolean published) {
    this.file = Objects.requireNonNull(file, "file");
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.published = published;
    this.inputs.forEach(name -> checkName(name, "input"));
    if (this.inputs.size() > MAX_INPUTS) {
      throw new IllegalArgumentException(
          "A compaction merges at most " + MAX_INPUTS + " files, not " + this.inputs.size());
    }
    Set<String> seen = new java.util.HashSet<>();
    for (String name : this.inputs) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("input " + name + " is named twice");
      }
    }
    for (Output output : this.outputs) {
      if (!seen.add(output.name())) {
        throw new IllegalArgumentException(
            "output "
                + output.name()
                + " is also named as an"
                + (this.inputs.contains(output.name()) ? " input" : "other output")
                + ", which no compaction writes");
      }
    }
  }

  /**
   * {@return a new journal in {@code partitionDir} naming the files about to be merged} It is not
   * saved yet.
   *
   * @param partitionDir the partition directory the inputs are in
   * @param inputs the names of the files to merge, each once, at most {@link #MAX_INPUTS}
   * @throws IllegalArgumentException if a name is not a data file name, is named twice, or there
   *     are too many
   */
  public static CompactionJournal begin(Path partitionDir, List<String> inputs) {
    return new CompactionJournal(
        partitionDir.resolve(PREFIX + UUID.randomUUID() + SUFFIX), inputs, List.of(), false);
  }

  /** {@return where the journal is} */
  public Path file() {
    return file;
  }

  /**
   * {@return the journal's id, from its file name} Its outputs carry it in their Parquet footer,
   * which is how recovery tells them from any other file (a forged or misplaced journal may name
   * committed files as its outputs; they never carry its id).
   */
  public String id() {
    String name = file.getFileName().toString();
    return name.substring(PREFIX.length(), name.length() - SUFFIX.length());
  }

  /** {@return the files being merged, by name} */
  public List<String> inputs() {
    return inputs;
  }

  /** {@return the merged files (empty until written)} */
  public List<Output> outputs() {
    return outputs;
  }

  /** {@return whether every output is visible: true from the commit point on} */
  public boolean published() {
    return published;
  }

  /**
   * {@return this journal with its outputs written (not yet published)}
   *
   * @param written the merged files, with their sizes and row counts
   * @throws IllegalArgumentException if an output is named twice or also as an input
   */
  public CompactionJournal withOutputs(List<Output> written) {
    return new CompactionJournal(file, inputs, written, false);
  }

  /** {@return this journal at its commit point} */
  public CompactionJournal asPublished() {
    return new CompactionJournal(file, inputs, outputs, true);
  }

  /** This journal before its commit point again: for rolling back a published one. */
  private CompactionJournal asUnpublished() {
    return new CompactionJournal(file, inputs, outputs, false);
  }

  /**
   * {@return the files a reader must skip while this journal is open} These are the outputs before
   * the commit point (they may be partly published), the inputs after it (they are being deleted).
   */
  public Set<String> hiddenFromReaders() {
    Set<String> hidden = new LinkedHashSet<>();
    if (published) {
      hidden.addAll(inputs);
    } else {
      outputs.forEach(output -> hidden.add(output.name()));
    }
    return hidden;
  }

  /**
   * {@return whether {@code name} is a journal's file name}
   *
   * @param name a file name, without directory
   */
  public static boolean isJournal(String name) {
    return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
  }

  /**
   * {@return whether a journal may hold {@code name}} That is a visible Parquet file name of plain
   * characters ({@code A-Z a-z 0-9 . _ -}), no path, at most 255 characters. Compaction only merges
   * files whose names pass, so that no name read back from a journal can reach outside its
   * partition.
   *
   * @param name a file name, without directory
   */
  public static boolean isDataFileName(String name) {
    if (name.isEmpty()
        || name.length() > 255
        || name.startsWith(".")
        || !name.endsWith(".parquet")
        || name.contains("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static void checkName(String name, String role) {
    if (!isDataFileName(name)) {
      throw new IllegalArgumentException(
          "Invalid compaction "
              + role
              + " "
              + NameRules.quote(name)
              + ": not a data file name of its own partition (use a plain"
              + " *.parquet name of A-Z, a-z, 0-9, '.', '_' and '-')");
    }
  }

  /**
   * Writes the journal atomically, replacing its previous state.
   *
   * @param storage the storage of the partition
   * @throws IOException if the journal cannot be written; its previous state is then intact
   */
  public void save(Storage storage) throws IOException {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    inputs.forEach(name -> text.append("input ").append(name).append('\n'));
    outputs.forEach(
        o ->
            text.append("output ")
                .append(o.name())
                .append(' ')
                .append(o.bytes())
                .append(' ')
                .append(o.rows())
                .append('\n'));
    if (published) {
      text.append("published\n");
    }
    try (PendingFile out = storage.create(file, WriteMode.REPLACE)) {
      out.stream().write(text.toString().getBytes(StandardCharsets.UTF_8));
      out.commit();
    }
  }

  /**
   * Reads a journal, whole.
   *
   * @param storage the storage of the partition
   * @param file the journal file
   * @return the journal
   * @throws NoSuchFileException if it is gone (its compaction finished)
   * @throws IOException naming the file and the problem if it is not a journal this SDK wrote: too
   *     large, a wrong header, a malformed line, or a name that is not a data file of its own
   *     partition; such a journal is never acted on
   */
  public static CompactionJournal read(Storage storage, Path file) throws IOException {
    byte[] bytes;
    try (InputStream in = storage.openStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw refused(
          file,
          "it is larger than "
              + MAX_BYTES
              + " bytes, and this SDK's journals"
              + " name at most "
              + MAX_INPUTS
              + " inputs");
    }
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
    if (!lines[0].equals(HEADER)) {
      throw refused(file, "its first line is not '" + HEADER + "'");
    }
    List<String> inputs = new ArrayList<>();
    List<Output> outputs = new ArrayList<>();
    boolean published = false;
    try {
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i];
        if (line.startsWith("input ")) {
          inputs.add(line.substring("input ".length()));
        } else if (line.startsWith("output ")) {
          String[] words = line.substring("output ".length()).split(" ", -1);
          if (words.length != 3) {
            throw refused(file, "line " + (i + 1) + " is malformed");
          }
          outputs.add(new Output(words[0], Long.parseLong(words[1]), Long.parseLong(words[2])));
        } else if (line.equals("published")) {
          published = true;
        } else if (!line.isEmpty()) {
          throw refused(file, "line " + (i + 1) + " is malformed");
        }
      }
      return new CompactionJournal(file, inputs, outputs, published);
    } catch (IllegalArgumentException e) {
      throw refused(file, e.getMessage());
    }
  }

  private static IOException refused(Path file, String why) {
    return new IOException(
        "Refusing compaction journal "
            + file
            + ": "
            + why
            + ". Nothing was"
            + " changed; check the partition and remove the journal by hand if it is not the SDK's");
  }

  /**
   * {@return the journals in a partition directory, by name}
   *
   * @param storage the storage of the partition
   * @param dir the partition directory
   * @throws IOException if the directory cannot be listed, or a journal cannot be read or trusted
   */
  public static List<CompactionJournal> in(Storage storage, Path dir) throws IOException {
    List<CompactionJournal> journals = new ArrayList<>();
    for (FileEntry entry : storage.list(dir)) {
      if (entry.isFile() && isJournal(entry.name())) {
        journals.add(read(storage, entry.path()));
      }
    }
    return journals;
  }

  /**
   * The epoch marker names in a listing, sorted: one normally, none before the first compaction.
   * Readers compare them between listings, so a stray extra marker changes nothing.
   */
  static List<String> epochs(List<FileEntry> listing) {
    List<String> markers = new ArrayList<>(1);
    for (FileEntry entry : listing) {
      if (entry.name().startsWith(EPOCH_PREFIX)) {
        markers.add(entry.name());
      }
    }
    markers.sort(null);
    return markers;
  }

  /**
   * Advances the partition's epoch: readers that listed the partition before this and again after
   * see another marker name and take their view again. The new name is random, never a count, so
   * that a name once seen never comes back (not even after the marker was removed). Called under
   * the partition's lock; stray extra markers are removed.
   *
   * @param storage the storage of the partition
   * @param dir the partition directory
   * @throws IOException if the directory cannot be listed or the marker cannot be made or renamed
   */
  public static void advanceEpoch(Storage storage, Path dir) throws IOException {
    List<String> markers = epochs(storage.list(dir));
    Path next =
        dir.resolve(
            EPOCH_PREFIX
                + java.util.HexFormat.of()
                    .toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong()));
    if (markers.isEmpty()) {
      try (PendingFile marker = storage.create(next, WriteMode.CREATE_NEW)) {
        marker.commit();
      }
      return;
    }
    storage.move(dir.resolve(markers.get(0)), next);
    for (String stale : markers.subList(1, markers.size())) {
      storage.delete(dir.resolve(stale));
    }
  }

  /**
   * Deletes the partition's epoch marker: for a partition that is being emptied (archived).
   *
   * @param storage the storage of the partition
   * @param dir the partition directory
   * @throws IOException if the directory cannot be listed or a marker cannot be deleted
   */
  public static void removeEpoch(Storage storage, Path dir) throws IOException {
    for (String name : epochs(storage.list(dir))) {
      storage.delete(dir.resolve(name));
    }
  }

  /**
   * Takes the lock that serializes compaction, archiving and recovery of one partition (of a
   * partitioned table, or of the table directory itself), across threads and processes.
   *
   * @param storage the storage of the table's lock file; must support keyed locks
   * @param paths where the table's lock file is
   * @param zone the table's zone
   * @param table the table
   * @param partitionDir the partition directory, or the table directory if it is unpartitioned
   * @param timeout how long to wait for the lock
   * @return the held lock; closing it releases it
   * @throws IOException if another holder keeps it past {@code timeout}
   */
  public static Closeable lockPartition(
      Storage storage,
      PathResolver paths,
      Zone zone,
      TableName table,
      Path partitionDir,
      Duration timeout)
      throws IOException {
    Path tableDir = paths.tableDir(zone, table);
    String key = "partition " + tableDir.relativize(partitionDir);
    Path lockFile = paths.partitionLockFile(zone, table);
    Optional<Closeable> lock = storage.tryLock(lockFile, key, LockMode.EXCLUSIVE, timeout);
    return lock.orElseThrow(
        () ->
            new IOException(
                "Timed out after "
                    + timeout.toSeconds()
                    + " s waiting for the lock of partition "
                    + partitionDir
                    + " ("
                    + lockFile
                    + "; another compaction or archive holds it; retry when it is done)"));
  }

  /**
   * Settles every journal in a partition (under its lock): rolls each interrupted compaction back,
   * or forward when it passed its commit point and every output is there with its recorded size. A
   * published journal whose outputs are not all there is rolled back if its inputs still are;
   * otherwise it is left as it is and reported, since either way rows would be lost. A journal that
   * cannot be trusted is reported and left alone.
   *
   * @param storage the storage of the partition
   * @param dir the partition directory
   * @param report where files removed and journals left are reported
   * @return true if no journal is left: the partition's files may be moved or merged; false if one
   *     is left (and reported), so that nothing it names may be touched
   * @throws IOException if the directory cannot be listed, or a file cannot be read, moved or
   *     deleted while settling
   */
  public static boolean settle(Storage storage, Path dir, LifecycleReport.Builder report)
      throws IOException {
    return settle(storage, dir, report, new java.util.HashSet<>());
  }

  /**
   * Settles every journal in a partition, as {@link #settle(Storage, Path,
   * LifecycleReport.Builder)} does, and collects the data files it removed. In a dry run ({@link
   * LifecycleReport.Builder#dryRun()}) nothing is changed: what would be done is reported in the
   * same words, and the files that would go are collected, so that a preview plans from the
   * partition as the execution will find it once settled.
   *
   * @param storage the storage of the partition
   * @param dir the partition directory
   * @param report where files removed and journals left are reported
   * @param removed where the data files removed (or that would be) are added
   * @return true if no journal is (or would be) left
   * @throws IOException if the directory cannot be listed, or a file cannot be read, moved or
   *     deleted while settling
   */
  public static boolean settle(
      Storage storage, Path dir, LifecycleReport.Builder report, Set<Path> removed)
      throws IOException {
    boolean settled = true;
    for (FileEntry entry : storage.list(dir)) {
      if (!entry.isFile() || !isJournal(entry.name())) {
        continue;
      }
      CompactionJournal journal;
      try {
        journal = read(storage, entry.path());
      } catch (NoSuchFileException gone) {
        continue;
      } catch (IOException untrusted) {
        log.debug("{}", untrusted.getMessage());
        report.fail(entry.path(), "read the compaction journal", untrusted);
        settled = false;
        continue;
      }
      settled &= journal.settleOne(storage, dir, report, removed);
    }
    return settled;
  }

  /** Settles this journal; false if it had to be left (and was reported). */
  private boolean settleOne(
      Storage storage, Path dir, LifecycleReport.Builder report, Set<Path> removed)
      throws IOException {
    boolean dryRun = report.dryRun();
    // Every output that is there must be this journal's own, before anything is changed: a
    // journal naming another file (a committed one) as its output is not acted on at all.
    for (Output output : outputs) {
      Optional<FileEntry> found = storage.stat(dir.resolve(output.name()));
      String foreign =
          found.isEmpty()
              ? null
              : found.get().isFile()
                  ? notMine(storage, found.get(), output)
                  : "is not a regular file";
      if (foreign != null) {
        report.fail(
            found.get().path(),
            "settle the compaction",
            new IOException(
                "Refusing compaction journal "
                    + file
                    + ": it names "
                    + found.get().path()
                    + " as its output, but that file "
                    + foreign
                    + "; nothing was changed; check the partition and remove the journal by hand"));
        return false;
      }
    }
    if (published) {
      String missing = firstMissingOutput(storage, dir);
      if (missing == null) {
        // The compaction may have died between saving this state and advancing the epoch: a
        // reader that read the state before (outputs hidden) must see the epoch move before any
        // input goes, or it would see neither side (see PartitionView).
        if (!dryRun) {
          advanceEpoch(storage, dir);
        }
        for (String input : inputs) {
          Optional<FileEntry> found = storage.stat(dir.resolve(input));
          if (found.isPresent() && (dryRun || storage.delete(found.get().path()))) {
            removed.add(found.get().path());
            report.add(
                LifecycleReport.Verb.COMPACTED,
                found.get().path(),
                found.get().size(),
                "merged before an interruption; removed on recovery");
          }
        }
        if (!dryRun) {
          storage.delete(file);
          log.info("Recovered interrupted compaction {}: finished it", file);
        }
        return true;
      }
      for (String input : inputs) {
        if (storage.stat(dir.resolve(input)).isEmpty()) {
          report.fail(
              file,
              "settle the compaction",
              new IOException(
                  "Cannot settle compaction journal "
                      + file
                      + ": its"
                      + " output "
                      + missing
                      + " and its input "
                      + input
                      + " are both gone, so neither"
                      + " finishing nor undoing it keeps every row; the journal is left in place (readers"
                      + " keep seeing the outputs that are there); restore the files or remove the"
                      + " journal by hand"));
          return false;
        }
      }
      // Unpublished first, then the epoch, so that readers see the inputs again before any output
      // goes (see PartitionView).
      if (!dryRun) {
        log.warn(
            "Compaction journal {} passed its commit point but its output {}; undoing it,"
                + " its inputs are all there",
            file,
            missing);
        asUnpublished().save(storage);
        advanceEpoch(storage, dir);
      }
    }
    for (Output output : outputs) {
      Optional<FileEntry> found = storage.stat(dir.resolve(output.name()));
      if (found.isPresent() && (dryRun || storage.delete(found.get().path()))) {
        removed.add(found.get().path());
        report.add(
            LifecycleReport.Verb.DELETED,
            found.get().path(),
            found.get().size(),
            "output of an interrupted compaction; its inputs are intact");
      }
    }
    if (!dryRun) {
      storage.delete(file);
      log.info("Recovered interrupted compaction {}: rolled it back", file);
    }
    return true;
  }

  /** The first output that is not there whole, described; null if all are. */
  private String firstMissingOutput(Storage storage, Path dir) throws IOException {
    for (Output output : outputs) {
      Optional<FileEntry> found = storage.stat(dir.resolve(output.name()));
      if (found.isEmpty() || !found.get().isFile()) {
        return output.name() + " is missing";
      }
      String foreign = notMine(storage, found.get(), output);
      if (foreign != null) {
        return output.name() + " " + foreign;
      }
    }
    return null;
  }

  /**
   * Why {@code file} is not this journal's output, or null if it is: it must have the size the
   * journal recorded and carry the journal's id in its Parquet footer. Read from the file's tail
   * only (the footer's length is in its last eight bytes), with no Parquet library needed.
   */
  private String notMine(Storage storage, FileEntry file, Output output) throws IOException {
    if (file.size() != output.bytes()) {
      return "is " + file.size() + " bytes, not the " + output.bytes() + " it was written with";
    }
    if (file.size() < 12) {
      return "is too short to be a Parquet file";
    }
    try (java.nio.channels.SeekableByteChannel channel = storage.openChannel(file.path())) {
      java.nio.ByteBuffer tail =
          java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      channel.position(file.size() - 8);
      while (tail.hasRemaining() && channel.read(tail) >= 0) {
        // read the last eight bytes
      }
      long footer = tail.getInt(0) & 0xFFFFFFFFL;
      if (footer == 0 || footer > Math.min(file.size() - 12, MAX_FOOTER_BYTES)) {
        return "has no footer this SDK wrote";
      }
      java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate((int) footer);
      channel.position(file.size() - 8 - footer);
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
        // read the footer
      }
      String text = new String(bytes.array(), StandardCharsets.ISO_8859_1);
      return text.contains(id())
          ? null
          : "does not carry this journal's id ("
              + id()
              + ") in its footer: it is not this compaction's output";
    }
  }
}
