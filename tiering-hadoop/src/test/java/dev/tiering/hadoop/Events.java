package dev.tiering.hadoop;

import dev.tiering.core.Zone;
import dev.tiering.parquet.ParquetRowReader;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A small bronze table with unique ids, so that lost and duplicated rows show. */
final class Events {

  private Events() {}

  static TableSchema schema() {
    return TableSchema.builder(Zone.BRONZE, "events")
        .required("id", FieldType.INT64)
        .nullable("payload", FieldType.STRING)
        .partitionByDate()
        .build();
  }

  static List<Map<String, Object>> rows(long first, int n) {
    List<Map<String, Object>> rows = new ArrayList<>(n);
    for (long id = first; id < first + n; id++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", id);
      row.put("payload", id % 7 == 0 ? null : "event " + id);
      rows.add(row);
    }
    return rows;
  }

  static List<Long> ids(long first, int n) {
    List<Long> ids = new ArrayList<>(n);
    for (long id = first; id < first + n; id++) {
      ids.add(id);
    }
    return ids;
  }

  /** Every id a reader returns, sorted. */
  static List<Long> ids(ParquetRowReader reader) throws IOException {
    List<Long> ids = new ArrayList<>();
    try (reader) {
      while (reader.next()) {
        ids.add(reader.getLong(0));
      }
    }
    ids.sort(null);
    return ids;
  }

  /** The ids DuckDB reads from local copies of the files, and the codecs of their column chunks. */
  static List<Long> idsByDuckDb(List<Path> localFiles) throws SQLException {
    StringBuilder list = new StringBuilder();
    for (Path file : localFiles) {
      list.append(list.isEmpty() ? "" : ", ")
          .append('\'')
          .append(file.toString().replace("'", "''"))
          .append('\'');
    }
    List<Long> ids = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs =
            statement.executeQuery("SELECT id FROM read_parquet([" + list + "]) ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  static List<String> codecsByDuckDb(List<Path> localFiles) throws SQLException {
    List<String> codecs = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement()) {
      for (Path file : localFiles) {
        try (ResultSet rs =
            statement.executeQuery(
                "SELECT DISTINCT compression FROM"
                    + " parquet_metadata('"
                    + file.toString().replace("'", "''")
                    + "')")) {
          while (rs.next()) {
            codecs.add(rs.getString(1));
          }
        }
      }
    }
    return codecs;
  }
}
