package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.PathResolver;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tiering sql}: one SELECT over the lake's committed files, as a table, CSV or JSON. */
class SqlCommandTest {

  @TempDir Path root;

  @BeforeEach
  void lake() throws IOException {
    PathResolver paths = new PathResolver(TierLayout.under(root));
    TableSchema preds = TableSchema.builder(Zone.SILVER, "preds")
        .required("timestamp", FieldType.TIMESTAMP).required("slm_id", FieldType.INT32)
        .nullable("label", FieldType.STRING).required("score", FieldType.FLOAT64)
        .partitionByDate().build();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("timestamp", Instant.parse("2025-11-10T12:00:00Z").plusSeconds(i));
      row.put("slm_id", i % 2);
      row.put("label", i == 5 ? null : i == 4 ? "a, \"quoted\" one" : "cat");
      row.put("score", i / 4.0);
      rows.add(row);
    }
    LakeWriter.builder(paths).clock(Clock.fixed(Instant.parse("2025-11-10T13:00:00Z"),
        ZoneOffset.UTC)).build().writeCleanData(preds, rows);
  }

  private CliRun sql(String... args) {
    List<String> all = new ArrayList<>(List.of("sql"));
    all.addAll(List.of(args));
    all.addAll(List.of("--root", root.toString()));
    return CliRun.of(all.toArray(String[]::new));
  }

  @Test
  void printsAnAlignedTableWithNumbersToTheRight() {
    CliRun run = sql("SELECT slm_id, count(*) AS n, max(label) AS label FROM silver.preds"
        + " GROUP BY ALL ORDER BY slm_id");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("""
        slm_id  n  label
        ------  -  -----
             0  3  cat
             1  3  cat
        (2 rows)
        """);
  }

  @Test
  void printsCsvAndJson() throws Exception {
    CliRun csv = sql("--csv", "SELECT slm_id, label, score FROM silver.preds WHERE score >= 1"
        + " ORDER BY score");
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("""
        slm_id,label,score
        0,"a, ""quoted"" one",1.0
        1,,1.25
        """);
    CliRun json = sql("--json", "SELECT slm_id, label, score, timestamp FROM silver.preds"
        + " WHERE score >= 1 ORDER BY score");
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode rows = new ObjectMapper().readTree(json.out());
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).get("slm_id").asInt()).isZero();
    assertThat(rows.get(0).get("label").asText()).isEqualTo("a, \"quoted\" one");
    assertThat(rows.get(1).get("label").isNull()).isTrue();
    assertThat(rows.get(1).get("score").asDouble()).isEqualTo(1.25);
    assertThat(rows.get(1).get("timestamp").asText()).startsWith("2025-11-10T12:00:05");
  }

  @Test
  void refusesAnythingButOneSelectAndSaysWhy() {
    CliRun copy = sql("COPY (SELECT 1) TO '" + root.resolve("out.csv") + "'");
    assertThat(copy.exitCode()).isEqualTo(SqlCommand.EXIT_SQL);
    assertThat(copy.err()).startsWith("tiering sql: Only a SELECT statement can run here");
    assertThat(root.resolve("out.csv")).doesNotExist();
    CliRun typo = sql("SELECT * FROM silver.nope");
    assertThat(typo.exitCode()).isEqualTo(SqlCommand.EXIT_SQL);
    assertThat(typo.err()).contains("nope");
  }

  @Test
  void saysWhenItShowsOnlyTheFirstRows() {
    CliRun run = sql("--max-rows", "2", "SELECT score FROM silver.preds ORDER BY score");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).endsWith("(2 rows)\n");
    assertThat(run.err()).contains("more than 2 rows; the first 2 are shown");
  }
}
