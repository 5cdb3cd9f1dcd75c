package dev.tiering.parquet;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** DuckDB as an independent reader: runs one query and returns its rows as maps. */
final class Duck {

  private Duck() {}

  static List<Map<String, Object>> query(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET TimeZone = 'UTC'");
      try (ResultSet rs = statement.executeQuery(sql)) {
        ResultSetMetaData meta = rs.getMetaData();
        List<Map<String, Object>> rows = new ArrayList<>();
        while (rs.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int c = 1; c <= meta.getColumnCount(); c++) {
            row.put(meta.getColumnLabel(c), rs.getObject(c));
          }
          rows.add(row);
        }
        return rows;
      }
    }
  }

  /** Runs a statement that returns no rows, such as a {@code COPY … TO}. */
  static void execute(String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static Object scalar(String sql) throws SQLException {
    return query(sql).get(0).values().iterator().next();
  }

  static String literal(Path path) {
    return "'" + path.toString().replace("'", "''") + "'";
  }
}
