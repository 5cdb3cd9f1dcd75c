package dev.tiering.hadoop;

import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.parquet.LakeTableWriter;
import dev.tiering.parquet.LakeWriter;
import java.nio.file.Path;
import java.util.Map;

/** Run in a forked JVM by {@link HdfsLakeTest}: writes a lake file on HDFS, never committing. */
public final class HdfsKilledWriter {

  private HdfsKilledWriter() {}

  /** Arguments: the local hot root, the lake URI. */
  public static void main(String[] args) throws Exception {
    TierLayout layout = TierLayout.builder().hotRoot(Path.of(args[0])).lakeRoot(args[1]).build();
    LakeWriter lake = LakeWriter.builder(new PathResolver(layout)).build();
    LakeTableWriter writer = lake.open(Events.schema());
    for (long id = 0; ; id++) {
      for (Map<String, Object> row : Events.rows(id * 1000, 1000)) {
        writer.write(row);
      }
      if (id == 300) {
        System.out.println("written");
        System.out.flush();
      }
    }
  }
}
