package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
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
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    TableSchema preds =
        TableSchema.builder(Zone.SILVER, "preds")
            .required("timestamp", FieldType.TIMESTAMP)
            .required("slm_id", FieldType.INT32)
            .nullable("label", FieldType.STRING)
            .required("score", FieldType.FLOAT64)
            .partitionByDate()
            .build();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("timestamp", Instant.parse("2025-11-10T12:00:00Z").plusSeconds(i));
      row.put("slm_id", i % 2);
      row.put("label", i == 5 ? null : i == 4 ? "a, \"quoted\" one" : "cat");
      row.put("score", i / 4.0);
      rows.add(row);
    }
    LakeWriter.builder(paths)
        .clock(Clock.fixed(Instant.parse("2025-11-10T13:00:00Z"), ZoneOffset.UTC))
        .build()
        .writeCleanData(preds, rows);
  }

  private CliRun sql(String... args) {
    List<String> all = new ArrayList<>(List.of("sql"));
    all.addAll(List.of(args));
    all.addAll(List.of("--root", root.toString()));
    return CliRun.of(all.toArray(String[]::new));
  }

  @Test
  void printsAnAlignedTableWithNumbersToTheRight() {
    CliRun run =
        sql(
            "SELECT slm_id, count(*) AS n, max(label) AS label FROM silver.preds"
                + " GROUP BY ALL ORDER BY slm_id");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            """
        slm_id  n  label
        ------  -  -----
             0  3  cat
             1  3  cat
        (2 rows)
        """);
  }

  @Test
  void printsCsvAndJson() throws Exception {
    CliRun csv =
        sql(
            "--csv",
            "SELECT slm_id, label, score FROM silver.preds WHERE score >= 1" + " ORDER BY score");
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out())
        .isEqualTo(
            """
        slm_id,label,score
        0,"a, ""quoted"" one",1.0
        1,,1.25
        """);
    CliRun json =
        sql(
            "--json",
            "SELECT slm_id, label, score, timestamp FROM silver.preds"
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

  @Test
  void awkwardValuesPrintAsValidJsonCsvAndText() throws Exception {
    String awkward =
        "SELECT NULL::VARCHAR AS n, 'a\"b,c' AS s, '\\x00\\xFF'::BLOB AS b,"
            + " 'nan'::DOUBLE AS nan, '-inf'::FLOAT AS ninf, TIMESTAMP '2025-11-10 12:34:56' AS ts,"
            + " DATE '2025-11-10' AS day, [1, NULL, 3] AS list, {'k': 'v', 'n': 1} AS struct,"
            + " 1 AS a, 2 AS a";
    CliRun json = sql("--json", awkward);
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode row = new ObjectMapper().readTree(json.out()).get(0);
    assertThat(row.get("n").isNull()).isTrue();
    assertThat(row.get("s").asText()).isEqualTo("a\"b,c");
    assertThat(row.get("b").asText()).isEqualTo("\\x00ff");
    assertThat(row.get("nan").asText()).isEqualTo("NaN");
    assertThat(row.get("ninf").asText()).isEqualTo("-Infinity");
    assertThat(row.get("ts").asText()).isEqualTo("2025-11-10T12:34:56");
    assertThat(row.get("day").asText()).isEqualTo("2025-11-10");
    assertThat(row.get("list").isArray()).isTrue();
    assertThat(row.get("list").toString()).isEqualTo("[1,null,3]");
    assertThat(row.get("struct").toString()).isEqualTo("{\"k\":\"v\",\"n\":1}");
    assertThat(row.get("a").asInt()).isEqualTo(1);
    assertThat(row.get("a_2").asInt()).isEqualTo(2);

    CliRun csv = sql("--csv", awkward);
    assertThat(csv.out().lines().toList())
        .containsExactly(
            "n,s,b,nan,ninf,ts,day,list,struct,a,a",
            ",\"a\"\"b,c\",\"\\x00ff\",NaN,-Infinity,2025-11-10T12:34:56,2025-11-10,\"[1,null,3]\","
                + "\"{\"\"k\"\":\"\"v\"\",\"\"n\"\":1}\",1,2");
    CliRun table = sql(awkward);
    assertThat(table.out()).contains("\\x00ff", "2025-11-10T12:34:56", "[1,null,3]");
    CliRun empty = sql("--csv", "SELECT 1 AS a, 'x' AS b WHERE false");
    assertThat(empty.out()).isEqualTo("a,b\n");
  }

  /** A SELECT that tries to switch on DuckDB's file logging is refused and writes nothing. */
  @Test
  void aSelectCannotSwitchOnLoggingIntoTheLake() throws Exception {
    Path tableDir =
        new PathResolver(Storage.createRoots(TierLayout.under(root)))
            .tableDir(Zone.SILVER, dev.tiering.core.TableName.of("preds"));
    List<String> before;
    try (var files = java.nio.file.Files.list(tableDir)) {
      before = files.map(Path::toString).sorted().toList();
    }
    CliRun run =
        sql(
            "SELECT error('no such file ' || r.range) FROM range(1) r LEFT JOIN"
                + " enable_logging(storage='file', storage_path='"
                + tableDir
                + "') e ON true");
    assertThat(run.exitCode()).isEqualTo(SqlCommand.EXIT_SQL);
    assertThat(run.err()).contains("enable_logging() cannot run here");
    try (var files = java.nio.file.Files.list(tableDir)) {
      assertThat(files.map(Path::toString).sorted().toList()).isEqualTo(before);
    }
  }

  /**
   * A part file cut short in one table fails the queries of that table alone, naming the file (exit
   * 74); the other table is queried as before. Before, every query exited 74 with DuckDB's "Cannot
   * make the DuckDB views: ... No magic bytes found".
   */
  @Test
  void aTableThatCannotBeReadFailsOnlyItsOwnQueriesNamingTheFile() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    TableSchema totals =
        TableSchema.builder(Zone.GOLD, "totals").required("n", FieldType.INT64).build();
    Path file =
        LakeWriter.builder(paths)
            .build()
            .writeCleanData(totals, List.of(Map.of("n", 7L)))
            .files()
            .get(0)
            .file();
    java.nio.file.Files.write(file, new byte[] {'P', 'A', 'R', '1', 0, 0});

    CliRun other = sql("--csv", "SELECT count(*) AS n FROM silver.preds");
    assertThat(other.exitCode()).as(other.err()).isZero();
    assertThat(other.out()).isEqualTo("n\n6\n");
    CliRun damaged = sql("SELECT * FROM gold.totals");
    assertThat(damaged.exitCode()).isEqualTo(TieringCli.EXIT_IO);
    assertThat(damaged.err())
        .startsWith(
            "tiering: Cannot query gold.totals: the table cannot be read, so it has no view:"
                + " Cannot read "
                + file
                + ": it is not a complete Parquet file");
    assertThat(damaged.out()).isEmpty();
  }

  /**
   * Run as root (as CI and the systemd units run it), {@code tiering sql} reads the views and
   * nothing else: no file by its path (not /etc/shadow, not /root, not through a link planted in
   * the lake, which a wildcard would follow past DuckDB's allowed directories, nor by climbing out
   * with '..'), not staging; and no statement turns that off, attaches, installs, loads or writes.
   * Before, {@code read_text('/etc/shadow')} printed the file. (Reach.LAKE's confinement by allowed
   * directories, for a process with the tiers' owner's rights, is {@code LakeViewsSafetyTest}'s,
   * run as root too.)
   */
  @Test
  void asRootAQueryReadsOnlyTheViews() throws Exception {
    int uid = (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        uid == 0,
        "this test must run as root (uid 0), as CI does, to show that root's reach is confined;"
            + " it runs as uid "
            + uid);
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    Path clean = paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN);
    Path link = java.nio.file.Files.createSymbolicLink(clean.resolve("etc"), Path.of("/etc"));
    Path staged =
        java.nio.file.Files.writeString(
            java.nio.file.Files.createDirectories(paths.areaRoot(dev.tiering.core.Area.STAGING))
                .resolve("slm_0_b1.csv"),
            "slm,score\n0,0.5\n");
    String climb = clean + "/../".repeat(clean.getNameCount()) + "etc/shadow";
    Path written = root.resolve("lake/written");
    for (String refused :
        List.of(
            "SELECT * FROM read_text('/etc/shadow')",
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM glob('/root/*')",
            "SELECT * FROM read_text('" + link.resolve("shadow") + "')",
            "SELECT * FROM glob('" + clean + "/*/shadow')",
            "SELECT * FROM read_text('" + climb + "')",
            "SELECT * FROM read_csv('" + staged + "')",
            "SELECT count(*) FROM read_parquet('" + clean + "/silver/preds/**/*.parquet')")) {
      CliRun run = sql(refused);
      assertThat(run.exitCode()).as(refused + ": " + run.out()).isEqualTo(SqlCommand.EXIT_SQL);
      assertThat(run.err())
          .as(refused)
          .startsWith("tiering sql: The function ")
          .contains(
              "() cannot run here: a query run with more rights than the tiers' writers (as root)"
                  + " reads the views only, never a file by its path");
      assertThat(run.out()).as(refused).isEmpty();
    }
    for (String path : List.of("/etc/passwd.csv", clean + "/*/passwd")) {
      CliRun run = sql("SELECT * FROM '" + path + "'");
      assertThat(run.exitCode()).as(path).isEqualTo(SqlCommand.EXIT_SQL);
      assertThat(run.err())
          .as(path)
          .startsWith("tiering sql: The table " + path + " cannot be read here: a query run with");
    }
    for (String refused :
        List.of(
            "SET enable_external_access = true",
            "RESET allowed_directories",
            "ATTACH '" + written + ".db'",
            "INSTALL httpfs",
            "LOAD httpfs",
            "COPY (SELECT 1) TO '" + written + ".csv'",
            "EXPORT DATABASE '" + written + "'")) {
      CliRun run = sql(refused);
      assertThat(run.exitCode()).as(refused).isEqualTo(SqlCommand.EXIT_SQL);
      assertThat(run.err()).as(refused).startsWith("tiering sql: Only a SELECT statement");
    }
    assertThat(root.resolve("lake")).isDirectoryNotContaining(p -> p.startsWith(written));

    CliRun lake = sql("--csv", "SELECT count(*) AS n FROM silver.preds");
    assertThat(lake.out()).as(lake.err()).isEqualTo("n\n6\n");
    CliRun asked = sql("--staging", "--csv", "SELECT slm, score FROM read_csv('" + staged + "')");
    assertThat(asked.exitCode()).isEqualTo(TieringCli.EXIT_NOPERM);
    assertThat(asked.err())
        .startsWith("tiering sql: --staging reads files by their paths, which a query run as root")
        .contains("run it as the tiers' owner: sudo -u <owner> tiering sql --staging");
  }
}
