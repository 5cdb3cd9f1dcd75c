package dev.tiering.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The lake `tiering demo` writes, made by the command line's jar in a child process. */
final class DemoLake {

  /** The silver columns compared across engines, with the timestamp as microseconds. */
  static final String SILVER_COLUMNS = "slm_id, input_id, prediction, confidence, label, batch";

  private DemoLake() {}

  /** Runs {@code tiering demo} under {@code root}: 2 batches x 3 SLMs x 2,000 predictions. */
  static void write(Path root) throws IOException, InterruptedException {
    Path jar =
        Path.of(System.getProperty("tiering.cli.jar", "../tiering-cli/target/tiering-cli.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "No command-line jar at "
              + jar
              + " (build with mvn -Pinterop"
              + " verify from the top directory)");
    }
    Path log = Files.createTempFile("tiering-demo", ".log");
    Process demo =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "demo",
                "--root",
                root.toString(),
                "--batches",
                "2",
                "--slms",
                "3",
                "--rows-per-slm",
                "2000",
                "--run",
                "interop")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!demo.waitFor(5, TimeUnit.MINUTES) || demo.exitValue() != 0) {
      demo.destroyForcibly();
      throw new IllegalStateException(
          "tiering demo failed: " + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  static Path table(Path root, String zone, String table) {
    return root.resolve("lake/clean").resolve(zone).resolve(table);
  }

  /** Rows as DuckDB reads them (a glob with union_by_name), as text lines, in key order. */
  static List<String> duckRows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder line = new StringBuilder();
        for (int c = 1; c <= columns; c++) {
          line.append(c == 1 ? "" : "|").append(rs.getObject(c));
        }
        rows.add(line.toString());
      }
    }
    return rows;
  }

  static String glob(Path table) {
    return "read_parquet('" + table.resolve("**/*.parquet") + "', union_by_name = true)";
  }
}
