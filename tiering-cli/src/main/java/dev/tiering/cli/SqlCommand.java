package dev.tiering.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.duckdb.LakeViews;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tiering sql}: one SELECT over the lake's tables, as DuckDB views of their commits. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run one SELECT over the lake with DuckDB. Tables are named zone.table"
          + " (silver.slm_predictions): views over exactly the files of their applied commits, so"
          + " a write being published or a compaction under way never shows half.",
      "Read-only: anything but a single SELECT is refused, and nothing is written anywhere.",
      "DuckDB may read only the lake and the hot cache (read_parquet, read_csv, glob, ...);"
          + " any other path, a link out of them and '..' are refused. Run as root, a query reads"
          + " the views only, never a file by its path. A table that cannot be read has no view:"
          + " a query naming it fails saying why, the others run."
    })
final class SqlCommand implements Callable<Integer> {

  /** Exit code for a statement DuckDB refuses (sysexits EX_DATAERR). */
  static final int EXIT_SQL = 65;

  @Parameters(index = "0", paramLabel = "SQL", description = "The SELECT statement.")
  String sql;

  @ArgGroup(exclusive = true)
  Format format = new Format();

  /** One output format. */
  static final class Format {
    @Option(names = "--csv", description = "Print CSV with a header row.")
    boolean csv;

    @Option(names = "--json", description = "Print a JSON array of objects.")
    boolean json;
  }

  @Option(
      names = "--max-rows",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Print at most N rows (default: ${DEFAULT-VALUE}); says so if there were more.")
  long maxRows;

  @Option(
      names = "--staging",
      description =
          "Let the query read the hot tier's staging too (the SLM jobs' intermediate files),"
              + " e.g. read_parquet('/data/hot/staging/slm_*_b1.parquet').")
  boolean staging;

  @Mixin LayoutOptions tiers;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    int limit = (int) Ranges.check(spec, "--max-rows", maxRows, 0, 10_000_000, "rows");
    PathResolver paths = tiers.resolver();
    dev.tiering.core.storage.Storage storage = tiers.storage(paths, true);
    LayoutOptions.requireRoots(paths, storage, dev.tiering.core.Tier.COLD);
    // DuckDB checks its allowed directories against a path as written, not against what a
    // wildcard finds through a link: as root, a link that anyone who may write a directory of the
    // tiers planted would let a query list files anywhere. Root reads the views only.
    boolean root = LayoutOptions.runningAsRoot();
    if (root && staging) {
      spec.commandLine()
          .getErr()
          .println(
              "tiering sql: --staging reads files by their paths, which a query run as root may"
                  + " not (a link planted in the tiers could lead a wildcard anywhere); nothing was"
                  + " done (run it as the tiers' owner: sudo -u <owner> tiering sql --staging …)");
      return TieringCli.EXIT_NOPERM;
    }
    LakeViews.Reach reach =
        root
            ? LakeViews.Reach.VIEWS
            : staging ? LakeViews.Reach.LAKE_AND_STAGING : LakeViews.Reach.LAKE;
    PrintWriter out = spec.commandLine().getOut();
    LakeViews.Result result;
    try (LakeViews views = LakeViews.open(TableOptions.reader(paths, storage), reach)) {
      result = views.query(sql, limit);
    } catch (java.sql.SQLException e) {
      boolean confined = String.valueOf(e.getMessage()).startsWith("Permission Error");
      spec.commandLine()
          .getErr()
          .println(
              "tiering sql: "
                  + e.getMessage()
                  + (confined && !staging && !root
                      ? "; add --staging to read the hot tier's staging"
                      : ""));
      return EXIT_SQL;
    }
    if (format.csv) {
      printCsv(result, out);
    } else if (format.json) {
      printJson(result, out);
    } else {
      printTable(result, out);
    }
    if (result.truncated()) {
      spec.commandLine()
          .getErr()
          .println(
              "tiering sql: more than "
                  + limit
                  + " rows; the first "
                  + limit
                  + " are shown (raise --max-rows, or add LIMIT)");
    }
    out.flush();
    return 0;
  }

  /**
   * A value as text: numbers and booleans as they are, times in ISO-8601, a BLOB as {@code \\x} and
   * hex digits, lists and structs as JSON.
   */
  static String text(Object value) throws IOException {
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof byte[] bytes) {
      return "\\x" + java.util.HexFormat.of().formatHex(bytes);
    }
    if (value instanceof List<?> || value instanceof java.util.Map<?, ?>) {
      java.io.StringWriter json = new java.io.StringWriter();
      try (JsonGenerator generator = new ObjectMapper().getFactory().createGenerator(json)) {
        writeJson(generator, value);
      }
      return json.toString();
    }
    return String.valueOf(value);
  }

  /**
   * A value as JSON: numbers and booleans as JSON values (NaN and the infinities, which JSON has
   * not, as strings), lists as arrays, structs and maps as objects, everything else as text.
   */
  static void writeJson(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if ((value instanceof Double d && !Double.isFinite(d))
        || (value instanceof Float f && !Float.isFinite(f))) {
      json.writeString(value.toString());
    } else if (value instanceof BigDecimal
        || value instanceof BigInteger
        || value instanceof Double
        || value instanceof Float
        || value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      json.writeNumber(text(value));
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object item : list) {
        writeJson(json, item);
      }
      json.writeEndArray();
    } else if (value instanceof java.util.Map<?, ?> map) {
      json.writeStartObject();
      for (java.util.Map.Entry<?, ?> entry : map.entrySet()) {
        json.writeFieldName(String.valueOf(entry.getKey()));
        writeJson(json, entry.getValue());
      }
      json.writeEndObject();
    } else {
      json.writeString(text(value));
    }
  }

  /** Columns aligned, numbers to the right, NULL for nulls, the row count last. */
  static void printTable(LakeViews.Result result, PrintWriter out) throws IOException {
    int columns = result.columns().size();
    int[] width = new int[columns];
    boolean[] right = new boolean[columns];
    List<String[]> cells = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      width[c] = result.columns().get(c).length();
      String type = result.types().get(c);
      right[c] =
          type.matches(
              "(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U.*INT|FLOAT|DOUBLE" + "|DECIMAL.*)");
    }
    for (List<Object> row : result.rows()) {
      String[] line = new String[columns];
      for (int c = 0; c < columns; c++) {
        Object value = row.get(c);
        line[c] = value == null ? "NULL" : text(value).replace('\n', ' ');
        width[c] = Math.max(width[c], line[c].length());
      }
      cells.add(line);
    }
    StringBuilder header = new StringBuilder();
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < columns; c++) {
      header.append(c == 0 ? "" : "  ").append(pad(result.columns().get(c), width[c], right[c]));
      rule.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
    }
    out.println(header.toString().stripTrailing());
    out.println(rule);
    for (String[] line : cells) {
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        text.append(c == 0 ? "" : "  ").append(pad(line[c], width[c], right[c]));
      }
      out.println(text.toString().stripTrailing());
    }
    out.println("(" + result.rows().size() + " row" + (result.rows().size() == 1 ? "" : "s") + ")");
  }

  private static String pad(String text, int width, boolean right) {
    String spaces = " ".repeat(width - text.length());
    return right ? spaces + text : text + spaces;
  }

  /**
   * CSV through Jackson's CSV writer: RFC 4180 quoting, a header row, empty fields for nulls, lines
   * ending in LF (as Unix tools expect; RFC 4180 says CRLF).
   */
  static void printCsv(LakeViews.Result result, PrintWriter out) throws IOException {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    result.columns().forEach(schema::addColumn);
    CsvMapper mapper = new CsvMapper();
    mapper.disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (var writer =
        mapper
            .writer(schema.build())
            .with(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .writeValues(out)) {
      for (List<Object> row : result.rows()) {
        List<String> fields = new ArrayList<>(row.size());
        for (Object value : row) {
          fields.add(value == null ? null : text(value));
        }
        writer.write(fields);
      }
    }
  }

  /**
   * A JSON array of objects, one per row (see {@link #writeJson}); a repeated column name gets
   * {@code _2}, {@code _3}, ... so that no key is lost.
   */
  static void printJson(LakeViews.Result result, PrintWriter out) throws IOException {
    List<String> keys = new ArrayList<>();
    java.util.Set<String> taken = new java.util.HashSet<>(result.columns());
    java.util.Set<String> used = new java.util.HashSet<>();
    for (String column : result.columns()) {
      String key = column;
      for (int n = 2; used.contains(key) || (!key.equals(column) && taken.contains(key)); n++) {
        key = column + "_" + n;
      }
      used.add(key);
      keys.add(key);
    }
    ObjectMapper mapper = new ObjectMapper();
    mapper.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
      json.useDefaultPrettyPrinter();
      json.writeStartArray();
      for (List<Object> row : result.rows()) {
        json.writeStartObject();
        for (int c = 0; c < row.size(); c++) {
          json.writeFieldName(keys.get(c));
          writeJson(json, row.get(c));
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    out.println();
  }
}
