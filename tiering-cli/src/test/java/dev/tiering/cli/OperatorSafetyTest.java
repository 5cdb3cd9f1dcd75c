package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
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
 * What an operator running {@code tiering} as root with a wrong flag, a typo or a planted file can
 * and cannot make it do: nothing outside the tiers, nothing lost, and a clear refusal.
 */
class OperatorSafetyTest {

  private static final LocalDate DAY = LocalDate.parse("2025-11-10");

  @TempDir Path tmp;
  private Path root;
  private PathResolver paths;
  private Path partition;

  private static TableSchema table() {
    return TableSchema.builder(Zone.SILVER, "preds")
        .required("timestamp", FieldType.TIMESTAMP)
        .required("score", FieldType.FLOAT64)
        .partitionByDate()
        .build();
  }

  @BeforeEach
  void lake() throws IOException {
    root = tmp.resolve("tiers");
    paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    Files.createDirectories(paths.layout().hotRoot());
    LakeWriter lake =
        LakeWriter.builder(paths)
            .clock(Clock.fixed(DAY.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC))
            .build();
    for (int w = 0; w < 2; w++) {
      lake.writeCleanData(table(), List.of(Map.of("timestamp", Instant.EPOCH, "score", 0.5 + w)));
    }
    partition =
        paths.partitionDir(Zone.SILVER, TableName.of("preds"), DAY, PartitionLayout.DATE_PATH);
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--root");
    all.add(root.toString());
    return CliRun.of(all.toArray(String[]::new));
  }

  private List<String> parquet() throws IOException {
    try (Stream<Path> files = Files.list(partition)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".parquet"))
          .sorted()
          .toList();
    }
  }

  @Test
  void aJournalNamingAFileOutsideItsPartitionMakesRecoverDeleteNothing() throws IOException {
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "precious");
    String first = parquet().get(0);
    Files.writeString(
        partition.resolve(".compaction-planted.journal"),
        "tiering-compaction 2\n"
            + "input "
            + victim
            + "\ninput "
            + first
            + "\noutput part-x.parquet 1 1\npublished\n");

    CliRun recover = run("recover");

    assertThat(recover.exitCode()).isEqualTo(1);
    assertThat(recover.out())
        .contains(
            "FAILED", "Refusing compaction journal", "not a data file name of its own partition");
    assertThat(victim).hasContent("precious");
    assertThat(parquet()).hasSize(2).contains(first);
  }

  @Test
  void recoverNeverRollsForwardOntoAMissingOutput() throws IOException {
    List<String> inputs = parquet();
    Files.writeString(
        partition.resolve(".compaction-lost.journal"),
        "tiering-compaction 2\n"
            + "input "
            + inputs.get(0)
            + "\ninput "
            + inputs.get(1)
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
    CliRun run =
        CliRun.of(
            "cache", "list", "--hot", alias.toString(), "--lake", root.resolve("lake").toString());
    assertThat(run.exitCode()).isEqualTo(TieringCli.EXIT_USAGE);
    assertThat(run.err()).contains("overlap");
  }

  @Test
  void numbersOutOfRangeAreUsageErrorsNamingTheOptionAndTheRange() {
    assertUsage(
        run("cleanup", "--keep-recent", "2", "--grace-minutes", "9223372036854775807"),
        "Invalid --grace-minutes 9223372036854775807 (use 0 to 5270400 minutes)");
    assertUsage(
        run("status", "--interval", "NaN"),
        "Invalid --interval NaN (use 0.0 to 3600.0" + " seconds)");
    assertUsage(run("status", "--interval", "-1"), "Invalid --interval -1.0");
    assertUsage(
        run("cache", "promote", "--zone", "silver", "--table", "preds", "--budget", "0"),
        "Invalid --budget 0 B (use at least 1 B)");
    assertUsage(run("compact", "--small", "0"), "Invalid --small 0 B (use at least 1 B)");
  }

  @Test
  void removingEveryBatchTakesAllNotKeepRecentZero() {
    assertUsage(
        run("cleanup", "--keep-recent", "0"),
        "Invalid --keep-recent 0: it would remove"
            + " every batch, the newest included (use --all to mean that)");
    assertUsage(run("cleanup", "--keep-recent", "-3"), "Invalid --keep-recent -3: use 1 or more");
    assertThat(run("cleanup", "--all").exitCode()).isZero();
  }

  private static void assertUsage(CliRun run, String message) {
    assertThat(run.exitCode()).as(run.err()).isEqualTo(TieringCli.EXIT_USAGE);
    assertThat(run.err()).contains(message);
  }

  @Test
  void ioErrorsNameThePathWhatWentWrongAndTheFix() {
    assertThat(TieringCli.describe(new java.nio.file.AccessDeniedException("/data/hot/staging")))
        .isEqualTo(
            "/data/hot/staging: permission denied (run as a user that may use the tiers,"
                + " such as the tiering user of the systemd units, or fix the owner)");
    assertThat(TieringCli.describe(new java.nio.file.NoSuchFileException("/data/lake")))
        .isEqualTo(
            "/data/lake: no such file or directory (check the path, and --root, --hot or"
                + " --lake)");
    assertThat(TieringCli.describe(new java.nio.file.NotDirectoryException("/data/hot")))
        .isEqualTo("/data/hot: not a directory");
    assertThat(
            TieringCli.describe(
                new java.nio.file.FileSystemException("/x", null, "Is a directory")))
        .isEqualTo("/x: Is a directory");
  }

  @Test
  void ingestNamesWhatItWasGivenWhenItIsNotAFile() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("incoming"));
    Path link = Files.createSymbolicLink(tmp.resolve("link.csv"), tmp.resolve("target.csv"));
    Files.writeString(tmp.resolve("target.csv"), "a\n");
    assertThat(run("ingest", dir.toString(), "--source", "feed").err())
        .contains(dir + ": it is a directory, not a file (ingest the files in it)");
    assertThat(run("ingest", link.toString(), "--source", "feed").err())
        .contains(link + ": it is a symbolic link, which ingest never follows");
    assertThat(run("ingest", "/dev/null", "--source", "feed").err())
        .contains("/dev/null: it is a character device, not a file");
    assertThat(run("ingest", tmp.resolve("nope.csv").toString(), "--source", "feed").err())
        .contains(tmp.resolve("nope.csv") + ": no such input file");
  }

  @Test
  void aSidecarInAnotherTablesDirectoryIsRefusedEverywhere() throws IOException {
    Path sidecar = paths.schemaFile(Zone.SILVER, TableName.of("preds"));
    Path misplaced = paths.schemaFile(Zone.GOLD, TableName.of("preds"));
    Files.createDirectories(misplaced.getParent());
    Files.copy(sidecar, misplaced);

    CliRun validate = CliRun.of("schema", "validate", misplaced.toString());
    assertThat(validate.exitCode()).isEqualTo(2);
    assertThat(validate.out())
        .contains(
            "invalid: "
                + misplaced
                + ": it describes silver.preds"
                + " but lies in the directory of gold.preds");
    // One bad table is reported and the others still listed.
    CliRun ls = run("ls");
    assertThat(ls.exitCode()).isEqualTo(1);
    assertThat(ls.out())
        .contains(
            "gold.preds  FAILED: ",
            "it describes silver.preds but lies" + " in the directory of gold.preds")
        .contains("silver.preds  version 1.0.0  2 file(s)");
  }

  @Test
  void anOversizedSidecarIsReportedWithItsRealSize() throws IOException {
    Path sidecar = paths.schemaFile(Zone.SILVER, TableName.of("preds"));
    try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(sidecar.toFile(), "rw")) {
      file.setLength(50L * 1024 * 1024);
    }
    CliRun show = run("schema", "show", "--zone", "silver", "--table", "preds");
    assertThat(show.exitCode()).isNotZero();
    assertThat(show.err()).contains("it is 52428800 bytes, more than the 4194304-byte limit");
    CliRun validate = CliRun.of("schema", "validate", sidecar.toString());
    assertThat(validate.out()).contains("it is 52428800 bytes, more than the 4194304-byte limit");
    CliRun dir = CliRun.of("schema", "validate", tmp.toString());
    assertThat(dir.out()).contains("invalid: " + tmp + ": it is a directory, not a schema.json");
  }

  @Test
  void statusJsonAnswersInJsonAlsoWhenItFailsAndGivesBothThresholds() throws Exception {
    CliRun bad = run("status", "--json", "--interval", "NaN");
    assertThat(bad.exitCode()).isEqualTo(TieringCli.EXIT_USAGE);
    com.fasterxml.jackson.databind.JsonNode error =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(bad.out());
    assertThat(error.get("error").asText()).contains("Invalid --interval NaN");
    assertThat(error.get("exit_code").asInt()).isEqualTo(TieringCli.EXIT_USAGE);

    CliRun ok = run("status", "--json", "--interval", "0");
    com.fasterxml.jackson.databind.JsonNode report =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(ok.out());
    com.fasterxml.jackson.databind.JsonNode staging = report.get("checks").get(0);
    assertThat(staging.get("name").asText()).isEqualTo("staging size");
    assertThat(staging.get("warning").asLong()).isEqualTo(10L << 30);
    assertThat(staging.get("critical").asLong()).isEqualTo(30L << 30);
    assertThat(run("status", "--interval", "0").out())
        .contains("/ warn 10.0 GiB / crit 30.0 GiB", "/ warn 90% / crit 95%");
  }

  @Test
  @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
  void aFifoWhereAFileIsReadBackHangsNothing() throws Exception {
    Files.createDirectories(paths.cacheIndexFile().getParent());
    mkfifo(paths.cacheIndexFile());
    Path rules = mkfifo(tmp.resolve("rules.fifo"));

    assertThat(run("cache", "list").exitCode()).isZero();
    assertThat(run("recover").exitCode()).isZero();
    CliRun route =
        CliRun.of(
            "route", "intermediate", "--slm", "1", "--batch", "b1", "--rules", rules.toString());
    assertThat(route.exitCode()).isEqualTo(TieringCli.EXIT_IO);
    assertThat(route.err())
        .contains("Cannot read routing rules file " + rules + ": it is not a regular file");
  }

  private static Path mkfifo(Path path) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();
    return path;
  }

  @Test
  void aFileNamedLikeAChecksumIsNotIngestedAndAWrongChecksumFileIsReported() throws IOException {
    Path fake = Files.writeString(tmp.resolve("data.csv.sha256"), "not a checksum\n");
    CliRun refused = run("ingest", fake.toString(), "--source", "feed");
    assertThat(refused.exitCode()).isEqualTo(TieringCli.EXIT_USAGE);
    assertThat(refused.err())
        .contains("names ending in .sha256 are the checksum files ingest" + " writes");
  }

  @Test
  void evictCountsOnlyTheBytesItFreed() throws IOException {
    assertThat(run("cache", "promote", "--zone", "silver", "--table", "preds").exitCode()).isZero();
    try (Stream<Path> copies = Files.walk(paths.areaRoot(dev.tiering.core.Area.CLEAN_CACHE))) {
      for (Path copy : copies.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        Files.delete(copy);
      }
    }
    CliRun evict = run("cache", "evict", "--zone", "silver", "--table", "preds");
    assertThat(evict.out())
        .contains(
            ": evicted 2 file(s) (0 B)", "its copy was already gone: only its index entry removed");
  }

  @Test
  void aRootUnderAFileIsReportedLikeAMissingRoot() throws IOException {
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    CliRun ls = CliRun.of("ls", "--root", file.toString());
    assertThat(ls.exitCode()).isEqualTo(TieringCli.EXIT_IO);
    assertThat(ls.err()).contains("The lake root " + file.resolve("lake") + " does not exist");
  }

  /** Gives the whole tree to uid/gid 65534 ("nobody"), standing for the service user. */
  private void giveTiersToNobody() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        Files.setAttribute(p, "unix:uid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", 65534, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  @Test
  void writingCommandsRefuseToRunAsRootOnTiersAnotherUserOwnsAndChangeNothing() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        LayoutOptions.runningAsRoot(), "needs root, as CI runs");
    giveTiersToNobody();
    Path input = Files.writeString(tmp.resolve("feed.csv"), "a,b\n");
    Map<String, String> before = ReadOnlyCommandsTest.snapshot(tmp);
    String[][] writing = {
      {"recover"},
      {"compact"},
      {"cleanup", "--keep-recent", "2"},
      {"archive", "--lake-retention", "silver=30"},
      {"cache", "promote", "--zone", "silver", "--table", "preds"},
      {"cache", "evict", "--zone", "silver", "--table", "preds"},
      {"cache", "verify"},
      {"ingest", input.toString(), "--source", "feed"},
      {"init"},
    };
    for (String[] command : writing) {
      CliRun refused = run(command);
      String typed = String.join(" ", command) + " --root " + root;
      assertThat(refused.exitCode()).as(typed).isEqualTo(TieringCli.EXIT_NOPERM);
      assertThat(refused.err())
          .as(typed)
          .contains(
              "Refusing to run 'tiering "
                  + command[0]
                  + (command[0].equals("cache") ? " " + command[1] : "")
                  + "' as root: the hot tier root "
                  + root.resolve("hot")
                  + " belongs to nobody (uid 65534)")
          .contains(
              "nothing was done (run it as the tiers' owner: sudo -u nobody tiering "
                  + typed
                  + ")");
      assertThat(ReadOnlyCommandsTest.snapshot(tmp)).as(typed).isEqualTo(before);
    }
    CliRun demo = CliRun.of("demo", "--root", root.toString(), "--batches", "1");
    assertThat(demo.exitCode()).isEqualTo(TieringCli.EXIT_NOPERM);
    assertThat(demo.err()).contains("sudo -u nobody tiering demo --root " + root + " --batches 1");
    // Reading, and dry runs, are fine as root: they create nothing.
    for (String[] command :
        new String[][] {
          {"status"},
          {"ls"},
          {"compact", "--dry-run"},
          {"cleanup", "--keep-recent", "2", "--dry-run"},
          {"schema", "show", "--zone", "silver", "--table", "preds"},
        }) {
      CliRun read = run(command);
      assertThat(read.exitCode())
          .as(String.join(" ", command))
          .isNotEqualTo(TieringCli.EXIT_NOPERM);
      assertThat(read.err()).as(String.join(" ", command)).doesNotContain("Refusing to run");
    }
    assertThat(ReadOnlyCommandsTest.snapshot(tmp)).isEqualTo(before);
  }

  /**
   * DuckDB checks its allowed directories against a path as written: a wildcard before a link
   * planted in the lake by whoever may write it lists files outside it. As root, that would be any
   * file on the machine (here, on tiers the service user owns), so {@code sql} run as root reads
   * the views only; they still answer.
   */
  @Test
  void sqlAsRootReadsTheViewsOnlySoAPlantedLinkReachesNothing() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        LayoutOptions.runningAsRoot(), "needs root, as CI runs");
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret-name.txt"), "s\n");
    Path clean = root.resolve("lake/clean");
    Files.createSymbolicLink(clean.resolve("out"), outside);
    giveTiersToNobody();
    Map<String, String> before = ReadOnlyCommandsTest.snapshot(tmp);

    CliRun glob = run("sql", "SELECT file FROM glob('" + clean + "/*/*.txt')");
    CliRun scan = run("sql", "SELECT * FROM '" + clean + "/*/*.txt'");
    CliRun views = run("sql", "--csv", "SELECT count(*) AS n FROM silver.preds");

    assertThat(glob.exitCode()).isEqualTo(SqlCommand.EXIT_SQL);
    assertThat(glob.err()).contains("The function glob() cannot run here: a query run with more");
    assertThat(scan.exitCode()).isEqualTo(SqlCommand.EXIT_SQL);
    assertThat(scan.err()).contains("/*/*.txt cannot be read here: a query run with more rights");
    assertThat(glob.out() + scan.out() + glob.err() + scan.err()).doesNotContain("secret-name");
    assertThat(views.exitCode()).as(views.err()).isZero();
    assertThat(views.out()).startsWith("n\n");
    assertThat(ReadOnlyCommandsTest.snapshot(tmp)).isEqualTo(before);
  }

  @Test
  void rootMayWriteTiersRootOwns() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        LayoutOptions.runningAsRoot(), "needs root, as CI runs");
    CliRun recover = run("recover");
    assertThat(recover.exitCode()).isZero();
    assertThat(recover.err()).isEmpty();
  }

  @Test
  void recoverPrintsATableItCannotReadOnceAndGoesOnWithTheOthers() throws IOException {
    Path broken = paths.schemaFile(Zone.SILVER, TableName.of("broken"));
    Files.createDirectories(broken.getParent().resolve("_commits"));
    Files.writeString(broken, "{ not json");
    Files.writeString(broken.getParent().resolve("_commits/0000000001.commit.json"), "{}");
    Path temp =
        Files.writeString(partition.resolve(".part-1.parquet.00ff00ff00ff00ff.tmp"), "partial");
    Files.setLastModifiedTime(
        temp, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(600)));

    CliRun recover = run("recover");

    assertThat(recover.exitCode()).isEqualTo(1);
    List<String> failed = recover.out().lines().filter(l -> l.contains("FAILED")).toList();
    assertThat(failed)
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("  FAILED        silver.broken: settle lake commits: " + broken));
    assertThat(temp).doesNotExist();
  }
}
