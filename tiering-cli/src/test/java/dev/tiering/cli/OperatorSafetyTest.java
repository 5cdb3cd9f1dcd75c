package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.PartitionLayout;
import dev.tiering.core.PathResolver;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator running {@code tiering} as root with a wrong flag, a typo or a planted file
 * can and cannot make it do: nothing outside the tiers, nothing lost, and a clear refusal.
 */
class OperatorSafetyTest {

  private static final LocalDate DAY = LocalDate.parse("2025-11-10");

  @TempDir Path tmp;
  private Path root;
  private PathResolver paths;
  private Path partition;

  private static TableSchema table() {
    return TableSchema.builder(Zone.SILVER, "preds").required("timestamp", FieldType.TIMESTAMP)
        .required("score", FieldType.FLOAT64).partitionByDate().build();
  }

  @BeforeEach
  void lake() throws IOException {
    root = tmp.resolve("tiers");
    paths = new PathResolver(TierLayout.under(root));
    Files.createDirectories(paths.layout().hotRoot());
    LakeWriter lake = LakeWriter.builder(paths)
        .clock(Clock.fixed(DAY.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC)).build();
    for (int w = 0; w < 2; w++) {
      lake.writeCleanData(table(), List.of(Map.of("timestamp", Instant.EPOCH, "score", 0.5 + w)));
    }
    partition = paths.partitionDir(Zone.SILVER, TableName.of("preds"), DAY,
        PartitionLayout.DATE_PATH);
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--root");
    all.add(root.toString());
    return CliRun.of(all.toArray(String[]::new));
  }

  private List<String> parquet() throws IOException {
    try (Stream<Path> files = Files.list(partition)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet"))
          .sorted().toList();
    }
  }

  @Test
  void aJournalNamingAFileOutsideItsPartitionMakesRecoverDeleteNothing() throws IOException {
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious");
    String first = parquet().get(0);
    Files.writeString(partition.resolve(".compaction-planted.journal"), "tiering-compaction 2\n"
        + "input " + victim + "\ninput " + first + "\noutput part-x.parquet 1 1\npublished\n");

    CliRun recover = run("recover");

    assertThat(recover.exitCode()).isEqualTo(1);
    assertThat(recover.out()).contains("FAILED", "Refusing compaction journal",
        "not a data file name of its own partition");
    assertThat(victim).hasContent("precious");
    assertThat(parquet()).hasSize(2).contains(first);
  }

  @Test
  void recoverNeverRollsForwardOntoAMissingOutput() throws IOException {
    List<String> inputs = parquet();
    Files.writeString(partition.resolve(".compaction-lost.journal"), "tiering-compaction 2\n"
        + "input " + inputs.get(0) + "\ninput " + inputs.get(1)
        + "\noutput part-gone.parquet 123 2\npublished\n");

    CliRun recover = run("recover");

    assertThat(recover.exitCode()).isZero();
    assertThat(parquet()).isEqualTo(inputs);
    try (Stream<Path> files = Files.list(partition)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".journal"));
    }
  }

  @Test
  void aHotRootThatReachesTheLakeThroughALinkIsAUsageError() throws IOException {
    Path alias = Files.createSymbolicLink(tmp.resolve("hotalias"), root.resolve("lake"));
    CliRun run = CliRun.of("cache", "list", "--hot", alias.toString(), "--lake",
        root.resolve("lake").toString());
    assertThat(run.exitCode()).isEqualTo(TieringCli.EXIT_USAGE);
    assertThat(run.err()).contains("overlap");
  }

  @Test
  void numbersOutOfRangeAreUsageErrorsNamingTheOptionAndTheRange() {
    assertUsage(run("cleanup", "--keep-recent", "2", "--grace-minutes", "9223372036854775807"),
        "Invalid --grace-minutes 9223372036854775807 (use 0 to 5270400 minutes)");
    assertUsage(run("status", "--interval", "NaN"), "Invalid --interval NaN (use 0.0 to 3600.0"
        + " seconds)");
    assertUsage(run("status", "--interval", "-1"), "Invalid --interval -1.0");
    assertUsage(run("cache", "promote", "--zone", "silver", "--table", "preds", "--budget", "0"),
        "Invalid --budget 0 B (use at least 1 B)");
    assertUsage(run("compact", "--small", "0"), "Invalid --small 0 B (use at least 1 B)");
  }

  @Test
  void removingEveryBatchTakesAllNotKeepRecentZero() {
    assertUsage(run("cleanup", "--keep-recent", "0"), "Invalid --keep-recent 0: it would remove"
        + " every batch, the newest included (use --all to mean that)");
    assertUsage(run("cleanup", "--keep-recent", "-3"), "Invalid --keep-recent -3: use 1 or more");
    assertThat(run("cleanup", "--all").exitCode()).isZero();
  }

  private static void assertUsage(CliRun run, String message) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(TieringCli.EXIT_USAGE);
    assertThat(run.err()).contains(message);
  }
}
