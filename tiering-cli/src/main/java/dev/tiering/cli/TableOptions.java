package dev.tiering.cli;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.parquet.LakeReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --zone} and {@code --table}, either optional: together they pick tables. */
final class TableOptions {

  @Option(
      names = "--zone",
      paramLabel = "ZONE",
      description = "bronze, silver or gold (default: all).")
  Zone zone;

  @Option(names = "--table", paramLabel = "NAME", description = "One table (needs --zone).")
  TableName table;

  /** A selected table. */
  record Selected(Zone zone, TableName table) {}

  /** A lake reader over {@code storage} (read-only commands pass a read-only one). */
  static LakeReader reader(
      dev.tiering.core.routing.PathResolver paths, dev.tiering.core.storage.Storage storage) {
    return new LakeReader(
        paths,
        storage,
        new dev.tiering.schema.SidecarStore(paths, storage, java.time.Clock.systemUTC()),
        null);
  }

  /** The tables these options select. */
  List<Selected> select(LakeReader lake) throws IOException {
    if (table != null && zone == null) {
      throw new IllegalArgumentException(
          "--table " + table + " needs --zone (bronze, silver or gold)");
    }
    List<Selected> selected = new ArrayList<>();
    for (Zone z : zone != null ? List.of(zone) : List.of(Zone.values())) {
      if (table != null) {
        selected.add(new Selected(z, table));
      } else {
        lake.tables(z).forEach(t -> selected.add(new Selected(z, t)));
      }
    }
    return selected;
  }
}
