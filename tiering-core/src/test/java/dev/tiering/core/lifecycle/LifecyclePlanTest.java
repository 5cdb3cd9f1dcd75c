package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.Seeded;
import dev.tiering.core.testing.TickingClock;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Previews are the truth: on seeded trees (staging batches with and without records, some files
 * dated in the future or in 1970, held batches, links, foreign files; lake partitions of every
 * layout with plausible and implausible dates, interrupted compactions before and after their
 * commit point, directories and FIFOs named like data files; archived partitions with and without
 * arrival records; a cache over a small budget with missing copies; raw input already ingested),
 * every lifecycle operation of this module is previewed, then executed, and:
 *
 * <ul>
 *   <li>the preview changed nothing at all (every entry's kind, size and bytes);
 *   <li>the execution did exactly what the preview said: the same actions, in the same words, bytes
 *       and order, and the same failures;
 *   <li>the tree changed exactly as the execution's report says: each deleted, evicted or merged
 *       path gone, each archived or cached one at its target with the same bytes, each written one
 *       there, and nothing else changed (the SDK's own bookkeeping aside: lock files, records,
 *       journals and epoch markers, which reports do not list).
 * </ul>
 *
 * Replay a failing case with {@code -Dtiering.test.seed=<seed>}.
 */
class LifecyclePlanTest {

  private static final Instant NOW = Instant.parse("2025-11-10T12:00:00Z");
  private static final int CASES = 30;

  @TempDir Path base;

  @Test
  void everyExecutionDoesExactlyWhatItsPreviewSaidOnSeededTrees() {
    int[] count = {0};
    Seeded.<Long>forAll(
        CASES,
        List.of(),
        Random::nextLong,
        seed -> "tree " + seed,
        seed -> new Case(base.resolve("case-" + count[0]++), new Random(seed)).check());
  }

  /** One seeded tree and the operations run on it. */
  private static final class Case {
    private final Path root;
    private final Random random;
    private final PathResolver paths;
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<BatchId> batchIds = new ArrayList<>();
    private final List<Path> lakeTargets = new ArrayList<>();
    private final List<Closeable> holds = new ArrayList<>();
    private Path input;
    private HotCache cache;

    Case(Path root, Random random) throws IOException {
      this.root = root;
      this.random = random;
      this.paths = new PathResolver(Storage.createRoots(TierLayout.under(root)));
    }

    void check() throws Exception {
      Files.createDirectories(root.resolve("outside"));
      stagingTree();
      lakeTree();
      archiveTree();
      cacheTree();
      rawInput();
      try {
        for (int round = 0; round < 2; round++) {
          check("cleanup old batches", janitor().cleanupOldBatches(random.nextInt(4)));
          check(
              "cleanup one batch",
              janitor().cleanupBatch(batchIds.get(random.nextInt(batchIds.size()))));
          check("retention", new Archiver(paths, Storage.local(), clock).apply(policy()));
          check("cache promote", cache.promote(pick(lakeTargets)));
          check("cache evict", cache.evict(pick(lakeTargets)));
          check("cache verify", cache.verify());
          check("ingest", new RawIngestor(paths, Storage.local(), clock).ingest(input, source()));
        }
      } finally {
        for (Closeable hold : holds) {
          hold.close();
        }
      }
    }

    private void check(String what, LifecyclePlan plan) throws IOException {
      Map<String, String> before = snapshot(false);
      LifecycleReport preview = null;
      Exception previewError = null;
      try {
        preview = plan.preview();
      } catch (IOException | RuntimeException e) {
        previewError = e;
      }
      assertThat(snapshot(false)).as("%s: a preview changes nothing", what).isEqualTo(before);
      Map<String, String> data = snapshot(true);
      LifecycleReport done = null;
      Exception executionError = null;
      try {
        done = plan.execute();
      } catch (IOException | RuntimeException e) {
        executionError = e;
      }
      if (previewError != null || executionError != null) {
        assertThat(String.valueOf(executionError))
            .as("%s: the execution fails as its preview did", what)
            .isEqualTo(String.valueOf(previewError));
        assertThat(snapshot(true))
            .as("%s: a refused execution changes nothing", what)
            .isEqualTo(data);
        return;
      }
      assertThat(done.actions())
          .as("%s: what the execution did", what)
          .isEqualTo(preview.actions());
      assertThat(done.failures()).as("%s: what failed", what).isEqualTo(preview.failures());
      assertThat(snapshot(true))
          .as("%s: the tree changed as the report says", what)
          .isEqualTo(expected(data, done));
    }

    /** The tree as the report says the execution left it. */
    private Map<String, String> expected(Map<String, String> before, LifecycleReport report)
        throws IOException {
      Map<String, String> after = new TreeMap<>(before);
      for (LifecycleReport.Action action : report.actions()) {
        String path = key(action.path());
        switch (action.verb()) {
          case DELETED, COMPACTED -> assertThat(after.remove(path)).as(path).isNotNull();
          case EVICTED -> {
            // An eviction whose copy was already gone frees nothing and says so.
            boolean gone = action.detail().contains("its copy was already gone");
            assertThat(after.remove(path) == null).as(path).isEqualTo(gone);
          }
          case ARCHIVED -> {
            String moved = after.remove(path);
            assertThat(moved).as(path).isNotNull();
            after.put(key(Path.of(action.detail().split("; ")[0])), moved);
          }
          case CACHED -> after.put(key(Path.of(action.detail())), before.get(path));
          case INGESTED ->
              after.put(key(Path.of(action.detail().split(" sha256:")[0])), state(action.path()));
          case WRITTEN -> after.put(path, state(action.path()));
          case KEPT -> {}
        }
      }
      return after;
    }

    // ---------------------------------------------------------------- the tree

    private StagingJanitor janitor() {
      return StagingJanitor.builder(paths)
          .clock(clock)
          .grace(random.nextBoolean() ? Duration.ZERO : Duration.ofMinutes(30))
          .archive(random.nextInt(4) == 0)
          .build();
    }

    private void stagingTree() throws IOException {
      Files.createDirectories(paths.stagingLockFile().getParent());
      int batches = 1 + random.nextInt(5);
      for (int b = 0; b < batches; b++) {
        BatchId batch = BatchId.of("b" + b);
        batchIds.add(batch);
        Instant began = NOW.minus(Duration.ofMinutes(1 + random.nextInt(600)));
        if (random.nextBoolean()) {
          // Recorded as a writer records it: first write, then a later publish.
          StagingJanitor.holdBatch(
                  paths, Storage.local(), batch, Clock.fixed(began, ZoneOffset.UTC))
              .close();
          Instant last = began.plus(Duration.ofMinutes(random.nextInt(60)));
          if (last.isBefore(NOW)) {
            StagingJanitor.holdBatch(
                    paths, Storage.local(), batch, Clock.fixed(last, ZoneOffset.UTC))
                .close();
          }
        }
        int files = 1 + random.nextInt(4);
        for (int slm = 0; slm < files; slm++) {
          StagingFile file =
              random.nextInt(3) == 0
                  ? StagingFile.crosscheck(SlmId.of(slm), batch)
                  : StagingFile.intermediate(SlmId.of(slm), batch);
          Path path = Files.write(paths.stagingFile(file), bytes(100 + random.nextInt(400)));
          Files.setLastModifiedTime(path, FileTime.from(time(began)));
        }
        if (random.nextInt(8) == 0) {
          Path target = Files.write(root.resolve("outside/target-" + b), bytes(10));
          Files.createSymbolicLink(paths.intermediateFile(SlmId.of(99), batch), target);
        }
        if (random.nextInt(5) == 0) {
          holds.add(StagingJanitor.holdBatch(paths, Storage.local(), batch, clock));
        }
      }
      if (random.nextBoolean()) {
        Files.writeString(paths.stagingLockFile().resolveSibling("notes.txt"), "not staging");
      }
      if (random.nextBoolean()) {
        Path leftover =
            Files.write(
                paths.stagingLockFile().resolveSibling(".slm_7_b0.parquet.0123456789abcdef.tmp"),
                bytes(30));
        Files.setLastModifiedTime(leftover, FileTime.from(NOW.minus(Duration.ofDays(1))));
      }
    }

    /** A file time: mostly the batch's, sometimes one a restore or a wrong clock gives. */
    private Instant time(Instant plausible) {
      return switch (random.nextInt(10)) {
        case 0 -> Instant.parse("2099-01-01T00:00:00Z");
        case 1 -> Instant.parse("1970-01-01T00:00:00Z");
        default -> plausible.plusSeconds(random.nextInt(30));
      };
    }

    private void lakeTree() throws Exception {
      for (Zone zone : List.of(Zone.BRONZE, Zone.SILVER, Zone.GOLD)) {
        for (int t = 0; t < 1 + random.nextInt(2); t++) {
          if (random.nextInt(3) == 0) {
            continue;
          }
          TableName table = TableName.of("t" + t);
          PartitionLayout layout = pick(List.of(PartitionLayout.values()));
          Files.createDirectories(paths.tableDir(zone, table));
          Files.writeString(paths.schemaFile(zone, table), "{\"table\": \"" + table + "\"}");
          lakeTargets.add(paths.tableDir(zone, table));
          for (int p = 0; p < 1 + random.nextInt(4); p++) {
            partition(zone, table, layout, day());
          }
        }
      }
      if (lakeTargets.isEmpty()) {
        TableName table = TableName.of("t9");
        Files.createDirectories(paths.tableDir(Zone.SILVER, table));
        lakeTargets.add(paths.tableDir(Zone.SILVER, table));
        partition(Zone.SILVER, table, PartitionLayout.DATE_PATH, LocalDate.of(2024, 1, 1));
      }
    }

    private LocalDate day() {
      LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
      return switch (random.nextInt(8)) {
        case 0 -> LocalDate.of(1, 1, 1);
        case 1 -> LocalDate.of(1970, 1, 1);
        case 2 -> LocalDate.of(2099, 1, 1);
        case 3, 4 -> today.minusDays(random.nextInt(30));
        default -> today.minusDays(31 + random.nextInt(2000));
      };
    }

    private void partition(Zone zone, TableName table, PartitionLayout layout, LocalDate day)
        throws Exception {
      Path dir = Files.createDirectories(paths.partitionDir(zone, table, day, layout));
      List<String> names = new ArrayList<>();
      for (int f = 0; f < random.nextInt(4); f++) {
        String name = "part-" + f + ".parquet";
        Files.write(dir.resolve(name), parquetFramed(200 + random.nextInt(3000), null));
        names.add(name);
        lakeTargets.add(dir.resolve(name));
      }
      lakeTargets.add(dir);
      switch (random.nextInt(12)) {
        case 0 -> Files.writeString(dir.resolve("notes.txt"), "a foreign file");
        case 1 -> {
          // What Spark writes: a directory named like a data file.
          Path spark = Files.createDirectories(dir.resolve("part-9.parquet"));
          Files.write(spark.resolve("part-00000.parquet"), parquetFramed(300, null));
        }
        case 2 ->
            Files.createSymbolicLink(
                dir.resolve("part-link.parquet"),
                Files.write(root.resolve("outside/linked-" + random.nextInt(1000)), bytes(20)));
        case 3 -> mkfifo(dir.resolve("part-fifo.parquet"));
        case 4 -> Files.write(dir.resolve("part-empty.parquet"), new byte[0]);
        default -> {}
      }
      if (names.size() >= 2 && random.nextInt(4) == 0) {
        interruptedCompaction(dir, names);
      }
    }

    /** A compaction stopped before or after its commit point, with its output published. */
    private void interruptedCompaction(Path dir, List<String> inputs) throws IOException {
      CompactionJournal journal = CompactionJournal.begin(dir, inputs);
      String output = "part-merged-" + random.nextInt(1000) + ".parquet";
      byte[] merged = parquetFramed(2000, journal.id());
      Files.write(dir.resolve(output), merged);
      journal =
          journal.withOutputs(
              List.of(new CompactionJournal.Output(output, merged.length, inputs.size())));
      if (random.nextBoolean()) {
        journal = journal.asPublished();
      }
      journal.save(Storage.local());
    }

    private void archiveTree() throws IOException {
      for (Zone zone : List.of(Zone.BRONZE, Zone.SILVER)) {
        if (random.nextBoolean()) {
          continue;
        }
        Path dir =
            paths.counterpart(
                paths.partitionDir(
                    zone,
                    TableName.of("t0"),
                    LocalDate.of(2020, 1, 1 + random.nextInt(28)),
                    PartitionLayout.DATE_PATH),
                DataKind.ARCHIVE);
        Files.createDirectories(dir);
        Files.write(dir.resolve("part-a.parquet"), parquetFramed(500, null));
        Path record = paths.archiveRecordFile(dir);
        switch (random.nextInt(4)) {
          case 0 -> Files.writeString(record, "tiering-archived 1\narrived 2023-01-01T00:00:00Z\n");
          case 1 -> Files.writeString(record, "tiering-archived 1\narrived 2025-11-01T00:00:00Z\n");
          case 2 -> Files.writeString(record, "damaged");
          default -> {} // archived by an earlier version: no record
        }
      }
    }

    private RetentionPolicy policy() {
      RetentionPolicy policy = RetentionPolicy.none();
      for (Zone zone : Zone.values()) {
        if (random.nextBoolean()) {
          policy = policy.lake(zone, Period.ofDays(random.nextInt(60)));
        }
        if (random.nextBoolean()) {
          policy = policy.archive(zone, Period.ofDays(random.nextInt(800)));
        }
      }
      // Naming a partition of a zone without a lake retention is refused up front.
      if (random.nextBoolean() && policy.lake().containsKey(Zone.SILVER)) {
        policy =
            policy.includingPartition(Zone.SILVER, TableName.of("t0"), LocalDate.of(1970, 1, 1));
      }
      return random.nextInt(4) == 0 ? policy.allowingBronzeDeletion() : policy;
    }

    private void cacheTree() throws IOException {
      TickingClock ticking = new TickingClock(NOW);
      cache =
          HotCache.builder(paths)
              .budget(List.of(2_000L, 6_000L, 1L << 20).get(random.nextInt(3)))
              .clock(ticking)
              .build();
      for (int i = 0; i < random.nextInt(4); i++) {
        cache.promote(pick(lakeTargets)).execute();
      }
      for (HotCache.Entry entry : cache.entries()) {
        if (random.nextInt(6) == 0) {
          Files.deleteIfExists(entry.cacheFile()); // gone behind the cache's back
        }
      }
    }

    private void rawInput() throws IOException {
      input =
          Files.write(
              Files.createDirectories(root.resolve("inbox")).resolve("feed.csv"), bytes(64));
      switch (random.nextInt(3)) {
        case 0 -> new RawIngestor(paths, Storage.local(), clock).ingest(input, source()).execute();
        case 1 -> {
          Path earlier =
              paths.rawFile(source(), LocalDate.ofInstant(NOW, ZoneOffset.UTC), "feed.csv");
          Files.createDirectories(earlier.getParent());
          Files.writeString(earlier, "another file of that name");
        }
        default -> {}
      }
    }

    private static TableName source() {
      return TableName.of("feed");
    }

    private <T> T pick(List<T> from) {
      return from.get(random.nextInt(from.size()));
    }

    private byte[] bytes(int n) {
      byte[] content = new byte[n];
      random.nextBytes(content);
      return content;
    }

    /** Bytes framed as a Parquet file (what the cache checks), with {@code id} in the footer. */
    private byte[] parquetFramed(int n, String id) {
      byte[] content = HotCacheTest.parquetFramed(n, random.nextInt());
      if (id != null) {
        byte[] text = id.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(text, 0, content, n - 8 - n / 10, text.length);
      }
      return content;
    }

    private static void mkfifo(Path path) throws Exception {
      assertThat(new ProcessBuilder("mkfifo", path.toString()).start().waitFor()).isZero();
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * Every entry under the root but directories, by path: its kind and bytes (a link's target, a
     * file's digest). With {@code dataOnly}, the SDK's bookkeeping is left out.
     */
    private Map<String, String> snapshot(boolean dataOnly) throws IOException {
      Map<String, String> entries = new TreeMap<>();
      try (Stream<Path> all = Files.walk(root)) {
        for (Path path : (Iterable<Path>) all::iterator) {
          if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
              || (dataOnly && bookkeeping(path))) {
            continue;
          }
          entries.put(key(path), state(path));
        }
      }
      return entries;
    }

    private String key(Path path) {
      return root.relativize(path.toAbsolutePath().normalize()).toString();
    }

    /** The SDK's own files, which reports do not list. */
    private static boolean bookkeeping(Path path) {
      String name = path.getFileName().toString();
      return name.equals(".batches.lock")
          || name.equals(".partitions.lock")
          || name.equals(".cache.lock")
          || name.equals(".cache-index")
          || name.equals(".tiering-archived")
          || name.startsWith(".compaction-")
          || path.getParent().getFileName().toString().equals(".batch-records");
    }

    private static String state(Path path) throws IOException {
      if (Files.isSymbolicLink(path)) {
        return "link to " + Files.readSymbolicLink(path);
      }
      if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        return "special";
      }
      try {
        return "file "
            + HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
