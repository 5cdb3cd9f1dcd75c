package dev.tiering.parquet;

import dev.tiering.core.FileEntry;
import dev.tiering.core.PendingFile;
import dev.tiering.core.Storage;
import dev.tiering.core.WriteMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The intent record of one compaction of one partition, kept in the partition as {@code
 * .compaction-<id>.journal} (hidden, so engines never read it). It names the inputs, then the
 * outputs once they are written, then says {@code published} once every output is visible. That
 * last line is the commit point: before it a rerun rolls back (deletes any published outputs),
 * after it a rerun rolls forward (deletes the remaining inputs). Either way every row ends up in
 * the partition exactly once.
 *
 * @param file where the journal is
 * @param inputs the small files being merged, by name
 * @param outputs the merged files, by name (empty until written)
 * @param published true once every output is visible
 */
record CompactionJournal(Path file, List<String> inputs, List<String> outputs, boolean published) {

  static final String PREFIX = ".compaction-";
  static final String SUFFIX = ".journal";
  private static final String HEADER = "tiering-compaction 1";

  CompactionJournal {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  static boolean isJournal(String name) {
    return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
  }

  CompactionJournal withOutputs(List<String> names) {
    return new CompactionJournal(file, inputs, names, false);
  }

  CompactionJournal asPublished() {
    return new CompactionJournal(file, inputs, outputs, true);
  }

  /** Writes the journal atomically, replacing its previous state. */
  void save(Storage storage) throws IOException {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    inputs.forEach(name -> text.append("input ").append(name).append('\n'));
    outputs.forEach(name -> text.append("output ").append(name).append('\n'));
    if (published) {
      text.append("published\n");
    }
    try (PendingFile out = storage.create(file, WriteMode.REPLACE)) {
      out.stream().write(text.toString().getBytes(StandardCharsets.UTF_8));
      out.commit();
    }
  }

  /**
   * Reads a journal.
   *
   * @throws IOException naming the file if it is not a journal this SDK wrote
   */
  static CompactionJournal read(Storage storage, Path file) throws IOException {
    String text;
    try (InputStream in = storage.openStream(file)) {
      text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
    }
    String[] lines = text.split("\n");
    if (lines.length == 0 || !lines[0].equals(HEADER)) {
      throw new IOException("Not a compaction journal: " + file + " (remove it by hand if it is"
          + " not one)");
    }
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    boolean published = false;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.startsWith("input ")) {
        inputs.add(line.substring("input ".length()));
      } else if (line.startsWith("output ")) {
        outputs.add(line.substring("output ".length()));
      } else if (line.equals("published")) {
        published = true;
      } else if (!line.isEmpty()) {
        throw new IOException("Malformed line " + (i + 1) + " in compaction journal " + file);
      }
    }
    return new CompactionJournal(file, inputs, outputs, published);
  }

  /** The journals in a partition directory. */
  static List<CompactionJournal> in(Storage storage, Path dir) throws IOException {
    List<CompactionJournal> journals = new ArrayList<>();
    for (FileEntry entry : storage.list(dir)) {
      if (entry.isFile() && isJournal(entry.name())) {
        journals.add(read(storage, entry.path()));
      }
    }
    return journals;
  }

  /** The files a reader must skip while this journal is open: not yet committed outputs, or inputs already superseded. */
  List<String> hiddenFromReaders() {
    return published ? inputs : outputs;
  }
}
