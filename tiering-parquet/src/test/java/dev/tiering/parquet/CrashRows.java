package dev.tiering.parquet;

import dev.tiering.core.Zone;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Rows of {@link CrashChild#schema()} and the two independent ways to read their ids back. */
final class CrashRows {

  private CrashRows() {}

  static Map<String, Object> row(long id, Random random) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", id);
    row.put("payload", random.nextInt(10) == 0 ? null : "p" + Long.toString(id, 36));
    row.put("value", random.nextDouble());
    return row;
  }

  /** {@code n} rows with ids from {@code first}, the same for the same arguments. */
  static List<Map<String, Object>> rows(long first, int n) {
    Random random = new Random(first);
    List<Map<String, Object>> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(row(first + i, random));
    }
    return rows;
  }

  /** The ids in {@code files}, read by parquet-java through the SDK's reader, sorted. */
  static List<Long> idsBySdk(List<Path> files) throws IOException {
    List<Long> ids = new ArrayList<>();
    // Only the id column: files of every variant of the table hold it the same way.
    TableSchema idOnly =
        TableSchema.builder(Zone.BRONZE, "crash_rows").required("id", FieldType.INT64).build();
    try (ParquetRowReader reader = ParquetRowReader.open(Storage.local(), files, idOnly)) {
      while (reader.next()) {
        ids.add(reader.getLong(0));
      }
    }
    ids.sort(null);
    return ids;
  }

  /** The ids in {@code files}, read by DuckDB. */
  static List<Long> idsByDuckDb(List<Path> files) throws SQLException {
    if (files.isEmpty()) {
      return List.of();
    }
    StringBuilder list = new StringBuilder();
    for (Path file : files) {
      list.append(list.isEmpty() ? "" : ", ").append(Duck.literal(file));
    }
    List<Long> ids = new ArrayList<>();
    for (Map<String, Object> row :
        Duck.query("SELECT id FROM read_parquet([" + list + "]) ORDER BY id")) {
      ids.add(((Number) row.get("id")).longValue());
    }
    return ids;
  }
}
