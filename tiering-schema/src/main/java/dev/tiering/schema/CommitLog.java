package dev.tiering.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiering.core.DataKind;
import dev.tiering.core.TableName;
import dev.tiering.core.WriteId;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commit records of one lake table, in {@code <table>/_commits/}: the log that makes a write of
 * many files all-or-nothing and a retried write id a no-op. Used only by {@link SidecarStore},
 * under the table's lock; the protocol is described at {@link SidecarStore#commitFiles}.
 *
 * <p>Records are read back from disk, so they are untrusted: each is size-bounded, parsed strictly,
 * and every file it names must be a staged data file name inside the table directory, outside its
 * {@code _} and {@code .} directories.
 */
final class CommitLog {

  /** The record format this SDK writes and reads. */
  static final int FORMAT = 1;

  private static final Logger log = LoggerFactory.getLogger(CommitLog.class);
  private static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
  private static final int MAX_FILES = 100_000;

  /** No record younger than this is pruned, whatever the count (see {@link #prune}). */
  static final java.time.Duration KEEP_AT_LEAST = java.time.Duration.ofHours(1);

  private static final Pattern NAME =
      Pattern.compile(
          "([0-9]{10})(?:-([A-Za-z0-9][A-Za-z0-9_-]{0,127}))?\\.(pending|commit)\\.json");
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(64)
                      .maxStringLength(1 << 20)
                      .build())
              .build());

  /** A record's file name, parsed: what can be known without reading it. */
  record Name(long seq, WriteId writeId, boolean committed, FileEntry entry) {}

  /** A staged data file named by a record, confined to the table directory. */
  record Staged(Path staged, long rows, long bytes) {}

  /** A record's content. */
  record Entry(
      long seq, WriteId writeId, Instant committedAt, List<Staged> files, SchemaSidecar sidecar) {
    long rows() {
      return files.stream().mapToLong(Staged::rows).sum();
    }

    long bytes() {
      return files.stream().mapToLong(Staged::bytes).sum();
    }
  }

  private final PathResolver paths;
  private final Storage storage;
  private final Zone zone;
  private final TableName table;
  private final Path tableDir;

  CommitLog(PathResolver paths, Storage storage, Zone zone, TableName table) {
    this.paths = paths;
    this.storage = storage;
    this.zone = zone;
    this.table = table;
    this.tableDir = paths.tableDir(zone, table);
  }

  /** The records, by sequence number; names that are not records are skipped. */
  List<Name> names() throws IOException {
    List<Name> names = new ArrayList<>();
    for (FileEntry entry : storage.list(paths.commitLogDir(zone, table))) {
      Matcher m = NAME.matcher(entry.name());
      if (!entry.isFile() || !m.matches()) {
        if (!Storage.isTemporary(entry.name())) {
          log.debug("Ignoring {} in the commit log: not a commit record", entry.path());
        }
        continue;
      }
      names.add(
          new Name(
              Long.parseLong(m.group(1)),
              m.group(2) == null ? null : WriteId.of(m.group(2)),
              m.group(3).equals("commit"),
              entry));
    }
    names.sort(Comparator.comparingLong(Name::seq).thenComparing(n -> !n.committed()));
    return names;
  }

  Path file(long seq, WriteId writeId, boolean committed) {
    return paths.commitRecord(zone, table, seq, writeId, committed ? "commit" : "pending");
  }

  /** Writes a pending record, durable, never replacing one. */
  Path writePending(Entry entry) throws IOException {
    return write(entry, false, WriteMode.CREATE_NEW);
  }

  /**
   * Writes a committed record again, unchanged but for its file time: when recovery applies a
   * commit long after its commit point, the record's time must say when it became visible, which is
   * what {@link SidecarStore#appliedBefore} reads.
   */
  void touchCommitted(Entry entry) throws IOException {
    write(entry, true, WriteMode.REPLACE);
  }

  private Path write(Entry entry, boolean committed, WriteMode mode) throws IOException {
    Path file = file(entry.seq(), entry.writeId(), committed);
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("commit", entry.seq());
    if (entry.writeId() != null) {
      root.put("write_id", entry.writeId().value());
    }
    root.put("committed_at", entry.committedAt().toString());
    root.put("rows", entry.rows());
    root.put("bytes", entry.bytes());
    ArrayNode files = root.putArray("files");
    for (Staged staged : entry.files()) {
      ObjectNode node = files.addObject();
      node.put("staged", relative(staged.staged()));
      node.put("rows", staged.rows());
      node.put("bytes", staged.bytes());
    }
    root.set("sidecar", SidecarJson.tree(entry.sidecar()));
    try (PendingFile out = storage.create(file, mode)) {
      out.stream().write(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      out.stream().write('\n');
      out.commit();
    }
    return file;
  }

  /** The commit point: the pending record is renamed to its committed name, atomically. */
  Path markCommitted(Entry entry) throws IOException {
    Path committed = file(entry.seq(), entry.writeId(), true);
    storage.move(file(entry.seq(), entry.writeId(), false), committed);
    return committed;
  }

  private String relative(Path staged) {
    Path rel = tableDir.relativize(staged);
    StringBuilder text = new StringBuilder();
    for (Path segment : rel) {
      text.append(text.length() == 0 ? "" : "/").append(segment);
    }
    return text.toString();
  }

  /**
   * Reads a record, strictly.
   *
   * @throws IOException naming the record and its first problem, if it cannot be trusted
   */
  Entry read(Name name) throws IOException {
    Path file = name.entry().path();
    if (name.entry().size() > MAX_RECORD_BYTES) {
      throw bad(
          file,
          "it is "
              + name.entry().size()
              + " bytes, more than the "
              + MAX_RECORD_BYTES
              + "-byte limit");
    }
    JsonNode root;
    try (InputStream in = storage.openStream(file)) {
      byte[] bytes = in.readNBytes(MAX_RECORD_BYTES + 1);
      if (bytes.length > MAX_RECORD_BYTES) {
        throw bad(file, "it is more than the " + MAX_RECORD_BYTES + "-byte limit");
      }
      root = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw bad(file, "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw bad(file, "it is not a JSON object");
    }
    if (root.path("format").asInt(-1) != FORMAT) {
      throw bad(
          file,
          "its format is "
              + root.get("format")
              + ", not "
              + FORMAT
              + " (written by another version of the SDK?)");
    }
    long seq = count(root, "commit", file);
    if (seq != name.seq()) {
      throw bad(file, "it records commit " + seq + " but is named for commit " + name.seq());
    }
    JsonNode id = root.get("write_id");
    String idText = id == null || id.isNull() ? null : id.asText();
    String named = name.writeId() == null ? null : name.writeId().value();
    if (idText == null ? named != null : !idText.equals(named)) {
      throw bad(file, "it records write id " + idText + " but is named for " + named);
    }
    Instant at;
    try {
      at = Instant.parse(root.path("committed_at").asText(""));
    } catch (DateTimeParseException e) {
      throw bad(file, "committed_at is not an ISO-8601 instant");
    }
    JsonNode files = root.get("files");
    if (files == null || !files.isArray() || files.size() > MAX_FILES) {
      throw bad(file, "files is not an array of at most " + MAX_FILES + " entries");
    }
    List<Staged> staged = new ArrayList<>(files.size());
    for (JsonNode node : files) {
      if (!node.isObject() || !node.path("staged").isTextual()) {
        throw bad(file, "a files entry is not an object with a staged path");
      }
      staged.add(
          new Staged(
              confine(node.get("staged").asText(), file),
              count(node, "rows", file),
              count(node, "bytes", file)));
    }
    JsonNode sidecarNode = root.get("sidecar");
    if (sidecarNode == null || !sidecarNode.isObject()) {
      throw bad(file, "it has no sidecar object");
    }
    SchemaSidecar sidecar = SidecarJson.parseTree(sidecarNode, file + " (sidecar)");
    SidecarStore.checkPlace(sidecar.schema(), zone, table, file);
    if (sidecar.lastCommit() != seq) {
      throw bad(file, "its sidecar's last_commit is " + sidecar.lastCommit() + ", not " + seq);
    }
    return new Entry(seq, name.writeId(), at, staged, sidecar);
  }

  /**
   * Resolves a staged path read from a record, refusing anything but a staged data file name in a
   * directory of the table's own (no {@code ..}, no absolute path, no {@code _} or {@code .}
   * directory such as the commit log itself).
   */
  private Path confine(String relative, Path record) throws IOException {
    String[] segments = relative.split("/", -1);
    Path resolved = tableDir;
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.isEmpty()
          || s.equals(".")
          || s.equals("..")
          || s.contains("\\")
          || s.contains("\0")
          || (!last && (s.startsWith("_") || s.startsWith(".")))) {
        throw bad(
            record,
            "it names " + quote(relative) + ", not a file in a partition of " + zone + "." + table);
      }
      resolved = resolved.resolve(s);
    }
    if (!PathResolver.isStagedName(segments[segments.length - 1])
        || !resolved.normalize().startsWith(tableDir)) {
      throw bad(
          record,
          "it names "
              + quote(relative)
              + ", not a staged data file"
              + " (.part-<uuid>.parquet.staged)");
    }
    return resolved;
  }

  private static String quote(String text) {
    String cut = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  private static long count(JsonNode parent, String key, Path file) throws IOException {
    JsonNode node = parent.get(key);
    if (node == null
        || !node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < 0) {
      throw bad(file, key + " is not a whole number of 0 or more");
    }
    return node.longValue();
  }

  private static IOException bad(Path file, String problem) {
    return new MalformedSidecarException(
        file.toString(),
        0,
        0,
        "commit record cannot be"
            + " trusted: "
            + problem
            + " (nothing was changed; restore the record, or remove it"
            + " and the staged files it names)",
        null);
  }

  /** The path a staged file is published under by its commit. */
  Path published(Staged staged, long seq) {
    return paths.committedDataFile(staged.staged(), seq);
  }

  /**
   * Publishes every staged file of a committed record that is not published yet. A file found at
   * neither name is reported: something removed committed data.
   *
   * @return the published paths
   */
  List<TableCommit.File> publish(Entry entry) throws IOException {
    List<TableCommit.File> files = new ArrayList<>(entry.files().size());
    List<Path> missing = new ArrayList<>();
    for (Staged staged : entry.files()) {
      Path target = published(staged, entry.seq());
      if (storage.stat(target).isEmpty()) {
        if (storage.stat(staged.staged()).filter(FileEntry::isFile).isPresent()) {
          storage.move(staged.staged(), target);
        } else if (storage.stat(paths.counterpart(target, DataKind.ARCHIVE)).isPresent()) {
          // Published, then archived with its old partition before this commit was applied:
          // its rows are where that day's rows belong.
          target = paths.counterpart(target, DataKind.ARCHIVE);
        } else {
          missing.add(staged.staged());
          continue;
        }
      }
      files.add(new TableCommit.File(target, staged.rows(), staged.bytes()));
    }
    if (!missing.isEmpty()) {
      throw new IOException(
          "Commit "
              + entry.seq()
              + " of "
              + zone
              + "."
              + table
              + " names "
              + missing.size()
              + " file(s) found neither staged nor published (removed by hand?): "
              + missing
              + "; the commit is not applied (restore them, or remove its record "
              + file(entry.seq(), entry.writeId(), true)
              + " to give the write up)");
    }
    return files;
  }

  /** Removes what a pending (never committed) record staged, then the record. */
  void rollBack(Entry entry, Path record) throws IOException {
    for (Staged staged : entry.files()) {
      storage.delete(staged.staged());
    }
    storage.delete(record);
  }

  /**
   * Removes applied records past the retention: older than its age, or beyond its count of newest
   * ones. Records of commits not yet applied, and records younger than {@link #KEEP_AT_LEAST}, are
   * never removed: compaction counts a commit without a record as old.
   */
  int prune(List<Name> names, long lastCommit, CommitRetention retention, Instant now)
      throws IOException {
    Instant cutoff = now.minus(retention.age());
    Instant floor = now.minus(KEEP_AT_LEAST);
    List<Name> applied =
        names.stream()
            .filter(n -> n.committed() && n.seq() <= lastCommit)
            .sorted(Comparator.comparingLong(Name::seq).reversed())
            .toList();
    int removed = 0;
    for (int i = 0; i < applied.size(); i++) {
      Name name = applied.get(i);
      Instant time = name.entry().modified();
      if ((i >= retention.count() || time.isBefore(cutoff)) && time.isBefore(floor)) {
        if (storage.delete(name.entry().path())) {
          removed++;
        }
      }
    }
    return removed;
  }
}
