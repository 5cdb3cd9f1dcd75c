package dev.tiering.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark (its own parquet-java and Hadoop) reads the demo lake with the recipes of docs/interop.md
 * and agrees with DuckDB row for row; the plainest call fails as documented.
 */
class SparkReadsTheLakeTest {

  @TempDir static Path root;
  private static SparkSession spark;

  @BeforeAll
  static void lakeAndSpark() throws Exception {
    DemoLake.write(root);
    spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("tiering-interop")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "1")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static List<String> lines(Dataset<Row> rows) {
    List<String> lines = new ArrayList<>();
    for (Row row : rows.collectAsList()) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length(); c++) {
        line.append(c == 0 ? "" : "|").append(row.isNullAt(c) ? "null" : row.get(c));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  @Test
  void thePlainestCallReadsSchemaJsonAsParquetAndFails() {
    String table = DemoLake.table(root, "silver", "slm_predictions").toString();
    assertThatThrownBy(() -> spark.read().parquet(table).count())
        .hasStackTraceContaining("schema.json")
        .hasStackTraceContaining("is not a Parquet file");
  }

  @Test
  void recursiveLookupWithAParquetFilterAgreesWithDuckDbRowForRow() throws Exception {
    // Both of Spark's Parquet readers: the vectorized one decodes pages itself, the other through
    // parquet-java 1.13.
    for (String vectorized : List.of("true", "false")) {
      spark.conf().set("spark.sql.parquet.enableVectorizedReader", vectorized);
      try {
        agreesWithDuckDb(vectorized);
      } finally {
        spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
      }
    }
  }

  private void agreesWithDuckDb(String vectorized) throws Exception {
    Path table = DemoLake.table(root, "silver", "slm_predictions");
    Dataset<Row> silver =
        spark
            .read()
            .option("recursiveFileLookup", "true")
            .option("pathGlobFilter", "*.parquet")
            .parquet(table.toString());
    List<String> bySpark =
        lines(silver.selectExpr(DemoLake.SILVER_COLUMNS.split(", ")).orderBy("slm_id", "input_id"));
    List<String> byDuck =
        DemoLake.duckRows(
            "SELECT "
                + DemoLake.SILVER_COLUMNS
                + " FROM "
                + DemoLake.glob(table)
                + " ORDER BY slm_id, input_id");
    assertThat(bySpark)
        .as("vectorized: %s", vectorized)
        .hasSizeGreaterThan(11_900)
        .isEqualTo(byDuck);
    // Timestamps to the microsecond, and a checksum over every column.
    // Spark's sum of a bigint overflows silently: the decimal does not.
    assertThat(
            lines(
                silver.selectExpr(
                    "sum(cast(unix_micros(timestamp) AS DECIMAL(38, 0)))",
                    "count(*)",
                    "sum(input_id)",
                    "round(sum(prediction), 6)")))
        .isEqualTo(
            DemoLake.duckRows(
                "SELECT sum(epoch_us(timestamp)), count(*), sum(input_id),"
                    + " round(sum(prediction), 6) FROM "
                    + DemoLake.glob(table)));
  }

  @Test
  void aGlobPathReadsTheSeedLayoutAndTheDateColumnInsideServes() throws Exception {
    Path table = DemoLake.table(root, "gold", "input_consensus");
    Dataset<Row> gold = spark.read().parquet(table + "/*/*/*/*.parquet");
    assertThat(gold.columns()).contains("date");
    String columns =
        "input_id, batch, consensus_label, models, agreement, spread,"
            + " mean_prediction, disagreement";
    assertThat(lines(gold.selectExpr(columns.split(", ")).orderBy("batch", "input_id")))
        .isEqualTo(
            DemoLake.duckRows(
                "SELECT "
                    + columns
                    + " FROM "
                    + DemoLake.glob(table)
                    + " ORDER BY batch, input_id"));
  }
}
