package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The operator commands with the lake on a real HDFS: only --lake changes. */
class HdfsCommandsTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void commandsWorkOnAnHdfsLake(@TempDir Path local) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, local.resolve("dfs").toString());
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    try {
      String lake = cluster.getURI() + "/lake";
      Path hot = Files.createDirectories(local.resolve("hot/staging")).getParent();
      // The SDK never makes a root: init does, on HDFS too.
      CliRun init = CliRun.of("init", "--hot", hot.toString(), "--lake", lake);
      assertThat(init.exitCode()).as(init.err()).isZero();
      assertThat(init.out()).contains("  CREATED       " + lake + " (lake, HDD)");
      PathResolver paths =
          new PathResolver(TierLayout.builder().hotRoot(hot).lakeRoot(lake).build());
      TableSchema preds =
          TableSchema.builder(Zone.SILVER, "preds")
              .required("timestamp", FieldType.TIMESTAMP)
              .required("score", FieldType.FLOAT64)
              .partitionByDate()
              .build();
      LakeWriter writer = LakeWriter.builder(paths).build();
      for (int i = 0; i < 3; i++) {
        writer.writeCleanData(preds, List.of(Map.of("timestamp", Instant.EPOCH, "score", 0.5 + i)));
      }

      CliRun schema =
          CliRun.of(
              "schema",
              "show",
              "--zone",
              "silver",
              "--table",
              "preds",
              "--hot",
              hot.toString(),
              "--lake",
              lake);
      assertThat(schema.exitCode()).as(schema.err()).isZero();
      assertThat(schema.out()).contains("\"table_name\": \"preds\"");

      CliRun compact =
          CliRun.of(
              "compact",
              "--zone",
              "silver",
              "--table",
              "preds",
              "--hot",
              hot.toString(),
              "--lake",
              lake,
              "--min-age-minutes",
              "0");
      assertThat(compact.exitCode()).as(compact.err()).isZero();
      assertThat(compact.out()).contains("merged 3 file(s)");

      CliRun recover = CliRun.of("recover", "--hot", hot.toString(), "--lake", lake);
      assertThat(recover.exitCode()).as(recover.err()).isZero();

      CliRun doctor = CliRun.of("doctor", "--hot", hot.toString(), "--lake", lake);
      assertThat(doctor.exitCode()).as(doctor.out() + doctor.err()).isLessThan(2);
      assertThat(doctor.out())
          .contains(lake + " exists (on a remote store, write access shows at the first write)")
          .contains("the lake is on " + cluster.getURI());

      CliRun status =
          CliRun.of("status", "--json", "--interval", "0", "--hot", hot.toString(), "--lake", lake);
      assertThat(status.err()).doesNotContain("Exception");
      assertThat(status.out()).contains("lake fullness");
    } finally {
      cluster.shutdown(true);
    }
  }
}
