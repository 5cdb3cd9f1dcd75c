package dev.tiering.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LakeViews changes nothing, whatever SQL it is given, and its views read right under any root:
 * regression tests from an adversarial review, which made a SELECT overwrite a table's schema.json
 * through DuckDB's enable_profiling() and took columns from key=value directories above the lake.
 */
class LakeViewsSafetyTest {

  private static final Instant START = Instant.parse("2025-11-10T00:00:00Z");

  @TempDir Path base;

  private static TableSchema schema() {
    return TableSchema.builder(Zone.SILVER, "events")
        .required("ts", FieldType.TIMESTAMP)
        .required("id", FieldType.INT64)
        .nullable("label", FieldType.STRING)
        .partitionByDate()
        .build();
  }

  private static void write(PathResolver paths, int n) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long id = 0; id < n; id++) {
      Map<String, Object> row = new HashMap<>();
      row.put("ts", START.plus(Duration.ofHours(id)));
      row.put("id", id);
      row.put("label", "l" + id % 3);
      rows.add(row);
    }
    LakeWriter.builder(paths)
        .storage(Storage.local())
        .build()
        .writeCleanData(schema(), rows, LakeWriteOptions.defaults().partitionBy("ts"));
  }

  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        all.put(
            dir.relativize(p).toString(),
            Files.isDirectory(p)
                ? "dir"
                : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return all;
  }

  static List<String> cwdAndHome() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> list = Files.list(Path.of("").toAbsolutePath())) {
      list.forEach(p -> names.add("cwd:" + p.getFileName()));
    }
    Path duck = Path.of(System.getProperty("user.home"), ".duckdb");
    if (Files.exists(duck)) {
      names.addAll(snapshot(duck).keySet().stream().map(k -> "home:" + k).toList());
    }
    java.util.Collections.sort(names);
    return names;
  }

  /** Each statement alone in a fresh LakeViews (as `tiering sql` does), tree compared after. */
  @Test
  void noStatementWritesAnythingAndEveryWritingOneIsRefused() throws Exception {
    Path lakeRoot = base.resolve("lake");
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(lakeRoot)));
    write(paths, 30);
    Path out = Files.createDirectories(base.resolve("out"));
    String o = out.toString();
    Path clean = paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN);
    List<String> sqls =
        List.of(
            "COPY (SELECT 1) TO '" + o + "/c.csv'",
            "EXPORT DATABASE '" + o + "/exp'",
            "ATTACH '" + o + "/a.db'",
            "INSTALL httpfs",
            "LOAD parquet",
            "SET threads = 1",
            "PRAGMA enable_profiling",
            "CALL checkpoint()",
            "CREATE MACRO m() AS 1",
            "CREATE TABLE t AS SELECT 1",
            "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
            "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
            "SELECT 1; COPY (SELECT 1) TO '" + o + "/c2.csv'",
            "SELECT 1 /* ; COPY (SELECT 1) TO 'x' */",
            "SELECT ';COPY (SELECT 1) TO ''x''' AS s",
            "SELECT 1;",
            "SELECT 1; ;",
            "SELECT 1 -- ; DROP VIEW silver.events",
            "WITH x AS (INSERT INTO silver.events VALUES (1) RETURNING *) SELECT * FROM x",
            "FROM silver.events SELECT id LIMIT 1",
            "SUMMARIZE silver.events",
            "DESCRIBE silver.events",
            "EXPLAIN ANALYZE SELECT 1",
            "EXPLAIN SELECT 1",
            "SELECT current_setting('temp_directory') AS t",
            "SELECT setseed(0.5)",
            "SELECT getenv('HOME')",
            "SELECT * FROM glob('" + lakeRoot + "/**')",
            "SELECT * FROM glob('" + clean + "/**')",
            "SELECT count(*) FROM read_text('/etc/hostname')",
            "SELECT * FROM query('SELECT 7')",
            "SELECT * FROM query('COPY (SELECT 1) TO ''" + o + "/q.csv''')",
            "SELECT * FROM checkpoint()",
            "SELECT * FROM force_checkpoint()",
            "SELECT * FROM enable_logging(storage='file', storage_path='" + o + "/log')",
            "SELECT * FROM enable_profiling(format='json', save_location='" + o + "/prof.json')",
            "SELECT * FROM enable_profiling(format='query_tree', save_location='"
                + o
                + "/prof.txt')",
            "SELECT * FROM (SELECT 1) t, enable_logging(storage='file', storage_path='"
                + o
                + "/log2')",
            "SELECT * FROM read_duckdb('" + o + "/none.duckdb')",
            "SELECT * FROM create_external_resource('x')",
            "SELECT * FROM duckdb_secrets()",
            "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('SELECT 5'))",
            "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')");
    List<String> writers = new ArrayList<>();
    List<String> accepted = new ArrayList<>();
    for (String sql : sqls) {
      Map<String, String> before = snapshot(base);
      List<String> envBefore = cwdAndHome();
      try (LakeViews views = LakeViews.open(paths)) {
        views.query(sql, 5);
        accepted.add(sql);
      } catch (SQLException | RuntimeException refused) {
        // Refused (or failed): what matters is that nothing changed.
      }
      if (!snapshot(base).equals(before) || !cwdAndHome().equals(envBefore)) {
        writers.add(sql);
      }
    }
    assertThat(writers).as("statements that wrote").isEmpty();
    // Writing, configuring or effectful statements do not run (text in comments and string
    // literals is not a statement, so those do).
    assertThat(accepted)
        .containsExactlyInAnyOrder(
            "SELECT 1 /* ; COPY (SELECT 1) TO 'x' */",
            "SELECT ';COPY (SELECT 1) TO ''x''' AS s",
            "SELECT 1;",
            "SELECT 1; ;",
            "SELECT 1 -- ; DROP VIEW silver.events",
            "FROM silver.events SELECT id LIMIT 1",
            "SUMMARIZE silver.events",
            "DESCRIBE silver.events",
            "SELECT current_setting('temp_directory') AS t",
            "SELECT * FROM glob('" + clean + "/**')");
  }

  /** Library use: profiling switched on by one query must not make the next write a file. */
  @Test
  void enableProfilingCannotMakeAQueryOverwriteALakeFile() throws Exception {
    PathResolver paths =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("lake"))));
    write(paths, 30);
    Path victim = paths.schemaFile(Zone.SILVER, dev.tiering.core.TableName.of("events"));
    byte[] before = Files.readAllBytes(victim);
    try (LakeViews views = LakeViews.open(paths)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  views.query(
                      "SELECT * FROM"
                          + " enable_profiling(format='json', save_location='"
                          + victim
                          + "')",
                      5))
          .isInstanceOf(SQLException.class)
          .hasMessageStartingWith("The function enable_profiling() cannot run here");
      // Straight through the connection too: the configuration is locked.
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> {
                try (java.sql.Statement statement = views.connection().createStatement()) {
                  statement.executeQuery(
                      "SELECT * FROM enable_profiling(format='json', save_location='"
                          + victim
                          + "')");
                }
              })
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("locked");
      assertThat(views.query("SELECT 42", 5).rows()).containsExactly(List.of(42));
    }
    assertThat(Files.readAllBytes(victim)).isEqualTo(before);
  }

  /**
   * An error of the query's own that reads like a missing file is not retried (a retry ran the
   * statement's side effects again), and the logging it tried to switch on is refused anyway.
   */
  @Test
  void onlyAViewsOwnMissingFileMakesAQueryRunAgain() throws Exception {
    PathResolver paths =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("lake"))));
    write(paths, 30);
    Path out = Files.createDirectories(base.resolve("out"));
    for (String sql :
        List.of(
            "SELECT error('no such file ' || r.range) FROM range(1) r LEFT JOIN"
                + " enable_profiling(format='json', save_location='"
                + out.resolve("p.json")
                + "') e ON true",
            "SELECT error('no such file ' || r.range) FROM range(1) r LEFT JOIN"
                + " enable_logging(storage='file', storage_path='"
                + out.resolve("logs")
                + "') e ON true",
            "SELECT error('IO Error: No such file or directory') FROM range(1)")) {
      try (LakeViews views = LakeViews.open(paths)) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> views.query(sql, 5))
            .isInstanceOf(SQLException.class);
      }
    }
    assertThat(snapshot(out).keySet()).containsExactly("");
  }

  /** Awkward root directories: quotes, spaces, glob characters, hive-looking segments. */
  @Test
  void awkwardRootDirectories() throws Exception {
    List<String> failures = new ArrayList<>();
    for (String dir :
        List.of(
            "it's a lake",
            "lake[1]",
            "lake*",
            "lake?",
            "lake{a,b}",
            "id=7/lake",
            "label=zzz/lake",
            "env=prod/lake",
            "date=1999-01-01/lake",
            "back\\slash")) {
      Path root = base.resolve(dir);
      PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
      write(paths, 30);
      String outcome;
      try (LakeViews views = LakeViews.open(paths)) {
        LakeViews.Result r =
            views.query(
                "SELECT count(*), sum(id)::BIGINT,"
                    + " count(DISTINCT label), min(label), count(DISTINCT date) FROM silver.events",
                5);
        LakeViews.Result cols = views.query("SELECT * FROM silver.events LIMIT 0", 5);
        outcome = r.rows() + " columns " + cols.columns();
        if (!r.rows().equals(List.of(List.of(30L, 435L, 3L, "l0", 2L)))
            || !cols.columns().equals(List.of("ts", "id", "label", "date"))) {
          failures.add(dir + ": " + outcome);
        }
      } catch (Exception e) {
        outcome = "ERROR " + e.getMessage().lines().findFirst().orElse("");
        failures.add(dir + ": " + outcome);
      }
    }
    assertThat(failures).isEmpty();
  }

  /** Nothing spills to disk: a sort that would be spilled under a limit writes no file. */
  @Test
  void aLargeSortSpillsNothing() throws Exception {
    PathResolver paths =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("lake"))));
    write(paths, 30);
    List<String> envBefore = cwdAndHome();
    Map<String, String> before = snapshot(base);
    try (LakeViews views = LakeViews.open(paths)) {
      assertThat(views.query("SELECT current_setting('temp_directory')", 1).rows())
          .containsExactly(List.of(""));
      assertThat(
              views
                  .query(
                      "SELECT count(*) FROM (SELECT md5(i::VARCHAR) AS s FROM"
                          + " range(1000000) t(i) ORDER BY s)",
                      5)
                  .rows())
          .containsExactly(List.of(1_000_000L));
      try (java.sql.Statement statement = views.connection().createStatement();
          java.sql.ResultSet spilled =
              statement.executeQuery("SELECT count(*) FROM duckdb_temporary_files()")) {
        spilled.next();
        assertThat(spilled.getLong(1)).isZero();
      }
    }
    assertThat(cwdAndHome()).isEqualTo(envBefore);
    assertThat(snapshot(base)).isEqualTo(before);
  }

  /**
   * DuckDB reads the lake and the hot cache, and staging only when asked; every other path is
   * refused by DuckDB itself, through a link or '..' too, and no statement can undo it. Before, a
   * query read any file the process could (as root: /etc/shadow).
   */
  @Test
  void aQueryReadsOnlyTheLakeTheCacheAndStagingWhenAsked() throws Exception {
    PathResolver paths =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("tiers"))));
    write(paths, 30);
    Path clean = paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN);
    Path staged =
        Files.writeString(
            Files.createDirectories(paths.areaRoot(dev.tiering.core.Area.STAGING))
                .resolve("slm_0_b1.txt"),
            "staged\n");
    Path cached =
        Files.writeString(
            Files.createDirectories(paths.areaRoot(dev.tiering.core.Area.CLEAN_CACHE))
                .resolve("copy.txt"),
            "cached\n");
    Path secret =
        Files.writeString(Files.createDirectories(base.resolve("outside")).resolve("s.txt"), "s\n");
    Path link = Files.createSymbolicLink(clean.resolve("out"), secret.getParent());
    Path climb = clean.resolve("..").resolve("..").resolve("..").resolve("outside/s.txt");
    assertThat(climb.normalize()).isEqualTo(secret);
    String table = clean.resolve("silver/events/**/*.parquet").toString();
    List<String> refused =
        List.of(
            "SELECT * FROM read_text('" + secret + "')",
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM read_text('/etc/hostname')",
            "SELECT * FROM glob('/root/*')",
            "SELECT * FROM glob('" + secret.getParent() + "/*')",
            "SELECT * FROM read_text('" + link.resolve("s.txt") + "')",
            "SELECT * FROM glob('" + link + "/*')",
            "SELECT * FROM read_text('" + climb + "')",
            "SELECT * FROM read_text('" + staged + "')",
            "SELECT * FROM read_text('" + paths.layout().hotRoot() + "/**')");
    try (LakeViews views = LakeViews.open(new dev.tiering.parquet.LakeReader(paths))) {
      for (String sql : refused) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> views.query(sql, 5))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("Permission Error")
            .hasMessageContaining("a query may read only under");
      }
      assertThat(views.query("SELECT count(*) FROM read_parquet('" + table + "')", 1).rows())
          .containsExactly(List.of(30L));
      assertThat(views.query("SELECT content FROM read_text('" + cached + "')", 1).rows())
          .containsExactly(List.of("cached\n"));
      assertThat(views.query("SELECT count(*) FROM silver.events", 1).rows())
          .containsExactly(List.of(30L));
      // Nothing undoes it: the configuration is locked, straight through the connection too.
      for (String sql :
          List.of(
              "SET enable_external_access = true",
              "RESET enable_external_access",
              "RESET allowed_directories",
              "SET allowed_directories = ['/']",
              "SET lock_configuration = false")) {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> {
                  try (java.sql.Statement statement = views.connection().createStatement()) {
                    statement.execute(sql);
                  }
                })
            .as(sql)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("locked");
      }
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> views.query("SELECT * FROM read_text('" + secret + "')", 5))
          .isInstanceOf(SQLException.class);
    }
    try (LakeViews views =
        LakeViews.open(
            new dev.tiering.parquet.LakeReader(paths), LakeViews.Reach.LAKE_AND_STAGING)) {
      assertThat(views.query("SELECT content FROM read_text('" + staged + "')", 1).rows())
          .containsExactly(List.of("staged\n"));
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> views.query("SELECT * FROM read_text('" + secret + "')", 5))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("Permission Error");
    }
  }

  /**
   * Reading the views only, a query may not name a file by another spelling either: a path split at
   * its last dot ({@code "<path>".parquet}) is a schema-qualified name that DuckDB joins back into
   * the path and scans.
   */
  @Test
  void aViewsOnlyQueryReadsNoFileByASchemaQualifiedPath() throws Exception {
    PathResolver paths =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("tiers"))));
    write(paths, 30);
    Path clean = paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN);
    try (LakeViews views =
        LakeViews.open(new dev.tiering.parquet.LakeReader(paths), LakeViews.Reach.VIEWS)) {
      assertThat(views.query("SELECT count(*) FROM silver.events", 1).rows())
          .containsExactly(List.of(30L));
      for (String byPath :
          List.of(
              "SELECT count(*) FROM \"" + clean + "/silver/events/**/*\".parquet",
              "SELECT * FROM \"" + clean + "/silver/events/schema\".json",
              "SELECT * FROM '" + clean + "/silver/events/schema.json'",
              "WITH t AS (SELECT * FROM \"" + clean + "/silver/events/**/*\".parquet) SELECT 1")) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> views.query(byPath, 1))
            .as(byPath)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining(" cannot be read here: a query run with more rights");
      }
    }
  }

  /**
   * A wildcard through a link planted in the lake is refused by DuckDB after it expanded it, with a
   * message naming the file it found: reading the views only, that name is not passed on.
   */
  @Test
  void aRefusedReadNamesNoFileOutsideTheLakeWhenOnlyViewsAreRead() throws Exception {
    PathResolver paths =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("tiers"))));
    write(paths, 30);
    Path clean = paths.areaRoot(dev.tiering.core.Area.LAKE_CLEAN);
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("hidden-name.csv"), "a\nsecret\n");
    Files.createSymbolicLink(clean.resolve("out"), outside);
    try (LakeViews views =
        LakeViews.open(new dev.tiering.parquet.LakeReader(paths), LakeViews.Reach.VIEWS)) {
      for (String listing :
          List.of(
              "SELECT * FROM \"" + clean + "/*/*\".csv",
              "SELECT * FROM '" + clean + "/*/*.csv'",
              "SELECT * FROM read_csv('" + clean + "/*/*.csv')")) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> views.query(listing, 1))
            .as(listing)
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hidden-name"));
      }
    }
  }
}
