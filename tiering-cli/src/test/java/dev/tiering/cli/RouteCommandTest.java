package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteCommandTest {

  @Test
  void explainsEachSeedKind(@TempDir Path root) {
    String[][] cases = {
      {"intermediate", "--slm", "3", "--batch", "b42"},
      {"crosscheck", "--slm", "3", "--batch", "b42"},
      {"clean", "--zone", "silver", "--table", "slm_predictions"},
      {"cache", "--zone", "SILVER", "--table", "slm_predictions"},
      {"archive", "--zone", "silver", "--table", "slm_predictions"},
      {"raw", "--source", "inputs"}
    };
    String[] expected = {
      "intermediate slm=3 batch=b42 -> "
          + root
          + "/hot/staging/slm_3_b42.parquet"
          + " [hot tier, SSD, area hot/staging] by rule 1: intermediate -> hot/staging",
      "crosscheck slm=3 batch=b42 -> "
          + root
          + "/hot/staging/crosscheck_3_b42.parquet"
          + " [hot tier, SSD, area hot/staging] by rule 2: crosscheck -> hot/staging",
      "clean zone=silver table=slm_predictions -> "
          + root
          + "/lake/clean/silver/slm_predictions"
          + " [cold tier, HDD, area lake/clean] by rule 3: clean -> lake/clean",
      "cache zone=silver table=slm_predictions -> "
          + root
          + "/hot/clean/silver/slm_predictions"
          + " [hot tier, SSD, area hot/clean] by rule 4: cache -> hot/clean",
      "archive zone=silver table=slm_predictions -> "
          + root
          + "/lake/archive/silver/slm_predictions [cold tier, HDD, area lake/archive] by rule 5:"
          + " archive -> lake/archive",
      "raw source=inputs -> "
          + root
          + "/lake/raw/inputs [cold tier, HDD, area lake/raw]"
          + " by rule 6: raw -> lake/raw"
    };
    for (int i = 0; i < cases.length; i++) {
      String[] args =
          concat(new String[] {"route", "--explain", "--root", root.toString()}, cases[i]);
      CliRun run = CliRun.of(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(run.out())
          .isEqualTo(
              expected[i] + " (default, seed: Data Placement Strategy)" + System.lineSeparator());
    }
  }

  @Test
  void withoutExplainPrintsJustThePathAndTheDatePartition() {
    CliRun run =
        CliRun.of(
            "route",
            "clean",
            "--zone",
            "gold",
            "--table",
            "daily",
            "--hot",
            "/ssd",
            "--lake",
            "/hdd",
            "--date",
            "2025-11-10",
            "--layout",
            "hive-ymd");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines())
        .containsExactly(
            "/hdd/clean/gold/daily", "/hdd/clean/gold/daily/year=2025/month=11/day=10");
  }

  @Test
  void withoutKindListsTheRulesIncludingARulesFile(@TempDir Path dir) throws IOException {
    Path rules = Files.writeString(dir.resolve("r.rules"), "clean zone=gold -> hot/clean\n");
    CliRun run = CliRun.of("route", "--rules", rules.toString());
    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines())
        .hasSize(7)
        .first()
        .isEqualTo("1. clean zone=gold -> hot/clean (" + rules + ":1)");
  }

  @Test
  void badNamesAndZonesExitWithUsageCodeAndTheValidationMessage() {
    CliRun zone = CliRun.of("route", "--explain", "clean", "--zone", "platinum", "--table", "t");
    assertThat(zone.exitCode()).isEqualTo(64);
    assertThat(zone.err())
        .startsWith(
            "Invalid value for option '--zone': Invalid zone 'platinum' (use one of bronze, silver, gold)");
    assertThat(zone.out()).isEmpty();

    CliRun table = CliRun.of("route", "clean", "--zone", "gold", "--table", "../etc");
    assertThat(table.exitCode()).isEqualTo(64);
    assertThat(table.err())
        .contains("Invalid table name '../etc': it contains the path separator '/'");

    CliRun batch = CliRun.of("route", "intermediate", "--slm", "1");
    assertThat(batch.exitCode()).isEqualTo(64);
    assertThat(batch.err()).startsWith("intermediate data needs an SLM id and a batch id");

    CliRun kind = CliRun.of("route", "tmp");
    assertThat(kind.exitCode()).isEqualTo(64);
    assertThat(kind.err()).contains("Unknown data kind 'tmp'");
  }

  @Test
  void badRulesFileExitsWithUsageCodeNamingFileAndLine(@TempDir Path dir) throws IOException {
    Path rules = Files.writeString(dir.resolve("r.rules"), "clean -> hot/fast\n");
    CliRun run = CliRun.of("route", "--rules", rules.toString());
    assertThat(run.exitCode()).isEqualTo(64);
    assertThat(run.err()).startsWith("tiering: " + rules + ":1: Unknown area 'hot/fast'");
  }

  @Test
  void versionAndHelpWork() {
    assertThat(CliRun.of("--version").out()).startsWith("tiering ");
    CliRun help = CliRun.of("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).contains("route", "demo");
    // The exit codes, for operators wiring cron or systemd, and for the EXIT STATUS of tiering(1).
    assertThat(help.out())
        .contains(
            "Exit status", " 0   ok", "64   usage error", "69   no Java 17", "74   input/output");
  }

  @Test
  void demoRunsThePipelineAndPrintsItsSummary(@TempDir Path root) {
    CliRun run =
        CliRun.of(
            "demo",
            "--root",
            root.toString(),
            "--batches",
            "3",
            "--slms",
            "3",
            "--rows-per-slm",
            "300");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("tiering demo: run run-")
        .contains(
            "3 batch(es) x 3 SLMs x" + " 300 predictions, under " + root,
            "Time per stage",
            "Files and bytes per tier",
            "Compression",
            "Health: OK",
            "The seed's DuckDB query over the lake",
            "Metrics went to a Micrometer Prometheus registry",
            // 3 batches x 3 SLMs: 9 intermediate and 9 cross-check files of 300 rows each;
            // 3 tables per batch: 9 lake files.
            "  tiering_files_written_total{area=\"hot/staging\",tier=\"hot\"} 18.0",
            "  tiering_rows_written_total{area=\"hot/staging\",tier=\"hot\"} 5400.0",
            "  tiering_files_written_total{area=\"lake/clean\",tier=\"cold\"} 9.0",
            "  tiering_health_level 0.0");
    assertThat(CliRun.of("demo", "--root", root.toString(), "--slms", "0").exitCode())
        .isEqualTo(64);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
