package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
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

/** Every operator command, run in-process against a temporary layout. */
class OperatorCommandsTest {

  @TempDir Path root;
  private PathResolver paths;
  private final Instant now = Instant.now();

  @BeforeEach
  void setUp() throws IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    Files.createDirectories(root.resolve("hot/staging"));
    Files.createDirectories(root.resolve("lake/clean"));
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--root");
    all.add(root.toString());
    return CliRun.of(all.toArray(String[]::new));
  }

  private void staged(int batches) throws IOException {
    for (int b = 1; b <= batches; b++) {
      for (int slm = 0; slm < 7; slm++) {
        Path file =
            Files.writeString(
                paths.stagingFile(
                    StagingFile.intermediate(SlmId.of(slm), BatchId.of("batch-" + b))),
                "x".repeat(100));
        Files.setLastModifiedTime(file, FileTime.from(now.minus(Duration.ofHours(10 - b))));
      }
    }
  }

  private static TableSchema table() {
    return TableSchema.builder(Zone.SILVER, "preds")
        .required("timestamp", FieldType.TIMESTAMP)
        .required("score", FieldType.FLOAT64)
        .partitionByDate()
        .build();
  }

  /** {@code writes} small lake writes on {@code day}. */
  private void lake(LocalDate day, int writes) throws IOException {
    LakeWriter writer =
        LakeWriter.builder(paths)
            .clock(Clock.fixed(day.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC))
            .build();
    for (int w = 0; w < writes; w++) {
      writer.writeCleanData(table(), List.of(Map.of("timestamp", Instant.EPOCH, "score", 0.5 + w)));
    }
  }

  @Test
  void statusPrintsEveryCheckAndItsJsonParses() throws IOException {
    CliRun table = run("status", "--interval", "0");
    assertThat(table.exitCode()).isZero();
    assertThat(table.out())
        .startsWith("tiering status at ")
        .contains(
            "staging size", "hot tier" + " fullness", "lake fullness", "clean cache size", "[");

    CliRun json = run("status", "--json", "--interval", "0.2");
    JsonNode report = new ObjectMapper().readTree(json.out());
    assertThat(report.get("checks").size()).isGreaterThanOrEqualTo(4);
    assertThat(report.get("checks").get(0).get("name").asText()).isEqualTo("staging size");
    // Every check of the tree is ok; disk i/o is sampled for real, and a machine busy with other
    // work may be above its latency limit, so its level only has to be the report's worst.
    List<String> levels = new ArrayList<>();
    for (JsonNode check : report.get("checks")) {
      String level = check.get("level").asText();
      levels.add(level);
      // "hot disk await", "cold disk utilization", "hot disk i/o": all sampled from the device.
      if (!check.get("name").asText().contains(" disk ")) {
        assertThat(level).as(check.get("name").asText()).isEqualTo("ok");
      }
    }
    String worst =
        levels.contains("critical") ? "critical" : levels.contains("warning") ? "warning" : "ok";
    assertThat(report.get("level").asText()).isEqualTo(worst);
  }

  @Test
  void statusExitsWithTheWorstLevelForCron() throws IOException {
    try (RandomAccessFile sparse =
        new RandomAccessFile(root.resolve("hot/staging/slm_0_b.parquet").toFile(), "rw")) {
      sparse.setLength(10L * 1024 * 1024 * 1024 + 1);
    }
    CliRun warning = run("status", "--interval", "0");
    assertThat(warning.exitCode()).isEqualTo(1);
    assertThat(warning.out()).contains("tiering status at").contains(": WARNING");
    try (RandomAccessFile sparse =
        new RandomAccessFile(root.resolve("hot/staging/slm_0_b.parquet").toFile(), "rw")) {
      sparse.setLength(30L * 1024 * 1024 * 1024 + 1);
    }
    assertThat(run("status", "--interval", "0").exitCode()).isEqualTo(2);
  }

  @Test
  void doctorExplainsItsFindings() {
    CliRun doctor = run("doctor");
    assertThat(doctor.exitCode()).isBetween(0, 2);
    assertThat(doctor.out())
        .startsWith("tiering doctor: ")
        .contains("separate devices", "hot mount options", "hot root");
  }

  @Test
  void cleanupKeepsTheRecentBatchesWithADryRunFirst() throws IOException {
    staged(5);
    CliRun dry = run("cleanup", "--keep-recent", "2", "--dry-run");
    assertThat(dry.exitCode()).isZero();
    assertThat(dry.out())
        .contains("would delete  " + root.resolve("hot/staging/slm_0_batch-1.parquet"))
        .doesNotContain("  deleted  ")
        .contains("(dry run, nothing changed): would delete 21 file(s) (2.1 KiB), would keep 14");
    assertThat(entries(root.resolve("hot/staging"))).isEqualTo(35);

    CliRun real = run("cleanup", "--keep-recent", "2");
    assertThat(real.exitCode()).isZero();
    assertThat(real.out()).contains(": deleted 21 file(s) (2.1 KiB), kept 14, 0 failure(s)");
    // 14 kept files, and the batch lock file the cleanup used, which stays.
    assertThat(entries(root.resolve("hot/staging"))).isEqualTo(15);
    assertThat(root.resolve("hot/staging/.batches.lock")).exists();

    assertThat(run("cleanup", "--batch", "batch-5").out()).contains(": deleted 7 file(s)");
    // A second cleanup of the same batch finds nothing left: it says so, and counts nothing.
    assertThat(run("cleanup", "--batch", "batch-5").out())
        .contains(": nothing to do, 0 failure(s)");
  }

  @Test
  void cleanupNeverTakesTheNewestBatchForAFileTouchedIntoTheFuture() throws IOException {
    staged(2);
    // touch -d 2099-01-01, or a restore with cp -a, tar or rsync -t from a skewed clock.
    Path touched = paths.stagingFile(StagingFile.intermediate(SlmId.of(3), BatchId.of("batch-1")));
    Files.setLastModifiedTime(touched, FileTime.from(Instant.parse("2099-01-01T00:00:00Z")));

    CliRun cleanup = run("cleanup", "--keep-recent", "1", "-v");

    assertThat(cleanup.exitCode()).isZero();
    assertThat(cleanup.out())
        .contains(": deleted 7 file(s) (700 B), kept 7, 0 failure(s)")
        .contains(
            touched + " (100 bytes): its modification time 2099-01-01T00:00:00Z is in the future");
    try (Stream<Path> left = Files.list(root.resolve("hot/staging"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .filteredOn(n -> n.endsWith(".parquet"))
          .hasSize(7)
          .allMatch(n -> n.endsWith("_batch-2.parquet"));
    }
  }

  @Test
  void compactMergesSmallFilesAndLsFlagsThem() throws IOException {
    lake(LocalDate.of(2025, 11, 10), 6);
    CliRun ls = run("ls", "--files");
    assertThat(ls.exitCode()).isZero();
    assertThat(ls.out())
        .contains("silver.preds  version 1.0.0  6 file(s)")
        .contains("(6 small files: run 'tiering compact --zone silver --table preds')")
        .contains("2025-11-10      6 file(s)")
        .contains("[small: under 10 MiB]");

    // Commits younger than the minimum age (10 minutes by default) are left alone.
    CliRun young = run("compact", "-v");
    assertThat(young.exitCode()).isZero();
    assertThat(young.out())
        .contains("compact silver.preds: kept 6, 0 failure(s)")
        .contains("commit 1 is younger than PT10M or not applied yet");
    CliRun dry =
        run(
            "compact",
            "--zone",
            "silver",
            "--table",
            "preds",
            "--dry-run",
            "--min-age-minutes",
            "0");
    assertThat(dry.out())
        .contains("compact silver.preds (dry run, nothing changed): would merge" + " 6 file(s)");
    CliRun compact = run("compact", "--min-age-minutes", "0");
    assertThat(compact.exitCode()).isZero();
    assertThat(compact.out()).contains("compact silver.preds: merged 6 file(s)");
    assertThat(run("ls").out()).contains("silver.preds  version 1.0.0  1 file(s)");
  }

  /** Runs {@code chattr} on a file; false if this machine cannot (not root, not ext4-like). */
  private static boolean chattr(String flag, Path file) throws Exception {
    Process p =
        new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor() == 0;
  }

  /**
   * An input that the kernel refuses to delete after a compaction's commit point (an immutable
   * file): before, compact printed only "FAILED ...: Operation not permitted", status said OK and a
   * glob read the partition's rows twice until someone ran recover.
   */
  @Test
  void aCompactionStuckAfterItsCommitPointIsNamedByCompactStatusAndDoctorUntilRecovered()
      throws Exception {
    lake(LocalDate.of(2025, 11, 10), 3);
    Path partition = root.resolve("lake/clean/silver/preds/2025/11/10");
    Path stuck;
    try (Stream<Path> files = Files.list(partition)) {
      stuck =
          files
              .filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .sorted()
              .findFirst()
              .orElseThrow();
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(
        chattr("+i", stuck), "chattr +i needs root and a file system with the immutable flag");
    try {
      CliRun compact = run("compact", "--min-age-minutes", "0");
      assertThat(compact.exitCode()).isEqualTo(1);
      assertThat(compact.out())
          .contains(
              stuck + ": cannot delete: operation not permitted after its compaction committed")
          .contains("until 'tiering recover'");
      CliRun status = run("status", "--interval", "0");
      assertThat(status.exitCode()).isEqualTo(1);
      assertThat(status.out())
          .contains("unfinished work")
          .contains("silver.preds: a compaction of partition 2025/11/10 is running or stopped");
      assertThat(run("doctor").out()).contains("unfinished work").contains("silver.preds");
    } finally {
      chattr("-i", stuck);
    }
    CliRun recover = run("recover");
    assertThat(recover.exitCode()).isZero();
    assertThat(run("status", "--interval", "0").out()).doesNotContain("silver.preds: a compaction");
    try (Stream<Path> files = Files.list(partition)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet")))
          .hasSize(1);
    }
  }

  /**
   * Foreign content, each with its path and why: a file no commit wrote, directories that are not
   * partitions, a directory of a zone that is no table; {@code ls} lists it with the table and
   * {@code doctor} warns of it. Before, both were silent while a glob read the files.
   */
  @Test
  void lsAndDoctorReportForeignContentWithItsPathAndWhy() throws IOException {
    lake(LocalDate.of(2025, 11, 10), 2);
    Path table = root.resolve("lake/clean/silver/preds");
    Path own;
    try (Stream<Path> files = Files.list(table.resolve("2025/11/10"))) {
      own = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Path dropped = Files.copy(own, table.resolve("2025/11/10/dropped.parquet"));
    Path impossible = Files.createDirectories(table.resolve("2026/02/30"));
    Files.copy(own, impossible.resolve(own.getFileName()));
    Path word = Files.createDirectories(table.resolve("abc"));
    Path badName = Files.createDirectories(root.resolve("lake/clean/silver/Bad-Name"));
    Path noSidecar = Files.createDirectories(root.resolve("lake/clean/gold/orphan"));

    CliRun ls = run("ls");
    assertThat(ls.exitCode()).as(ls.err()).isZero();
    assertThat(ls.out())
        .contains("silver.preds  version 1.0.0  2 file(s)")
        .contains("  FOREIGN  " + dropped + ": its name has no commit number")
        .contains(
            "  FOREIGN  " + impossible + ": not a partition directory: 2026/02/30 is not a date")
        .contains(
            "  FOREIGN  " + word + ": not a partition directory of the table's layout (yyyy/MM/dd)")
        .contains("  FOREIGN  " + badName + ": not a table directory: Invalid table name")
        .contains("  FOREIGN  " + noSidecar + ": not a table directory: it has no schema.json")
        .contains("5 foreign item(s): the SDK's readers, views and compaction never read them");

    CliRun doctor = run("doctor");
    assertThat(doctor.exitCode()).isBetween(1, 2);
    assertThat(doctor.out())
        .contains("[warning]  lake content         foreign: " + dropped + ": its name has no")
        .contains("foreign: " + impossible + ": not a partition directory")
        .contains("foreign: " + badName + ": not a table directory")
        .contains("fix: move it out of the lake");
    assertThat(run("sql", "SELECT count(*) AS n FROM silver.preds", "--csv").out())
        .isEqualTo("n\n2\n");
  }

  /**
   * A table that fails as a whole is reported with the operation, the path and the reason in words:
   * the JDK's own message for a denied permission is the path alone (before: {@code FAILED
   * silver.preds: /…/part-….parquet}).
   */
  @Test
  void aTableFailureNamesTheOperationThePathAndTheReason() {
    Path file = root.resolve("lake/clean/silver/preds/2025/11/10/part-1.parquet");
    assertThat(
            Reports.failedTable(
                "compact",
                "silver.preds",
                new java.nio.file.AccessDeniedException(file.toString())))
        .isEqualTo(
            "  FAILED        silver.preds: compact: "
                + file
                + ": permission denied (run as a user that may use the tiers, such as the tiering"
                + " user of the systemd units, or fix the owner)");
    CliRun compact = run("compact", "--zone", "silver", "--table", "nope");
    assertThat(compact.exitCode()).isEqualTo(1);
    assertThat(compact.out())
        .contains(
            "  FAILED        silver.nope: compact: "
                + root.resolve("lake/clean/silver/nope/schema.json")
                + ": no such table");
  }

  @Test
  void archiveMovesOldPartitions() throws IOException {
    lake(LocalDate.now(ZoneOffset.UTC).minusDays(100), 1);
    lake(LocalDate.now(ZoneOffset.UTC), 1);
    CliRun archive = run("archive", "--lake-retention", "silver=90", "-v");
    assertThat(archive.exitCode()).isZero();
    assertThat(archive.out()).contains("archived").contains("retention: archived 1 file(s)");
    assertThat(Files.exists(root.resolve("lake/archive/silver/preds/schema.json"))).isTrue();
    assertThat(run("archive", "--lake-retention", "silver=ninety").exitCode()).isEqualTo(64);
    assertThat(run("archive", "--lake-retention", "platinum=9").err())
        .contains("Invalid zone 'platinum'");
  }

  @Test
  void archiveLeavesAPartitionDatedNineteenSeventyAloneUntilItIsNamed() throws IOException {
    lake(LocalDate.of(1970, 1, 1), 1);

    CliRun unnamed =
        run("archive", "--lake-retention", "silver=30", "--archive-retention", "silver=0", "-v");

    assertThat(unnamed.exitCode()).isZero();
    assertThat(unnamed.out())
        .contains("its partition is dated 1970-01-01, before 2000-01-01")
        .contains("--include-partition silver.preds/1970-01-01")
        .contains("retention: kept 1, 0 failure(s)");
    CliRun named =
        run(
            "archive",
            "--lake-retention",
            "silver=30",
            "--archive-retention",
            "silver=0",
            "--include-partition",
            "silver.preds/1970-01-01");
    assertThat(named.out()).contains("retention: archived 1 file(s)").doesNotContain("deleted");
    assertThat(root.resolve("lake/archive/silver/preds/1970/01/01")).isDirectory();
    CliRun bad =
        run("archive", "--lake-retention", "silver=30", "--include-partition", "silver.preds");
    assertThat(bad.exitCode()).isEqualTo(64);
    assertThat(bad.err())
        .contains(
            "Invalid --include-partition 'silver.preds' (use ZONE.TABLE/yyyy-MM-dd, e.g."
                + " silver.slm_predictions/1970-01-01)");
  }

  @Test
  void everyIncludedPartitionIsCheckedBeforeAnythingMoves() throws IOException {
    lake(LocalDate.of(1970, 1, 1), 1);
    lake(LocalDate.of(2020, 1, 1), 1);
    for (String[] bad :
        List.of(
            new String[] {
              "platinum.preds/1970-01-01",
              "Invalid --include-partition 'platinum.preds/1970-01-01':"
            },
            new String[] {
              "silver.Preds!/1970-01-01", "Invalid --include-partition 'silver.Preds!/1970-01-01':"
            },
            new String[] {
              "gold.preds/1970-01-01",
              "Cannot include partition gold.preds/1970-01-01: zone gold has no lake retention"
            },
            new String[] {
              "silver.preds/2020-01-01",
              "Cannot include partition silver.preds/2020-01-01: its date is from 2000-01-01 to"
                  + " today"
            })) {
      CliRun refused =
          run(
              "archive",
              "--lake-retention",
              "silver=30",
              "--include-partition",
              "silver.preds/1970-01-01",
              "--include-partition",
              bad[0]);
      assertThat(refused.exitCode()).as(bad[0]).isEqualTo(64);
      assertThat(refused.err()).as(bad[0]).contains(bad[1]);
      assertThat(root.resolve("lake/archive/silver")).as(bad[0]).doesNotExist();
    }
  }

  @Test
  void cachePromoteListEvictVerify() throws IOException {
    LocalDate day = LocalDate.of(2025, 11, 10);
    lake(day, 2);
    CliRun promote =
        run("cache", "promote", "--zone", "silver", "--table", "preds", "--date", day.toString());
    assertThat(promote.exitCode()).isZero();
    assertThat(promote.out()).contains(": cached 2 file(s)");
    assertThat(run("cache", "list").out()).contains("2 file(s), ").contains("of a 40.0 GiB budget");
    assertThat(run("cache", "verify").out()).contains("cache verify: kept 2, 0 failure(s)");
    assertThat(run("cache", "evict", "--zone", "silver", "--table", "preds").out())
        .contains(": evicted 2 file(s)");
    assertThat(run("cache", "list").out()).contains("0 file(s)");
    assertThat(run("cache").exitCode()).isEqualTo(64);
  }

  @Test
  void schemaShowDiffValidate() throws IOException {
    lake(LocalDate.of(2025, 11, 10), 1);
    CliRun show = run("schema", "show", "--zone", "silver", "--table", "preds");
    assertThat(show.exitCode()).isZero();
    assertThat(show.out()).contains("\"table_name\": \"preds\"").contains("history: [1.0.0]");

    Path sidecar = paths.schemaFile(Zone.SILVER, dev.tiering.core.TableName.of("preds"));
    Path added =
        Files.writeString(
            root.resolve("added.json"),
            Files.readString(sidecar)
                .replace("\"partition_by\"", "\"partition_by\"")
                .replaceFirst(
                    "\\{\\s*\"name\": \"score\"",
                    "{ \"name\": \"note\", \"type\": \"string\","
                        + " \"nullable\": true }, { \"name\": \"score\""));
    CliRun diff = run("schema", "diff", "--zone", "silver", "--table", "preds", added.toString());
    assertThat(diff.exitCode()).isZero();
    assertThat(diff.out())
        .contains("added nullable field 'note' (string) [minor]")
        .contains("compatible: 1.0.0 -> 1.1.0");

    Path broken = Files.writeString(root.resolve("broken.json"), "{\"table_name\": 5}");
    CliRun validate = CliRun.of("schema", "validate", sidecar.toString(), broken.toString());
    assertThat(validate.exitCode()).isEqualTo(2);
    assertThat(validate.out())
        .contains("valid: " + sidecar + " (silver.preds 1.0.0, 2 fields)")
        .contains("invalid: " + broken + ":1:16: table_name: expected a string, found a number");
  }

  @Test
  void recoverRemovesAbandonedTemporaryFiles() throws IOException {
    Path temp =
        Files.writeString(
            root.resolve("hot/staging/.slm_1_b.parquet.00ff00ff00ff00ff.tmp"), "partial");
    Files.setLastModifiedTime(temp, FileTime.from(now.minus(Duration.ofMinutes(2))));
    Path young =
        Files.writeString(
            root.resolve("hot/staging/.slm_2_b.parquet.00ee00ee00ee00ee.tmp"), "partial");
    // Another program's temporary files, in and beside the SDK's areas: never the SDK's to remove.
    Path foreign = Files.writeString(root.resolve("hot/staging/.vim-swap.tmp"), "x");
    Path beside =
        Files.writeString(
            Files.createDirectories(root.resolve("hot/other"))
                .resolve(".slm_3_b.parquet.00dd00dd00dd00dd.tmp"),
            "x");
    Files.setLastModifiedTime(foreign, FileTime.from(now.minus(Duration.ofDays(1))));
    Files.setLastModifiedTime(beside, FileTime.from(now.minus(Duration.ofDays(1))));

    CliRun recover = run("recover");

    assertThat(recover.exitCode()).isZero();
    assertThat(recover.out())
        .contains("deleted       " + temp + " (7 bytes): abandoned: no live" + " writer holds it")
        .contains(
            "kept          "
                + young
                + " (7 bytes): created under 1"
                + " minute(s) ago: its writer may not hold its lock yet");
    assertThat(temp).doesNotExist();
    assertThat(young).exists();
    assertThat(foreign).exists();
    assertThat(beside).exists();
  }

  @Test
  void ingestCopiesRawInputWithItsChecksum() throws IOException {
    Path input = Files.writeString(root.resolve("feed.csv"), "a,b\n");
    CliRun ingest = run("ingest", input.toString(), "--source", "feed");
    assertThat(ingest.exitCode()).isZero();
    assertThat(ingest.out()).contains("ingested").contains("sha256:");
    assertThat(
            Files.exists(
                root.resolve(
                    "lake/raw/feed/" + LocalDate.now(ZoneOffset.UTC) + "/feed.csv.sha256")))
        .isTrue();
  }

  @Test
  void badArgumentsExitWithTheUsageCode() {
    CliRun missing = run("cleanup");
    assertThat(missing.exitCode()).isEqualTo(64);
    assertThat(missing.err())
        .contains("Error: Missing required argument")
        .contains("Usage: tiering cleanup");
    assertThat(run("cleanup", "--batch", "../x").exitCode()).isEqualTo(64);
    assertThat(run("status", "--interval", "-1").exitCode()).isEqualTo(64);
    assertThat(run("cache", "promote", "--zone", "silver").exitCode()).isEqualTo(64);
    CliRun noTable = run("schema", "show", "--zone", "gold", "--table", "nope");
    assertThat(noTable.exitCode()).isEqualTo(74);
    assertThat(noTable.err()).contains("no such table: gold.nope");
  }

  private static long entries(Path dir) throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing.count();
    }
  }

  @Test
  void initCreatesTheRootsThatEveryOtherCommandRefusesToCreate() throws IOException {
    Path fresh = root.resolve("fresh");
    CliRun before = CliRun.of("compact", "--root", fresh.toString());
    assertThat(before.exitCode()).isEqualTo(TieringCli.EXIT_IO);
    assertThat(fresh).doesNotExist();

    CliRun init = CliRun.of("init", "--root", fresh.toString());

    assertThat(init.exitCode()).isZero();
    assertThat(init.out())
        .contains("  CREATED       " + fresh.resolve("hot") + " (hot tier, SSD)")
        .contains("  CREATED       " + fresh.resolve("lake") + " (lake, HDD)");
    assertThat(fresh.resolve("hot")).isEmptyDirectory();
    assertThat(fresh.resolve("lake")).isEmptyDirectory();
    assertThat(CliRun.of("compact", "--root", fresh.toString()).exitCode()).isZero();
    CliRun again = CliRun.of("init", "--root", fresh.toString());
    assertThat(again.out())
        .contains("  EXISTS        " + fresh.resolve("hot") + " (hot tier, SSD)");
  }
}
