package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.storage.ForwardingPendingFile;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tiering status --prometheus}: the health figures for Prometheus, printed or published. */
class PrometheusStatusTest {

  @TempDir Path root;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(root.resolve("hot/staging"));
    Files.createDirectories(root.resolve("lake/clean"));
    Files.write(root.resolve("hot/staging/slm_1_b1.parquet"), new byte[1234]);
    Files.write(root.resolve("hot/staging/slm_2_b1.parquet"), new byte[766]);
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--root");
    all.add(root.toString());
    return CliRun.of(all.toArray(String[]::new));
  }

  private List<String> tree() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.map(p -> root.relativize(p) + " " + p.toFile().length()).sorted().toList();
    }
  }

  @Test
  void prometheusPrintsTheHealthFiguresAndWritesNothing() throws IOException {
    List<String> before = tree();

    CliRun status = run("status", "--prometheus", "--interval", "0");

    assertThat(status.exitCode()).isZero();
    assertThat(status.err()).isEmpty();
    assertThat(status.out())
        .contains("# TYPE tiering_staging_bytes gauge")
        .contains("tiering_staging_bytes 2000.0")
        .contains("tiering_cache_bytes 0.0")
        .contains("tiering_health_level 0.0")
        .contains("# TYPE tiering_tier_fullness gauge")
        .contains("tiering_tier_fullness{tier=\"hot\"}")
        .contains("tiering_tier_capacity_bytes{tier=\"cold\"}")
        .contains("tiering_health_checked_time_seconds ")
        // A status run reads no file of the applications': their counters are theirs to export.
        .doesNotContain("tiering_cache_hits")
        .doesNotContain("tiering_bytes_written");
    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void textfileReplacesTheFileWithWhatPrometheusWouldHavePrinted() throws IOException {
    Path prom = root.resolve("collector/tiering.prom");
    Files.createDirectories(prom.getParent());
    Files.writeString(prom, "# an older run\n");

    CliRun status = run("status", "--prometheus", "--interval", "0", "--textfile", prom.toString());

    assertThat(status.exitCode()).isZero();
    assertThat(status.out()).isEmpty();
    assertThat(Files.readString(prom)).contains("tiering_staging_bytes 2000.0");
    try (Stream<Path> files = Files.list(prom.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("tiering.prom");
    }
  }

  @Test
  void aCollectorReadingDuringTheWriteSeesTheWholeOldFile() throws IOException {
    Path prom = root.resolve("tiering.prom");
    Files.writeString(prom, "old 1\n");
    List<String> seenWhileWriting = new ArrayList<>();
    Storage watching =
        new ForwardingStorage(Storage.local()) {
          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            return new ForwardingPendingFile(super.create(target, mode)) {
              @Override
              public OutputStream stream() {
                return new FilterOutputStream(super.stream()) {
                  @Override
                  public void write(byte[] b, int off, int len) throws IOException {
                    // Half of the new text is written: what would a scrape read now?
                    out.write(b, off, len / 2);
                    seenWhileWriting.add(Files.readString(prom));
                    out.write(b, off + len / 2, len - len / 2);
                    seenWhileWriting.add(Files.readString(prom));
                  }
                };
              }
            };
          }
        };

    StatusCommand.publish(watching, prom, "new 2\nnew 3\n");

    assertThat(seenWhileWriting).containsExactly("old 1\n", "old 1\n");
    assertThat(Files.readString(prom)).isEqualTo("new 2\nnew 3\n");
  }

  @Test
  void textfileWithoutPrometheusIsRefusedWithTheFix() {
    CliRun status = run("status", "--textfile", root.resolve("t.prom").toString());

    assertThat(status.exitCode()).isEqualTo(TieringCli.EXIT_USAGE);
    assertThat(status.err()).contains("--textfile").contains("needs --prometheus");
    assertThat(root.resolve("t.prom")).doesNotExist();
  }

  @Test
  void promtoolAcceptsThePrometheusOutput() throws Exception {
    Path promtool = Promtool.find();
    Assumptions.assumeTrue(
        promtool != null,
        "promtool is not on PATH (apt-get install prometheus; .ci/run installs it)");
    CliRun status = run("status", "--prometheus", "--interval", "0");

    Promtool.Result check = Promtool.run(promtool, status.out(), "check", "metrics");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).isEmpty();
  }

  /** Finds and runs Debian's promtool. */
  static final class Promtool {
    record Result(int exitCode, String output) {}

    static Path find() {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
      return null;
    }

    static Result run(Path promtool, String stdin, String... args) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(promtool.toString());
      command.addAll(List.of(args));
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return new Result(process.exitValue(), output);
    }
  }
}
