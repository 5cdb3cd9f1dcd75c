package dev.tiering.parquet;

import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.MalformedSidecarException;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which data files in a table's partitions are the table's own: the one place where the SDK's
 * readers (and so the DuckDB views), {@code tiering ls} and compaction decide it. A file is the
 * table's if
 *
 * <ol>
 *   <li>its name carries a commit number ({@code part-<commit>-<uuid>.parquet}, or {@code
 *       …-compacted.parquet} for a compaction's output): every file the SDK publishes in a table
 *       does, and a commit's files appear under these names only at its commit point;
 *   <li>its footer says the SDK wrote it as clean data of this very table ({@link Footers}): a file
 *       copied from another table, or from staging, keeps a name that may look right;
 *   <li>its columns are what its footer says the table's schema was when it was written (a file of
 *       an earlier version keeps a column a later major version dropped; the readers project the
 *       schema's columns), checked with {@link FileColumns};
 *   <li>it is not a copy: its footer names the id its name carries ({@link Footers#FILE_KEY}), and
 *       no compaction output of its partition lists it as merged ({@link Footers#MERGED_KEY}), so
 *       that a file restored from a backup taken before a compaction, or copied under a new name,
 *       does not count its rows twice. Files written before ids were recorded are not checked;
 *   <li>it is in the partition its footer names ({@link Footers#DAY_KEY}): a partition copied under
 *       another date ({@code cp -a 2025/11/11 1970/01/01}) keeps the names of committed files, and
 *       would count their rows twice. Files written before days were recorded are not checked.
 * </ol>
 *
 * <p>Anything else is foreign: put there by hand or by another program. It is never read and never
 * merged, and it is reported ({@link LakeReader#foreign(dev.tiering.core.Zone,
 * dev.tiering.core.TableName)}), so that it cannot add rows, columns or nulls to a table, or change
 * a column's type in an engine that unions the files. A file that passes the first test but whose
 * footer cannot be read is damaged, not foreign: its table is not read until it is restored, rather
 * than lose committed rows without a word.
 */
final class TableFiles {

  private TableFiles() {}

  /** {@return why the name cannot be a file of the table, or null if it can} */
  static String foreignName(String name) {
    return PathResolver.commitOf(name) == 0
        ? "its name has no commit number, so no commit of the table wrote it (the SDK names"
            + " its files part-<commit>-<uuid>.parquet)"
        : null;
  }

  /**
   * {@return why a file is foreign to the table of {@code schema}, or null if it is the table's}
   * Reads the footer of a file whose name passes.
   *
   * @param storage the table's storage
   * @param file a data file of one of the table's partitions
   * @param schema the table's schema, read before the file was listed
   * @param day the day of the file's partition, or null for an unpartitioned table
   * @throws CorruptFileException if its name is the table's but its footer cannot be read
   * @throws IOException if it cannot be opened (a {@link java.nio.file.NoSuchFileException} if it
   *     went away)
   */
  static String foreign(Storage storage, Path file, TableSchema schema, LocalDate day)
      throws IOException {
    String byName = foreignName(file.getFileName().toString());
    return byName != null ? byName : foreign(FileFooter.read(storage, file), schema, day);
  }

  /**
   * {@return why a file with this footer, found in the partition of {@code day} (null for an
   * unpartitioned table), is foreign to the table, or null if it is the table's}
   */
  static String foreign(FileFooter footer, TableSchema schema, LocalDate day) {
    String kind = footer.keyValues().get(Footers.KIND_KEY);
    String json = footer.keyValues().get(Footers.SCHEMA_KEY);
    if (kind == null || json == null) {
      return "its footer names no table: the tiering SDK did not write it";
    }
    if (!kind.equals("clean")) {
      return "its footer says it holds " + kind + " data of staging, not a lake table's";
    }
    TableSchema written;
    try {
      written = SchemaSidecar.parse(json, "footer").schema();
    } catch (MalformedSidecarException e) {
      return "its footer's schema cannot be read: " + e.getMessage();
    }
    if (written.zone() != schema.zone() || !written.table().equals(schema.table())) {
      return "its footer names the table "
          + written.qualifiedName()
          + ", not "
          + schema.qualifiedName()
          + " (copied from another table?)";
    }
    String writtenDay = footer.keyValues().get(Footers.DAY_KEY);
    if (writtenDay != null && (day == null || !writtenDay.equals(day.toString()))) {
      return "its footer says it was written to the partition of "
          + writtenDay
          + ", not "
          + (day == null ? "the table's directory" : "of " + day)
          + " (copied to another date?)";
    }
    try {
      FileColumns.resolve(
          Path.of(schema.table().value()), footer.schema(), written, written.fields(), true, false);
      return null;
    } catch (ParquetRowReader.SchemaMismatchException e) {
      return "its columns are not the ones its footer says the table had: " + e.problem();
    }
  }

  /**
   * {@return why files of one partition are copies of others, by path} A file whose footer names
   * another file id than its name, or whose id a compaction output of the partition lists as
   * merged, is a copy: a restore from a backup taken before a compaction, or a {@code cp} under a
   * new name. Files without ids (written before the SDK recorded them) are not checked.
   *
   * @param footers the footers of the partition's data files that are otherwise the table's
   */
  static Map<Path, String> copies(Map<Path, FileFooter> footers) {
    Map<Path, String> copies = new LinkedHashMap<>();
    Map<String, Path> mergedInto = new HashMap<>();
    for (Map.Entry<Path, FileFooter> file : footers.entrySet()) {
      String named = PathResolver.fileIdOf(file.getKey().getFileName().toString());
      String recorded = file.getValue().keyValues().get(Footers.FILE_KEY);
      if (recorded != null && !recorded.equals(named)) {
        copies.put(
            file.getKey(),
            "a copy of the table's file "
                + recorded
                + " under another name (its footer names that file; the SDK never writes one file"
                + " twice)");
      }
    }
    for (Map.Entry<Path, FileFooter> file : footers.entrySet()) {
      String merged = file.getValue().keyValues().get(Footers.MERGED_KEY);
      if (merged != null && !merged.isEmpty() && !copies.containsKey(file.getKey())) {
        for (String id : merged.split(",", -1)) {
          mergedInto.putIfAbsent(id, file.getKey());
        }
      }
    }
    for (Path file : footers.keySet()) {
      Path into = mergedInto.get(PathResolver.fileIdOf(file.getFileName().toString()));
      if (into != null && !into.equals(file) && !copies.containsKey(file)) {
        copies.put(
            file,
            "a compaction merged it into "
                + into.getFileName()
                + " already: a copy restored from before that compaction would count its rows"
                + " twice");
      }
    }
    return copies;
  }

  /** {@return the ids merged into a compaction output of {@code inputs}: theirs and their own} */
  static List<String> mergedIds(Map<Path, FileFooter> inputs) {
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
    for (Map.Entry<Path, FileFooter> input : inputs.entrySet()) {
      String id = PathResolver.fileIdOf(input.getKey().getFileName().toString());
      if (id != null) {
        ids.add(id);
      }
      String merged = input.getValue().keyValues().get(Footers.MERGED_KEY);
      if (merged != null && !merged.isEmpty()) {
        ids.addAll(List.of(merged.split(",", -1)));
      }
    }
    return List.copyOf(ids);
  }
}
