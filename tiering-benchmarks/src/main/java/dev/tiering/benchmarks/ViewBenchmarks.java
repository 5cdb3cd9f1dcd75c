package dev.tiering.benchmarks;

import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.duckdb.LakeViews;
import dev.tiering.parquet.LakeTableWriter;
import dev.tiering.parquet.LakeWriteOptions;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * A DuckDB view over a table's committed files beside the plain glob over the same files, in one
 * DuckDB: the time to make the views, and the same aggregate through each (see docs/benchmarks.md,
 * "Commit protocol").
 *
 * <p>Arguments: {@code DIR [FILES]}; prints one line per measurement.
 */
public final class ViewBenchmarks {

  private static final TableSchema SCHEMA =
      TableSchema.builder(Zone.SILVER, "views")
          .required("ts", FieldType.TIMESTAMP)
          .required("id", FieldType.INT64)
          .required("value", FieldType.FLOAT64)
          .partitionByDate()
          .build();

  private ViewBenchmarks() {}

  /** Writes {@code FILES} commits of 10,000 rows over 30 days, then measures. */
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int files = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(dir)));
    LakeWriter lake = LakeWriter.builder(paths).build();
    Instant day0 = Instant.parse("2025-01-01T00:00:00Z");
    long id = 0;
    for (int f = 0; f < files; f++) {
      try (LakeTableWriter writer =
          lake.open(SCHEMA, LakeWriteOptions.defaults().partitionBy("ts"))) {
        Instant day = day0.plusSeconds(86_400L * (f % 30));
        for (int r = 0; r < 10_000; r++, id++) {
          writer.setTimestamp(0, day.plusSeconds(r)).setLong(1, id).setDouble(2, id * 0.5);
          writer.endRow();
        }
        writer.commit();
      }
    }
    String aggregate = "SELECT count(*), sum(value), max(id) FROM ";
    String glob =
        "read_parquet('"
            + paths.tableDir(Zone.SILVER, SCHEMA.table()).resolve("**/*.parquet")
            + "')";
    double[] open = new double[10];
    for (int i = 0; i < open.length; i++) {
      long t0 = System.nanoTime();
      try (LakeViews views = LakeViews.open(paths)) {
        open[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    try (LakeViews views = LakeViews.open(paths);
        Statement statement = views.connection().createStatement()) {
      double[] byView = new double[21];
      double[] byGlob = new double[21];
      for (int i = 0; i < byView.length; i++) {
        byView[i] = time(statement, aggregate + "silver.views");
        byGlob[i] = time(statement, aggregate + glob);
      }
      System.out.printf(
          Locale.ROOT,
          "%d files, %,d rows: LakeViews.open (list, sidecars, views)"
              + " median %.1f ms; query through the view median %.1f ms, through the glob median"
              + " %.1f ms%n",
          files,
          id,
          median(open),
          median(byView),
          median(byGlob));
    }
  }

  private static double time(Statement statement, String sql) throws Exception {
    long t0 = System.nanoTime();
    try (ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
