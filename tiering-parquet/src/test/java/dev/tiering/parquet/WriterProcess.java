package dev.tiering.parquet;

import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.IncompatibleSchemaException;
import dev.tiering.schema.TableSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Run in a forked JVM by {@link ProcessConcurrencyTest}. Modes:
 *
 * <ul>
 *   <li>{@code slm <base> <slm>}: writes its staging file of batch {@code k} on each {@code write
 *       k} read from stdin, answering {@code done k}; {@code exit} ends it.
 *   <li>{@code append <base> <writer> <commits> <variant>}: appends {@code commits} writes to the
 *       lake table, answering {@code done i} after each; a refused schema prints {@code refused
 *       <message>} and ends it. Variants: {@code base}, {@code wider} (adds a nullable column),
 *       {@code clashing} (changes a column's type).
 * </ul>
 */
public final class WriterProcess {

  static final int APPEND_ROWS = 500;

  private WriterProcess() {}

  static TableSchema schema(String variant) {
    TableSchema base = CrashChild.schema();
    TableSchema.Builder b = TableSchema.builder(base.zone(), base.table().value());
    switch (variant) {
      case "wider" ->
          b.required("id", FieldType.INT64)
              .nullable("payload", FieldType.STRING)
              .required("value", FieldType.FLOAT64)
              .nullable("note", FieldType.STRING);
      case "clashing" ->
          b.required("id", FieldType.INT64)
              .nullable("payload", FieldType.INT64)
              .required("value", FieldType.FLOAT64);
      default -> {
        return base;
      }
    }
    return b.partitionByDate().build();
  }

  /** The ids of append {@code i} of writer {@code writer}. */
  static long firstAppendId(int writer, int i) {
    return writer * 1_000_000_000L + i * 1_000L;
  }

  public static void main(String[] args) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(Path.of(args[1]))));
    if (args[0].equals("slm")) {
      int slm = Integer.parseInt(args[2]);
      StagingWriter staging = StagingWriter.builder(paths).build();
      report("ready");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
        int batch = Integer.parseInt(line.substring("write ".length()));
        staging.writeIntermediate(
            SlmId.of(slm),
            ConcurrencyTest.batch(batch),
            CrashChild.schema(),
            ConcurrencyTest.rows(batch, slm));
        report("done " + batch);
      }
      return;
    }
    int writer = Integer.parseInt(args[2]);
    int commits = Integer.parseInt(args[3]);
    TableSchema schema = schema(args[4]);
    LakeWriter lake = LakeWriter.builder(paths).build();
    report("ready");
    for (int i = 0; i < commits; i++) {
      Random random = new Random(firstAppendId(writer, i));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int r = 0; r < APPEND_ROWS; r++) {
        Map<String, Object> row =
            new java.util.HashMap<>(CrashRows.row(firstAppendId(writer, i) + r, random));
        if (args[4].equals("clashing")) {
          row.put("payload", (long) r);
        }
        rows.add(row);
      }
      try {
        lake.writeCleanData(schema, rows);
      } catch (IncompatibleSchemaException refused) {
        report("refused " + refused.getMessage().replace('\n', ' '));
        return;
      }
      report("done " + i);
    }
  }

  private static void report(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
