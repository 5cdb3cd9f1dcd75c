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

  private Footers() {}

  static Map<String, String> of(String kind, TableSchema schema) {
    Map<String, String> footer = new LinkedHashMap<>();
    footer.put(KIND_KEY, kind);
    footer.put(SCHEMA_KEY, new SchemaSidecar(schema, null).toJson());
    return footer;
  }

  /** The footer of a compaction's output: a clean file that names the journal that wrote it. */
  static Map<String, String> compaction(TableSchema schema, String journalId) {
    Map<String, String> footer = of("clean", schema);
    footer.put(COMPACTION_KEY, journalId);
    return footer;
  }
}
