package dev.tiering.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.ForwardingPendingFile;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.parquet.Compactor;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB views over exactly the committed files of each lake table. */
class LakeViewsTest {

  private static final Instant START = Instant.parse("2025-11-10T00:00:00Z");
  private static final TableName TABLE = TableName.of("events");

  @TempDir Path base;
  private PathResolver paths;

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  private static TableSchema.Builder v1() {
    return TableSchema.builder(Zone.SILVER, "events")
        .required("ts", FieldType.TIMESTAMP)
        .required("id", FieldType.INT64)
        .nullable("label", FieldType.STRING)
        .partitionByDate();
  }

  /** {@code n} rows from id {@code first}, an hour apart, so they span days. */
  private static List<Map<String, Object>> rows(long first, int n, boolean withScore) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long id = first; id < first + n; id++) {
      Map<String, Object> row = new HashMap<>();
      row.put("ts", START.plus(Duration.ofHours(id)));
      row.put("id", id);
      row.put("label", id % 5 == 0 ? null : "l" + id % 3);
      if (withScore) {
        row.put("score", id / 10.0);
      }
      rows.add(row);
    }
    return rows;
  }

  private void write(Storage storage, TableSchema schema, List<Map<String, Object>> rows)
      throws IOException {
    LakeWriter.builder(paths)
        .storage(storage)
        .build()
        .writeCleanData(schema, rows, LakeWriteOptions.defaults().partitionBy("ts"));
  }

  private static long scalar(Connection duck, String sql) throws SQLException {
    try (Statement statement = duck.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private String glob() {
    return "'" + paths.tableDir(Zone.SILVER, TABLE).resolve("**/*.parquet") + "'";
  }

  @Test
  void aViewShowsTheCommittedRowsAsTheGlobDoesOnASettledTable() throws Exception {
    write(Storage.local(), v1().build(), rows(0, 100, false));
    write(Storage.local(), v1().build(), rows(100, 50, false));
    try (LakeViews views = LakeViews.open(paths)) {
      assertThat(views.tables()).containsExactly("silver.events");
      assertThat(views.snapshot("silver.events")).isEqualTo(2);
      LakeViews.Result result =
          views.query(
              "SELECT count(*), sum(id)::BIGINT," + " count(DISTINCT date) FROM silver.events", 10);
      assertThat(result.rows()).containsExactly(List.of(150L, 11175L, 7L));
      assertThat(result.columns()).hasSize(3);
      assertThat(
              scalar(
                  views.connection(),
                  "SELECT count(*) FROM (SELECT * FROM silver.events"
                      + " EXCEPT ALL SELECT * FROM read_parquet("
                      + glob()
                      + ", hive_partitioning = true))"))
          .isZero();
    }
  }

  @Test
  void aViewHidesAWriteCommittedButNotYetPublishedWhichAGlobSees() throws Exception {
    write(Storage.local(), v1().build(), rows(0, 100, false));
    Storage sidecarFails =
        new ForwardingStorage(Storage.local()) {
          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            PendingFile file = super.create(target, mode);
            if (!target.getFileName().toString().equals("schema.json")) {
              return file;
            }
            return new ForwardingPendingFile(file) {
              @Override
              public void commit() throws IOException {
                throw new IOException("sidecar write failed (injected)");
              }
            };
          }
        };
    assertThatThrownBy(() -> write(sidecarFails, v1().build(), rows(100, 50, false)))
        .hasMessageContaining("is committed as commit 2");

    try (LakeViews views = LakeViews.open(paths)) {
      assertThat(views.query("SELECT count(*) FROM silver.events", 1).rows())
          .containsExactly(List.of(100L));
      assertThat(scalar(views.connection(), "SELECT count(*) FROM read_parquet(" + glob() + ")"))
          .isEqualTo(150);
      new SidecarStore(paths).recover(Zone.SILVER, TABLE);
      views.refresh();
      assertThat(views.query("SELECT count(*) FROM silver.events", 1).rows())
          .containsExactly(List.of(150L));
    }
  }

  /**
   * The seed's plain glob on a table whose schema evolved: DuckDB takes the columns of the first
   * file, so a column added later is missing; {@code union_by_name = true} reads it, with nulls for
   * the older files. The view does that.
   */
  @Test
  void anEvolvedTableReadsWholeThroughTheViewAndNeedsUnionByNameInAGlob() throws Exception {
    write(Storage.local(), v1().build(), rows(0, 48, false));
    write(Storage.local(), v1().nullable("score", FieldType.FLOAT64).build(), rows(48, 48, true));
    try (LakeViews views = LakeViews.open(paths)) {
      assertThat(
              views
                  .query(
                      "SELECT count(*), count(score), round(sum(score), 6) FROM" + " silver.events",
                      1)
                  .rows())
          .containsExactly(List.of(96L, 48L, 343.2));
      Connection duck = views.connection();
      String where = " WHERE date >= '2025-11-10'";
      assertThat(scalar(duck, "SELECT count(*) FROM read_parquet(" + glob() + ")" + where))
          .isEqualTo(96);
      try (Statement statement = duck.createStatement();
          ResultSet plain =
              statement.executeQuery("SELECT * FROM read_parquet(" + glob() + ") LIMIT 0")) {
        assertThat(plain.getMetaData().getColumnCount())
            .as("columns of the plain glob")
            .isEqualTo(4);
      }
      assertThat(
              scalar(
                  duck,
                  "SELECT count(score) FROM read_parquet("
                      + glob()
                      + ", union_by_name = true)"
                      + where))
          .isEqualTo(48);
    }
  }

  @Test
  void aTableWithoutFilesIsAnEmptyViewWithItsColumns() throws Exception {
    write(Storage.local(), v1().build(), List.of());
    try (LakeViews views = LakeViews.open(paths)) {
      LakeViews.Result result = views.query("SELECT * FROM silver.events", 10);
      assertThat(result.rows()).isEmpty();
      assertThat(result.columns()).containsExactly("ts", "id", "label", "date");
      assertThat(result.types())
          .containsExactly("TIMESTAMP WITH TIME ZONE", "BIGINT", "VARCHAR", "DATE");
    }
  }

  @Test
  void onlyOneSelectRunsAndNothingIsWritten() throws Exception {
    write(Storage.local(), v1().build(), rows(0, 10, false));
    Path out = base.resolve("out.csv");
    try (LakeViews views = LakeViews.open(paths)) {
      assertThatThrownBy(
              () -> views.query("COPY (SELECT * FROM silver.events) TO '" + out + "'", 10))
          .isInstanceOf(SQLException.class)
          .hasMessageStartingWith("Only a SELECT statement can run here");
      assertThatThrownBy(() -> views.query("SELECT 1; DROP VIEW silver.events", 10))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> views.query("ATTACH '" + base.resolve("x.db") + "'", 10))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> views.query("SELEC 1", 10))
          .isInstanceOf(SQLException.class)
          .hasMessageStartingWith("Invalid SQL: ");
      LakeViews.Result limited = views.query("SELECT id FROM silver.events ORDER BY id", 3);
      assertThat(limited.rows()).containsExactly(List.of(0L), List.of(1L), List.of(2L));
      assertThat(limited.truncated()).isTrue();
    }
    assertThat(out).doesNotExist();
    assertThat(base.resolve("x.db")).doesNotExist();
  }

  @Test
  void aQueryWhoseFilesACompactionMergedIsRunAgainOnFreshViews() throws Exception {
    for (int i = 0; i < 3; i++) {
      write(Storage.local(), v1().build(), rows(i * 10L, 10, false));
    }
    try (LakeViews views = LakeViews.open(paths)) {
      Compactor.builder(paths)
          .minCommitAge(Duration.ZERO)
          .build()
          .compact(Zone.SILVER, TABLE)
          .execute();
      try (Stream<Path> files = Files.walk(paths.tableDir(Zone.SILVER, TABLE))) {
        assertThat(files.filter(p -> p.toString().endsWith("-compacted.parquet"))).isNotEmpty();
      }
      assertThat(views.query("SELECT count(*), sum(id)::BIGINT FROM silver.events", 1).rows())
          .containsExactly(List.of(30L, 435L));
    }
  }

  @Test
  void viewsStartWithoutTablesAndQuotePathsAndNames() throws Exception {
    try (LakeViews views = LakeViews.open(paths)) {
      assertThat(views.tables()).isEmpty();
      assertThatThrownBy(() -> views.snapshot("silver.events"))
          .hasMessageContaining("No view silver.events");
    }
    assertThat(LakeViews.literal(Path.of("/a/it's.parquet"))).isEqualTo("'/a/it''s.parquet'");
    assertThat(LakeViews.identifier("we\"ird")).isEqualTo("\"we\"\"ird\"");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      assertThat(scalar(duck, "SELECT 1")).isEqualTo(1);
    }
  }

  private static final TableSchema DAILY =
      TableSchema.builder(Zone.GOLD, "daily")
          .required("day_id", FieldType.INT64)
          .nullable("total", FieldType.FLOAT64)
          .build();

  private void writeDaily(int n) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long id = 0; id < n; id++) {
      Map<String, Object> row = new HashMap<>();
      row.put("day_id", id);
      row.put("total", id * 1.5);
      rows.add(row);
    }
    LakeWriter.builder(paths).build().writeCleanData(DAILY, rows, LakeWriteOptions.defaults());
  }

  private Path dailySchema() {
    return paths.schemaFile(Zone.GOLD, TableName.of("daily"));
  }

  private Path dailyFile() throws IOException {
    try (Stream<Path> files = Files.list(paths.tableDir(Zone.GOLD, TableName.of("daily")))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  /** How a table is damaged, and what its failure must name. */
  private interface Damage {
    Path apply() throws Exception;
  }

  /**
   * One table damaged, each way in turn (a file cut short, a 0-byte file, a schema.json of 5 MB,
   * 200,000 levels deep, with a duplicate key, a FIFO, a partition that cannot be listed): the
   * other table's view answers exactly as the SDK's reader does, and a query of the damaged table
   * fails naming the file or directory. Before, DuckDB's error about the one file failed the views
   * of every table.
   */
  @Test
  void aTableThatCannotBeReadHasNoViewAndEveryOtherTableStaysQueryable() throws Exception {
    Map<String, Damage> damages = new java.util.LinkedHashMap<>();
    damages.put(
        "a part file cut short",
        () -> {
          Path file = dailyFile();
          byte[] bytes = Files.readAllBytes(file);
          Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
          return file;
        });
    damages.put(
        "a 0-byte part file",
        () -> {
          Path file = dailyFile();
          Files.write(file, new byte[0]);
          return file;
        });
    damages.put(
        "a 5 MB schema.json",
        () -> {
          Files.writeString(dailySchema(), "{\"pad\": \"" + "x".repeat(5 << 20) + "\"}");
          return dailySchema();
        });
    damages.put(
        "a 200,000-deep schema.json",
        () -> {
          Files.writeString(dailySchema(), "[".repeat(200_000) + "]".repeat(200_000));
          return dailySchema();
        });
    damages.put(
        "a schema.json with a duplicate key",
        () -> {
          String json = Files.readString(dailySchema());
          Files.writeString(dailySchema(), json.replaceFirst("\\{", "{\"zone\": \"gold\", "));
          return dailySchema();
        });
    damages.put(
        "a FIFO as schema.json",
        () -> {
          Files.delete(dailySchema());
          Process mkfifo = new ProcessBuilder("mkfifo", dailySchema().toString()).start();
          assertThat(mkfifo.waitFor()).isZero();
          return dailySchema();
        });
    int n = 0;
    for (Map.Entry<String, Damage> damage : damages.entrySet()) {
      paths = new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("case" + n++))));
      write(Storage.local(), v1().build(), rows(0, 100, false));
      writeDaily(10);
      Path named = damage.getValue().apply();
      checkIsolated(
          damage.getKey(), new dev.tiering.parquet.LakeReader(paths), "gold.daily", named);
    }
    // A partition directory that cannot be listed (as for a user without permission on it).
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("case" + n))));
    write(Storage.local(), v1().build(), rows(0, 100, false));
    writeDaily(10);
    Path unlisted = paths.tableDir(Zone.SILVER, TABLE).resolve("2025/11/11");
    Storage denying =
        new ForwardingStorage(Storage.local()) {
          @Override
          public List<dev.tiering.core.storage.FileEntry> list(Path dir) throws IOException {
            if (dir.equals(unlisted)) {
              throw new java.nio.file.AccessDeniedException(dir.toString());
            }
            return super.list(dir);
          }
        };
    checkIsolated(
        "a partition that cannot be listed",
        new dev.tiering.parquet.LakeReader(
            paths, denying, new SidecarStore(paths, denying, java.time.Clock.systemUTC()), null),
        "silver.events",
        unlisted);
  }

  private void checkIsolated(
      String damage, dev.tiering.parquet.LakeReader reader, String bad, Path named)
      throws Exception {
    String good = bad.equals("gold.daily") ? "silver.events" : "gold.daily";
    // The SDK's reader is the oracle for the table left whole.
    long expected;
    dev.tiering.parquet.LakeReader sdk = new dev.tiering.parquet.LakeReader(paths);
    if (good.equals("silver.events")) {
      try (Stream<Row> rows = sdk.read(Zone.SILVER, "events", Row.class)) {
        expected = rows.count();
      }
      assertThat(expected).isEqualTo(100);
    } else {
      try (Stream<Daily> rows = sdk.read(Zone.GOLD, "daily", Daily.class)) {
        expected = rows.count();
      }
      assertThat(expected).isEqualTo(10);
    }
    try (LakeViews views = LakeViews.open(reader)) {
      assertThat(views.tables()).as(damage).containsExactly(good);
      assertThat(views.unreadable()).as(damage).containsOnlyKeys(bad);
      assertThat(views.unreadable().get(bad)).as(damage).contains(named.toString());
      assertThat(views.query("SELECT count(*) FROM " + good, 1).rows())
          .as(damage)
          .containsExactly(List.of(expected));
      assertThatThrownBy(
              () ->
                  views.query("SELECT count(*) FROM " + bad.toUpperCase(java.util.Locale.ROOT), 1))
          .as(damage)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("Cannot query " + bad + ": the table cannot be read")
          .hasMessageContaining(named.toString());
    }
  }

  /**
   * Parquet files dropped into a partition, one with other columns and one with the table's column
   * names in other types (under a commit's name), change neither the rows nor the types of the
   * view, which agrees with the SDK's reader id for id. Before, the view had 101 rows, NULLs in a
   * required column, and {@code id} as VARCHAR.
   */
  @Test
  void aForeignFileChangesNeitherTheRowsNorTheTypesOfAView() throws Exception {
    write(Storage.local(), v1().build(), rows(0, 100, false));
    Path partition = paths.tableDir(Zone.SILVER, TABLE).resolve("2025/11/11");
    Path numbered =
        partition.resolve("part-0000000001-1f1e1d1c-1b1a-4919-8817-161514131211.parquet");
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duck.createStatement()) {
      statement.execute(
          "COPY (SELECT 'x' AS other, 7 AS n) TO "
              + LakeViews.literal(partition.resolve("other.parquet")));
      statement.execute(
          "COPY (SELECT TIMESTAMPTZ '2025-11-11 01:00:00+00' AS ts, 'not a number' AS id,"
              + " 'l' AS label, DATE '2025-11-11' AS date) TO "
              + LakeViews.literal(numbered));
    }
    List<Long> sdkIds = new ArrayList<>();
    try (Stream<Row> rows =
        new dev.tiering.parquet.LakeReader(paths).read(Zone.SILVER, "events", Row.class)) {
      rows.forEach(r -> sdkIds.add(r.id()));
    }
    assertThat(sdkIds).hasSize(100);
    try (LakeViews views = LakeViews.open(paths)) {
      LakeViews.Result all = views.query("SELECT id FROM silver.events ORDER BY id", 1000);
      assertThat(all.types()).containsExactly("BIGINT");
      assertThat(all.rows())
          .extracting(r -> (Long) r.get(0))
          .isEqualTo(sdkIds.stream().sorted().toList());
      assertThat(views.query("SELECT * FROM silver.events LIMIT 0", 1).columns())
          .containsExactly("ts", "id", "label", "date");
      assertThat(views.query("SELECT count(*) FROM silver.events WHERE ts IS NULL", 1).rows())
          .containsExactly(List.of(0L));
    }
  }

  /** A row of silver.events, for the SDK's reader. */
  record Row(long id) {}

  /** A row of gold.daily, for the SDK's reader. */
  record Daily(long dayId) {}

  /**
   * A part file whose footer is whole but whose pages were overwritten (a bad sector, a stray
   * {@code dd}): its table still gets a view, so a query that reads its values fails, and that
   * failure should name the file, as for a file cut short. DuckDB says only "Invalid Error: don't
   * know what type:"; the SDK's reader then finds the file, and the failure is an I/O one.
   */
  @Test
  void aQueryOverAFileWithDamagedPagesFailsNamingTheFile() throws Exception {
    write(Storage.local(), v1().build(), rows(0, 100, false));
    writeDaily(10);
    Path file = dailyFile();
    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes.length).isGreaterThan(200);
    for (int i = 4; i < 24; i++) {
      bytes[i] ^= 0x5a;
    }
    Files.write(file, bytes);
    try (LakeViews views = LakeViews.open(paths)) {
      assertThat(views.query("SELECT count(*) FROM silver.events", 1).rows())
          .containsExactly(List.of(100L));
      assertThatThrownBy(() -> views.query("SELECT sum(day_id), sum(total) FROM gold.daily", 1))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("(the file " + file + " of gold.daily is damaged: ")
          .hasMessageEndingWith(
              "; restore it from a backup, or move it out of the lake to query the rest)");
    }
  }

  @Test
  void aCopyOfACommittedPartitionUnderAnotherDateAddsNoRowsToAView() throws Exception {
    // A restore to the wrong place (cp -a 2025/11/11 1970/01/01): the copies keep the names of
    // committed files, but no commit names them in that partition.
    write(Storage.local(), v1().build(), rows(0, 100, false));
    Path table = paths.tableDir(Zone.SILVER, TABLE);
    Path copy = Files.createDirectories(table.resolve("1970/01/01"));
    try (Stream<Path> files = Files.list(table.resolve("2025/11/11"))) {
      for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
        Files.copy(
            file,
            copy.resolve(file.getFileName()),
            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    long sdk;
    try (Stream<Row> rows =
        new dev.tiering.parquet.LakeReader(paths).read(Zone.SILVER, "events", Row.class)) {
      sdk = rows.count();
    }
    try (LakeViews views = LakeViews.open(paths)) {
      assertThat(views.query("SELECT count(*) FROM silver.events", 1).rows())
          .as("the view (the SDK's reader reads %d)", sdk)
          .containsExactly(List.of(100L));
    }
    assertThat(sdk).as("the SDK's reader").isEqualTo(100);
  }
}
