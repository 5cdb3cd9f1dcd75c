package dev.tiering.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.parquet.LakeReader;
import dev.tiering.schema.Field;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory DuckDB database with one view per lake table, {@code zone.table} (for example {@code
 * silver.slm_predictions}), over exactly the files of the table's applied commits: a glob ({@code
 * read_parquet('…/**}{@code /*.parquet')}) sees whatever files exist, a view sees commits. Each
 * view reads with {@code union_by_name}, so a table whose schema evolved reads whole (older files
 * get nulls for newer columns), and without {@code hive_partitioning}: the {@code date} column is
 * inside every file, and Hive-style directories above the table (a root under {@code
 * /srv/env=prod/}) must not become columns. A table without files is an empty view with the table's
 * columns.
 *
 * <p>The views are a snapshot, taken when they are made or {@link #refresh() refreshed}. A file a
 * compaction removes later makes a query fail; {@link #query} then refreshes the views and runs the
 * query again. {@link #query} runs one {@code SELECT} statement only (checked by DuckDB's own
 * parser), and the database has no extension loading and no spilling to disk, so a query changes
 * nothing on any disk. DuckDB may read no file outside the lake and the hot cache (staging too if
 * asked, see {@link Reach}), with its configuration locked. A table that cannot be read (a damaged
 * file or {@code schema.json}, a partition that cannot be listed) gets no view, and a query that
 * names it fails saying why; the others are unaffected. Not thread-safe: one connection, one
 * thread.
 *
 * <pre>{@code
 * try (LakeViews lake = LakeViews.open(paths)) {
 *   LakeViews.Result result = lake.query("SELECT slm_id, count(*) FROM silver.slm_predictions"
 *       + " GROUP BY ALL ORDER BY 1", 100);
 * }
 * }</pre>
 */
public final class LakeViews implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LakeViews.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Queries that meet a file removed since the views were made are run again this often. */
  private static final int ATTEMPTS = 3;

  private final LakeReader reader;
  private final Connection connection;
  private final Map<String, Long> snapshots = new LinkedHashMap<>();

  /** Tables (or zones) without a view, to why they cannot be read. */
  private final Map<String, String> unreadable = new LinkedHashMap<>();

  /** The files the views name: only their disappearance makes a query run again. */
  private final java.util.Set<String> files = new java.util.HashSet<>();

  /** The directories DuckDB may read files in. */
  private final List<String> readable;

  /** What a query may read besides the views. */
  private final Reach reach;

  private LakeViews(LakeReader reader, Connection connection, List<String> readable, Reach reach) {
    this.reader = reader;
    this.connection = connection;
    this.readable = List.copyOf(readable);
    this.reach = reach;
  }

  /** What a query may read, besides the views: DuckDB is refused every other file. */
  public enum Reach {
    /** The lake tier's areas (clean, archive, raw) and the hot tier's cache of clean data. */
    LAKE,
    /** As {@link #LAKE}, and the hot tier's staging (the SLM jobs' intermediate files). */
    LAKE_AND_STAGING,
    /**
     * The views only: a query may not name a file ({@code read_parquet}, {@code glob}, {@code
     * read_text}, … or {@code FROM '<path>'}). DuckDB checks an allowed directory against a path as
     * written, not against what a wildcard finds through a link planted in the lake, so a process
     * with more rights than the tiers' writers (root) must not read files by path.
     */
    VIEWS;

    /** The directories a query may read, each with a trailing separator. */
    List<String> directories(PathResolver paths) {
      // VIEWS reads what LAKE does, but only through the views' own file lists.
      List<String> directories = new ArrayList<>();
      List<dev.tiering.core.Area> areas = new ArrayList<>();
      if (paths.layout().lakeIsLocal()) {
        areas.addAll(
            List.of(
                dev.tiering.core.Area.LAKE_CLEAN,
                dev.tiering.core.Area.LAKE_ARCHIVE,
                dev.tiering.core.Area.LAKE_RAW));
      }
      areas.add(dev.tiering.core.Area.CLEAN_CACHE);
      if (this == LAKE_AND_STAGING) {
        areas.add(dev.tiering.core.Area.STAGING);
      }
      for (dev.tiering.core.Area area : areas) {
        // DuckDB compares prefixes: without the separator /data/lake/raw would let
        // /data/lake/rawdata through.
        directories.add(paths.areaRoot(area) + java.io.File.separator);
      }
      return directories;
    }
  }

  /**
   * Views of every table of the lake on local disks; queries may read the lake and the hot cache.
   *
   * @param paths where the tables lie
   * @return the views; close them
   * @throws IOException if DuckDB cannot start or make the views
   */
  public static LakeViews open(PathResolver paths) throws IOException {
    return open(new LakeReader(paths), Reach.LAKE);
  }

  /**
   * Views of every table a reader sees; queries may read the lake and the hot cache.
   *
   * @param reader the reader whose tables, storage and commits the views follow
   * @return the views; close them
   * @throws IOException if DuckDB cannot start or make the views
   */
  public static LakeViews open(LakeReader reader) throws IOException {
    return open(reader, Reach.LAKE);
  }

  /**
   * Views of every table a reader sees, in a DuckDB that may read no file outside {@code reach}:
   * {@code read_text('/etc/shadow')}, {@code glob('/root/*')}, a link out of the lake and {@code
   * ..} are refused by DuckDB itself ({@code enable_external_access} off, {@code
   * allowed_directories}), and the configuration is locked so that no statement can change it.
   * DuckDB checks a path as written, not what a wildcard finds through a link: a link put inside
   * {@code reach} by whoever may write it lets a wildcard before it (in {@code glob}) list what it
   * points to. Queries run with the process's rights: a process with more rights than the tiers'
   * writers (root) should use {@link Reach#VIEWS}, as {@code tiering sql} does.
   *
   * @param reader the reader whose tables, storage and commits the views follow
   * @param reach what queries may read besides the views
   * @return the views; close them
   * @throws IOException if DuckDB cannot start or make the views
   */
  public static LakeViews open(LakeReader reader, Reach reach) throws IOException {
    Objects.requireNonNull(reader, "reader");
    Objects.requireNonNull(reach, "reach");
    Connection connection;
    List<String> directories = reach.directories(reader.paths());
    try {
      connection = DriverManager.getConnection("jdbc:duckdb:");
      try (Statement statement = connection.createStatement()) {
        // Nothing is installed, downloaded or spilled: a query touches no disk but the lake's.
        statement.execute("SET autoinstall_known_extensions = false");
        statement.execute("SET autoload_known_extensions = false");
        statement.execute("SET temp_directory = ''");
        // Files only in the tiers' data areas: DuckDB refuses any other path, resolving links and
        // '..' first, even for a query run as root.
        StringBuilder allowed = new StringBuilder("SET allowed_directories = [");
        for (int i = 0; i < directories.size(); i++) {
          allowed.append(i == 0 ? "" : ", ").append(literal(directories.get(i)));
        }
        statement.execute(allowed.append("]").toString());
        statement.execute("SET enable_external_access = false");
        // No statement may change a setting from here on (enable_profiling() and
        // enable_logging() are table functions that would make a SELECT write files).
        statement.execute("SET lock_configuration = true");
      }
    } catch (SQLException e) {
      throw new IOException("Cannot start DuckDB: " + e.getMessage(), e);
    }
    LakeViews views = new LakeViews(reader, connection, directories, reach);
    try {
      views.refresh();
    } catch (IOException | RuntimeException e) {
      views.close();
      throw e;
    }
    return views;
  }

  /** {@return the connection, for statements of the caller's own; the views are in it} */
  public Connection connection() {
    return connection;
  }

  /** {@return the views, {@code zone.table}, by zone then name} */
  public List<String> tables() {
    return List.copyOf(snapshots.keySet());
  }

  /**
   * {@return the commit a view shows its table as of ({@code last_commit} when it was made)}
   *
   * @param table the view, {@code zone.table}
   * @throws IllegalArgumentException if there is no such view
   */
  public long snapshot(String table) {
    Long snapshot = snapshots.get(table);
    if (snapshot == null) {
      throw new IllegalArgumentException(
          "No view " + table + " (views: " + snapshots.keySet() + ")");
    }
    return snapshot;
  }

  /**
   * {@return the tables that have no view because they cannot be read, {@code zone.table} (or a
   * whole zone, {@code zone}) to why: the file or directory and the reason} A query that names one
   * of them fails with that reason; the other tables are queried as usual.
   */
  public Map<String, String> unreadable() {
    return java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(unreadable));
  }

  /**
   * Makes the views again over the tables' current commits. A table whose sidecar, partitions or
   * files cannot be read gets no view: it is logged at WARN with the file and the reason, listed by
   * {@link #unreadable()}, and a query that names it fails with that reason, while every other
   * table stays queryable.
   *
   * @throws IOException if DuckDB cannot make a view of a table that can be read
   */
  public void refresh() throws IOException {
    java.util.Set<String> stale = new java.util.HashSet<>(snapshots.keySet());
    snapshots.clear();
    files.clear();
    unreadable.clear();
    try (Statement statement = connection.createStatement()) {
      for (Zone zone : Zone.values()) {
        List<TableName> tables;
        try {
          tables = reader.tables(zone);
        } catch (IOException | java.io.UncheckedIOException e) {
          skip(zone.id(), e);
          continue;
        }
        if (!tables.isEmpty()) {
          statement.execute("CREATE SCHEMA IF NOT EXISTS " + identifier(zone.id()));
        }
        for (TableName table : tables) {
          String name = zone.id() + "." + table.value();
          stale.remove(name);
          try {
            makeView(statement, zone, table);
          } catch (IOException | SQLException | RuntimeException e) {
            // One table that cannot be read must not take the others' views with it.
            skip(name, e);
            statement.execute("DROP VIEW IF EXISTS " + viewName(zone.id(), table.value()));
          }
        }
      }
      for (String gone : stale) {
        int dot = gone.indexOf('.');
        statement.execute(
            "DROP VIEW IF EXISTS " + viewName(gone.substring(0, dot), gone.substring(dot + 1)));
      }
    } catch (SQLException e) {
      throw new IOException("Cannot make the DuckDB views: " + e.getMessage(), e);
    }
  }

  /**
   * Makes one table's view, listing its files again if DuckDB found one gone (a compaction merged
   * it between the listing and the view).
   */
  private void makeView(Statement statement, Zone zone, TableName table)
      throws IOException, SQLException {
    for (int attempt = 1; ; attempt++) {
      SchemaSidecar sidecar = reader.sidecar(zone, table);
      List<LakeReader.DataFile> tableFiles = reader.files(zone, table);
      List<String> paths = tableFiles.stream().map(f -> f.path().toString()).toList();
      try {
        statement.execute(
            "CREATE OR REPLACE VIEW "
                + viewName(zone.id(), table.value())
                + " AS "
                + select(sidecar.schema(), tableFiles));
      } catch (SQLException e) {
        if (attempt == ATTEMPTS || !namesMissingFile(e, paths)) {
          throw e;
        }
        continue;
      }
      files.addAll(paths);
      snapshots.put(zone.id() + "." + table.value(), sidecar.lastCommit());
      return;
    }
  }

  private void skip(String name, Exception e) {
    String reason = reason(e);
    unreadable.put(name, reason);
    log.warn(
        "No view of {}: it cannot be read: {} (the other tables can be queried)", name, reason);
  }

  /**
   * What went wrong, with the path: a JDK file system error's message is often the path alone, and
   * DuckDB's starts with its error class and may go on with the statement.
   */
  static String reason(Exception e) {
    if (e instanceof java.nio.file.FileSystemException fs && fs.getFile() != null) {
      String why =
          fs.getReason() != null
              ? fs.getReason()
              : fs instanceof java.nio.file.AccessDeniedException
                  ? "permission denied"
                  : fs instanceof java.nio.file.NoSuchFileException
                      ? "no such file or directory"
                      : fs.getClass().getSimpleName();
      return fs.getFile() + ": " + why;
    }
    String message = String.valueOf(e.getMessage());
    int line = message.indexOf('\n');
    return (line < 0 ? message : message.substring(0, line)).strip();
  }

  private static String viewName(String zone, String table) {
    return identifier(zone) + "." + identifier(table);
  }

  /** The view's query: the table's committed files, or no rows with its columns. */
  static String select(TableSchema schema, List<LakeReader.DataFile> files) {
    if (files.isEmpty()) {
      StringBuilder empty = new StringBuilder("SELECT ");
      for (int i = 0; i < schema.fields().size(); i++) {
        Field field = schema.fields().get(i);
        empty
            .append(i == 0 ? "" : ", ")
            .append("CAST(NULL AS ")
            .append(duckType(field))
            .append(") AS ")
            .append(identifier(field.name()));
      }
      if (schema.isDatePartitioned()) {
        empty.append(", CAST(NULL AS DATE) AS ").append(identifier(TableSchema.DATE_PARTITION));
      }
      return empty.append(" WHERE false").toString();
    }
    StringBuilder list = new StringBuilder("SELECT * FROM read_parquet([");
    for (int i = 0; i < files.size(); i++) {
      list.append(i == 0 ? "" : ", ").append(literal(files.get(i).path()));
    }
    // No hive_partitioning: it would take columns from any key=value directory in the lake's own
    // path (a root under /srv/id=7/ made every id 7); the date column is inside every file.
    return list.append("], hive_partitioning = false, union_by_name = true)").toString();
  }

  private static String duckType(Field field) {
    return switch (field.type().kind()) {
      case TIMESTAMP -> "TIMESTAMP WITH TIME ZONE";
      case DATE -> "DATE";
      case INT32 -> "INTEGER";
      case INT64 -> "BIGINT";
      case FLOAT32 -> "FLOAT";
      case FLOAT64 -> "DOUBLE";
      case BOOLEAN -> "BOOLEAN";
      case STRING -> "VARCHAR";
      case BINARY -> "BLOB";
      case DECIMAL -> "DECIMAL(" + field.type().precision() + ", " + field.type().scale() + ")";
    };
  }

  /**
   * What a query returned.
   *
   * @param columns the column names
   * @param types DuckDB's names of the column types
   * @param rows the rows, each value null, a {@link Number}, {@link Boolean}, {@link String},
   *     {@code java.time} value, {@code byte[]} (BLOB), {@link List} (LIST), {@link Map} (STRUCT,
   *     MAP), or another JDBC object (UUID, ...)
   * @param truncated true if there were more rows than asked for
   */
  public record Result(
      List<String> columns, List<String> types, List<List<Object>> rows, boolean truncated) {
    /**
     * Copies the lists.
     *
     * @param columns the column names; copied
     * @param types DuckDB's names of the column types; copied
     * @param rows the rows; the list of rows is copied, not the rows
     * @param truncated true if there were more rows than asked for
     */
    public Result {
      columns = List.copyOf(columns);
      types = List.copyOf(types);
      rows = List.copyOf(rows);
    }
  }

  /**
   * Runs one {@code SELECT} statement (also {@code WITH …}, {@code FROM …}, {@code DESCRIBE},
   * {@code SUMMARIZE}) and returns up to {@code maxRows} rows. If a file the views name went away
   * meanwhile (a compaction merged it), the views are refreshed and the query runs again.
   *
   * @param sql the statement
   * @param maxRows the most rows returned, 0 or more; more make the result {@link
   *     Result#truncated() truncated}
   * @return the columns and rows
   * @throws IllegalArgumentException for a negative {@code maxRows}
   * @throws SQLException if the statement is not one {@code SELECT}, or DuckDB refuses it (a file
   *     outside the {@link Reach} included)
   * @throws IOException if the statement names a table that cannot be read (see {@link
   *     #unreadable()}), a file of a table it reads turns out damaged when DuckDB fails on it (the
   *     message names the file), or the views cannot be refreshed
   */
  public Result query(String sql, int maxRows) throws IOException, SQLException {
    Objects.requireNonNull(sql, "sql");
    if (maxRows < 0) {
      throw new IllegalArgumentException("Invalid maxRows " + maxRows + " (use 0 or more)");
    }
    JsonNode statements = checkSelect(sql);
    for (int attempt = 1; ; attempt++) {
      // Again after a refresh: a table may have become unreadable.
      checkReadable(statements);
      try {
        return run(sql, maxRows);
      } catch (SQLException e) {
        if (String.valueOf(e.getMessage()).startsWith("Permission Error")) {
          if (reach == Reach.VIEWS) {
            // DuckDB names the file it refused, which a wildcard may have found through a link:
            // a name outside the lake is not for a query to learn.
            throw new SQLException(
                "Permission Error: a query run with more rights than the tiers' writers (as root)"
                    + " reads the views only");
          }
          throw new SQLException(
              e.getMessage().lines().findFirst().orElse("")
                  + " (a query may read only under "
                  + String.join(", ", readable)
                  + ")",
              e);
        }
        if (attempt == ATTEMPTS || !isMissingViewFile(e)) {
          throw namingDamagedFile(e, statements);
        }
        log.debug(
            "A file of the views went away ({}); refreshing and running again", e.getMessage());
        refresh();
      }
    }
  }

  /** DuckDB's errors that a file's damaged bytes cause when it decodes them. */
  private static final List<String> FILE_ERRORS =
      List.of("Invalid Error", "INTERNAL Error", "Internal Error");

  /**
   * A failure that a file of the queried tables may have caused, with that file named: DuckDB names
   * a file cut short, but for pages whose bytes were overwritten it says only {@code Invalid Error:
   * don't know what type}. The SDK's reader reads the queried tables' files, which costs a scan of
   * them, so only after such a failure; the first file it cannot read is named, with the fix.
   *
   * @return the failure, if no file of the queried tables is damaged
   * @throws IOException naming the damaged file
   */
  private SQLException namingDamagedFile(SQLException failure, JsonNode statements)
      throws IOException {
    String message = String.valueOf(failure.getMessage());
    // Not for a statement's own I/O error (a pattern that matches nothing): only a decoding
    // failure, or an I/O error on a file of the views.
    boolean decoding = FILE_ERRORS.stream().anyMatch(message::startsWith);
    boolean viewFile = message.startsWith("IO Error") && files.stream().anyMatch(message::contains);
    if (!decoding && !viewFile) {
      return failure;
    }
    java.util.Set<String> queried = new java.util.LinkedHashSet<>();
    tablesOf(statements, queried);
    for (String name : queried) {
      int dot = name.indexOf('.');
      try {
        Zone zone = Zone.parse(name.substring(0, dot));
        TableName table = TableName.of(name.substring(dot + 1));
        try (dev.tiering.parquet.ParquetRowReader rows = reader.scan(zone, table)) {
          while (rows.next()) {
            // Every value decoded: a damaged page throws, naming its file.
          }
        }
      } catch (dev.tiering.parquet.CorruptFileException damaged) {
        throw new IOException(
            message.lines().findFirst().orElse("")
                + " (the file "
                + damaged.file()
                + " of "
                + name
                + " is damaged: "
                + damaged.getMessage()
                + "; restore it from a backup, or move it out of the lake to query the rest)",
            damaged);
      } catch (IOException | RuntimeException notThis) {
        log.debug("{} read as the failure's suspect: {}", name, notThis.toString());
      }
    }
    return failure;
  }

  /** Adds the {@code zone.table} names of the base tables a parsed statement reads. */
  private static void tablesOf(JsonNode statements, java.util.Set<String> found) {
    for (JsonNode node : baseTables(statements, new ArrayList<>())) {
      String zone = node.path("schema_name").asText("").toLowerCase(Locale.ROOT);
      String table = node.path("table_name").asText("").toLowerCase(Locale.ROOT);
      if (!zone.isEmpty() && !table.isEmpty()) {
        found.add(zone + "." + table);
      }
    }
  }

  /** {@return {@code found}, with every table reference ({@code BASE_TABLE}) of a parsed tree} */
  private static List<JsonNode> baseTables(JsonNode node, List<JsonNode> found) {
    if (node.isObject()) {
      if ("BASE_TABLE".equals(node.path("type").asText())) {
        found.add(node);
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        baseTables(field.getValue(), found);
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        baseTables(item, found);
      }
    }
    return found;
  }

  private Result run(String sql, int maxRows) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> columns = new ArrayList<>();
      List<String> types = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(meta.getColumnLabel(i));
        types.add(meta.getColumnTypeName(i));
      }
      List<List<Object>> rows = new ArrayList<>();
      boolean truncated = false;
      while (rs.next()) {
        if (rows.size() == maxRows) {
          truncated = true;
          break;
        }
        List<Object> row = new ArrayList<>(columns.size());
        for (int i = 1; i <= columns.size(); i++) {
          row.add(plain(rs.getObject(i)));
        }
        rows.add(java.util.Collections.unmodifiableList(row));
      }
      return new Result(columns, types, rows, truncated);
    }
  }

  /**
   * A JDBC value as a plain Java one: {@code java.sql} times as {@code java.time}, a BLOB as its
   * bytes, a LIST as a {@link List}, a STRUCT or MAP as a {@link Map}, recursively.
   */
  static Object plain(Object value) throws SQLException {
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toLocalDateTime();
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate();
    }
    if (value instanceof java.sql.Time time) {
      return time.toLocalTime();
    }
    if (value instanceof java.sql.Blob blob) {
      return blob.getBytes(1, (int) blob.length());
    }
    if (value instanceof java.sql.Array array) {
      List<Object> items = new ArrayList<>();
      for (Object item : (Object[]) array.getArray()) {
        items.add(plain(item));
      }
      return java.util.Collections.unmodifiableList(items);
    }
    if (value instanceof org.duckdb.DuckDBStruct struct) {
      return plainMap(struct.getMap());
    }
    if (value instanceof Map<?, ?> map) {
      return plainMap(map);
    }
    return value;
  }

  private static Map<Object, Object> plainMap(Map<?, ?> map) throws SQLException {
    Map<Object, Object> plain = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      plain.put(plain(entry.getKey()), plain(entry.getValue()));
    }
    return java.util.Collections.unmodifiableMap(plain);
  }

  /**
   * Refuses anything but one {@code SELECT}: DuckDB's parser serializes only {@code SELECT}
   * statements, so it tells a {@code COPY … TO}, an {@code ATTACH} or a second statement apart with
   * its own grammar, not with a pattern of ours.
   */
  private JsonNode checkSelect(String sql) throws SQLException {
    JsonNode parsed;
    try (PreparedStatement check =
        connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      check.setString(1, sql);
      try (ResultSet rs = check.executeQuery()) {
        rs.next();
        parsed = JSON.readTree(rs.getString(1));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SQLException("Cannot check the statement: " + e.getOriginalMessage(), e);
    }
    if (parsed.path("error").asBoolean(false)) {
      String message = parsed.path("error_message").asText("");
      throw new SQLException(
          message.contains("Only SELECT")
              ? "Only a SELECT statement can run here (the views are read-only): " + first(sql)
              : "Invalid SQL: " + message);
    }
    int statements = parsed.path("statements").size();
    if (statements != 1) {
      throw new SQLException(
          "Only one statement can run here; found " + statements + " in " + first(sql));
    }
    java.util.Set<String> allowed = READING_TABLE_FUNCTIONS;
    if (reach == Reach.VIEWS) {
      allowed = new java.util.HashSet<>(READING_TABLE_FUNCTIONS);
      allowed.removeAll(FILE_TABLE_FUNCTIONS);
      checkNoFileScan(parsed.path("statements"));
    }
    checkFunctions(parsed.path("statements"), false, allowed);
    return parsed.path("statements");
  }

  /**
   * Refuses a statement that names a table without a view because it cannot be read, with the
   * reason: DuckDB would only say that no such table exists.
   */
  private void checkReadable(JsonNode statements) throws IOException {
    if (unreadable.isEmpty()) {
      return;
    }
    java.util.Set<String> queried = new java.util.LinkedHashSet<>();
    tablesOf(statements, queried);
    for (String qualified : queried) {
      String zone = qualified.substring(0, qualified.indexOf('.'));
      for (String name : List.of(qualified, zone)) {
        String reason = unreadable.get(name);
        if (reason != null) {
          throw new IOException(
              "Cannot query "
                  + qualified
                  + ": "
                  + (name.equals(zone) ? "its zone" : "the table")
                  + " cannot be read, so it has no view: "
                  + reason
                  + " (the other tables can be queried; 'tiering ls' lists what is wrong)");
        }
      }
    }
  }

  /** Table functions that read files by their paths: refused when a query reads only views. */
  private static final java.util.Set<String> FILE_TABLE_FUNCTIONS =
      java.util.Set.of(
          "read_parquet",
          "parquet_scan",
          "parquet_metadata",
          "parquet_schema",
          "parquet_file_metadata",
          "parquet_kv_metadata",
          "read_csv",
          "read_csv_auto",
          "sniff_csv",
          "read_json",
          "read_json_auto",
          "read_ndjson",
          "read_ndjson_auto",
          "read_json_objects",
          "read_text",
          "read_blob",
          "glob");

  /** Table functions a query may use: they read, and change nothing. */
  private static final java.util.Set<String> READING_TABLE_FUNCTIONS =
      java.util.stream.Stream.concat(
              FILE_TABLE_FUNCTIONS.stream(),
              java.util.stream.Stream.of(
                  "range",
                  "generate_series",
                  "unnest",
                  "duckdb_tables",
                  "duckdb_views",
                  "duckdb_columns",
                  "duckdb_schemas",
                  "duckdb_functions",
                  "duckdb_types",
                  "duckdb_constraints",
                  "duckdb_keywords",
                  "duckdb_settings"))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** A name a view, a zone, a CTE or a catalog schema has: nothing DuckDB could read as a path. */
  private static final java.util.regex.Pattern PLAIN_NAME =
      java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Refuses a table reference that is not plain names ({@code zone.table}, a CTE): DuckDB reads a
   * name like a file ({@code FROM '<path>'}, or {@code "<path>".parquet}, where it joins catalog,
   * schema and table back into a path) as a scan of that path. Under {@link Reach#VIEWS} a query
   * names views, never files: an allow-list of plain names, not a search for path characters.
   */
  private static void checkNoFileScan(JsonNode statements) throws SQLException {
    for (JsonNode node : baseTables(statements, new ArrayList<>())) {
      String catalog = node.path("catalog_name").asText("");
      String schema = node.path("schema_name").asText("");
      String name = node.path("table_name").asText("");
      if (!(catalog.isEmpty() || PLAIN_NAME.matcher(catalog).matches())
          || !(schema.isEmpty() || PLAIN_NAME.matcher(schema).matches())
          || !PLAIN_NAME.matcher(name).matches()) {
        throw new SQLException(
            "The table "
                + String.join(
                    ".",
                    java.util.stream.Stream.of(catalog, schema, name)
                        .filter(part -> !part.isEmpty())
                        .toList())
                + " cannot be read here: a query run with more rights than the tiers' writers"
                + " (as root) reads the views only, never a file by its path (a link planted in"
                + " the lake could lead a wildcard anywhere); query the views by their plain"
                + " names, or run as the tiers' owner");
      }
    }
  }

  /** Scalar functions with effects beyond their result. */
  private static final java.util.Set<String> EFFECTFUL_FUNCTIONS =
      java.util.Set.of("setseed", "write_log", "nextval", "currval");

  /**
   * Refuses a statement that calls a table function outside {@link #READING_TABLE_FUNCTIONS} or a
   * scalar function in {@link #EFFECTFUL_FUNCTIONS}, anywhere in its parsed tree: an allow-list,
   * because a new DuckDB may add table functions with effects, as {@code enable_logging} was.
   */
  private static void checkFunctions(
      JsonNode node, boolean tableFunction, java.util.Set<String> allowed) throws SQLException {
    if (node.isObject()) {
      JsonNode name = node.get("function_name");
      if (name != null && name.isTextual()) {
        String function = name.asText().toLowerCase(Locale.ROOT);
        if ((tableFunction && !allowed.contains(function))
            || EFFECTFUL_FUNCTIONS.contains(function)) {
          throw new SQLException(
              "The function "
                  + function
                  + "() cannot run here: "
                  + (FILE_TABLE_FUNCTIONS.contains(function)
                      ? "a query run with more rights than the tiers' writers (as root) reads the"
                          + " views only, never a file by its path (a link planted in the lake could"
                          + " lead a wildcard anywhere); query the views, or run as the tiers'"
                          + " owner"
                      : "a query may only read")
                  + " (table functions: "
                  + new java.util.TreeSet<>(allowed)
                  + ")");
        }
      }
      boolean tableRef = "TABLE_FUNCTION".equals(node.path("type").asText());
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        checkFunctions(field.getValue(), tableRef && field.getKey().equals("function"), allowed);
      }
    } else if (node.isArray()) {
      for (JsonNode item : node) {
        checkFunctions(item, false, allowed);
      }
    }
  }

  private static String first(String sql) {
    String line = sql.strip().lines().findFirst().orElse("");
    return line.length() > 60 ? line.substring(0, 60) + "..." : line;
  }

  /**
   * True if DuckDB could not open a file one of the views names: a compaction merged it. Any other
   * error, even one whose text looks alike, is the query's own and is not retried.
   */
  private boolean isMissingViewFile(SQLException e) {
    return namesMissingFile(e, files);
  }

  /** True if DuckDB could not open one of {@code files} (by its message). */
  private static boolean namesMissingFile(SQLException e, java.util.Collection<String> files) {
    String message = String.valueOf(e.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("io error")
        || !(lower.contains("no such file")
            || lower.contains("cannot open file")
            || lower.contains("no files found"))) {
      return false;
    }
    for (String file : files) {
      if (message.contains("\"" + file + "\"")) {
        return true;
      }
    }
    return false;
  }

  /** A DuckDB identifier, quoted. */
  static String identifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A DuckDB string literal of a path. */
  static String literal(Path path) {
    return literal(path.toString());
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Closes the database; the views go with it. */
  @Override
  public void close() throws IOException {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IOException("Cannot close DuckDB: " + e.getMessage(), e);
    }
  }
}
