package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review attacks on {@code status --prometheus} and {@code --textfile}. */
class PrometheusStatusReviewTest {

  @TempDir Path base;
  Path root;
  Path collector;

  @BeforeEach
  void setUp() throws IOException {
    root = base.resolve("tiers");
    collector = base.resolve("collector");
    Files.createDirectories(collector);
    Files.createDirectories(root.resolve("hot/staging"));
    Files.createDirectories(root.resolve("hot/clean"));
    Files.createDirectories(root.resolve("lake/clean"));
    Files.write(root.resolve("hot/staging/slm_1_b1.parquet"), new byte[1234]);
    Files.write(root.resolve("hot/staging/slm_2_b1.parquet"), new byte[766]);
    // A cache with a file in it, so the cache-size path runs too.
    Files.createDirectories(root.resolve("hot/clean/silver/t"));
    Files.write(root.resolve("hot/clean/silver/t/part-0.parquet"), new byte[100]);
  }

  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--root");
    all.add(root.toString());
    return CliRun.of(all.toArray(String[]::new));
  }

  /** Every entry under base, hidden ones included, with type, size, mtime and permissions. */
  private List<String> tree() throws IOException {
    try (Stream<Path> all = Files.walk(base)) {
      return all.map(
              p -> {
                try {
                  BasicFileAttributes a =
                      Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                  return base.relativize(p)
                      + " "
                      + (a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : "f")
                      + " "
                      + (a.isDirectory() ? 0 : a.size())
                      + " "
                      + a.lastModifiedTime().toMillis()
                      + " "
                      + Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sorted()
          .toList();
    }
  }

  /** The tree, without directories' mtimes (a temporary file created and removed bumps them). */
  private List<String> files() throws IOException {
    return tree().stream()
        .map(line -> line.contains(" d 0 ") ? line.substring(0, line.indexOf(" d 0 ")) : line)
        .toList();
  }

  private List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void prometheusWithoutTextfileChangesNothingEvenWithLocksAndACacheIndexAround()
      throws IOException {
    // Lock files the applications left: a run must not touch them either.
    Files.write(root.resolve("hot/staging/.staging.lock"), new byte[0]);
    Files.write(root.resolve("hot/clean/.cache.lock"), new byte[0]);
    List<String> before = tree();

    CliRun status = run("status", "--prometheus", "--interval", "0");

    assertThat(status.err()).isEmpty();
    assertThat(status.out()).contains("tiering_staging_bytes 2000.0");
    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void prometheusWithoutTextfileChangesNothingWithoutLockFiles() throws IOException {
    List<String> before = tree();

    CliRun status = run("status", "--prometheus", "--interval", "0");

    assertThat(status.out()).contains("tiering_cache_bytes");
    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void prometheusWithAMissingHotRootWritesNothingAndReportsCritical() throws IOException {
    Path gone = base.resolve("nothot");
    List<String> before = tree();

    CliRun status =
        CliRun.of(
            "status",
            "--prometheus",
            "--interval",
            "0",
            "--hot",
            gone.toString(),
            "--lake",
            root.resolve("lake").toString());

    assertThat(status.out()).contains("tiering_health_level 2.0");
    assertThat(status.exitCode()).isEqualTo(2);
    assertThat(gone).doesNotExist();
    assertThat(tree()).isEqualTo(before);
  }

  /** Found by review: a typo in the directory silently created it (as root) and wrote there. */
  @Test
  void aTextfileInAMissingDirectoryIsRefusedAndCreatesNothing() throws IOException {
    Path prom = base.resolve("no/such/dir/tiering.prom");

    CliRun status = run("status", "--prometheus", "--interval", "0", "--textfile", prom.toString());

    assertThat(base.resolve("no")).as("directories created by --textfile").doesNotExist();
    assertThat(status.exitCode()).isNotZero();
    assertThat(status.err()).contains(prom.getParent().toString());
  }

  @Test
  void textfileThatIsADirectoryIsAClearErrorAndLeavesNoTemporary() throws IOException {
    Path dir = collector.resolve("tiering.prom");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("keep.txt"), "x");
    List<String> before = files();

    CliRun status = run("status", "--prometheus", "--interval", "0", "--textfile", dir.toString());

    assertThat(status.exitCode()).isNotZero();
    assertThat(status.err()).contains(dir.toString());
    assertThat(files()).isEqualTo(before);
    assertThat(names(collector)).containsExactly("tiering.prom");
  }

  @Test
  void textfileThatIsAnEmptyDirectoryIsAClearErrorAndLeavesNoTemporary() throws IOException {
    Path dir = collector.resolve("tiering.prom");
    Files.createDirectories(dir);
    List<String> before = files();

    CliRun status = run("status", "--prometheus", "--interval", "0", "--textfile", dir.toString());

    assertThat(status.exitCode()).isNotZero();
    assertThat(files()).isEqualTo(before);
  }

  /** Found by review: the rename replaced the link itself, leaving its target stale. */
  @Test
  void aTextfileThatIsASymlinkIsRefusedAndLeftAsItWas() throws IOException {
    Path elsewhere = base.resolve("elsewhere.prom");
    Files.writeString(elsewhere, "# theirs\n");
    Path link = collector.resolve("tiering.prom");
    Files.createSymbolicLink(link, elsewhere);

    CliRun status = run("status", "--prometheus", "--interval", "0", "--textfile", link.toString());

    boolean stillLink = Files.isSymbolicLink(link);
    String elsewhereNow = Files.readString(elsewhere);
    assertThat(names(collector)).containsExactly("tiering.prom");
    assertThat(stillLink).as("the symlink is still a symlink").isTrue();
    assertThat(elsewhereNow).isEqualTo("# theirs\n");
    assertThat(status.exitCode()).as("a clear error").isNotZero();
  }

  @Test
  void textfileWithADanglingSymlinkParent() throws IOException {
    Path linkDir = base.resolve("linkdir");
    Files.createSymbolicLink(linkDir, base.resolve("missing-target"));
    Path prom = linkDir.resolve("tiering.prom");

    CliRun status = run("status", "--prometheus", "--interval", "0", "--textfile", prom.toString());

    assertThat(base.resolve("missing-target")).doesNotExist();
    assertThat(status.exitCode()).isNotZero();
  }

  @Test
  void aReaderPollingTheTextfileNeverSeesAPartOrNothing() throws Exception {
    Path prom = collector.resolve("tiering.prom");
    CliRun first = run("status", "--prometheus", "--interval", "0", "--textfile", prom.toString());
    assertThat(first.exitCode()).isZero();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> bad = new AtomicReference<>();
    AtomicInteger reads = new AtomicInteger();
    Thread reader =
        new Thread(
            () -> {
              while (!stop.get()) {
                try {
                  String text = Files.readString(prom);
                  reads.incrementAndGet();
                  if (!text.contains("tiering_health_level")
                      || !text.endsWith("\n")
                      || !text.contains("tiering_staging_bytes 2000.0")) {
                    bad.compareAndSet(null, text);
                  }
                } catch (IOException e) {
                  bad.compareAndSet(null, e.toString());
                }
              }
            });
    reader.start();
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(
                run("status", "--prometheus", "--interval", "0", "--textfile", prom.toString())
                    .exitCode())
            .isZero();
      }
    } finally {
      stop.set(true);
      reader.join();
    }
    assertThat(bad.get()).isNull();
    assertThat(reads.get()).isPositive();
    assertThat(names(collector)).containsExactly("tiering.prom");
  }

  @Test
  void prometheusWithACacheBudgetOfZeroIsAUsageError() {
    CliRun status = run("status", "--prometheus", "--interval", "0", "--cache-budget", "0");
    CliRun plain = run("status", "--interval", "0", "--cache-budget", "0");

    assertThat(status.exitCode()).isEqualTo(plain.exitCode());
  }
}
