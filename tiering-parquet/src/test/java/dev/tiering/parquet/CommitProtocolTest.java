package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.lifecycle.TempFileSweeper;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.ForwardingPendingFile;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.SnapshotExpiredException;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.core.testing.CrashableStorage;
import dev.tiering.schema.CommitRetention;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake commit protocol: a write of many files is all-or-nothing under errors and crashes at
 * every step, readers see commits and not files, and write ids make retries idempotent.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommitProtocolTest {

  private static final TableName TABLE = TableName.of("slm_predictions");

  /** Rows of a three-day write. */
  private static final int ROWS = 2880;

  @TempDir Path base;
  private PathResolver paths;

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  private LakeWriter lake(Storage storage) {
    // One open file at a time: each change of day starts a file, so a write makes several files
    // in each of its partitions.
    return LakeWriter.builder(paths)
        .storage(storage)
        .clock(Clock.fixed(Predictions.START, ZoneOffset.UTC))
        .maxOpenPartitions(1)
        .build();
  }

  /** Rows over three days in blocks of 240 that take turns: 12 files, 4 in each partition. */
  private static List<Map<String, Object>> threeDays(long seed) {
    List<Map<String, Object>> rows = Predictions.rows(ROWS, Predictions.START, seed);
    for (int i = 0; i < rows.size(); i++) {
      rows.get(i)
          .put("timestamp", Predictions.START.plus(Duration.ofDays((i / 240) % 3)).plusSeconds(i));
    }
    return rows;
  }

  private LakeWriteResult write(LakeWriter lake, List<Map<String, Object>> rows, String writeId)
      throws IOException {
    LakeWriteOptions options = LakeWriteOptions.defaults().partitionBy("timestamp");
    return lake.writeCleanData(
        Predictions.schema(), rows, writeId == null ? options : options.writeId(writeId));
  }

  private long readerRows() throws IOException {
    LakeReader reader = new LakeReader(paths);
    long rows = 0;
    try (ParquetRowReader scan = reader.scan(Zone.SILVER, TABLE)) {
      while (scan.next()) {
        rows++;
      }
    }
    return rows;
  }

  private long globRows() throws Exception {
    Path table = paths.tableDir(Zone.SILVER, TABLE);
    return ((Number)
            Duck.scalar(
                "SELECT count(*) FROM read_parquet("
                    + Duck.literal(table.resolve("**/*.parquet"))
                    + ")"))
        .longValue();
  }

  private long sidecarRows() throws IOException {
    return new LakeReader(paths).sidecar(Zone.SILVER, TABLE).quality().rowCount();
  }

  private List<String> leftovers() throws IOException {
    try (Stream<Path> walk = Files.walk(paths.tableDir(Zone.SILVER, TABLE))) {
      return walk.map(p -> p.getFileName().toString())
          .filter(
              n -> n.endsWith(".staged") || n.endsWith(".pending.json") || Storage.isTemporary(n))
          .toList();
    }
  }

  @Test
  void aWriteOfManyFilesInSeveralPartitionsIsOneCommit() throws Exception {
    LakeWriteResult result = write(lake(Storage.local()), threeDays(1), null);

    assertThat(result.commit()).isEqualTo(1);
    assertThat(result.files()).hasSize(12);
    assertThat(result.files())
        .allSatisfy(
            f ->
                assertThat(f.file().getFileName().toString())
                    .matches("part-0000000001-[0-9a-f-]{36}\\.parquet"));
    assertThat(result.files().stream().map(f -> f.file().getParent()).distinct()).hasSize(3);
    assertThat(result.sidecar().lastCommit()).isEqualTo(1);
    assertThat(Files.readString(paths.schemaFile(Zone.SILVER, TABLE)))
        .contains("\"last_commit\": 1");
    try (Stream<Path> records = Files.list(paths.commitLogDir(Zone.SILVER, TABLE))) {
      assertThat(records.map(p -> p.getFileName().toString()))
          .containsExactly("0000000001.commit.json");
    }
    assertThat(readerRows()).isEqualTo((long) ROWS);
    assertThat(globRows()).isEqualTo((long) ROWS);
    assertThat(leftovers()).isEmpty();
  }

  /**
   * A process that dies after its k-th change to the disk, for every k: nothing after it happens,
   * not even the writer's own clean-up. Recovery then leaves either all of the write or none of it,
   * and the reader, the sidecar's row count and a DuckDB glob agree.
   */
  @Test
  void aCrashAfterAnyStepLeavesAllOrNothingOnceRecovered() throws Exception {
    List<Map<String, Object>> first = Predictions.rows(100, Predictions.START, 7);
    List<Map<String, Object>> second = threeDays(8);
    int all = 0;
    int none = 0;
    for (int k = 1; k < 500; k++) {
      Path dir = Files.createDirectories(base.resolve("run" + k));
      paths = new PathResolver(Storage.createRoots(TierLayout.under(dir)));
      write(lake(Storage.local()), first, null);
      DyingStorage dying = new DyingStorage(Storage.local(), k);
      boolean died;
      try {
        write(lake(dying), second, null);
        died = dying.dead();
      } catch (IOException | RuntimeException e) {
        died = true;
        assertThat(dying.dead())
            .as("failed without the injected death at step %d: %s", k, e)
            .isTrue();
      }
      // Before recovery the SDK reader already sees all or nothing.
      assertThat(readerRows()).isIn(100L, 100L + second.size());
      new SidecarStore(paths).recover(Zone.SILVER, TABLE);
      TempFileSweeper.forLayout(paths.layout()).recover(paths);
      long rows = readerRows();
      assertThat(rows).as("rows after a death at step %d", k).isIn(100L, 100L + second.size());
      assertThat(sidecarRows()).isEqualTo(rows);
      assertThat(globRows()).isEqualTo(rows);
      assertThat(leftovers()).as("leftovers after a death at step %d", k).isEmpty();
      if (rows == 100) {
        none++;
      } else {
        all++;
      }
      // The table takes the next write as usual.
      write(lake(Storage.local()), first, null);
      assertThat(readerRows()).isEqualTo(rows + 100);
      if (!died) {
        break;
      }
    }
    assertThat(none).as("deaths before the commit point").isGreaterThan(5);
    assertThat(all).as("deaths after the commit point, and the undisturbed write").isGreaterThan(5);
  }

  @Test
  void anErrorBeforeTheCommitPointLeavesNothingAndSaysWhy() throws Exception {
    write(lake(Storage.local()), Predictions.rows(100, Predictions.START, 7), null);
    byte[] sidecar = Files.readAllBytes(paths.schemaFile(Zone.SILVER, TABLE));
    AtomicInteger commits = new AtomicInteger();
    Storage failingThirdFile =
        new ForwardingStorage(Storage.local()) {
          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            PendingFile file = super.create(target, mode);
            return new ForwardingPendingFile(file) {
              @Override
              public void commit() throws IOException {
                if (target.getFileName().toString().endsWith(".staged")
                    && commits.incrementAndGet() == 3) {
                  throw new IOException("Read-only file system (injected)");
                }
                super.commit();
              }
            };
          }
        };

    assertThatThrownBy(() -> write(lake(failingThirdFile), threeDays(8), null))
        .hasMessageContaining("Read-only file system (injected)");

    assertThat(Files.readAllBytes(paths.schemaFile(Zone.SILVER, TABLE))).isEqualTo(sidecar);
    assertThat(readerRows()).isEqualTo(100);
    assertThat(globRows()).isEqualTo(100);
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void readersSeeAWriteWholeOrNotAtAllWhileItIsPublished() throws Exception {
    write(lake(Storage.local()), Predictions.rows(100, Predictions.START, 7), null);
    List<Long> seen = new ArrayList<>();
    Storage observed =
        new ForwardingStorage(Storage.local()) {
          @Override
          public void move(Path source, Path target) throws IOException {
            super.move(source, target);
            if (PathResolver.commitOf(target.getFileName().toString()) == 2) {
              seen.add(readerRows()); // each published file: the reader is asked at once
            }
          }
        };
    List<Map<String, Object>> second = threeDays(8);

    write(lake(observed), second, null);

    assertThat(seen).hasSizeGreaterThan(6).containsOnly(100L);
    assertThat(readerRows()).isEqualTo(100 + second.size());
  }

  @Test
  void aScanSeesTheTableAsOfItsStartAndNotACommitMadeWhileItRuns() throws Exception {
    write(lake(Storage.local()), threeDays(1), null);
    LakeReader reader = new LakeReader(paths);
    long rows = 0;
    try (ParquetRowReader scan = reader.scan(Zone.SILVER, TABLE)) {
      while (scan.next()) {
        if (rows++ == 0) {
          write(lake(Storage.local()), threeDays(2), null);
        }
      }
    }
    assertThat(rows).isEqualTo((long) ROWS);
    assertThat(readerRows()).isEqualTo(2 * (long) ROWS);
  }

  @Test
  void aCompactionOfCommitsNewerThanARunningScanFailsThatScanClearly() throws Exception {
    LakeWriter lake = lake(Storage.local());
    List<Map<String, Object>> twoDays =
        new ArrayList<>(Predictions.rows(50, Predictions.START.minus(Duration.ofDays(1)), 1));
    twoDays.addAll(Predictions.rows(50, Predictions.START, 1));
    write(lake, twoDays, null);
    LocalDate day = LocalDate.of(2025, 11, 10);
    long read = 0;
    try (ParquetRowReader scan =
        new LakeReader(paths).scan(Zone.SILVER, TABLE, day.minusDays(1), day)) {
      assertThat(scan.next()).isTrue(); // the first day is pinned and read
      read++;
      write(lake, Predictions.rows(50, Predictions.START, 2), null);
      // The default minimum age keeps the young commits out of a compaction...
      Compactor.builder(paths).build().compact(Zone.SILVER, TABLE).execute();
      assertThat(onlyFileNames(day)).hasSize(2);
      // ...and without it, merging commit 2 with the scan's rows of commit 1 in the second day
      // makes the scan fail when it gets there, rather than lose or add rows.
      Compactor.builder(paths)
          .minCommitAge(Duration.ZERO)
          .build()
          .compact(Zone.SILVER, TABLE)
          .execute();
      assertThat(onlyFileNames(day))
          .singleElement()
          .asString()
          .matches("part-0000000002-[0-9a-f-]{36}-compacted\\.parquet");
      assertThatThrownBy(
              () -> {
                while (scan.next()) {}
              })
          .isInstanceOf(SnapshotExpiredException.class)
          .hasMessageContaining("as of commit 1")
          .hasMessageContaining("scan again");
    }
    assertThat(read).isEqualTo(1);
    assertThat(readerRows()).isEqualTo(150);
    assertThat(globRows()).isEqualTo(150);
  }

  private List<String> onlyFileNames(LocalDate day) throws IOException {
    Path dir =
        paths.partitionDir(
            Zone.SILVER, TABLE, day, dev.tiering.core.routing.PartitionLayout.DATE_PATH);
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".parquet"))
          .sorted()
          .toList();
    }
  }

  /**
   * Files no commit of the table wrote never reach its readers, whatever their name: a copy of its
   * own file without a commit number (once the documented way to add a file by hand), a file of
   * another table under a commit's name, one with the table's column names in other types, one with
   * other columns, a 0-byte one; and directories that are not partitions. Each is listed as foreign
   * with why, and the reader returns exactly the committed rows. Before, a file without a number
   * was always read, and one with other types failed every scan of the table.
   */
  @Test
  void filesNoCommitOfTheTableWroteAreForeignNeverReadAndListedWithWhy() throws Exception {
    write(lake(Storage.local()), threeDays(1), null);
    Path table = paths.tableDir(Zone.SILVER, TABLE);
    Path day = table.resolve("2025/11/11");
    Path own;
    try (Stream<Path> files = Files.list(day)) {
      own = files.filter(p -> p.toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
    }
    String uuid = "0f0e0d0c-0b0a-4909-8807-060504030201";
    Map<Path, String> foreign = new java.util.LinkedHashMap<>();
    foreign.put(
        Files.copy(own, day.resolve("part-" + uuid + ".parquet")), "its name has no commit number");
    Path other = Files.createDirectories(base.resolve("other"));
    PathResolver elsewhere = new PathResolver(Storage.createRoots(TierLayout.under(other)));
    TableSchema otherTable =
        TableSchema.builder(Zone.SILVER, "other").required("slm_id", FieldType.INT32).build();
    Path written =
        LakeWriter.builder(elsewhere)
            .build()
            .writeCleanData(otherTable, List.of(Map.of("slm_id", 7)))
            .files()
            .get(0)
            .file();
    foreign.put(
        Files.copy(written, day.resolve("part-0000000001-" + uuid.replace('0', '1') + ".parquet")),
        "its footer names the table silver.other, not silver.slm_predictions");
    Path typed = day.resolve("part-0000000001-" + uuid.replace('0', '2') + ".parquet");
    Duck.execute(
        "COPY (SELECT TIMESTAMPTZ '2025-11-11 01:00:00+00' AS timestamp, 'x' AS slm_id,"
            + " 'y' AS prediction) TO "
            + Duck.literal(typed));
    foreign.put(typed, "its footer names no table");
    Path extra = day.resolve("extra.parquet");
    Duck.execute("COPY (SELECT 1 AS other_column) TO " + Duck.literal(extra));
    foreign.put(extra, "its name has no commit number");
    foreign.put(Files.write(day.resolve("empty.parquet"), new byte[0]), "no commit number");
    foreign.put(Files.writeString(day.resolve("notes.txt"), "x"), "not a Parquet data file");
    Path impossible = Files.createDirectories(table.resolve("2025/02/30"));
    Files.copy(own, impossible.resolve(own.getFileName()));
    foreign.put(impossible, "not a partition directory: 2025/02/30 is not a date");
    Path word = Files.createDirectories(table.resolve("abc"));
    Files.copy(own, word.resolve(own.getFileName()));
    foreign.put(word, "not a partition directory of the table's layout (yyyy/MM/dd)");
    foreign.put(
        Files.copy(own, table.resolve("2025/11").resolve(own.getFileName())),
        "a file outside the partitions");

    LakeReader reader = new LakeReader(paths);
    assertThat(readerRows()).isEqualTo(ROWS);
    assertThat(reader.files(Zone.SILVER, TABLE))
        .extracting(f -> f.path().getFileName().toString())
        .allMatch(n -> n.matches("part-[0-9]{10}-[0-9a-f-]{36}\\.parquet"))
        .doesNotContain(typed.getFileName().toString())
        .hasSize(12);
    List<LakeReader.Foreign> found = reader.foreign(Zone.SILVER, TABLE);
    assertThat(found)
        .extracting(LakeReader.Foreign::path)
        .containsExactlyInAnyOrderElementsOf(foreign.keySet());
    for (LakeReader.Foreign item : found) {
      assertThat(item.reason()).as(item.path().toString()).contains(foreign.get(item.path()));
    }
  }

  @Test
  void aRetriedWriteIdIsANoOpThatReturnsTheFirstResult() throws Exception {
    LakeWriter lake = lake(Storage.local());
    LakeWriteResult first = write(lake, threeDays(1), "run7-b42");
    LakeWriteResult again = write(lake, threeDays(1), "run7-b42");

    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.commit()).isEqualTo(first.commit());
    assertThat(again.files()).isEqualTo(first.files());
    assertThat(again.rows()).isEqualTo(first.rows());
    assertThat(readerRows()).isEqualTo(first.rows());
    assertThat(globRows()).isEqualTo(first.rows());
    assertThat(sidecarRows()).isEqualTo(first.rows());
    assertThat(lake.committed(Zone.SILVER, TABLE, "run7-b42"))
        .get()
        .extracting(LakeWriteResult::commit)
        .isEqualTo(1L);
    assertThat(lake.committed(Zone.SILVER, TABLE, "run7-b43")).isEmpty();
    assertThat(leftovers()).isEmpty();
    assertThatThrownBy(() -> LakeWriteOptions.defaults().writeId("../b42"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid write id '../b42'");
  }

  /**
   * A coordinator that read an empty batch must not use its write id up: the retry with the rows
   * would be a replay of nothing. Refused before anything is written; once committed, an empty
   * retry of the same id is still the replay it always was.
   */
  @Test
  void aWriteIdWithNoRowsIsRefusedAndLeftForTheWriteThatHasThem() throws Exception {
    LakeWriter lake = lake(Storage.local());
    write(lake, threeDays(1), null);
    byte[] sidecar = Files.readAllBytes(paths.schemaFile(Zone.SILVER, TABLE));

    assertThatThrownBy(() -> write(lake, List.of(), "consensus-b3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Cannot commit write id 'consensus-b3' to silver.slm_predictions with no rows: the id"
                + " would be used up");
    assertThat(lake.committed(Zone.SILVER, TABLE, "consensus-b3")).isEmpty();
    assertThat(Files.readAllBytes(paths.schemaFile(Zone.SILVER, TABLE))).isEqualTo(sidecar);
    assertThat(leftovers()).isEmpty();

    LakeWriteResult written = write(lake, threeDays(2), "consensus-b3");
    assertThat(written.replayed()).isFalse();
    assertThat(written.rows()).isEqualTo(ROWS);
    LakeWriteResult emptyRetry = write(lake, List.of(), "consensus-b3");
    assertThat(emptyRetry.replayed()).isTrue();
    assertThat(emptyRetry.commit()).isEqualTo(written.commit());
    assertThat(readerRows()).isEqualTo(2L * ROWS);
    // Without a write id an empty write is harmless, and commits as it always did.
    assertThat(write(lake, List.of(), null).rows()).isZero();
  }

  /**
   * A writer that knows its input is complete (every job of the batch committed, none found
   * anything) says so with allowEmpty: the empty commit uses the id up, and a later write with the
   * id is a replay.
   */
  @Test
  void anEmptyWriteThatIsAllowedUsesItsWriteIdUp() throws Exception {
    LakeWriter lake = lake(Storage.local());
    LakeWriteOptions complete =
        LakeWriteOptions.defaults().partitionBy("timestamp").writeId("quiet-hour").allowEmpty();

    LakeWriteResult empty = lake.writeCleanData(Predictions.schema(), List.of(), complete);

    assertThat(empty.replayed()).isFalse();
    assertThat(empty.rows()).isZero();
    assertThat(lake.committed(Zone.SILVER, TABLE, "quiet-hour")).isPresent();
    assertThat(write(lake, threeDays(1), "quiet-hour").replayed()).isTrue();
    assertThat(readerRows()).isZero();
    assertThat(leftovers()).isEmpty();
  }

  /**
   * Two writers commit one write id at once: the first holds the table's lock at its commit point
   * until the second has started committing; exactly one of them writes.
   */
  @Test
  void ofConcurrentCommitsWithOneWriteIdExactlyOneWrites() throws Exception {
    write(lake(Storage.local()), Predictions.rows(10, Predictions.START, 1), null);
    CountDownLatch atCommitPoint = new CountDownLatch(1);
    CountDownLatch secondStarted = new CountDownLatch(1);
    Storage pausing =
        new ForwardingStorage(Storage.local()) {
          @Override
          public void move(Path source, Path target) throws IOException {
            if (target.getFileName().toString().endsWith(".commit.json")) {
              atCommitPoint.countDown();
              await(secondStarted);
            }
            super.move(source, target);
          }
        };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<LakeWriteResult> a = pool.submit(() -> write(lake(pausing), threeDays(3), "same"));
      await(atCommitPoint);
      Future<LakeWriteResult> b =
          pool.submit(
              () -> {
                secondStarted.countDown();
                return write(lake(Storage.local()), threeDays(3), "same");
              });
      LakeWriteResult ra = a.get(2, TimeUnit.MINUTES);
      LakeWriteResult rb = b.get(2, TimeUnit.MINUTES);
      assertThat(List.of(ra.replayed(), rb.replayed())).containsExactly(false, true);
      assertThat(rb.files()).isEqualTo(ra.files());
    } finally {
      pool.shutdownNow();
    }
    assertThat(readerRows()).isEqualTo(10 + (long) ROWS);
    assertThat(globRows()).isEqualTo(10 + (long) ROWS);
  }

  @Test
  void writeIdsAreRememberedForTheRetentionCountOnceTheirRecordsAreAnHourOld() throws Exception {
    LakeWriter lake =
        LakeWriter.builder(paths)
            .commitRetention(new CommitRetention(Duration.ofDays(7), 2))
            .build();
    for (int i = 1; i <= 4; i++) {
      write(lake, Predictions.rows(10, Predictions.START, i), "w" + i);
    }
    // Younger than an hour, no record is removed, whatever the count: compaction reads their age.
    assertThat(recordNames()).hasSize(4);
    try (Stream<Path> records = Files.list(paths.commitLogDir(Zone.SILVER, TABLE))) {
      for (Path record : records.toList()) {
        Files.setLastModifiedTime(
            record,
            java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofHours(2))));
      }
    }
    write(lake, Predictions.rows(10, Predictions.START, 5), "w5");
    assertThat(recordNames())
        .containsExactly("0000000004-w4.commit.json", "0000000005-w5.commit.json");
    assertThat(write(lake, Predictions.rows(10, Predictions.START, 4), "w4").replayed()).isTrue();
    // Past its retention an id is forgotten: the same write id writes again.
    assertThat(write(lake, Predictions.rows(10, Predictions.START, 1), "w1").replayed()).isFalse();
    assertThat(readerRows()).isEqualTo(60);
  }

  private List<String> recordNames() throws IOException {
    try (Stream<Path> records = Files.list(paths.commitLogDir(Zone.SILVER, TABLE))) {
      return records.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aCommitRecordNamingAFileOutsideItsTableIsRefusedAndNothingMoves() throws Exception {
    write(lake(Storage.local()), Predictions.rows(10, Predictions.START, 1), null);
    Path outside = Files.writeString(base.resolve("victim.txt"), "keep me");
    Path record = paths.commitLogDir(Zone.SILVER, TABLE).resolve("0000000002.pending.json");
    Files.writeString(
        record,
        Files.readString(paths.commitLogDir(Zone.SILVER, TABLE).resolve("0000000001.commit.json"))
            .replaceFirst("\"commit\" : 1", "\"commit\" : 2")
            .replaceFirst("\"staged\" : \"[^\"]*\"", "\"staged\" : \"../../../../../victim.txt\""));

    assertThatThrownBy(() -> new SidecarStore(paths).recover(Zone.SILVER, TABLE))
        .hasMessageContaining("commit record cannot be trusted")
        .hasMessageContaining("../../../../../victim.txt");
    assertThatThrownBy(
            () -> write(lake(Storage.local()), Predictions.rows(10, Predictions.START, 2), null))
        .hasMessageContaining("commit record cannot be trusted");
    assertThat(outside).hasContent("keep me");
    assertThat(record).exists();
    assertThat(readerRows()).isEqualTo(10);
  }

  private static void await(CountDownLatch latch) throws java.io.InterruptedIOException {
    try {
      if (!latch.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("Timed out waiting for the other writer");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }

  /** A process that dies after {@code steps} changes to the disk (see {@link CrashableStorage}). */
  static final class DyingStorage extends CrashableStorage {
    private int left;

    DyingStorage(Storage delegate, int steps) {
      super(delegate);
      this.left = steps;
    }

    @Override
    protected synchronized void changed() {
      if (--left == 0) {
        die();
      }
    }
  }

  /**
   * A new major version that drops a nullable column ({@link
   * dev.tiering.schema.EvolutionPolicy#NEW_MAJOR}: "any change is applied") leaves the files its
   * table committed before with a column the schema now lacks. They are still the table's: their
   * commits wrote them, and the reader reads older files through the current schema. The foreign
   * rule ("no column the schema lacks") makes them foreign instead: the table's older rows vanish
   * from the reader and the views, and ls lists them as FOREIGN.
   */
  @Test
  void aNewMajorVersionThatDropsAColumnKeepsTheRowsOfTheOlderCommits() throws Exception {
    LakeWriter lake = lake(Storage.local());
    lake.writeCleanData(Predictions.schema(), Predictions.rows(100, Predictions.START, 1));
    TableSchema withoutLabel =
        TableSchema.builder(Zone.SILVER, "slm_predictions")
            .required("timestamp", FieldType.TIMESTAMP)
            .required("slm_id", FieldType.INT32)
            .required("prediction", FieldType.FLOAT64)
            .nullable("confidence", FieldType.FLOAT64)
            .partitionByDate()
            .build();
    List<Map<String, Object>> newer = Predictions.rows(50, Predictions.START.plusSeconds(500), 2);
    newer.forEach(row -> row.remove("label"));
    lake.writeCleanData(
        withoutLabel,
        newer,
        LakeWriteOptions.defaults().evolution(dev.tiering.schema.EvolutionPolicy.NEW_MAJOR));

    long seen = 0;
    try (ParquetRowReader rows = new LakeReader(paths).scan(Zone.SILVER, TABLE)) {
      while (rows.next()) {
        seen++;
      }
    }
    assertThat(seen)
        .as("rows read; foreign: %s", new LakeReader(paths).foreign(Zone.SILVER, TABLE))
        .isEqualTo(150);
  }
}
