package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.LifecycleReport;
import dev.tiering.core.lifecycle.internal.CompactionJournal;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction beside writers and readers: interleavings forced step by step (a compactor paused
 * after every step of its protocol, readers whose listings let it move on), never by timing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CompactionRacesTest {

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");
  private static final LocalDate DAY = LocalDate.parse("2025-11-10");
  private static final long SEED = Long.getLong("tiering.test.seed", 20261129L);

  @TempDir Path base;

  private static TableSchema schema() {
    return CrashChild.schema();
  }

  private LakeWriter lake(PathResolver paths) {
    return LakeWriter.builder(paths).clock(Clock.fixed(NOON, ZoneOffset.UTC)).build();
  }

  /** {@code files} lake writes of 50 rows each: ids {@code first} and up, all in one partition. */
  private void write(PathResolver paths, int files, long first) throws IOException {
    LakeWriter lake = lake(paths);
    for (int f = 0; f < files; f++) {
      lake.writeCleanData(schema(), CrashRows.rows(first + f * 50L, 50));
    }
  }

  private static List<Long> ids(long first, int n) {
    List<Long> ids = new ArrayList<>();
    for (long id = first; id < first + n; id++) {
      ids.add(id);
    }
    return ids;
  }

  /**
   * A whole scan. These tests compact with no minimum commit age, so a compaction may merge a
   * commit made after the scan began: the scan then fails with SnapshotExpiredException, never with
   * a lost or doubled row, and is taken again, as the exception says to.
   */
  private static List<Long> scan(PathResolver paths, Storage storage) throws IOException {
    LakeReader reader =
        new LakeReader(
            paths,
            storage,
            new dev.tiering.schema.SidecarStore(paths, storage, Clock.systemUTC()),
            null);
    for (int attempt = 1; ; attempt++) {
      List<Long> ids = new ArrayList<>();
      try (ParquetRowReader rows = reader.scan(Zone.BRONZE, schema().table())) {
        while (rows.next()) {
          ids.add(rows.getLong(0));
        }
      } catch (dev.tiering.core.storage.SnapshotExpiredException expired) {
        if (attempt == 20) {
          throw expired;
        }
        continue;
      }
      ids.sort(null);
      return ids;
    }
  }

  // ---- Defect: compaction dropped a column added by a concurrent writer.

  @Test
  void aColumnAddedByAWriterDuringCompactionIsNeverDropped() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 4, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    TableSchema withExtra =
        TableSchema.builder(Zone.BRONZE, "crash_rows")
            .required("id", FieldType.INT64)
            .nullable("payload", FieldType.STRING)
            .required("value", FieldType.FLOAT64)
            .nullable("extra", FieldType.STRING)
            .partitionByDate()
            .build();
    // After the compactor read the table's schema, before it lists the partition: a writer
    // commits 50 rows with a new column.
    Storage hooked =
        new ForwardingStorage(Storage.local()) {
          private boolean done;

          @Override
          public List<FileEntry> list(Path dir) throws IOException {
            if (!done && dir.equals(partition)) {
              done = true;
              List<Map<String, Object>> rows = new ArrayList<>();
              for (Map<String, Object> row : CrashRows.rows(200, 50)) {
                Map<String, Object> extra = new java.util.HashMap<>(row);
                extra.put("extra", "x" + row.get("id"));
                rows.add(extra);
              }
              lake(paths).writeCleanData(withExtra, rows);
            }
            return super.list(dir);
          }
        };
    Compactor.builder(paths)
        .minCommitAge(java.time.Duration.ZERO)
        .storage(hooked)
        .build()
        .compact(Zone.BRONZE, schema().table())
        .execute();

    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(partition.resolve("*.parquet"))
                    + ", union_by_name = true)"))
        .isEqualTo(250L);
    assertThat(
            Duck.scalar(
                "SELECT count(extra) FROM read_parquet("
                    + Duck.literal(partition.resolve("*.parquet"))
                    + ", union_by_name = true) WHERE extra = 'x' || id"))
        .isEqualTo(50L);
    try (ParquetRowReader rows = new LakeReader(paths).scan(Zone.BRONZE, schema().table())) {
      int extras = 0;
      while (rows.next()) {
        extras += rows.get(rows.schema().indexOf("extra")) == null ? 0 : 1;
      }
      assertThat(extras).isEqualTo(50);
    }
  }

  @Test
  void aFileWithAColumnTheSchemaDoesNotListIsLeftOutOfTheMerge() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 3, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    // A file placed by hand, with a column the sidecar never heard of, under a name of the table's
    // commit 1: its footer names the table, but also the file it really is.
    PathResolver elsewhere =
        new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("other"))));
    TableSchema foreign =
        TableSchema.builder(Zone.BRONZE, "crash_rows")
            .required("id", FieldType.INT64)
            .nullable("payload", FieldType.STRING)
            .required("value", FieldType.FLOAT64)
            .nullable("secret", FieldType.INT32)
            .partitionByDate()
            .build();
    Map<String, Object> row = new java.util.HashMap<>(CrashRows.rows(900, 1).get(0));
    row.put("secret", 7);
    Path written = lake(elsewhere).writeCleanData(foreign, List.of(row)).files().get(0).file();
    Path placed =
        Files.copy(
            written,
            partition.resolve("part-0000000001-" + java.util.UUID.randomUUID() + ".parquet"));

    LifecycleReport report =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.BRONZE, schema().table())
            .execute();

    assertThat(placed).exists();
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .singleElement()
        .satisfies(
            a ->
                assertThat(a.detail())
                    .isEqualTo(
                        "foreign, never merged nor read: a copy of the table's file "
                            + PathResolver.fileIdOf(written.getFileName().toString())
                            + " under another name (its footer names that file; the SDK never"
                            + " writes one file twice) (move it out of the lake)"));
    assertThat(report.actions(LifecycleReport.Verb.COMPACTED)).hasSize(3);
  }

  // ---- Defect: a reader beside a compaction missed or duplicated rows.

  @Test
  void readersBesideACompactionSeeEveryRowExactlyOnceIn60ForcedInterleavings() throws Exception {
    for (int run = 0; run < 60; run++) {
      Random random = new Random(SEED * 31 + run);
      PathResolver paths =
          new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("run" + run))));
      write(paths, 4, 0);
      SteppedCompaction compaction = SteppedCompaction.start(paths);
      try {
        compaction.advance(random.nextInt(12));
        // Every listing the reader makes lets the compactor take a few more steps first: mostly
        // none or one, sometimes up to six (a whole commit point with deletes between two looks).
        Storage interleaving =
            new ForwardingStorage(Storage.local()) {
              @Override
              public List<FileEntry> list(Path dir) throws IOException {
                compaction.advance(random.nextInt(4) == 0 ? random.nextInt(7) : random.nextInt(2));
                return super.list(dir);
              }
            };
        String schedule = "run " + run + " (-Dtiering.test.seed=" + SEED + ")";
        assertThat(scan(paths, interleaving)).as("scan, " + schedule).isEqualTo(ids(0, 200));
        List<Path> files =
            new LakeReader(paths, interleaving, new dev.tiering.schema.SidecarStore(paths), null)
                .files(Zone.BRONZE, schema().table()).stream()
                    .map(LakeReader.DataFile::path)
                    .toList();
        assertThat(CrashRows.idsBySdk(files)).as("files(), " + schedule).isEqualTo(ids(0, 200));
      } finally {
        compaction.finish();
      }
      assertThat(scan(paths, Storage.local())).isEqualTo(ids(0, 200));
    }
  }

  /** A compaction in another thread that stops after each step until it is let go on. */
  private static final class SteppedCompaction {
    private final Semaphore go = new Semaphore(0);
    private final Semaphore stopped = new Semaphore(0);
    private volatile boolean finished;
    private CompletableFuture<Void> done;

    static SteppedCompaction start(PathResolver paths) throws Exception {
      SteppedCompaction c = new SteppedCompaction();
      Compactor compactor =
          Compactor.builder(paths)
              .minCommitAge(java.time.Duration.ZERO)
              .steps(
                  step -> {
                    c.stopped.release();
                    c.go.acquireUninterruptibly();
                  })
              .build();
      c.done =
          CompletableFuture.runAsync(
              () -> {
                try {
                  compactor.compact(Zone.BRONZE, schema().table()).execute();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                } finally {
                  c.finished = true;
                  c.stopped.release();
                }
              });
      c.stopped.acquire();
      return c;
    }

    /** Lets the compaction take {@code steps} more steps (fewer if it finishes). */
    void advance(int steps) {
      for (int i = 0; i < steps && !finished; i++) {
        go.release();
        stopped.acquireUninterruptibly();
      }
    }

    void finish() throws Exception {
      go.release(1000);
      done.get(60, TimeUnit.SECONDS);
    }
  }

  // ---- Defect: journals were read only in part, and archive ignored them.

  @Test
  void anOversizedJournalIsRefusedLoudlyAndNothingIsDeleted() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 3, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    List<Path> before = parquet(partition);
    StringBuilder text = new StringBuilder("tiering-compaction 2\n");
    for (int i = 0; i < 20_000; i++) {
      text.append("input part-").append(String.format("%036d", i)).append(".parquet\n");
    }
    text.append("output ").append(before.get(0).getFileName()).append(" 1 1\npublished\n");
    Path journal =
        Files.writeString(
            partition.resolve(".compaction-big.journal"), text, StandardCharsets.UTF_8);
    assertThat(Files.size(journal)).isGreaterThan(1 << 20);

    LifecycleReport report =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .recover(Zone.BRONZE, schema().table());

    assertThat(report.failures())
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.error())
                    .startsWith(
                        "Refusing compaction journal "
                            + journal
                            + ": it is larger than 1048576"
                            + " bytes"));
    assertThat(parquet(partition)).isEqualTo(before);
    assertThat(journal).exists();
    assertThatThrownBy(() -> scan(paths, Storage.local()))
        .hasMessageContaining("Refusing compaction journal " + journal);
  }

  @Test
  void oneCompactionMergesAtMostAThousandFilesAndTheJournalStaysSmall() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 1, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    Files.delete(parquet(partition).get(0));
    // Files of commit 1 as the SDK wrote them before files carried their id in the footer (a
    // thousand real commits would take a minute): copies of those cannot be told apart, so they
    // are merged as the table's own.
    Path one = partition.resolve("part-0000000001-" + java.util.UUID.randomUUID() + ".parquet");
    try (dev.tiering.core.storage.PendingFile pending =
        Storage.local().create(one, dev.tiering.core.storage.WriteMode.CREATE_NEW)) {
      ColumnarFileWriter writer =
          new ColumnarFileWriter(
              pending,
              schema(),
              WriterSettings.lake(),
              (int) DAY.toEpochDay(),
              Footers.of("clean", schema()));
      RowBuffer row = new RowBuffer(schema(), true);
      for (long id = 0; id < 50; id++) {
        row.setCanonical(0, id);
        row.setCanonical(1, "p" + id);
        row.setCanonical(2, id / 10.0);
        writer.append(row);
        row.clear();
      }
      writer.finish();
      pending.commit();
    }
    for (int i = 0; i < 1004; i++) {
      Files.copy(
          one, partition.resolve("part-0000000001-" + java.util.UUID.randomUUID() + ".parquet"));
    }
    long[] largestJournal = new long[1];
    Compactor compactor =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .steps(
                step -> {
                  try (Stream<Path> files = Files.list(partition)) {
                    files
                        .filter(p -> CompactionJournal.isJournal(p.getFileName().toString()))
                        .forEach(
                            p ->
                                largestJournal[0] =
                                    Math.max(largestJournal[0], p.toFile().length()));
                  }
                })
            .build();

    LifecycleReport report = compactor.compact(Zone.BRONZE, schema().table()).execute();

    assertThat(report.actions(LifecycleReport.Verb.COMPACTED)).hasSize(1005);
    assertThat(parquet(partition)).hasSize(2);
    // 1,000 names of 57 characters (part-<commit>-<uuid>.parquet): about 67 KB.
    assertThat(largestJournal[0]).isBetween(1L, 128L * 1024);
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(partition.resolve("*.parquet"))
                    + ")"))
        .isEqualTo(1005L * 50);
    assertThat(CrashRows.idsBySdk(parquet(partition))).hasSize(1005 * 50);
  }

  @Test
  void archivingAPartitionWithAnUnfinishedCompactionArchivesEveryRowOnce() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 4, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    // A compaction dies right after it published its output, before its commit point.
    assertThatThrownBy(
            () ->
                Compactor.builder(paths)
                    .minCommitAge(java.time.Duration.ZERO)
                    .steps(
                        step -> {
                          if (step.startsWith("publish")) {
                            throw new IOException("killed (simulated) after " + step);
                          }
                        })
                    .build()
                    .compact(Zone.BRONZE, schema().table())
                    .execute())
        .hasMessageStartingWith("killed");
    assertThat(parquet(partition)).hasSize(5);

    Clock later = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    LifecycleReport report =
        new dev.tiering.core.lifecycle.Archiver(paths, Storage.local(), later)
            .apply(
                dev.tiering.core.lifecycle.RetentionPolicy.none()
                    .lake(Zone.BRONZE, java.time.Period.ofDays(30)))
            .execute();

    assertThat(report.failures()).isEmpty();
    Path archived = paths.counterpart(partition, dev.tiering.core.DataKind.ARCHIVE);
    assertThat(CrashRows.idsBySdk(parquet(archived))).isEqualTo(ids(0, 200));
    assertThat(CrashRows.idsByDuckDb(parquet(archived))).isEqualTo(ids(0, 200));
    try (Stream<Path> left = Files.walk(archived)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(CompactionJournal::isJournal);
    }
    assertThat(partition).doesNotExist();
  }

  private static List<Path> parquet(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(
              p ->
                  p.getFileName().toString().endsWith(".parquet")
                      && !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  // ---- Found in review: the epoch was advanced before the journal save, not after it.

  /** A scan whose second listing of the partition first lets the compaction take {@code steps}. */
  private static List<Long> scanLettingItGoOn(
      PathResolver paths, SteppedCompaction compaction, int listing, int steps) throws IOException {
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    int[] calls = new int[1];
    Storage hooked =
        new ForwardingStorage(Storage.local()) {
          @Override
          public List<FileEntry> list(Path dir) throws IOException {
            if (dir.equals(partition) && ++calls[0] == listing) {
              compaction.advance(steps);
            }
            return super.list(dir);
          }
        };
    return scan(paths, hooked);
  }

  @Test
  void everyStepOfACompactionBetweenAnyTwoListingsOfAScanKeepsEveryRowOnce() throws Exception {
    int run = 0;
    // The compaction stops after each of its steps in turn; the scan's first, second or third
    // listing then lets it take 1, 2 or 3 more steps before listing.
    for (int pause = 0; pause < 14; pause++) {
      for (int listing = 1; listing <= 3; listing++) {
        for (int steps = 1; steps <= 3; steps++, run++) {
          PathResolver paths =
              new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("r" + run))));
          write(paths, 4, 0);
          SteppedCompaction compaction = SteppedCompaction.start(paths);
          try {
            compaction.advance(pause);
            assertThat(scanLettingItGoOn(paths, compaction, listing, steps))
                .as("pause after step %d, listing %d lets it take %d", pause, listing, steps)
                .isEqualTo(ids(0, 200));
          } finally {
            compaction.finish();
          }
        }
      }
    }
  }

  @Test
  void scansBesideCompactionsAppendsAKilledCompactionAndRecoveryPausedAfterEveryDiskChange()
      throws Exception {
    for (int run = 0; run < 24; run++) {
      Random random = new Random(SEED * 17 + run);
      PathResolver paths =
          new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("run" + run))));
      write(paths, 4, 0);
      DiskSteps disk = new DiskSteps();
      Storage background = disk.storage();
      boolean rollForward = random.nextBoolean();
      CompletableFuture<Void> done =
          CompletableFuture.runAsync(
              () -> {
                disk.owner = Thread.currentThread();
                try {
                  disk.step();
                  Compactor.builder(paths)
                      .minCommitAge(java.time.Duration.ZERO)
                      .storage(background)
                      .build()
                      .compact(Zone.BRONZE, schema().table())
                      .execute();
                  LakeWriter.builder(paths)
                      .storage(background)
                      .clock(Clock.fixed(NOON, ZoneOffset.UTC))
                      .build()
                      .writeCleanData(schema(), CrashRows.rows(200, 50));
                  LakeWriter.builder(paths)
                      .storage(background)
                      .clock(Clock.fixed(NOON, ZoneOffset.UTC))
                      .build()
                      .writeCleanData(schema(), CrashRows.rows(250, 50));
                  try {
                    Compactor.builder(paths)
                        .minCommitAge(java.time.Duration.ZERO)
                        .storage(background)
                        .steps(
                            step -> {
                              if (rollForward
                                  ? step.equals("published")
                                  : step.startsWith("publish ")) {
                                throw new IOException("killed (simulated) after " + step);
                              }
                            })
                        .build()
                        .compact(Zone.BRONZE, schema().table())
                        .execute();
                  } catch (IOException killed) {
                    // As a crash leaves it: the next recover settles it.
                  }
                  Compactor.builder(paths)
                      .minCommitAge(java.time.Duration.ZERO)
                      .storage(background)
                      .build()
                      .recover(Zone.BRONZE, schema().table());
                  Compactor.builder(paths)
                      .minCommitAge(java.time.Duration.ZERO)
                      .storage(background)
                      .build()
                      .compact(Zone.BRONZE, schema().table())
                      .execute();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                } finally {
                  disk.finished = true;
                  disk.stopped.release();
                }
              });
      disk.stopped.acquire();
      String schedule = "run " + run + " (-Dtiering.test.seed=" + SEED + ")";
      try {
        disk.advance(random.nextInt(20));
        Storage interleaving =
            new ForwardingStorage(Storage.local()) {
              @Override
              public List<FileEntry> list(Path dir) throws IOException {
                disk.advance(random.nextInt(4) == 0 ? random.nextInt(8) : random.nextInt(2));
                return super.list(dir);
              }

              @Override
              public java.nio.channels.SeekableByteChannel openChannel(Path file)
                  throws IOException {
                disk.advance(random.nextInt(3) == 0 ? 1 : 0);
                return super.openChannel(file);
              }
            };
        for (int scan = 0; scan < 3; scan++) {
          List<Long> seen = scan(paths, interleaving);
          assertThat(new java.util.HashSet<>(seen))
              .as("no row twice, " + schedule)
              .hasSize(seen.size());
          assertThat(seen)
              .as("every row committed before the scan, " + schedule)
              .containsAll(ids(0, 200));
          List<Long> listed =
              CrashRows.idsBySdk(
                  new LakeReader(
                          paths, interleaving, new dev.tiering.schema.SidecarStore(paths), null)
                      .files(Zone.BRONZE, schema().table()).stream()
                          .map(LakeReader.DataFile::path)
                          .toList());
          assertThat(new java.util.HashSet<>(listed))
              .as("files(): no row twice, " + schedule)
              .hasSize(listed.size());
          assertThat(listed).as("files(): every row, " + schedule).containsAll(ids(0, 200));
        }
      } finally {
        disk.go.release(100_000);
        done.get(120, TimeUnit.SECONDS);
      }
      assertThat(scan(paths, Storage.local())).as("final, " + schedule).isEqualTo(ids(0, 300));
    }
  }

  /** Local storage whose owner thread stops after every change it makes on disk. */
  private static final class DiskSteps {
    final Semaphore go = new Semaphore(0);
    final Semaphore stopped = new Semaphore(0);
    volatile boolean finished;
    volatile Thread owner;

    void step() {
      if (Thread.currentThread() == owner) {
        stopped.release();
        go.acquireUninterruptibly();
      }
    }

    void advance(int steps) {
      for (int i = 0; i < steps && !finished; i++) {
        go.release();
        stopped.acquireUninterruptibly();
      }
    }

    Storage storage() {
      return new ForwardingStorage(Storage.local()) {
        @Override
        public dev.tiering.core.storage.PendingFile create(
            Path target, dev.tiering.core.storage.WriteMode mode) throws IOException {
          dev.tiering.core.storage.PendingFile pending = super.create(target, mode);
          return new dev.tiering.core.storage.PendingFile() {
            @Override
            public Path target() {
              return pending.target();
            }

            @Override
            public java.io.OutputStream stream() {
              return pending.stream();
            }

            @Override
            public long bytesWritten() {
              return pending.bytesWritten();
            }

            @Override
            public void commit() throws IOException {
              pending.commit();
              step();
            }

            @Override
            public void close() throws IOException {
              pending.close();
            }
          };
        }

        @Override
        public boolean delete(Path path) throws IOException {
          boolean deleted = super.delete(path);
          step();
          return deleted;
        }

        @Override
        public void move(Path source, Path target) throws IOException {
          super.move(source, target);
          step();
        }
      };
    }
  }

  // ---- Found in review: journals that must not be acted on.

  private Path onlyJournal(Path partition) throws IOException {
    try (Stream<Path> files = Files.list(partition)) {
      return files
          .filter(p -> CompactionJournal.isJournal(p.getFileName().toString()))
          .findFirst()
          .orElseThrow();
    }
  }

  @Test
  void aPartitionWithAJournalThatCannotBeTrustedIsNotCompacted() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 4, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    assertThatThrownBy(
            () ->
                Compactor.builder(paths)
                    .minCommitAge(java.time.Duration.ZERO)
                    .steps(
                        step -> {
                          if (step.equals("published")) {
                            throw new IOException("killed (simulated) after " + step);
                          }
                        })
                    .build()
                    .compact(Zone.BRONZE, schema().table())
                    .execute())
        .hasMessageStartingWith("killed");
    Path journal = onlyJournal(partition);
    // A journal of another SDK version: refused, so nothing it names may be touched.
    Files.writeString(
        journal, Files.readString(journal).replace("tiering-compaction 2", "tiering-compaction 3"));
    List<Path> before = parquet(partition);

    LifecycleReport report =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .compact(Zone.BRONZE, schema().table())
            .execute();

    assertThat(report.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.error()).startsWith("Refusing compaction journal " + journal));
    assertThat(report.actions(LifecycleReport.Verb.COMPACTED)).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.KEPT)).hasSize(5);
    assertThat(parquet(partition)).isEqualTo(before);
  }

  @Test
  void aJournalNamingAFileBothAsInputAndOutputIsRefusedAndDeletesNothing() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 2, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    List<Path> files = parquet(partition);
    String a = files.get(0).getFileName().toString();
    Path journal =
        Files.writeString(
            partition.resolve(".compaction-hostile.journal"),
            "tiering-compaction 2\ninput "
                + a
                + "\noutput "
                + a
                + " "
                + Files.size(files.get(0))
                + " 50\n");

    LifecycleReport report =
        Compactor.builder(paths)
            .minCommitAge(java.time.Duration.ZERO)
            .build()
            .recover(Zone.BRONZE, schema().table());

    assertThat(report.failures())
        .singleElement()
        .satisfies(
            f -> assertThat(f.error()).contains("output " + a + " is also named as an input"));
    assertThat(parquet(partition)).isEqualTo(files);
    assertThat(journal).exists();
  }

  @Test
  void aJournalNamingCommittedFilesAsItsOutputsIsRefusedAndChangesNothing() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 3, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    List<Path> files = parquet(partition);
    String input = files.get(0).getFileName().toString();
    String committed = files.get(1).getFileName().toString();
    long size = Files.size(files.get(1));
    // Forged or misplaced journals naming a committed file as their output: with another size,
    // with its very size, and past their commit point (which would delete the input).
    for (String text :
        List.of(
            "tiering-compaction 2\ninput " + input + "\noutput " + committed + " 12345 50\n",
            "tiering-compaction 2\ninput " + input + "\noutput " + committed + " " + size + " 50\n",
            "tiering-compaction 2\ninput "
                + input
                + "\noutput "
                + committed
                + " "
                + size
                + " 50\npublished\n",
            "tiering-compaction 1\ninput " + input + "\noutput " + committed + "\n")) {
      Path journal = Files.writeString(partition.resolve(".compaction-forged.journal"), text);

      LifecycleReport report =
          Compactor.builder(paths)
              .minCommitAge(java.time.Duration.ZERO)
              .build()
              .recover(Zone.BRONZE, schema().table());

      assertThat(report.failures())
          .as(text)
          .singleElement()
          .satisfies(
              f -> assertThat(f.error()).startsWith("Refusing compaction journal " + journal));
      assertThat(parquet(partition)).as(text).isEqualTo(files);
      assertThat(Files.readString(journal)).isEqualTo(text);
      Files.delete(journal);
    }
    assertThat(scan(paths, Storage.local())).isEqualTo(ids(0, 150));
  }

  @Test
  void aStrayEpochMarkerDoesNotStopReaders() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    write(paths, 2, 0);
    Path partition =
        paths.partitionDir(
            Zone.BRONZE, schema().table(), DAY, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    Compactor.builder(paths)
        .minCommitAge(java.time.Duration.ZERO)
        .build()
        .compact(Zone.BRONZE, schema().table())
        .execute();
    Files.createFile(partition.resolve(".compaction-epoch-9"));

    assertThat(scan(paths, Storage.local())).isEqualTo(ids(0, 100));
    write(paths, 2, 100);
    Compactor.builder(paths)
        .minCommitAge(java.time.Duration.ZERO)
        .build()
        .compact(Zone.BRONZE, schema().table())
        .execute();
    try (Stream<Path> names = Files.list(partition)) {
      assertThat(
              names
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.startsWith(".compaction-epoch-")))
          .hasSize(1);
    }
    assertThat(scan(paths, Storage.local())).isEqualTo(ids(0, 200));
  }
}
