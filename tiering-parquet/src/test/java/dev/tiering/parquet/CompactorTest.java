package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.HotCache;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.SidecarStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");
  private static final TableName TABLE = TableName.of("slm_predictions");

  @TempDir Path base;

  private PathResolver paths() throws java.io.IOException {
    return new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  private Path partition() {
    return base.resolve("lake/clean/silver/slm_predictions/2025/11/10");
  }

  /** {@code files} small lake writes of {@code rows} rows each, all in one partition. */
  private void smallFiles(int files, int rows) throws IOException {
    LakeWriter lake = LakeWriter.builder(paths()).clock(Clock.fixed(NOON, ZoneOffset.UTC)).build();
    for (int f = 0; f < files; f++) {
      lake.writeCleanData(
          Predictions.schema(), Predictions.rows(rows, NOON.plusSeconds(f * 1000L), f));
    }
  }

  private List<Path> parquetFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
  }

  /** A copy of the partition as it is now, for DuckDB to compare against later. */
  private Path snapshot() throws IOException {
    Path copy = Files.createDirectories(base.resolve("reference-" + System.nanoTime()));
    for (Path file : parquetFiles(partition())) {
      Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
    }
    return copy;
  }

  /**
   * Rows in one set and not the other, both ways, counting duplicates: 0 means the same multiset.
   */
  private static long multisetDifference(Path expectedDir, Path actualDir) throws Exception {
    String expected = "read_parquet(" + Duck.literal(expectedDir.resolve("*.parquet")) + ")";
    String actual = "read_parquet(" + Duck.literal(actualDir.resolve("*.parquet")) + ")";
    long missing =
        ((Number)
                Duck.scalar(
                    "SELECT count(*) FROM (SELECT * FROM "
                        + expected
                        + " EXCEPT ALL SELECT * FROM "
                        + actual
                        + ")"))
            .longValue();
    long extra =
        ((Number)
                Duck.scalar(
                    "SELECT count(*) FROM (SELECT * FROM "
                        + actual
                        + " EXCEPT ALL SELECT * FROM "
                        + expected
                        + ")"))
            .longValue();
    return missing + extra;
  }

  @Test
  void twoHundredSmallFilesBecomeOneWithTheSameMultisetOfRows() throws Exception {
    smallFiles(200, 50);
    Path reference = snapshot();

    LifecycleReport report =
        Compactor.builder(paths())
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.SILVER, TABLE)
            .execute();

    assertThat(report.actions(LifecycleReport.Verb.COMPACTED)).hasSize(200);
    assertThat(report.actions(LifecycleReport.Verb.WRITTEN)).hasSize(1);
    assertThat(parquetFiles(partition())).hasSize(1);
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(partition().resolve("*.parquet"))
                    + ")"))
        .isEqualTo(10_000L);
    assertThat(multisetDifference(reference, partition())).isZero();
    try (Stream<Path> left = Files.list(partition())) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.endsWith(".journal") || Storage.isTemporary(n));
    }
  }

  /** Local storage whose deletes of the chosen files fail as {@code chattr +i} makes them fail. */
  private static final class ImmutableFiles extends dev.tiering.core.storage.ForwardingStorage {
    final java.util.Set<Path> immutable = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ImmutableFiles() {
      super(Storage.local());
    }

    @Override
    public boolean delete(Path path) throws IOException {
      if (immutable.contains(path)) {
        throw new java.nio.file.FileSystemException(
            path.toString(), null, "Operation not permitted");
      }
      return delegate().delete(path);
    }
  }

  private long globRows(Path dir) throws Exception {
    return ((Number)
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(dir.resolve("**/*.parquet"))
                    + ")"))
        .longValue();
  }

  /**
   * An input that cannot be deleted after the compaction's commit point (an immutable file, a
   * permission error): the compaction says it committed and what finishes it, goes on with the
   * other partitions, and status and doctor warn, naming the table, until recovery finishes it.
   * Before, the whole table failed with a bare "Operation not permitted" and status said OK while a
   * glob read the partition's rows twice.
   */
  @Test
  void anInputThatCannotBeDeletedAfterTheCommitPointIsReportedUntilRecoveryFinishesIt()
      throws Exception {
    smallFiles(4, 100);
    Instant nextDay = NOON.plus(java.time.Duration.ofDays(1));
    LakeWriter lake =
        LakeWriter.builder(paths()).clock(Clock.fixed(nextDay, ZoneOffset.UTC)).build();
    for (int f = 0; f < 3; f++) {
      lake.writeCleanData(Predictions.schema(), Predictions.rows(100, nextDay, 10 + f));
    }
    Path table = base.resolve("lake/clean/silver/slm_predictions");
    Path stuck = parquetFiles(partition()).get(1);
    ImmutableFiles storage = new ImmutableFiles();
    storage.immutable.add(stuck);
    dev.tiering.Tiering tiering = dev.tiering.Tiering.builder().root(base).storage(storage).build();

    LifecycleReport report =
        Compactor.builder(paths())
            .storage(storage)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.SILVER, TABLE)
            .execute();

    assertThat(report.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo(stuck);
              assertThat(f.describe())
                  .startsWith(
                      "cannot delete: operation not permitted after its compaction"
                          + " committed (journal .compaction-")
                  .contains("a glob over the partition reads them twice until 'tiering recover'");
            });
    // The other partition was compacted too: 3 files to 1.
    assertThat(parquetFiles(table.resolve("2025/11/11"))).hasSize(1);
    assertThat(globRows(table)).isEqualTo(700 + 100);
    assertThat(readerRows(storage)).isEqualTo(700);
    assertThat(tiering.unfinishedWork().find())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.kind()).isEqualTo(UnfinishedWork.Kind.COMPACTION_UNFINISHED);
              assertThat(item.path().getParent()).isEqualTo(partition());
            });
    dev.tiering.core.health.HealthReport health = tiering.health().check();
    assertThat(health.level()).isEqualTo(dev.tiering.core.health.HealthLevel.WARNING);
    assertThat(health.format())
        .contains(
            "silver.slm_predictions: a compaction of partition 2025/11/10 is running or stopped")
        .contains("run 'tiering recover' to finish the work");
    assertThat(tiering.doctor().examine())
        .filteredOn(f -> f.check().equals("unfinished work"))
        .singleElement()
        .satisfies(
            f -> assertThat(f.level()).isEqualTo(dev.tiering.core.health.HealthLevel.WARNING));

    // The operator fixes what stopped the delete; recovery finishes the compaction.
    storage.immutable.clear();
    Compactor.builder(paths()).storage(storage).build().recover(Zone.SILVER, TABLE);
    assertThat(globRows(table)).isEqualTo(700);
    assertThat(readerRows(storage)).isEqualTo(700);
    assertThat(tiering.unfinishedWork().find()).isEmpty();
    assertThat(tiering.health().check().checks())
        .filteredOn(c -> c.name().equals("unfinished work"))
        .singleElement()
        .satisfies(c -> assertThat(c.level()).isEqualTo(dev.tiering.core.health.HealthLevel.OK));
  }

  private long readerRows(Storage storage) throws IOException {
    long rows = 0;
    try (ParquetRowReader scan =
        new LakeReader(
                paths(), storage, new SidecarStore(paths(), storage, Clock.systemUTC()), null)
            .scan(Zone.SILVER, TABLE)) {
      while (scan.next()) {
        rows++;
      }
    }
    return rows;
  }

  /**
   * A file with the table's column names in other types, dropped into a partition under a plain
   * name or a commit's, is left where it is and reported, and the table's own files are merged.
   * Before, the merge read it and failed the whole table.
   */
  @Test
  void aForeignFileIsLeftOutOfTheMergeAndReportedWhileTheRestIsMerged() throws Exception {
    smallFiles(3, 40);
    Path plain = partition().resolve("dropped.parquet");
    Path numbered =
        partition().resolve("part-0000000001-1f1e1d1c-1b1a-4919-8817-161514131211.parquet");
    for (Path file : List.of(plain, numbered)) {
      Duck.execute(
          "COPY (SELECT TIMESTAMPTZ '2025-11-10 13:00:00+00' AS timestamp, 'x' AS slm_id,"
              + " 'y' AS prediction) TO "
              + Duck.literal(file));
    }
    Path reference = snapshot();
    Files.delete(reference.resolve(plain.getFileName()));
    Files.delete(reference.resolve(numbered.getFileName()));
    Compactor compactor = Compactor.builder(paths()).minCommitAge(java.time.Duration.ZERO).build();

    LifecycleReport preview = compactor.compact(Zone.SILVER, TABLE).preview();
    LifecycleReport report = compactor.compact(Zone.SILVER, TABLE).execute();

    for (LifecycleReport run : List.of(preview, report)) {
      assertThat(run.failures()).isEmpty();
      assertThat(run.actions(LifecycleReport.Verb.COMPACTED)).hasSize(3);
      assertThat(run.actions(LifecycleReport.Verb.KEPT))
          .extracting(LifecycleReport.Action::path, LifecycleReport.Action::detail)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(
                  plain,
                  "foreign, never merged nor read: its name has no commit number, so no commit of"
                      + " the table wrote it (the SDK names its files"
                      + " part-<commit>-<uuid>.parquet) (move it out of the lake)"),
              org.assertj.core.groups.Tuple.tuple(
                  numbered,
                  "foreign, never merged nor read: its footer names no table: the tiering SDK"
                      + " did not write it (move it out of the lake)"));
    }
    assertThat(plain).exists();
    assertThat(numbered).exists();
    List<Path> left = parquetFiles(partition());
    assertThat(left).hasSize(3).contains(plain, numbered);
    Path merged =
        left.stream()
            .filter(p -> p.toString().endsWith("-compacted.parquet"))
            .findFirst()
            .orElseThrow();
    Path mergedOnly = Files.createDirectories(base.resolve("merged"));
    Files.copy(merged, mergedOnly.resolve(merged.getFileName()));
    assertThat(multisetDifference(reference, mergedOnly)).isZero();
  }

  @Test
  void aDryRunReportsThePlanAndChangesNothing() throws Exception {
    smallFiles(5, 10);
    List<Path> before = parquetFiles(partition());
    LifecycleReport dry =
        Compactor.builder(paths())
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.SILVER, TABLE)
            .preview();
    assertThat(dry.actions(LifecycleReport.Verb.COMPACTED)).hasSize(5);
    assertThat(dry.actions(LifecycleReport.Verb.WRITTEN))
        .singleElement()
        .satisfies(a -> assertThat(a.detail()).isEqualTo("about 1 file(s)"));
    assertThat(parquetFiles(partition())).isEqualTo(before);
  }

  @Test
  void largeFilesAreReportedAndLeftAlone() throws Exception {
    smallFiles(3, 10);
    LifecycleReport report =
        Compactor.builder(paths())
            .minCommitAge(java.time.Duration.ZERO)
            .largeFileBytes(100)
            .smallFileBytes(50)
            .build()
            .compact(Zone.SILVER, TABLE)
            .execute();
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .hasSize(3)
        .allSatisfy(a -> assertThat(a.detail()).contains("too large for partition pruning"));
    assertThat(parquetFiles(partition())).hasSize(3);
  }

  /** Thrown by the step hook: like a crash, nothing catches it and no rollback runs. */
  private static final class SimulatedCrash extends Error {
    SimulatedCrash(String step) {
      super("crash after " + step);
    }
  }

  @Test
  void aCrashAfterEveryStepFollowedByARerunLeavesEveryRowExactlyOnce() throws Exception {
    smallFiles(12, 2000);
    Path pristine = snapshot();
    List<String> stepNames = new ArrayList<>();
    WriterSettings smallOutputs =
        WriterSettings.lake().toBuilder()
            .targetFileBytes(1024 * 1024)
            .rowGroupBytes(1024 * 1024)
            .build();
    // One uninterrupted run learns the protocol's steps; every later run restores the data first.
    Compactor.builder(paths())
        .minCommitAge(java.time.Duration.ZERO)
        .settings(smallOutputs)
        .steps(stepNames::add)
        .build()
        .compact(Zone.SILVER, TABLE)
        .execute();
    assertThat(stepNames).contains("journal", "outputs", "published", "done");
    assertThat(stepNames.size()).isGreaterThan(12 + 4);

    for (int crashAt = 0; crashAt < stepNames.size(); crashAt++) {
      restore(pristine);
      AtomicInteger step = new AtomicInteger();
      int target = crashAt;
      Compactor crashing =
          Compactor.builder(paths())
              .minCommitAge(java.time.Duration.ZERO)
              .settings(smallOutputs)
              .steps(
                  name -> {
                    if (step.getAndIncrement() == target) {
                      throw new SimulatedCrash(name);
                    }
                  })
              .build();
      assertThatThrownBy(() -> crashing.compact(Zone.SILVER, TABLE).execute())
          .isInstanceOf(SimulatedCrash.class);
      try (Stream<Path> left = Files.list(partition())) {
        assertThat(left.filter(p -> p.getFileName().toString().endsWith(".journal")).count())
            .as("journal left by a crash at %s", stepNames.get(crashAt))
            .isEqualTo(stepNames.get(crashAt).equals("done") ? 0 : 1);
      }

      long seen = 0;
      try (ParquetRowReader rows = new LakeReader(paths()).scan(Zone.SILVER, TABLE)) {
        while (rows.next()) {
          seen++;
        }
      }
      assertThat(seen)
          .as("rows the SDK reader sees after a crash at %s", stepNames.get(crashAt))
          .isEqualTo(24_000);

      Compactor.builder(paths())
          .minCommitAge(java.time.Duration.ZERO)
          .settings(smallOutputs)
          .build()
          .compact(Zone.SILVER, TABLE)
          .execute();
      assertThat(multisetDifference(pristine, partition()))
          .as("rows after a crash at %s and a rerun", stepNames.get(crashAt))
          .isZero();
      try (Stream<Path> left = Files.list(partition())) {
        assertThat(left.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.endsWith(".journal"));
      }
    }
  }

  private void restore(Path pristine) throws IOException {
    for (Path file : parquetFiles(partition())) {
      Files.delete(file);
    }
    try (Stream<Path> hidden = Files.list(partition())) {
      for (Path file :
          hidden.filter(p -> p.getFileName().toString().endsWith(".journal")).toList()) {
        Files.delete(file);
      }
    }
    for (Path file : parquetFiles(pristine)) {
      Files.copy(file, partition().resolve(file.getFileName()));
    }
  }

  @Test
  void readsGoToTheSsdCopyWhenCachedAndFallBackWhenItVanishes() throws Exception {
    smallFiles(3, 100);
    PathResolver paths = paths();
    HotCache cache = HotCache.builder(paths).build();
    cache.promote(partition()).execute();
    LakeReader cached = new LakeReader(paths, Storage.local(), new SidecarStore(paths), cache);

    List<Path> readFrom = new ArrayList<>();
    long rows = 0;
    try (ParquetRowReader reader = cached.scan(Zone.SILVER, TABLE)) {
      while (reader.next()) {
        if (readFrom.isEmpty() || !readFrom.get(readFrom.size() - 1).equals(reader.currentFile())) {
          readFrom.add(reader.currentFile());
        }
        rows++;
      }
    }
    assertThat(rows).isEqualTo(300);
    assertThat(readFrom).hasSize(3).allMatch(p -> p.startsWith(base.resolve("hot/clean")));

    try (ParquetRowReader reader = cached.scan(Zone.SILVER, TABLE)) {
      Files.delete(cache.entries().get(2).cacheFile());
      long count = 0;
      while (reader.next()) {
        count++;
      }
      assertThat(count).isEqualTo(300);
    }
  }

  @Test
  void aPartitionThatCannotBeLockedIsReportedAndTheOtherPartitionsAreStillCompacted()
      throws Exception {
    smallFiles(3, 20); // 2025/11/10
    Instant nextDay = NOON.plus(java.time.Duration.ofDays(1));
    LakeWriter lake =
        LakeWriter.builder(paths()).clock(Clock.fixed(nextDay, ZoneOffset.UTC)).build();
    for (int f = 0; f < 3; f++) {
      lake.writeCleanData(
          Predictions.schema(), Predictions.rows(20, nextDay.plusSeconds(f * 1000L), 10 + f));
    }
    // As the service user meets a lock root made: permission denied, for one partition only.
    Storage denying =
        new dev.tiering.core.storage.ForwardingStorage(Storage.local()) {
          @Override
          public java.util.Optional<java.io.Closeable> tryLock(
              Path lockFile,
              String key,
              dev.tiering.core.storage.LockMode mode,
              java.time.Duration t)
              throws IOException {
            if (key.endsWith("2025/11/10")) {
              throw new java.nio.file.AccessDeniedException(lockFile.toString());
            }
            return super.tryLock(lockFile, key, mode, t);
          }
        };

    LifecycleReport report =
        Compactor.builder(paths())
            .storage(denying)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.SILVER, TABLE)
            .execute();

    assertThat(parquetFiles(partition())).hasSize(3);
    assertThat(parquetFiles(base.resolve("lake/clean/silver/slm_predictions/2025/11/11")))
        .hasSize(1);
    assertThat(report.failures())
        .containsExactly(
            new LifecycleReport.Failure(
                partition(),
                "lock",
                "permission denied ("
                    + base.resolve("lake/clean/silver/slm_predictions/.partitions.lock")
                    + ")"));
  }

  /**
   * Previews are the truth for compaction too: on seeded tables (partitions of 1 to 5 small files,
   * some damaged, some under names a journal cannot hold, some compactions stopped after a random
   * step before or after their commit point, small or default size limits) the preview changes
   * nothing, the execution reports the same actions and failures in the same words and order (the
   * outputs aside: their names are drawn when written, so the preview names their partition), and
   * the tree changes exactly as the execution's report says.
   */
  @Test
  void aCompactionDoesWhatItsPreviewSaidOnSeededPartitions() {
    int[] count = {0};
    dev.tiering.core.testing.Seeded.<Long>forAll(
        12,
        List.of(),
        java.util.Random::nextLong,
        seed -> "table " + seed,
        seed -> previewIsTheTruth(base.resolve("case-" + count[0]++), new java.util.Random(seed)));
  }

  private void previewIsTheTruth(Path root, java.util.Random random) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    int days = 1 + random.nextInt(3);
    for (int d = 0; d < days; d++) {
      // A partition per day: lake writes go to the partition of their clock's day.
      LakeWriter lake =
          LakeWriter.builder(paths)
              .clock(Clock.fixed(NOON.minus(java.time.Duration.ofDays(d)), ZoneOffset.UTC))
              .build();
      for (int f = 0; f < 1 + random.nextInt(5); f++) {
        lake.writeCleanData(
            Predictions.schema(),
            Predictions.rows(
                1 + random.nextInt(20),
                NOON.minus(java.time.Duration.ofDays(d)),
                random.nextLong()));
      }
    }
    List<Path> partitions;
    try (Stream<Path> all = Files.walk(paths.tableDir(Zone.SILVER, TABLE))) {
      partitions =
          all.filter(p -> p.getFileName().toString().matches("\\d{2}") && p.getNameCount() > 0)
              .filter(p -> p.getParent().getParent().getFileName().toString().matches("\\d{4}"))
              .sorted()
              .toList();
    }
    for (Path dir : partitions) {
      List<Path> files = parquetFiles(dir);
      switch (random.nextInt(4)) {
        case 0 -> {
          byte[] whole = Files.readAllBytes(files.get(0));
          Files.write(
              dir.resolve("part-damaged.parquet"),
              java.util.Arrays.copyOf(whole, whole.length / 2));
        }
        case 1 -> Files.copy(files.get(0), dir.resolve("part copy.parquet"));
        default -> {}
      }
    }
    Compactor.Builder builder = Compactor.builder(paths).minCommitAge(java.time.Duration.ZERO);
    if (random.nextBoolean()) {
      builder.largeFileBytes(1500).smallFileBytes(1400);
    }
    if (random.nextInt(3) == 0) {
      int stopAt = random.nextInt(12);
      AtomicInteger step = new AtomicInteger();
      Compactor crashing =
          Compactor.builder(paths)
              .minCommitAge(java.time.Duration.ZERO)
              .steps(
                  name -> {
                    if (step.getAndIncrement() == stopAt) {
                      throw new SimulatedCrash(name);
                    }
                  })
              .build();
      try {
        crashing.compact(Zone.SILVER, TABLE).execute();
      } catch (SimulatedCrash stopped) {
        // left as a crash leaves it: a journal before or after its commit point
      }
    }
    Compactor compactor = builder.build();

    java.util.Map<String, String> before = tree(root, false);
    LifecycleReport preview = compactor.compact(Zone.SILVER, TABLE).preview();
    assertThat(tree(root, false)).as("a preview changes nothing").isEqualTo(before);
    java.util.Map<String, String> data = tree(root, true);
    LifecycleReport done = compactor.compact(Zone.SILVER, TABLE).execute();

    assertThat(withoutOutputs(done)).isEqualTo(withoutOutputs(preview));
    assertThat(done.failures()).isEqualTo(preview.failures());
    assertThat(
            done.actions(LifecycleReport.Verb.WRITTEN).stream()
                .map(a -> a.path().getParent())
                .distinct()
                .toList())
        .isEqualTo(
            preview.actions(LifecycleReport.Verb.WRITTEN).stream()
                .map(LifecycleReport.Action::path)
                .distinct()
                .toList());
    java.util.Map<String, String> expected = new java.util.TreeMap<>(data);
    for (LifecycleReport.Action action : done.actions()) {
      String key = root.relativize(action.path()).toString();
      switch (action.verb()) {
        case DELETED, COMPACTED -> assertThat(expected.remove(key)).as(key).isNotNull();
        case WRITTEN -> expected.put(key, digest(action.path()));
        default -> {}
      }
    }
    assertThat(tree(root, true)).isEqualTo(expected);
  }

  private static List<LifecycleReport.Action> withoutOutputs(LifecycleReport report) {
    return report.actions().stream().filter(a -> a.verb() != LifecycleReport.Verb.WRITTEN).toList();
  }

  /** Every file under {@code root} and its digest; with {@code dataOnly}, only visible ones. */
  private static java.util.Map<String, String> tree(Path root, boolean dataOnly)
      throws IOException {
    java.util.Map<String, String> files = new java.util.TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path path : (Iterable<Path>) all::iterator) {
        if (Files.isRegularFile(path)
            && !(dataOnly && path.getFileName().toString().startsWith("."))) {
          files.put(root.relativize(path).toString(), digest(path));
        }
      }
    }
    return files;
  }

  private static String digest(Path file) throws IOException {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private long sdkRows() throws IOException {
    long seen = 0;
    try (ParquetRowReader rows = new LakeReader(paths()).scan(Zone.SILVER, TABLE)) {
      while (rows.next()) {
        seen++;
      }
    }
    return seen;
  }

  /**
   * An operator restores a partition from last night's backup (taken before a compaction) with
   * {@code cp -n} / {@code rsync} without {@code --delete}: the compaction's inputs come back
   * beside its output. Their names carry commit numbers the table applied and their footers are the
   * table's, so by the rule of {@link TableFiles} they are the table's own: every row is read
   * twice, {@code ls} and {@code foreign} say nothing, and the next compaction makes the duplicates
   * permanent. A table is what its commits wrote: a file a compaction replaced is not.
   */
  @Test
  void aCompactionsInputRestoredFromABackupIsNeitherReadTwiceNorMergedAgain() throws Exception {
    smallFiles(3, 40);
    Path backup = snapshot();
    Compactor compactor = Compactor.builder(paths()).minCommitAge(java.time.Duration.ZERO).build();
    compactor.compact(Zone.SILVER, TABLE).execute();
    assertThat(sdkRows()).isEqualTo(120);
    try (Stream<Path> files = Files.list(backup)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.copy(file, partition().resolve(file.getFileName()));
      }
    }
    List<LakeReader.Foreign> foreign = new LakeReader(paths()).foreign(Zone.SILVER, TABLE);
    long seen = sdkRows();
    compactor.compact(Zone.SILVER, TABLE).execute();
    long afterSecondCompaction = sdkRows();
    assertThat(List.of(seen, afterSecondCompaction))
        .as("rows read after the restore, then after the next compaction (foreign: %s)", foreign)
        .containsExactly(120L, 120L);
    assertThat(foreign)
        .hasSize(3)
        .allSatisfy(f -> assertThat(f.reason()).startsWith("a compaction merged it into part-"));
  }

  /** A {@code cp} of a table's file under a new uuid is a copy: its footer names the original. */
  @Test
  void aFileCopiedUnderANewNameIsNotReadTwice() throws Exception {
    smallFiles(2, 40);
    Path original = parquetFiles(partition()).get(0);
    String name = original.getFileName().toString();
    Path copy =
        partition().resolve(name.substring(0, 16) + "0f0e0d0c-0b0a-4909-8807-060504030201.parquet");
    Files.copy(original, copy);

    assertThat(sdkRows()).isEqualTo(80);
    assertThat(new LakeReader(paths()).foreign(Zone.SILVER, TABLE))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.path()).isEqualTo(copy);
              assertThat(f.reason()).startsWith("a copy of the table's file ");
            });
    Compactor.builder(paths())
        .minCommitAge(java.time.Duration.ZERO)
        .build()
        .compact(Zone.SILVER, TABLE)
        .execute();
    assertThat(sdkRows()).isEqualTo(80);
    assertThat(copy).exists();
  }

  /**
   * A restore to the wrong place ({@code cp -a 2025/11/10 1970/01/01}): the copies keep the names
   * and footers of committed files. Their footers name the day they were written to, so they are
   * foreign where they are: not read, and not merged into a file of that day.
   */
  @Test
  void aPartitionCopiedUnderAnotherDateIsNeitherReadNorMerged() throws Exception {
    smallFiles(2, 40);
    Path elsewhere = Files.createDirectories(partition().resolveSibling("../../1970/01/01"));
    for (Path file : parquetFiles(partition())) {
      Files.copy(file, elsewhere.resolve(file.getFileName()));
    }

    assertThat(sdkRows()).isEqualTo(80);
    assertThat(new LakeReader(paths()).foreign(Zone.SILVER, TABLE))
        .hasSize(2)
        .allSatisfy(
            f ->
                assertThat(f.reason())
                    .isEqualTo(
                        "its footer says it was written to the partition of 2025-11-10, not of"
                            + " 1970-01-01 (copied to another date?)"));
    Compactor.builder(paths())
        .minCommitAge(java.time.Duration.ZERO)
        .build()
        .compact(Zone.SILVER, TABLE)
        .execute();
    assertThat(sdkRows()).isEqualTo(80);
    assertThat(parquetFiles(elsewhere.normalize())).hasSize(2);
  }
}
