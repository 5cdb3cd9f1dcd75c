package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.parquet.LakeWriter;
import dev.tiering.parquet.StagingWriter;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read-only commands and every dry run create, change and delete nothing; commands given a root
 * that is not there (a typo, an unmounted disk, or a {@code /}-like tree without tiers) refuse
 * loudly and create nothing. Checked by a full listing of the temporary tree (type, size, mtime and
 * a digest of every file) before and after each command.
 */
class ReadOnlyCommandsTest {

  private static final LocalDate DAY = LocalDate.parse("2025-11-10");

  @TempDir Path tmp;
  private Path root;
  private Path elsewhere;
  private PathResolver paths;

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
    elsewhere = Files.createDirectories(tmp.resolve("inputs"));
    paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    StagingWriter staging = StagingWriter.builder(paths).build();
    for (int b = 1; b <= 3; b++) {
      staging.writeIntermediate(
          SlmId.of(1),
          BatchId.of("b" + b),
          table(),
          List.of(Map.of("timestamp", Instant.EPOCH, "score", 0.5)));
    }
    LakeWriter lake =
        LakeWriter.builder(paths)
            .clock(Clock.fixed(DAY.atStartOfDay().toInstant(ZoneOffset.UTC), ZoneOffset.UTC))
            .build();
    for (int w = 0; w < 3; w++) {
      lake.writeCleanData(table(), List.of(Map.of("timestamp", Instant.EPOCH, "score", 0.1 * w)));
    }
    HotCache.builder(paths)
        .build()
        .promote(
            paths.partitionDir(Zone.SILVER, TableName.of("preds"), DAY, PartitionLayout.DATE_PATH))
        .execute();
    Files.writeString(elsewhere.resolve("feed.csv"), "a,b\n");
    Files.copy(
        paths.schemaFile(Zone.SILVER, TableName.of("preds")), elsewhere.resolve("proposed.json"));
  }

  private CliRun run(Path tiers, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--root");
    all.add(tiers.toString());
    return CliRun.of(all.toArray(String[]::new));
  }

  /** Every command that must change nothing, with its arguments. */
  private List<String[]> readOnlyCommands() {
    String proposed = elsewhere.resolve("proposed.json").toString();
    return List.of(
        new String[] {"status", "--interval", "0"},
        new String[] {"status", "--json", "--interval", "0"},
        new String[] {"doctor"},
        new String[] {"ls"},
        new String[] {"ls", "--files"},
        new String[] {"sql", "SELECT count(*), sum(score) FROM silver.preds"},
        new String[] {"sql", "--csv", "SELECT * FROM silver.preds"},
        new String[] {"sql", "--json", "SELECT * FROM silver.preds ORDER BY score"},
        new String[] {
          "sql", "COPY (SELECT * FROM silver.preds) TO '" + elsewhere.resolve("copy.csv") + "'"
        },
        new String[] {"route", "intermediate", "--slm", "3", "--batch", "b42"},
        new String[] {"schema", "show", "--zone", "silver", "--table", "preds"},
        new String[] {"schema", "diff", "--zone", "silver", "--table", "preds", proposed},
        new String[] {"cache", "list"},
        new String[] {"cleanup", "--keep-recent", "2", "--dry-run"},
        new String[] {"cleanup", "--batch", "b1", "--dry-run"},
        new String[] {"cleanup", "--all", "--archive", "--dry-run"},
        new String[] {"compact", "--dry-run"},
        new String[] {
          "archive", "--lake-retention", "silver=1", "--archive-retention", "silver=1", "--dry-run"
        },
        new String[] {"cache", "promote", "--zone", "silver", "--table", "preds", "--dry-run"},
        new String[] {"cache", "evict", "--zone", "silver", "--table", "preds", "--dry-run"},
        new String[] {"cache", "verify", "--dry-run"},
        new String[] {
          "ingest", elsewhere.resolve("feed.csv").toString(), "--source", "feed", "--dry-run"
        });
  }

  /** Commands that change the tiers when the roots are there. */
  private List<String[]> actingCommands() {
    return List.of(
        new String[] {"cleanup", "--keep-recent", "2"},
        new String[] {"compact"},
        new String[] {"archive", "--lake-retention", "silver=1"},
        new String[] {"cache", "promote", "--zone", "silver", "--table", "preds"},
        new String[] {"cache", "evict", "--zone", "silver", "--table", "preds"},
        new String[] {"cache", "verify"},
        new String[] {"recover"},
        new String[] {"ingest", elsewhere.resolve("feed.csv").toString(), "--source", "feed"});
  }

  @Test
  void readOnlyCommandsAndDryRunsChangeNothing() throws Exception {
    Map<String, String> before = snapshot(tmp);
    for (String[] command : readOnlyCommands()) {
      CliRun run = run(root, command);
      assertThat(run.exitCode())
          .as(String.join(" ", command) + ": " + run.err())
          .isIn(0, 1, 2, SqlCommand.EXIT_SQL);
      assertThat(snapshot(tmp)).as(String.join(" ", command)).isEqualTo(before);
    }
  }

  @Test
  void recoverOnATidyTreeChangesNothing() throws Exception {
    Map<String, String> before = snapshot(tmp);
    CliRun recover = run(root, "recover");
    assertThat(recover.exitCode()).as(recover.out() + recover.err()).isZero();
    assertThat(snapshot(tmp)).isEqualTo(before);
  }

  @Test
  void aRootThatIsNotThereIsRefusedLoudlyAndNothingIsCreated() throws Exception {
    Path typo = tmp.resolve("tirs");
    Map<String, String> before = snapshot(tmp);

    CliRun status = run(typo, "status", "--interval", "0");
    assertThat(status.exitCode()).isEqualTo(2);
    assertThat(status.out())
        .contains(
            ": CRITICAL",
            typo.resolve("hot") + " does not exist: is the SSD mounted",
            typo.resolve("lake") + " does not exist: is the lake disk mounted");

    for (String[] command : concat(readOnlyCommands(), actingCommands())) {
      if (command[0].equals("route")
          || command[0].equals("status")
          || command[0].equals("doctor")) {
        continue; // route reads no tier; status and doctor report, above and in their tests
      }
      CliRun run = run(typo, command);
      assertThat(run.exitCode()).as(String.join(" ", command)).isEqualTo(TieringCli.EXIT_IO);
      assertThat(run.err())
          .as(String.join(" ", command))
          .startsWith("tiering: The ")
          .contains(" does not exist; nothing was done");
      assertThat(snapshot(tmp)).as(String.join(" ", command)).isEqualTo(before);
    }
  }

  @Test
  void aSlashLikeTreeWithoutTiersIsNeverWrittenTo() throws Exception {
    Path slash = Files.createDirectories(tmp.resolve("slash"));
    Files.createDirectories(slash.resolve("etc"));
    Files.writeString(slash.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
    Files.createDirectories(slash.resolve("var/tmp"));
    // An SDK-looking temporary file and staging name outside any tier: never the SDK's to touch.
    Files.writeString(slash.resolve("var/tmp/.slm_1_b1.parquet.0123456789abcdef.tmp"), "x");
    Files.writeString(slash.resolve("var/tmp/slm_1_b1.parquet"), "x");
    Map<String, String> before = snapshot(tmp);

    for (String[] command : concat(readOnlyCommands(), actingCommands())) {
      CliRun run = run(slash, command);
      assertThat(run.exitCode())
          .as(String.join(" ", command))
          .isIn(0, 1, 2, TieringCli.EXIT_IO, SqlCommand.EXIT_SQL);
      assertThat(snapshot(tmp)).as(String.join(" ", command)).isEqualTo(before);
    }
  }

  @Test
  void anEmptyRootIsAUsageErrorNotTheCurrentDirectory() {
    for (String option : List.of("--root", "--hot", "--lake")) {
      CliRun run = CliRun.of("cleanup", "--keep-recent", "2", option, "");
      assertThat(run.exitCode()).as(option).isEqualTo(TieringCli.EXIT_USAGE);
      assertThat(run.err()).as(option).contains("Invalid " + option + " '': it is empty");
    }
  }

  private static List<String[]> concat(List<String[]> a, List<String[]> b) {
    List<String[]> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Every entry under {@code dir}: type, size, modification time and, for files, a digest. */
  static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String digest = "";
        if (a.isRegularFile()) {
          MessageDigest sha = MessageDigest.getInstance("SHA-256");
          try (InputStream in = Files.newInputStream(p)) {
            sha.update(in.readAllBytes());
          }
          digest = HexFormat.of().formatHex(sha.digest());
        }
        entries.put(
            dir.relativize(p).toString(),
            (a.isDirectory() ? "d" : a.isRegularFile() ? "f" : "o")
                + " "
                + (a.isDirectory() ? 0 : a.size())
                + " "
                + a.lastModifiedTime().toMillis()
                + " "
                + digest);
      }
    }
    return entries;
  }
}
