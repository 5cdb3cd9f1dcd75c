package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb and the tarball that {@code mvn -Pdist package} built, as an operator gets them: the
 * package's control fields and file list ({@code dpkg-deb -I/-c}), then its files extracted into a
 * temporary root ({@code dpkg-deb -x}, never {@code dpkg -i}) and run from there, its man pages
 * rendered by {@code man}, its completion sourced by bash, its units checked by {@code
 * systemd-analyze verify} and the whole package by {@code lintian}, Debian's policy checker.
 * Nothing is written outside temporary directories.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DebianPackageIT {

  private static final String LAUNCHER_TARGET = "../share/tiering/bin/tiering";

  private static final List<String> MAN_PAGES =
      List.of(
          "tiering-archive.1",
          "tiering-cache-evict.1",
          "tiering-cache-list.1",
          "tiering-cache-promote.1",
          "tiering-cache-verify.1",
          "tiering-cache.1",
          "tiering-cleanup.1",
          "tiering-compact.1",
          "tiering-demo.1",
          "tiering-doctor.1",
          "tiering-ingest.1",
          "tiering-init.1",
          "tiering-ls.1",
          "tiering-recover.1",
          "tiering-route.1",
          "tiering-schema-diff.1",
          "tiering-schema-show.1",
          "tiering-schema-validate.1",
          "tiering-schema.1",
          "tiering-sql.1",
          "tiering-status.1",
          "tiering.1");

  private static final List<String> UNITS =
      List.of(
          "tiering-cleanup.service",
          "tiering-cleanup.timer",
          "tiering-compact.service",
          "tiering-compact.timer",
          "tiering-metrics.service",
          "tiering-metrics.timer",
          "tiering-recover.service",
          "tiering-status.service",
          "tiering-status.timer");

  private static final List<String> COMMANDS =
      List.of(
          "status", "doctor", "cleanup", "compact", "archive", "cache", "route", "schema", "ls",
          "sql", "recover", "ingest", "init", "demo", "help");

  /** A library's file name: its artifact, then its version from the first dash before a digit. */
  private static final Pattern JAR_NAME = Pattern.compile("(.+?)-(\\d.*)\\.jar");

  private static Path target;
  private static String version;

  /**
   * jdeb's Debian version: a snapshot gets the build's UTC start, so that each build is newer than
   * the last and all sort before the release (~).
   */
  private static String debianVersion;

  private static Path deb;

  /** The extracted package: what dpkg would put under /. */
  @TempDir static Path root;

  /** Work directories, demo trees and unit copies: never inside the extracted package. */
  @TempDir static Path scratch;

  @BeforeAll
  static void extractThePackage() throws Exception {
    String directory = System.getProperty("tiering.dist.directory");
    Assumptions.assumeTrue(
        directory != null, "run by the dist profile: mvn -B -Pdist -pl tiering-cli verify");
    for (String tool : List.of("dpkg-deb", "man", "systemd-analyze", "bash", "tar")) {
      Assumptions.assumeTrue(onPath(tool), tool + " is not installed (apt-get install it)");
    }
    target = Path.of(directory);
    version = System.getProperty("tiering.dist.version");
    List<Path> debs;
    try (Stream<Path> files = Files.list(target)) {
      debs = files.filter(f -> f.getFileName().toString().matches("tiering_.*_all\\.deb")).toList();
    }
    // The build deletes earlier builds' packages, so that tests and install-test take this one.
    assertThat(debs).hasSize(1);
    deb = debs.get(0);
    debianVersion = deb.getFileName().toString().replaceAll("^tiering_(.*)_all\\.deb$", "$1");
    assertThat(debianVersion)
        .matches(
            version.endsWith("-SNAPSHOT")
                ? Pattern.quote(version.replace("-SNAPSHOT", "~")) + "20\\d{12}"
                : Pattern.quote(version));
    assertThat(deb).isRegularFile();
    Run extract = run(List.of("dpkg-deb", "-x", deb.toString(), root.toString()), Map.of(), root);
    assertThat(extract.code()).as(extract.err()).isZero();
  }

  @Test
  void theControlFieldsNameThePackageItsJavaAndTheUserItAdds() throws Exception {
    Map<String, String> fields = new TreeMap<>();
    for (String line : dpkgDeb("-f", deb.toString()).split("\n")) {
      if (!line.startsWith(" ")) {
        String[] field = line.split(": ", 2);
        fields.put(field[0], field[1]);
      }
    }

    assertThat(fields)
        .containsEntry("Package", "tiering")
        .containsEntry("Version", debianVersion)
        .containsEntry("Architecture", "all")
        .containsEntry("Section", "admin")
        .containsEntry("Priority", "optional")
        .containsEntry("Depends", "openjdk-17-jre-headless | java17-runtime-headless, adduser")
        .containsKeys("Maintainer", "Installed-Size", "Description");
    assertThat(fields.keySet())
        .containsExactly(
            "Architecture",
            "Depends",
            "Description",
            "Installed-Size",
            "Maintainer",
            "Package",
            "Priority",
            "Section",
            "Version");
    assertThat(dpkgDeb("-I", deb.toString(), "conffiles")).isEqualTo("/etc/default/tiering\n");
    try (var changelog =
        new java.util.zip.GZIPInputStream(
            Files.newInputStream(root.resolve("usr/share/doc/tiering/changelog.gz")))) {
      assertThat(new String(changelog.readAllBytes(), StandardCharsets.UTF_8))
          .startsWith("tiering (" + debianVersion + ") unstable; urgency=medium\n");
    }
    assertThat(dpkgDeb("-I", deb.toString(), "postinst"))
        .contains("adduser --system --group --quiet --home /nonexistent --no-create-home tiering")
        .doesNotContain("systemctl enable");
    assertThat(dpkgDeb("-I", deb.toString()))
        .contains(" control ", " md5sums ", " conffiles ", " postinst ", " prerm ", " postrm ");
  }

  @Test
  void thePackageHoldsTheLauncherItsJarsManPagesCompletionUnitsAndDefaultsAndNothingElse()
      throws Exception {
    Map<String, String> entries = new LinkedHashMap<>();
    for (String line : dpkgDeb("-c", deb.toString()).split("\n")) {
      // drwxr-xr-x root/root 0 2026-01-01 00:00 ./usr/ (a symlink ends "-> target")
      String[] columns = line.split("\\s+", 6);
      assertThat(columns[1]).as(line).isEqualTo("root/root");
      entries.put(columns[5].substring(1), columns[0]);
    }
    List<String> files = new ArrayList<>();
    List<String> jars = new ArrayList<>();
    entries.forEach(
        (path, mode) -> {
          if (path.startsWith("/usr/share/tiering/lib/") && path.endsWith(".jar")) {
            jars.add(path.substring("/usr/share/tiering/lib/".length()));
          } else if (!mode.startsWith("d")) {
            files.add(path);
          }
        });

    List<String> expected = new ArrayList<>();
    expected.add("/usr/share/tiering/bin/tiering");
    expected.add("/usr/bin/tiering -> " + LAUNCHER_TARGET);
    expected.add("/usr/share/tiering/tiering-cli.jar");
    MAN_PAGES.forEach(page -> expected.add("/usr/share/man/man1/" + page + ".gz"));
    expected.add("/usr/share/bash-completion/completions/tiering");
    UNITS.forEach(unit -> expected.add("/lib/systemd/system/" + unit));
    expected.add("/usr/share/doc/tiering/changelog.gz");
    expected.add("/usr/share/doc/tiering/copyright");
    expected.add("/usr/share/lintian/overrides/tiering");
    expected.add("/etc/default/tiering");
    assertThat(files).containsExactlyElementsOf(expected);
    assertThat(entries.get("/usr/share/tiering/bin/tiering")).isEqualTo("-rwxr-xr-x");
    assertThat(entries.get("/etc/default/tiering")).isEqualTo("-rw-r--r--");
    assertThat(entries.get("/usr/bin/tiering -> " + LAUNCHER_TARGET)).startsWith("l");

    // Exactly the libraries ./tiering runs with from target/lib/.
    TreeSet<String> built = new TreeSet<>();
    try (Stream<Path> lib = Files.list(target.resolve("lib"))) {
      lib.forEach(jar -> built.add(jar.getFileName().toString()));
    }
    assertThat(new TreeSet<>(jars)).containsExactlyElementsOf(built);
    assertThat(jars).hasSameSizeAs(built).contains("picocli-4.7.7.jar", "slf4j-simple-2.0.17.jar");
  }

  @Test
  void theExtractedLauncherPrintsTheVersionRunsTheDemoAndExitsWithTheStatusLevel()
      throws Exception {
    Path tiering = root.resolve("usr/bin/tiering");
    List<String> before = tree(root);
    Path work = Files.createDirectory(scratch.resolve("work"));
    try {
      Run printed = run(List.of(tiering.toString(), "--version"), Map.of(), work);
      assertThat(printed.code()).as(printed.err()).isZero();
      assertThat(printed.out()).isEqualTo("tiering " + version + "\n");

      // A JAVA_HOME that is too old is passed over for the Java 17+ on the PATH.
      Path java8 = Files.createDirectories(work.resolve("jdk8/bin"));
      Files.writeString(java8.getParent().resolve("release"), "JAVA_VERSION=\"1.8.0_392\"\n");
      Files.writeString(java8.resolve("java"), "#!/bin/sh\nexit 99\n");
      assertThat(java8.resolve("java").toFile().setExecutable(true)).isTrue();
      Run fallback =
          run(
              List.of(tiering.toString(), "--version"),
              Map.of("JAVA_HOME", java8.getParent().toString()),
              work);
      assertThat(fallback.code()).as(fallback.err()).isZero();
      assertThat(fallback.out()).isEqualTo(printed.out());

      Path demo = work.resolve("demo");
      // A small run: the point is the installed jars working together, not the demo's figures.
      List<String> small = List.of("--batches", "1", "--rows-per-slm", "2000");
      List<String> command = new ArrayList<>(List.of(tiering.toString(), "demo", "--root"));
      command.add(demo.toString());
      command.addAll(small);
      Run made = run(command, Map.of(), work);
      assertThat(made.code()).as(made.err()).isZero();
      assertThat(demo.resolve("hot")).isDirectory();
      assertThat(demo.resolve("lake")).isDirectory();

      Run status =
          run(
              List.of(tiering.toString(), "status", "--interval", "0", "--root", demo.toString()),
              Map.of(),
              work);
      String level = status.out().lines().findFirst().orElse("").replaceAll(".*: ", "");
      assertThat(level).isIn("OK", "WARNING", "CRITICAL");
      assertThat(status.code())
          .as(status.out() + status.err())
          .isEqualTo(List.of("OK", "WARNING", "CRITICAL").indexOf(level));
    } finally {
      deleteTree(work);
    }
    // The launcher and the commands wrote nothing into the installed tree.
    assertThat(tree(root)).isEqualTo(before);
  }

  @Test
  void everyManPageRendersWithoutATroffWarning() throws Exception {
    for (String page : MAN_PAGES) {
      Path file = root.resolve("usr/share/man/man1/" + page + ".gz");
      Run man =
          run(
              List.of("man", "--warnings", "-l", file.toString()),
              Map.of("MANWIDTH", "80", "MANPAGER", "cat", "PAGER", "cat"),
              root);
      assertThat(man.code()).as(page + ": " + man.err()).isZero();
      assertThat(man.err()).as(page).isEmpty();
      String title = page.substring(0, page.length() - 2).toUpperCase(java.util.Locale.ROOT);
      assertThat(man.out()).as(page).startsWith(title + "(1)").contains("SYNOPSIS", "OPTIONS");
    }
    Run status =
        run(
            List.of("man", "-l", root.resolve("usr/share/man/man1/tiering-status.1.gz").toString()),
            Map.of("MANWIDTH", "200", "MANPAGER", "cat", "PAGER", "cat"),
            root);
    assertThat(status.out())
        .contains("tiering-status - Check staging size, tier fullness")
        .contains("--prometheus", "--textfile=FILE", "--interval=SECONDS", "(default: 1)");
  }

  @Test
  void theCompletionScriptCompletesEveryCommandAndTheirOptions() throws Exception {
    Path script = root.resolve("usr/share/bash-completion/completions/tiering");
    String complete =
        "source \"$1\"; COMP_WORDS=(\"${@:2}\"); COMP_CWORD=$(($# - 2));"
            + " COMP_LINE=\"${*:2}\"; COMP_POINT=${#COMP_LINE};"
            + " _complete_tiering tiering \"${@: -1}\" \"${@: -2:1}\" 2>/dev/null;"
            + " printf '%s\\n' \"${COMPREPLY[@]}\"";
    Run commands = run(List.of("bash", "-c", complete, "-", script.toString(), "tiering", ""));
    assertThat(commands.out().lines()).containsExactlyInAnyOrderElementsOf(COMMANDS);
    Run options =
        run(List.of("bash", "-c", complete, "-", script.toString(), "tiering", "status", "--pro"));
    assertThat(options.out()).isEqualTo("--prometheus\n");
    Run registered =
        run(List.of("bash", "-c", "source \"$1\"; complete -p tiering", "-", script.toString()));
    assertThat(registered.out()).startsWith("complete -o default -F _complete_tiering tiering");
  }

  @Test
  void theUnitsVerifyWithTheirPathsPointedIntoTheExtraction() throws Exception {
    Path units = Files.createDirectory(scratch.resolve("units"));
    try {
      List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=yes"));
      for (String unit : UNITS) {
        String text = Files.readString(root.resolve("lib/systemd/system/" + unit));
        if (unit.endsWith(".service")) {
          assertThat(text)
              .contains(
                  "\nUser=tiering\n",
                  "\nEnvironmentFile=-/etc/default/tiering\n",
                  "\nNoNewPrivileges=yes\nPrivateTmp=yes\n")
              .contains("\nExecStart=/usr/bin/tiering " + command(unit))
              .containsPattern("\nRequiresMountsFor=/data/(hot|lake)");
        } else {
          assertThat(text).contains("\nWantedBy=timers.target\n");
        }
        Path copy = units.resolve(unit);
        Files.writeString(
            copy,
            text.replace("/usr/bin/tiering", root.resolve("usr/bin/tiering").toString())
                .replace("/etc/default/tiering", root.resolve("etc/default/tiering").toString()));
        command.add(copy.toString());
      }
      // Documentation=man:tiering-*(1): the pages are looked up in the extracted tree.
      Run verify = run(command, Map.of("MANPATH", root.resolve("usr/share/man").toString()), units);
      assertThat(verify.err()).isEmpty();
      assertThat(verify.code()).isZero();
    } finally {
      deleteTree(units);
    }
    // The jobs settle a crash first: each wants the recover unit and runs after it.
    for (String job : List.of("cleanup", "compact", "metrics", "status")) {
      assertThat(Files.readString(root.resolve("lib/systemd/system/tiering-" + job + ".service")))
          .contains("\nWants=tiering-recover.service\nAfter=tiering-recover.service\n");
    }
    assertThat(Files.readString(root.resolve("etc/default/tiering")))
        .contains("\nTIERING_HOT_ROOT=/data/hot\n", "\nTIERING_LAKE_ROOT=/data/lake\n");
  }

  @Test
  void theTarballRunsFromItsOwnBinDirectory(@TempDir Path unpacked) throws Exception {
    Path home = untarInto(unpacked);
    assertThat(home.resolve("bin/tiering")).isExecutable();
    assertThat(home.resolve("tiering-cli.jar"))
        .hasSameBinaryContentAs(target.resolve("tiering-cli.jar"));
    assertThat(tree(home.resolve("lib")))
        .hasSize(tree(root.resolve("usr/share/tiering/lib")).size());
    Run printed = run(List.of(home.resolve("bin/tiering").toString(), "--version"));
    assertThat(printed.code()).as(printed.err()).isZero();
    assertThat(printed.out()).isEqualTo("tiering " + version + "\n");
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void lintianFindsNoErrorAndNoWarning() throws Exception {
    Assumptions.assumeTrue(onPath("lintian"), "lintian is not installed (apt-get install lintian)");
    // The one tag the package overrides, with its reason, is in
    // /usr/share/lintian/overrides/tiering (an override shown counts as a failure, so not shown).
    Run lintian =
        run(
            List.of("lintian", "--fail-on", "error,warning", deb.toString()),
            Map.of(),
            scratch,
            280);
    assertThat(lintian.out()).isEmpty();
    assertThat(lintian.code()).as(lintian.err()).isZero();
  }

  @Test
  void theCopyrightFileNamesEveryBundledLibrarysLicense() throws Exception {
    String copyright = Files.readString(root.resolve("usr/share/doc/tiering/copyright"));
    assertThat(copyright).startsWith("tiering: ").contains("no license is granted");
    try (Stream<Path> lib = Files.list(root.resolve("usr/share/tiering/lib"))) {
      for (Path jar : lib.toList()) {
        String name = jar.getFileName().toString();
        if (!name.startsWith("tiering-")) {
          // picocli-4.7.7.jar: "(Apache License, Version 2.0) picocli (info.picocli:picocli:4.7.7
          // -"
          java.util.regex.Matcher parts = JAR_NAME.matcher(name);
          assertThat(parts.matches()).as(name).isTrue();
          assertThat(copyright)
              .as(name)
              .containsPattern(
                  "(?m)^\\s*\\(.+\\) .*\\([^:\\s()]+:"
                      + Pattern.quote(parts.group(1) + ":" + parts.group(2) + " - "));
        }
      }
    }
  }

  @Test
  void theLauncherReadsPastPickedUpLinesAndTakesJavaOptsAsWordsNotFileNames(@TempDir Path work)
      throws Exception {
    Path tiering = root.resolve("usr/bin/tiering");
    // A Java 17 without a release file: its version comes from -version, after "Picked up ...".
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath();
    Path bare = Files.createDirectories(work.resolve("bare-jdk/bin"));
    Path calls = work.resolve("bare-jdk-calls");
    Files.writeString(
        bare.resolve("java"),
        "#!/bin/sh\necho \"$*\" >> '" + calls + "'\nexec '" + java + "' \"$@\"\n");
    assertThat(bare.resolve("java").toFile().setExecutable(true)).isTrue();
    Run picked =
        run(
            List.of(tiering.toString(), "--version"),
            Map.of(
                "JAVA_HOME", bare.getParent().toString(),
                "JAVA_TOOL_OPTIONS", "-Xss2m",
                "PATH", "/usr/bin/no-java-here:/bin"),
            work);
    assertThat(picked.code()).as(picked.err()).isZero();
    assertThat(picked.out()).isEqualTo("tiering " + version + "\n");
    // It ran the command line, not only -version: it was taken, not passed over for another.
    assertThat(Files.readString(calls)).contains("-jar " + root.resolve("usr/share/tiering"));

    // A file named like an option in the working directory is not what -D* means.
    Files.createFile(work.resolve("-Dsneaky=1"));
    Run options =
        run(
            List.of(tiering.toString(), "--version"),
            Map.of("JAVA_OPTS", "-XshowSettings:properties  -D*"),
            work);
    assertThat(options.code()).as(options.err()).isZero();
    assertThat(options.err()).contains("java.home = ").doesNotContain("sneaky");
  }

  @Test
  void theLauncherRefusesADirectoryJavaCannotLoadJarsFrom(@TempDir Path unpacked) throws Exception {
    Path home = untarInto(Files.createDirectory(unpacked.resolve("x!")));
    Run refused = run(List.of(home.resolve("bin/tiering").toString(), "--version"));
    assertThat(refused.code()).isEqualTo(78);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err())
        .isEqualTo(
            "tiering: cannot run from "
                + home
                + ": Java cannot load jars from a path with '!/' in it; move or rename the"
                + " directory.\n");
  }

  /** Unpacks the tarball into {@code directory}; returns its top directory. */
  private static Path untarInto(Path directory) throws IOException, InterruptedException {
    Path tarball = target.resolve("tiering-" + version + ".tar.gz");
    Run untar = run(List.of("tar", "-xzf", tarball.toString(), "-C", directory.toString()));
    assertThat(untar.code()).as(untar.err()).isZero();
    return directory.resolve("tiering-" + version);
  }

  /** The command a job unit runs: its name, but the metrics unit runs status --prometheus. */
  private static String command(String unit) {
    String job = unit.substring("tiering-".length(), unit.indexOf('.'));
    return job.equals("metrics") ? "status --prometheus" : job;
  }

  private record Run(int code, String out, String err) {}

  private static Run run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of(), root);
  }

  /** Runs a command with a bounded wait; its output goes to files beside the work directory. */
  private static Run run(List<String> command, Map<String, String> env, Path directory)
      throws IOException, InterruptedException {
    return run(command, env, directory, 100);
  }

  private static Run run(List<String> command, Map<String, String> env, Path directory, int seconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("tiering-it", ".out");
    Path err = Files.createTempFile("tiering-it", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      builder.environment().remove("JAVA_HOME");
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Run(
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String dpkgDeb(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("dpkg-deb"));
    command.addAll(List.of(args));
    Run run = run(command);
    assertThat(run.code()).as(run.err()).isZero();
    return run.out();
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> tree(Path top) throws IOException {
    try (Stream<Path> walk = Files.walk(top)) {
      return walk.map(p -> top.relativize(p) + " " + p.toFile().length()).sorted().toList();
    }
  }

  private static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(top)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
