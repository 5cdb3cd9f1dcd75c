package dev.tiering.parquet;

import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.TableSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/** The key-value metadata every file's footer carries, so a file describes itself. */
final class Footers {

  /** The table schema in sidecar form (no quality metrics). */
  static final String SCHEMA_KEY = "tiering.schema";

  /** What the file is: {@code intermediate}, {@code crosscheck} or {@code clean}. */
  static final String KIND_KEY = "tiering.kind";

  /** In a compaction's outputs: the id of the journal that wrote them (see CompactionJournal). */
  static final String COMPACTION_KEY = "tiering.compaction";

  /**
   * In a lake file: the id its name carries ({@link
   * dev.tiering.core.routing.PathResolver#fileIdOf}), so that a copy under another name tells
   * itself apart from the file the SDK wrote.
   */
  static final String FILE_KEY = "tiering.file";

  /**
   * In a compaction's outputs: the ids of every file merged into it, its inputs' own merged ids
   * included (comma-separated), so that an input restored from a backup is known as merged.
   */
  static final String MERGED_KEY = "tiering.merged";

  /**
   * In a lake file of a date-partitioned table: the day of the partition it was written to ({@code
   * 2025-11-11}), so that a copy under another date's partition tells itself apart.
   */
  static final String DAY_KEY = "tiering.day";

  private Footers() {}

  static Map<String, String> of(String kind, TableSchema schema) {
    Map<String, String> footer = new LinkedHashMap<>();
    footer.put(KIND_KEY, kind);
    footer.put(SCHEMA_KEY, new SchemaSidecar(schema, null).toJson());
    return footer;
  }

  /**
   * The footer of a lake file: clean data of the schema's table, named by its file id, in the
   * partition of {@code day} (null for an unpartitioned table).
   */
  static Map<String, String> lake(TableSchema schema, String fileId, java.time.LocalDate day) {
    Map<String, String> footer = of("clean", schema);
    footer.put(FILE_KEY, fileId);
    if (day != null) {
      footer.put(DAY_KEY, day.toString());
    }
    return footer;
  }

  /**
   * The footer of a compaction's output: a lake file that names the journal that wrote it and every
   * file merged into it.
   */
  static Map<String, String> compaction(
      TableSchema schema,
      String journalId,
      String fileId,
      java.time.LocalDate day,
      java.util.Collection<String> merged) {
    Map<String, String> footer = lake(schema, fileId, day);
    footer.put(COMPACTION_KEY, journalId);
    footer.put(MERGED_KEY, String.join(",", merged));
    return footer;
  }
}
