package dev.tiering.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.Field;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.TableSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline end to end on a temporary directory, checked by DuckDB. */
class DemoPipelineTest {

  private static final int ROWS = 2000;

  @TempDir Path root;

  private static long count(String sql) throws SQLException {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> describe(String files) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement();
        ResultSet rs =
            statement.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + files + ")")) {
      while (rs.next()) {
        columns.add(rs.getString("column_name") + " " + rs.getString("column_type"));
      }
    }
    return columns;
  }

  private String glob(TableSchema table) {
    return "'"
        + root.resolve("lake/clean/" + table.zone() + "/" + table.table() + "/**/*.parquet")
        + "'";
  }

  @Test
  void thePipelineRunsEndToEndAndDuckDbAgreesWithItsOutput() throws Exception {
    StringWriter printed = new StringWriter();
    DemoPipeline.Summary summary =
        DemoPipeline.run(
            new DemoPipeline.Options(root, 4, 7, ROWS), new PrintWriter(printed), null);

    long valid = summary.batches().stream().mapToLong(Coordinator.BatchResult::silverRows).sum();
    long rejected = summary.batches().stream().mapToLong(Coordinator.BatchResult::rejected).sum();
    assertThat(valid + rejected).isEqualTo(4L * 7 * ROWS);
    assertThat(rejected).isPositive();
    assertThat(count("SELECT count(*) FROM read_parquet(" + glob(Tables.PREDICTIONS) + ")"))
        .isEqualTo(valid);
    assertThat(
            count(
                "SELECT count(*) FROM read_parquet("
                    + glob(Tables.PREDICTIONS)
                    + ") WHERE prediction < 0 OR prediction > 1"))
        .isZero();
    assertThat(count("SELECT count(*) FROM read_parquet(" + glob(Tables.INPUT_CONSENSUS) + ")"))
        .isEqualTo(4L * ROWS);
    assertThat(count("SELECT count(*) FROM read_parquet(" + glob(Tables.MODEL_DAILY_STATS) + ")"))
        .isEqualTo(4L * 7);

    // Staging keeps exactly the last two batches, intermediate and cross-check files of all 7 SLMs
    // (and the area's own batch lock file and records, which stay).
    List<String> names;
    try (Stream<Path> files = Files.list(root.resolve("hot/staging"))) {
      names = files.map(p -> p.getFileName().toString()).toList();
    }
    // The coordinator's pins' directory stays too, empty: every batch was settled and unpinned.
    assertThat(names)
        .contains(".batches.lock", ".batch-records", ".batch-pins")
        .hasSize(2 * 14 + 3);
    assertThat(root.resolve("hot/staging/.batch-pins")).isEmptyDirectory();
    List<String> kept =
        names.stream()
            .filter(n -> !n.startsWith("."))
            .map(n -> StagingFile.parse(n).orElseThrow())
            .map(f -> f.batch().value())
            .distinct()
            .sorted()
            .toList();
    assertThat(kept).containsExactly(summary.runId() + "-b3", summary.runId() + "-b4");

    // Silver holds exactly the valid rows of each batch still in staging, counted by DuckDB.
    for (int b = 3; b <= 4; b++) {
      String staged =
          "'" + root.resolve("hot/staging/slm_*_" + summary.runId() + "-b" + b + ".parquet") + "'";
      long validStaged =
          count(
              "SELECT count(*) FROM read_parquet(" + staged + ") WHERE prediction BETWEEN 0 AND 1");
      long inSilver =
          count(
              "SELECT count(*) FROM read_parquet("
                  + glob(Tables.PREDICTIONS)
                  + ") WHERE input_id >= "
                  + (long) b * ROWS
                  + " AND input_id < "
                  + (long) (b + 1) * ROWS);
      assertThat(inSilver).as("batch %d", b).isEqualTo(validStaged);
    }

    // Every schema.json describes exactly the columns of its table's files.
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    for (TableSchema table :
        List.of(Tables.SILVER_PREDICTIONS, Tables.INPUT_CONSENSUS, Tables.MODEL_DAILY_STATS)) {
      TableSchema recorded =
          SchemaSidecar.read(paths.schemaFile(table.zone(), table.table())).schema();
      List<String> expected = new ArrayList<>();
      for (Field field : recorded.fields()) {
        expected.add(field.name() + " " + duckType(field));
      }
      expected.add("date DATE");
      assertThat(describe(glob(table))).as(table.qualifiedName()).isEqualTo(expected);
    }
    SchemaSidecar silver =
        SchemaSidecar.read(paths.schemaFile(Tables.PREDICTIONS.zone(), Tables.PREDICTIONS.table()));
    assertThat(silver.quality().rowCount()).isEqualTo(valid);
    assertThat(silver.quality().ruleQuality()).containsKey("agrees_with_consensus");
    assertThat(silver.quality().accuracy()).isBetween(0.5, 1.0);

    // The SQL cross-check over the views agrees with the Java one, input by input.
    assertThat(summary.batches())
        .allSatisfy(
            b -> {
              assertThat(b.sqlInputs()).isEqualTo(b.inputs());
              assertThat(b.sqlMismatches()).isZero();
            });
    assertThat(printed.toString())
        .contains(
            "Cross-check again as one SQL statement over the"
                + " DuckDB views of the lake: "
                + 4 * ROWS
                + " inputs, the same as the Java cross-check");
    assertThat(printed.toString())
        .contains(
            "Time per stage",
            "Files and bytes per tier",
            "Compression",
            "Health: ",
            "The seed's DuckDB query over the lake",
            valid + " row(s) match; the 5 newest:");
  }

  /**
   * The coordinator's SQL cross-check, run through the views, gives exactly the rows its Java
   * cross-check wrote to gold (the mean to a rounding error: the two add in different orders).
   */
  @Test
  void theSqlCrossCheckThroughTheViewsGivesTheRowsTheJavaOneWroteToGold() throws Exception {
    DemoPipeline.Summary summary =
        DemoPipeline.run(
            new DemoPipeline.Options(root, 2, 7, 500), new PrintWriter(new StringWriter()), null);
    try (dev.tiering.duckdb.LakeViews views =
        dev.tiering.duckdb.LakeViews.open(
            new PathResolver(Storage.createRoots(TierLayout.under(root))))) {
      for (Coordinator.BatchResult batch : summary.batches()) {
        String id = "'" + batch.batch().value() + "'";
        List<List<Object>> bySql =
            views.query(Coordinator.CROSS_CHECK_SQL.replace("$batch", id), 100_000).rows();
        List<List<Object>> gold =
            views
                .query(
                    "SELECT input_id, consensus_label, models,"
                        + " agreement, spread, mean_prediction FROM gold.input_consensus WHERE batch = "
                        + id
                        + " ORDER BY input_id",
                    100_000)
                .rows();
        assertThat(bySql).hasSize(500).hasSameSizeAs(gold);
        for (int i = 0; i < gold.size(); i++) {
          assertThat(bySql.get(i).subList(0, 5))
              .as("input %s", gold.get(i).get(0))
              .isEqualTo(
                  List.of(
                      gold.get(i).get(0),
                      gold.get(i).get(1),
                      ((Number) gold.get(i).get(2)).longValue(),
                      gold.get(i).get(3),
                      gold.get(i).get(4)));
          assertThat((Double) bySql.get(i).get(5))
              .isCloseTo((Double) gold.get(i).get(5), org.assertj.core.data.Offset.offset(1e-12));
        }
      }
    }
  }

  @Test
  void runningItTwiceAddsBatchesAndOverwritesNothing() throws Exception {
    DemoPipeline.Options options = new DemoPipeline.Options(root, 2, 3, 500);
    DemoPipeline.Summary first =
        DemoPipeline.run(options, new PrintWriter(new StringWriter()), null);
    List<Path> firstFiles;
    try (Stream<Path> files = Files.walk(root.resolve("lake/clean"))) {
      firstFiles = files.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
    Thread.sleep(5);
    DemoPipeline.Summary second =
        DemoPipeline.run(options, new PrintWriter(new StringWriter()), null);

    assertThat(second.runId()).isNotEqualTo(first.runId());
    assertThat(firstFiles).allSatisfy(file -> assertThat(file).exists());
    long valid =
        Stream.of(first, second)
            .flatMap(s -> s.batches().stream())
            .mapToLong(Coordinator.BatchResult::silverRows)
            .sum();
    assertThat(count("SELECT count(*) FROM read_parquet(" + glob(Tables.PREDICTIONS) + ")"))
        .isEqualTo(valid);
  }

  /**
   * A file cut short in a table the cross-check does not read (gold.model_daily_stats) stops no
   * batch: the demo writes every table, and its SQL cross-check over the views agrees with the Java
   * one. Before, the views of every table failed with DuckDB's error about that one file, and the
   * demo stopped before its first batch.
   */
  @Test
  void aFileCutShortInATableTheCrossCheckDoesNotReadStopsNoBatch() throws Exception {
    DemoPipeline.Options options = new DemoPipeline.Options(root, 2, 3, 500);
    DemoPipeline.Summary first =
        DemoPipeline.run(options, new PrintWriter(new StringWriter()), null);
    Path damaged;
    try (Stream<Path> files =
        Files.walk(
            root.resolve(
                "lake/clean/"
                    + Tables.MODEL_DAILY_STATS.zone()
                    + "/"
                    + Tables.MODEL_DAILY_STATS.table()))) {
      damaged = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Files.write(damaged, java.util.Arrays.copyOf(Files.readAllBytes(damaged), 100));

    DemoPipeline.Summary second =
        DemoPipeline.run(options, new PrintWriter(new StringWriter()), null);

    assertThat(second.batches()).hasSize(2);
    for (Coordinator.BatchResult batch : second.batches()) {
      assertThat(batch.sqlInputs()).isEqualTo(batch.inputs()).isPositive();
      assertThat(batch.sqlMismatches()).isZero();
    }
    long valid =
        Stream.of(first, second)
            .flatMap(s -> s.batches().stream())
            .mapToLong(Coordinator.BatchResult::silverRows)
            .sum();
    assertThat(count("SELECT count(*) FROM read_parquet(" + glob(Tables.PREDICTIONS) + ")"))
        .isEqualTo(valid);
  }

  /**
   * A {@code schema.json} with a duplicate key (an operator's hand edit) in a table the cross-check
   * does not read, gold.model_daily_stats, then the run resumed ({@code --run ID}, as after a
   * crash): the other tables still get the new batch, the damaged one is reported, and the batches
   * it lacks keep their staging files.
   */
  @Test
  void aBadSchemaJsonInOneGoldTableStopsNoBatchOfTheOtherTables() throws Exception {
    DemoPipeline.run(
        new DemoPipeline.Options(root, 1, 3, 500, "r1"), new PrintWriter(new StringWriter()), null);
    DemoPipeline.Options options = new DemoPipeline.Options(root, 2, 3, 500, "r1");
    long before = count("SELECT count(*) FROM read_parquet(" + glob(Tables.PREDICTIONS) + ")");
    Path sidecar =
        root.resolve(
            "lake/clean/"
                + Tables.MODEL_DAILY_STATS.zone()
                + "/"
                + Tables.MODEL_DAILY_STATS.table()
                + "/schema.json");
    String json = Files.readString(sidecar);
    Files.writeString(sidecar, json.replaceFirst("\\{", "{\"zone\": \"silver\", "));

    StringWriter printed = new StringWriter();
    DemoPipeline.Summary resumed = DemoPipeline.run(options, new PrintWriter(printed), null);

    long after = count("SELECT count(*) FROM read_parquet(" + glob(Tables.PREDICTIONS) + ")");
    long secondBatch =
        resumed.batches().stream()
            .filter(b -> b.batch().value().equals("r1-b2"))
            .mapToLong(Coordinator.BatchResult::silverRows)
            .sum();
    assertThat(secondBatch).isPositive();
    assertThat(after).as("silver gets the new batch").isEqualTo(before + secondBatch);
    assertThat(resumed.failed()).isTrue();
    assertThat(resumed.batches())
        .allSatisfy(
            b ->
                assertThat(b.failures())
                    .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                    .startsWith(Tables.MODEL_DAILY_STATS.qualifiedName() + ": "));
    assertThat(printed.toString())
        .contains(
            "NOT SETTLED: r1-b2 in " + Tables.MODEL_DAILY_STATS.qualifiedName() + ": ",
            "run again with --run r1");
    // The batches the damaged table lacks keep their staging files, to be written from again.
    try (Stream<Path> staged = Files.list(root.resolve("hot/staging"))) {
      assertThat(staged.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.endsWith("_r1-b2.parquet"));
    }
  }

  private static String duckType(Field field) {
    return switch (field.type().kind()) {
      case TIMESTAMP -> "TIMESTAMP WITH TIME ZONE";
      case INT32 -> "INTEGER";
      case INT64 -> "BIGINT";
      case FLOAT64 -> "DOUBLE";
      case STRING -> "VARCHAR";
      case BOOLEAN -> "BOOLEAN";
      case DATE -> "DATE";
      default -> throw new AssertionError("type not used by the demo: " + field.type());
    };
  }
}
