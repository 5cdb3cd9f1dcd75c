package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiverAndIngestTest {

  private static final Instant NOW = Instant.parse("2025-11-10T12:00:00Z");

  @TempDir Path base;
  private PathResolver paths;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  private Path data(Zone zone, String table, LocalDate day, PartitionLayout layout)
      throws IOException {
    Path dir = Files.createDirectories(paths.partitionDir(zone, TableName.of(table), day, layout));
    Files.writeString(paths.schemaFile(zone, TableName.of(table)), "{\"sidecar\": true}");
    return Files.writeString(dir.resolve("part-" + day + ".parquet"), "rows of " + day);
  }

  @Test
  void oldPartitionsMoveToTheArchiveKeepingTheirPathsInEveryLayout() throws IOException {
    Path old = data(Zone.SILVER, "preds", LocalDate.of(2025, 8, 1), PartitionLayout.DATE_PATH);
    Path recent = data(Zone.SILVER, "preds", LocalDate.of(2025, 11, 1), PartitionLayout.DATE_PATH);
    Path oldHive = data(Zone.SILVER, "hived", LocalDate.of(2025, 7, 15), PartitionLayout.HIVE_DATE);
    Path gold =
        data(Zone.GOLD, "stats", LocalDate.of(2025, 1, 1), PartitionLayout.HIVE_YEAR_MONTH_DAY);
    RetentionPolicy policy = RetentionPolicy.none().lake(Zone.SILVER, Period.ofDays(90));

    LifecycleReport dry = new Archiver(paths, Storage.local(), clock).apply(policy).preview();
    assertThat(dry.actions(LifecycleReport.Verb.ARCHIVED)).hasSize(2);
    assertThat(old).exists();

    LifecycleReport report = new Archiver(paths, Storage.local(), clock).apply(policy).execute();

    assertThat(report.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactlyInAnyOrder(old, oldHive);
    assertThat(base.resolve("lake/archive/silver/preds/2025/08/01/part-2025-08-01.parquet"))
        .hasContent("rows of 2025-08-01");
    assertThat(base.resolve("lake/archive/silver/hived/date=2025-07-15/part-2025-07-15.parquet"))
        .exists();
    assertThat(base.resolve("lake/archive/silver/preds/schema.json"))
        .hasContent("{\"sidecar\": true}");
    assertThat(base.resolve("lake/clean/silver/preds/2025/08")).doesNotExist();
    assertThat(recent).exists();
    assertThat(gold).exists();
  }

  @Test
  void archiveRetentionDeletesOldArchivesButNeverBronzeWithoutOptIn() throws IOException {
    data(Zone.SILVER, "preds", LocalDate.of(2023, 1, 1), PartitionLayout.DATE_PATH);
    data(Zone.BRONZE, "raw_preds", LocalDate.of(2023, 1, 1), PartitionLayout.DATE_PATH);
    RetentionPolicy policy =
        RetentionPolicy.none()
            .lake(Zone.SILVER, Period.ofDays(30))
            .lake(Zone.BRONZE, Period.ofDays(30))
            .archive(Zone.SILVER, Period.ofYears(1))
            .archive(Zone.BRONZE, Period.ofYears(1));
    new Archiver(paths, Storage.local(), clock).apply(policy).execute();
    // Archive retention counts from when they reached the archive: a year and more after that.
    Clock later = Clock.fixed(NOW.plus(java.time.Duration.ofDays(370)), ZoneOffset.UTC);
    Archiver archiver = new Archiver(paths, Storage.local(), later);

    LifecycleReport report = archiver.apply(policy).execute();

    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .singleElement()
        .satisfies(
            a -> assertThat(a.path().toString()).contains("/archive/silver/preds/2023/01/01/"));
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .singleElement()
        .satisfies(a -> assertThat(a.detail()).contains("bronze is never deleted"));
    Path bronze = base.resolve("lake/archive/bronze/raw_preds/2023/01/01/part-2023-01-01.parquet");
    assertThat(bronze).exists();

    archiver.apply(policy.allowingBronzeDeletion()).execute();
    assertThat(bronze).doesNotExist();
  }

  @Test
  void aDryRunShowsEveryChangeAndNoPassArchivesAndDeletesOnePartition() throws IOException {
    // Lake retention 30 days, archive retention one year: a partition of 2020 is archived, and
    // its archive retention starts now; the same pass must not delete what it just archived.
    Path old = data(Zone.SILVER, "preds", LocalDate.of(2020, 3, 1), PartitionLayout.DATE_PATH);
    RetentionPolicy policy =
        RetentionPolicy.none()
            .lake(Zone.SILVER, Period.ofDays(30))
            .archive(Zone.SILVER, Period.ofYears(1));
    Archiver archiver = new Archiver(paths, Storage.local(), clock);

    LifecycleReport dry = archiver.apply(policy).preview();
    LifecycleReport real = archiver.apply(policy).execute();

    Path archived = base.resolve("lake/archive/silver/preds/2020/03/01/part-2020-03-01.parquet");
    assertThat(real.actions(LifecycleReport.Verb.DELETED)).isEmpty();
    assertThat(real.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(old);
    assertThat(archived).hasContent("rows of 2020-03-01");
    // The preview said exactly this, in the same words and counts.
    assertThat(dry.actions()).isEqualTo(real.actions());
    assertThat(real.summary()).contains("archived 1 file(s)").doesNotContain("deleted");

    // Eleven months later it is still there; thirteen months later it goes.
    Clock later = Clock.fixed(NOW.plus(java.time.Duration.ofDays(335)), ZoneOffset.UTC);
    new Archiver(paths, Storage.local(), later).apply(policy).execute();
    assertThat(archived).exists();
    Clock muchLater = Clock.fixed(NOW.plus(java.time.Duration.ofDays(400)), ZoneOffset.UTC);
    LifecycleReport expired =
        new Archiver(paths, Storage.local(), muchLater).apply(policy).execute();
    assertThat(expired.actions(LifecycleReport.Verb.DELETED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(archived);
    assertThat(base.resolve("lake/archive/silver/preds/2020")).doesNotExist();
  }

  @Test
  void partitionsDatedBeforeTwoThousandOrInTheFutureAreReportedAndActedOnOnlyWhenNamed()
      throws IOException {
    Path zero = data(Zone.SILVER, "preds", LocalDate.of(1, 1, 1), PartitionLayout.DATE_PATH);
    Path epoch = data(Zone.SILVER, "preds", LocalDate.of(1970, 1, 1), PartitionLayout.DATE_PATH);
    Path future = data(Zone.SILVER, "preds", LocalDate.of(2099, 1, 1), PartitionLayout.HIVE_DATE);
    RetentionPolicy policy =
        RetentionPolicy.none()
            .lake(Zone.SILVER, Period.ofDays(30))
            .archive(Zone.SILVER, Period.ZERO);

    LifecycleReport report = new Archiver(paths, Storage.local(), clock).apply(policy).execute();

    assertThat(report.actions(LifecycleReport.Verb.ARCHIVED)).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.DELETED)).isEmpty();
    assertThat(report.actions(LifecycleReport.Verb.KEPT))
        .extracting(a -> a.path().getFileName().toString(), LifecycleReport.Action::detail)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "part-0001-01-01.parquet",
                "its partition is dated 0001-01-01, before 2000-01-01, so its age is unknown (a wrong clock or a"
                    + " bad date?) and retention leaves it alone; to archive it, name it"
                    + " (--include-partition silver.preds/0001-01-01)"),
            org.assertj.core.groups.Tuple.tuple(
                "part-1970-01-01.parquet",
                "its partition is dated 1970-01-01, before 2000-01-01, so its age is unknown (a wrong clock or a"
                    + " bad date?) and retention leaves it alone; to archive it, name it"
                    + " (--include-partition silver.preds/1970-01-01)"),
            org.assertj.core.groups.Tuple.tuple(
                "part-2099-01-01.parquet",
                "its partition is dated 2099-01-01, after today (2025-11-10), so its age is unknown (a wrong clock or a"
                    + " bad date?) and retention leaves it alone; to archive it, name it"
                    + " (--include-partition silver.preds/2099-01-01)"));
    assertThat(zero).exists();
    assertThat(epoch).exists();
    assertThat(future).exists();

    LifecycleReport named =
        new Archiver(paths, Storage.local(), clock)
            .apply(
                policy
                    .includingPartition(
                        Zone.SILVER, TableName.of("preds"), LocalDate.of(1970, 1, 1))
                    .includingPartition(
                        Zone.SILVER, TableName.of("preds"), LocalDate.of(2099, 1, 1)))
            .execute();

    assertThat(named.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactlyInAnyOrder(epoch, future);
    // Archived now, so not deleted in the same pass, even with an archive retention of zero.
    assertThat(named.actions(LifecycleReport.Verb.DELETED)).isEmpty();
    assertThat(base.resolve("lake/archive/silver/preds/1970/01/01/part-1970-01-01.parquet"))
        .hasContent("rows of 1970-01-01");
    assertThat(zero).exists();
  }

  @Test
  void anArchivedPartitionWithoutAnArrivalRecordIsRecordedNowNotDeletedByItsDate()
      throws IOException {
    // Archived by an earlier version: no record of when it arrived, and a date far past.
    Path legacy =
        Files.createDirectories(base.resolve("lake/archive/silver/preds/2019/05/05"))
            .resolve("part-old.parquet");
    Files.writeString(legacy, "archived long ago");
    RetentionPolicy policy =
        RetentionPolicy.none()
            .lake(Zone.SILVER, Period.ofDays(30))
            .archive(Zone.SILVER, Period.ofYears(1));

    LifecycleReport dry = new Archiver(paths, Storage.local(), clock).apply(policy).preview();
    LifecycleReport report = new Archiver(paths, Storage.local(), clock).apply(policy).execute();

    for (LifecycleReport r : List.of(dry, report)) {
      assertThat(r.actions(LifecycleReport.Verb.DELETED)).isEmpty();
      assertThat(r.actions(LifecycleReport.Verb.KEPT))
          .singleElement()
          .satisfies(a -> assertThat(a.path()).isEqualTo(legacy))
          .satisfies(
              a ->
                  assertThat(a.detail())
                      .isEqualTo(
                          "no record of when it reached the archive (archived by an earlier"
                              + " version, or put there by hand): it is recorded as arriving"
                              + " today, 2025-11-10, and archive retention counts from then"));
    }
    assertThat(legacy).exists();
    Clock muchLater = Clock.fixed(NOW.plus(java.time.Duration.ofDays(400)), ZoneOffset.UTC);
    new Archiver(paths, Storage.local(), muchLater).apply(policy).execute();
    assertThat(legacy).doesNotExist();
  }

  @Test
  void aDamagedArrivalRecordKeepsItsPartitionAndSaysSo() throws IOException {
    Path dir = Files.createDirectories(base.resolve("lake/archive/silver/preds/2019/05/05"));
    Path file = Files.writeString(dir.resolve("part-old.parquet"), "archived");
    // Archived when its partition was a few weeks old, as a version 1 record dates it.
    Files.setLastModifiedTime(
        file, java.nio.file.attribute.FileTime.from(Instant.parse("2019-06-01T00:00:00Z")));
    Path record = paths.archiveRecordFile(dir);
    RetentionPolicy policy = RetentionPolicy.none().archive(Zone.SILVER, Period.ZERO);
    for (String hostile :
        List.of(
            "",
            "tiering-archived 1\narrived 2099-01-01T00:00:00Z\n",
            "tiering-archived 1\narrived 1999-12-31T00:00:00Z\n",
            "tiering-archived 1\narrived yesterday\n",
            "tiering-archived 1\narrived 2020-01-01T00:00:00Z\n".repeat(100),
            "tiering-archived 2\n2020-01-01T00:00:00Z ../../../../clean/silver/preds/x\n",
            "tiering-archived 2\n" + "2020-01-01T00:00:00Z part-old.parquet\n".repeat(2),
            "tiering-archived 2\n2020-01-01T00:00:00Z .tiering-archived\n",
            "tiering-archived 2\npart-old.parquet 2020-01-01T00:00:00Z\n",
            "tiering-archived 2\n2099-01-01T00:00:00Z part-old.parquet\n")) {
      Files.writeString(record, hostile);

      LifecycleReport report = new Archiver(paths, Storage.local(), clock).apply(policy).execute();

      assertThat(report.actions(LifecycleReport.Verb.DELETED)).as(hostile).isEmpty();
      assertThat(report.actions(LifecycleReport.Verb.KEPT))
          .singleElement()
          .satisfies(a -> assertThat(a.path()).isEqualTo(file))
          .satisfies(a -> assertThat(a.detail()).contains(record.toString()));
      assertThat(file).exists();
    }
    Files.writeString(record, "tiering-archived 1\narrived 2020-01-01T00:00:00Z\n");
    new Archiver(paths, Storage.local(), clock).apply(policy).execute();
    assertThat(file).doesNotExist();
    assertThat(base.resolve("lake/archive/silver/preds/2019")).doesNotExist();
  }

  @Test
  void oneUnreadablePartitionOrImmovableFileIsReportedAndTheRestGoOn() throws IOException {
    Path a = data(Zone.SILVER, "preds", LocalDate.of(2025, 1, 1), PartitionLayout.DATE_PATH);
    Path b = data(Zone.SILVER, "preds", LocalDate.of(2025, 1, 2), PartitionLayout.DATE_PATH);
    Path c = data(Zone.SILVER, "preds", LocalDate.of(2025, 1, 3), PartitionLayout.DATE_PATH);
    Path d = data(Zone.SILVER, "other", LocalDate.of(2025, 1, 4), PartitionLayout.DATE_PATH);
    Path month = base.resolve("lake/clean/silver/other/2025/02");
    Files.createDirectories(month.resolve("01"));
    // As a 000-mode directory and an immutable (chattr +i) file would, which root ignores.
    dev.tiering.core.testing.FaultyStorage storage =
        new dev.tiering.core.testing.FaultyStorage()
            .failLists(p -> p.equals(b.getParent()) || p.equals(month))
            .failMoves(c::equals);
    RetentionPolicy policy = RetentionPolicy.none().lake(Zone.SILVER, Period.ofDays(30));

    LifecycleReport report = new Archiver(paths, storage, clock).apply(policy).execute();

    assertThat(report.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactlyInAnyOrder(a, d);
    assertThat(report.failures())
        .extracting(LifecycleReport.Failure::path, LifecycleReport.Failure::describe)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(month, "cannot list: permission denied"),
            org.assertj.core.groups.Tuple.tuple(
                b.getParent(), "cannot archive the partition: permission denied"),
            org.assertj.core.groups.Tuple.tuple(
                c, "cannot move to the archive: Move failed (injected): " + c));
    assertThat(b).exists();
    assertThat(c).exists();

    // In the archive too: an undeletable file keeps its partition's record; the rest go.
    Path archivedA = paths.counterpart(a, dev.tiering.core.DataKind.ARCHIVE);
    Path archivedD = paths.counterpart(d, dev.tiering.core.DataKind.ARCHIVE);
    storage
        .heal()
        .failDeletes(
            archivedA::equals,
            p ->
                new java.nio.file.FileSystemException(
                    p.toString(), null, "Operation not permitted"));
    Clock later = Clock.fixed(NOW.plus(java.time.Duration.ofDays(40)), ZoneOffset.UTC);
    LifecycleReport expired =
        new Archiver(paths, storage, later)
            .apply(RetentionPolicy.none().archive(Zone.SILVER, Period.ofDays(30)))
            .execute();

    assertThat(expired.actions(LifecycleReport.Verb.DELETED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(archivedD);
    assertThat(expired.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo(archivedA))
        .satisfies(
            f -> assertThat(f.describe()).isEqualTo("cannot delete: operation not permitted"));
    assertThat(paths.archiveRecordFile(archivedA.getParent())).exists();
  }

  @Test
  void rawInputIsCopiedWithASha256sumCompatibleChecksum(@TempDir Path inbox) throws Exception {
    Path input = Files.writeString(inbox.resolve("feed-001.csv"), "a,b\n1,2\n");
    RawIngestor ingestor = new RawIngestor(paths, Storage.local(), clock);

    LifecycleReport report = ingestor.ingest(input, TableName.of("sensor_feed")).execute();

    Path copy = base.resolve("lake/raw/sensor_feed/2025-11-10/feed-001.csv");
    assertThat(copy).hasSameTextualContentAs(input);
    String sha =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(input)));
    assertThat(copy.resolveSibling("feed-001.csv.sha256")).hasContent(sha + "  feed-001.csv");
    assertThat(report.actions(LifecycleReport.Verb.INGESTED)).hasSize(1);

    assertThat(
            ingestor
                .ingest(input, TableName.of("sensor_feed"))
                .execute()
                .actions(LifecycleReport.Verb.KEPT))
        .hasSize(1);
    Files.writeString(input, "different");
    assertThatThrownBy(() -> ingestor.ingest(input, TableName.of("sensor_feed")).execute())
        .hasMessageContaining("a different file named feed-001.csv was already ingested");
    Path hostile = Files.writeString(inbox.resolve("..hidden"), "x");
    assertThatThrownBy(() -> ingestor.ingest(hostile, TableName.of("sensor_feed")).execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid raw file name");
  }

  @Test
  void anIngestPreviewSaysWhatTheExecutionWillIncludingARefusal(@TempDir Path inbox)
      throws Exception {
    Path input = Files.writeString(inbox.resolve("feed-002.csv"), "a,b\n3,4\n");
    RawIngestor ingestor = new RawIngestor(paths, Storage.local(), clock);

    LifecycleReport dry = ingestor.ingest(input, TableName.of("sensor_feed")).preview();
    LifecycleReport real = ingestor.ingest(input, TableName.of("sensor_feed")).execute();

    assertThat(dry.actions()).isEqualTo(real.actions());
    Path checksum = base.resolve("lake/raw/sensor_feed/2025-11-10/feed-002.csv.sha256");
    assertThat(real.actions(LifecycleReport.Verb.WRITTEN))
        .singleElement()
        .satisfies(a -> assertThat(a.path()).isEqualTo(checksum));
    assertThat(checksum).exists();

    // Another file under a name already ingested today: the preview refuses as the execution does
    // (before, it said "would ingest").
    Files.writeString(input, "different");
    assertThatThrownBy(() -> ingestor.ingest(input, TableName.of("sensor_feed")).preview())
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
        .hasMessageContaining("a different file named feed-002.csv was already ingested");
  }

  @Test
  void aRetentionPreviewSaysWhatTheExecutionDoesWhenTheArchiveHoldsADifferentFileOfTheName()
      throws IOException {
    // A partition archived last month, then restored to the lake by hand for a backfill (cp -a),
    // and one of its files rewritten there: the next pass cannot move that file (a different file
    // of its name is in the archive) and says so; its preview said it would archive it.
    Path file = data(Zone.SILVER, "preds", LocalDate.of(2024, 1, 1), PartitionLayout.DATE_PATH);
    RetentionPolicy policy = RetentionPolicy.none().lake(Zone.SILVER, Period.ofDays(30));
    new Archiver(paths, Storage.local(), clock).apply(policy).execute();
    Files.createDirectories(file.getParent());
    Files.writeString(file, "rows of 2024-01-01, backfilled");

    LifecycleReport dry = new Archiver(paths, Storage.local(), clock).apply(policy).preview();
    LifecycleReport real = new Archiver(paths, Storage.local(), clock).apply(policy).execute();

    assertThat(dry.failures().size() + " failure(s), " + dry.actions().size() + " action(s)")
        .as("preview: " + dry + "%nexecution: " + real)
        .isEqualTo(real.failures().size() + " failure(s), " + real.actions().size() + " action(s)");
  }

  @Test
  void anIngestNeverTakesALinkAtItsTargetForTheIngestedCopy(@TempDir Path inbox) throws Exception {
    // A link left in the raw area (a hand "ingest" by ln -s, or a hostile one) that points at the
    // input itself: ingest says "already ingested" and writes the checksum; the operator then
    // empties the inbox, and the raw area holds a dangling link.
    Path input = Files.writeString(inbox.resolve("feed-003.csv"), "a,b\n5,6\n");
    Path target = base.resolve("lake/raw/sensor_feed/2025-11-10/feed-003.csv");
    Files.createDirectories(target.getParent());
    Files.createSymbolicLink(target, input);

    LifecycleReport report =
        new RawIngestor(paths, Storage.local(), clock)
            .ingest(input, TableName.of("sensor_feed"))
            .execute();
    Files.delete(input);

    assertThat(Files.isRegularFile(target, java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .as("the raw area holds a copy of the input, not a link to it: " + report)
        .isTrue();
  }

  @Test
  void anIngestPreviewDoesNotHangOnAFifoAtItsTarget(@TempDir Path inbox) throws Exception {
    Path input = Files.writeString(inbox.resolve("feed-004.csv"), "a,b\n7,8\n");
    Path target = base.resolve("lake/raw/sensor_feed/2025-11-10/feed-004.csv");
    Files.createDirectories(target.getParent());
    Process mkfifo = new ProcessBuilder("mkfifo", target.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    RawIngestor ingestor = new RawIngestor(paths, Storage.local(), clock);
    try {
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          java.time.Duration.ofSeconds(10),
          () -> {
            try {
              ingestor.ingest(input, TableName.of("sensor_feed")).preview();
            } catch (IOException refused) {
              // Refusing, naming the FIFO, is the expected outcome.
            }
          });
    } finally {
      // Opening a FIFO read-write never blocks, and lets a reader stuck in open(2) go on.
      new java.io.RandomAccessFile(target.toFile(), "rw").close();
    }
  }

  @Test
  void anIngestPutsItsCopyInPlaceOfAFifoAndRefusesADirectoryAtItsTarget(@TempDir Path inbox)
      throws Exception {
    Path input = Files.writeString(inbox.resolve("feed-005.csv"), "a,b\n9,10\n");
    Path target = base.resolve("lake/raw/sensor_feed/2025-11-10/feed-005.csv");
    Files.createDirectories(target.getParent());
    Process mkfifo = new ProcessBuilder("mkfifo", target.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    RawIngestor ingestor = new RawIngestor(paths, Storage.local(), clock);

    LifecycleReport dry;
    LifecycleReport real;
    try {
      // Bounded: a FIFO opened for reading blocks until a writer comes.
      dry =
          org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
              java.time.Duration.ofSeconds(10),
              () -> ingestor.ingest(input, TableName.of("sensor_feed")).preview());
      real =
          org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
              java.time.Duration.ofSeconds(10),
              () -> ingestor.ingest(input, TableName.of("sensor_feed")).execute());
    } finally {
      if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && java.nio.file.Files.readAttributes(
                  target,
                  java.nio.file.attribute.BasicFileAttributes.class,
                  java.nio.file.LinkOption.NOFOLLOW_LINKS)
              .isOther()) {
        new java.io.RandomAccessFile(target.toFile(), "rw").close();
      }
    }

    assertThat(real.actions()).isEqualTo(dry.actions());
    assertThat(real.actions(LifecycleReport.Verb.DELETED))
        .singleElement()
        .satisfies(a -> assertThat(a.path()).isEqualTo(target))
        .satisfies(
            a ->
                assertThat(a.detail())
                    .isEqualTo(
                        "it is a FIFO (named pipe) (never followed or opened), not an ingested"
                            + " copy; the copy takes its place"));
    assertThat(target).isRegularFile().hasContent("a,b\n9,10\n");

    Path other = Files.writeString(inbox.resolve("feed-006.csv"), "a,b\n");
    Path dir = Files.createDirectories(target.resolveSibling("feed-006.csv"));
    assertThatThrownBy(() -> ingestor.ingest(other, TableName.of("sensor_feed")).execute())
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
        .hasMessageContaining("a directory is where feed-006.csv would be ingested");
    assertThat(dir).isEmptyDirectory();
    assertThat(dir.resolveSibling("feed-006.csv.sha256")).doesNotExist();
  }

  @Test
  void aRetentionPassKilledAfterAnyChangeLosesNothingAndNeverDeletesWhatItArchived()
      throws IOException {
    RetentionPolicy policy =
        RetentionPolicy.none()
            .lake(Zone.SILVER, Period.ofDays(30))
            .archive(Zone.SILVER, Period.ofYears(1));
    boolean died = true;
    for (int k = 1; died; k++) {
      Path root = Files.createDirectories(base.resolve("crash-" + k));
      PathResolver p = new PathResolver(Storage.createRoots(TierLayout.under(root)));
      java.util.Map<String, String> rows = new java.util.TreeMap<>();
      for (String day : List.of("2024-01-01", "2024-01-02")) {
        Path dir =
            Files.createDirectories(
                p.partitionDir(
                    Zone.SILVER,
                    TableName.of("preds"),
                    LocalDate.parse(day),
                    PartitionLayout.DATE_PATH));
        for (int f = 0; f < 3; f++) {
          Files.writeString(dir.resolve("part-" + f + ".parquet"), "rows " + day + " " + f);
          rows.put("rows " + day + " " + f, day);
        }
      }
      Files.writeString(p.schemaFile(Zone.SILVER, TableName.of("preds")), "{}");
      Path legacy =
          Files.createDirectories(root.resolve("lake/archive/silver/preds/2023/05/05"))
              .resolve("part-legacy.parquet");
      Files.writeString(legacy, "legacy rows");
      final int at = k;
      dev.tiering.core.testing.CrashableStorage crashing =
          new dev.tiering.core.testing.CrashableStorage(Storage.local()) {
            private int changes;

            @Override
            protected void changed() {
              if (++changes == at) {
                die();
              }
            }
          };
      try {
        new Archiver(p, crashing, clock).apply(policy).execute();
      } catch (IOException | RuntimeException killed) {
        // As a killed process: whatever it did not do is left to the next pass.
      }
      died = crashing.dead();
      new Archiver(p, Storage.local(), clock).apply(policy).execute();
      Clock halfAYearOn = Clock.fixed(NOW.plus(java.time.Duration.ofDays(200)), ZoneOffset.UTC);
      new Archiver(p, Storage.local(), halfAYearOn).apply(policy).execute();

      java.util.List<String> found = new java.util.ArrayList<>();
      try (java.util.stream.Stream<Path> all = Files.walk(root.resolve("lake"))) {
        for (Path file : all.filter(f -> f.toString().endsWith(".parquet")).toList()) {
          found.add(Files.readString(file));
        }
      }
      assertThat(found)
          .as("after a kill at change %d, a rerun, and a pass half a year on", k)
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.Stream.concat(
                      rows.keySet().stream(), java.util.stream.Stream.of("legacy rows"))
                  .toList());
    }
  }

  @Test
  void aFileStuckInTheLakeDoesNotPostponeTheRetentionOfWhatArrivedInTheArchiveLongAgo()
      throws IOException {
    Path moved = data(Zone.SILVER, "preds", LocalDate.of(2024, 1, 1), PartitionLayout.DATE_PATH);
    Path stuck = Files.writeString(moved.resolveSibling("part-stuck.parquet"), "stuck rows");
    // As an immutable (chattr +i) file: every pass tries to move it and fails.
    dev.tiering.core.testing.FaultyStorage storage =
        new dev.tiering.core.testing.FaultyStorage().failMoves(stuck::equals);
    RetentionPolicy policy =
        RetentionPolicy.none()
            .lake(Zone.SILVER, Period.ofDays(30))
            .archive(Zone.SILVER, Period.ofYears(1));
    new Archiver(paths, storage, clock).apply(policy).execute();
    Path archived = paths.counterpart(moved, dev.tiering.core.DataKind.ARCHIVE);
    assertThat(archived).exists();

    // Monthly passes for thirteen months: the archived file arrived more than a year ago.
    LifecycleReport last = null;
    for (int month = 1; month <= 13; month++) {
      Clock later = Clock.fixed(NOW.plus(java.time.Duration.ofDays(30L * month)), ZoneOffset.UTC);
      last = new Archiver(paths, storage, later).apply(policy).execute();
    }

    assertThat(archived)
        .as(
            "arrived 390 days ago; the arrival record says %s; last pass: %s",
            Files.exists(paths.archiveRecordFile(archived.getParent()))
                ? Files.readString(paths.archiveRecordFile(archived.getParent()))
                : "nothing (it is gone)",
            last)
        .doesNotExist();
  }

  @Test
  void aNameCollisionInTheArchiveKeepsTheLakeFileAndLeavesTheArrivalRecordAsItWas()
      throws IOException {
    Path file = data(Zone.SILVER, "preds", LocalDate.of(2024, 1, 1), PartitionLayout.DATE_PATH);
    RetentionPolicy policy = RetentionPolicy.none().lake(Zone.SILVER, Period.ofDays(30));
    new Archiver(paths, Storage.local(), clock).apply(policy).execute();
    Path archived = paths.counterpart(file, dev.tiering.core.DataKind.ARCHIVE);
    Path record = paths.archiveRecordFile(archived.getParent());
    String arrival = Files.readString(record);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "rows of 2024-01-01, backfilled");
    Clock later = Clock.fixed(NOW.plus(java.time.Duration.ofDays(30)), ZoneOffset.UTC);

    LifecycleReport report = new Archiver(paths, Storage.local(), later).apply(policy).execute();

    assertThat(report.actions()).isEmpty();
    assertThat(report.failures())
        .singleElement()
        .satisfies(f -> assertThat(f.path()).isEqualTo(file))
        .satisfies(
            f ->
                assertThat(f.describe())
                    .isEqualTo(
                        "cannot move to the archive: already exists (a different file is"
                            + " already there; nothing was moved or replaced (compare the two and"
                            + " remove the one that is not wanted)) ("
                            + archived
                            + ")"));
    assertThat(file).hasContent("rows of 2024-01-01, backfilled");
    assertThat(archived).hasContent("rows of 2024-01-01");
    // Nothing arrived: the archived file's retention still counts from its own arrival.
    assertThat(record).hasContent(arrival);

    // The same bytes in the archive (a copy an interrupted move published): the move finishes.
    Files.writeString(file, "rows of 2024-01-01");
    LifecycleReport finished = new Archiver(paths, Storage.local(), later).apply(policy).execute();
    assertThat(finished.failures()).isEmpty();
    assertThat(finished.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(file);
    assertThat(file).doesNotExist();
  }

  /**
   * A version 1 record dates the files its pass moved in. A file an operator restores into the
   * partition years later is not one of them: it counts from today, not from the record's time, and
   * the next pass does not delete it.
   */
  @Test
  void aFileAddedByHandUnderAVersion1RecordCountsFromTodayNotFromTheRecord() throws Exception {
    Instant now = Instant.parse("2025-11-10T12:00:00Z");
    Path dir = Files.createDirectories(base.resolve("lake/archive/silver/preds/2020/05/05"));
    Path old = Files.writeString(dir.resolve("part-old.parquet"), "archived in 2020");
    Path record = paths.archiveRecordFile(dir);
    Instant arrived = Instant.parse("2020-05-06T00:00:00Z");
    Files.writeString(record, "tiering-archived 1\narrived " + arrived + "\n");
    Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.from(arrived));
    Path byHand = Files.writeString(dir.resolve("part-restored.parquet"), "restored today");
    Files.setLastModifiedTime(byHand, java.nio.file.attribute.FileTime.from(now));
    RetentionPolicy policy = RetentionPolicy.none().archive(Zone.SILVER, Period.ofYears(1));

    new Archiver(paths, Storage.local(), Clock.fixed(now, ZoneOffset.UTC)).apply(policy).execute();

    assertThat(old).doesNotExist();
    assertThat(byHand).as("a file the record cannot have dated: it came after it").exists();
    assertThat(Files.readString(record))
        .isEqualTo("tiering-archived 2\n" + now + " part-restored.parquet\n");
  }

  @Test
  void aPartitionRecordedByAnEarlierVersionKeepsItsArrivalWhenMoreFilesArrive() throws IOException {
    Path dir = Files.createDirectories(base.resolve("lake/archive/silver/preds/2024/01/01"));
    Path early = Files.writeString(dir.resolve("part-early.parquet"), "archived in 2024");
    Files.setLastModifiedTime(
        early, java.nio.file.attribute.FileTime.from(Instant.parse("2024-10-01T00:00:00Z")));
    Files.writeString(
        paths.archiveRecordFile(dir), "tiering-archived 1\narrived 2024-10-01T00:00:00Z\n");
    Path late = data(Zone.SILVER, "preds", LocalDate.of(2024, 1, 1), PartitionLayout.DATE_PATH);
    RetentionPolicy policy =
        RetentionPolicy.none()
            .lake(Zone.SILVER, Period.ofDays(30))
            .archive(Zone.SILVER, Period.ofYears(1));

    LifecycleReport dry = new Archiver(paths, Storage.local(), clock).apply(policy).preview();
    LifecycleReport real = new Archiver(paths, Storage.local(), clock).apply(policy).execute();

    assertThat(real.actions()).isEqualTo(dry.actions());
    assertThat(real.actions(LifecycleReport.Verb.ARCHIVED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(late);
    assertThat(real.actions(LifecycleReport.Verb.DELETED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(early);
    assertThat(paths.archiveRecordFile(dir))
        .hasContent("tiering-archived 2\n" + NOW + " part-2024-01-01.parquet\n");
  }

  @Test
  void archiveRetentionNeverDeletesAPartitionDatedInTheFuture() throws IOException {
    Path dir = Files.createDirectories(base.resolve("lake/archive/silver/preds/2099/01/01"));
    Path file = Files.writeString(dir.resolve("part-2099.parquet"), "rows of a clock ahead");
    Files.writeString(
        paths.archiveRecordFile(dir),
        "tiering-archived 2\n2024-01-01T00:00:00Z part-2099.parquet\n");
    RetentionPolicy policy = RetentionPolicy.none().archive(Zone.SILVER, Period.ofDays(30));

    LifecycleReport dry = new Archiver(paths, Storage.local(), clock).apply(policy).preview();
    LifecycleReport real = new Archiver(paths, Storage.local(), clock).apply(policy).execute();

    for (LifecycleReport r : List.of(dry, real)) {
      assertThat(r.actions(LifecycleReport.Verb.DELETED)).isEmpty();
      assertThat(r.actions(LifecycleReport.Verb.KEPT))
          .singleElement()
          .satisfies(a -> assertThat(a.path()).isEqualTo(file))
          .satisfies(
              a ->
                  assertThat(a.detail())
                      .isEqualTo(
                          "its partition is dated 2099-01-01, after today (2025-11-10): archive"
                              + " retention never deletes a partition dated in the future (a"
                              + " clock that is behind?); delete it by hand if it is not wanted"));
    }
    assertThat(file).exists();
  }

  @Test
  void theArchivesSchemaCopyIsWrittenOnlyWhenMissingOrDifferent() throws IOException {
    data(Zone.SILVER, "preds", LocalDate.of(2024, 1, 1), PartitionLayout.DATE_PATH);
    RetentionPolicy policy = RetentionPolicy.none().lake(Zone.SILVER, Period.ofDays(30));
    Path copy = base.resolve("lake/archive/silver/preds/schema.json");
    assertThat(
            new Archiver(paths, Storage.local(), clock)
                .apply(policy)
                .execute()
                .actions(LifecycleReport.Verb.WRITTEN))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(copy);

    // The next partition of the table, the sidecar unchanged: its copy is left as it is.
    data(Zone.SILVER, "preds", LocalDate.of(2024, 1, 2), PartitionLayout.DATE_PATH);
    LifecycleReport dry = new Archiver(paths, Storage.local(), clock).apply(policy).preview();
    LifecycleReport same = new Archiver(paths, Storage.local(), clock).apply(policy).execute();
    assertThat(same.actions()).isEqualTo(dry.actions());
    assertThat(same.actions(LifecycleReport.Verb.WRITTEN)).isEmpty();
    assertThat(same.actions(LifecycleReport.Verb.ARCHIVED)).hasSize(1);

    // The sidecar evolved: the copy follows.
    data(Zone.SILVER, "preds", LocalDate.of(2024, 1, 3), PartitionLayout.DATE_PATH);
    Files.writeString(paths.schemaFile(Zone.SILVER, TableName.of("preds")), "{\"v\": 2}");
    assertThat(
            new Archiver(paths, Storage.local(), clock)
                .apply(policy)
                .execute()
                .actions(LifecycleReport.Verb.WRITTEN))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(copy);
    assertThat(copy).hasContent("{\"v\": 2}");
  }

  @Test
  void aNamedPartitionIsRefusedUpFrontWhenNamingItWouldDoNothing() throws IOException {
    Path file = data(Zone.SILVER, "preds", LocalDate.of(1970, 1, 1), PartitionLayout.DATE_PATH);
    Archiver archiver = new Archiver(paths, Storage.local(), clock);
    RetentionPolicy silver = RetentionPolicy.none().lake(Zone.SILVER, Period.ofDays(30));

    assertThatThrownBy(
            () ->
                archiver.apply(
                    silver.includingPartition(
                        Zone.GOLD, TableName.of("preds"), LocalDate.of(1970, 1, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot include partition gold.preds/1970-01-01: zone gold has no lake retention, so"
                + " nothing of it is archived (give gold a lake retention too, or name no"
                + " partition of it)");
    assertThatThrownBy(
            () ->
                archiver.apply(
                    silver.includingPartition(
                        Zone.SILVER, TableName.of("preds"), LocalDate.of(2025, 11, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot include partition silver.preds/2025-11-01: its date is from 2000-01-01 to"
                + " today (2025-11-10), so retention archives it by its age (name only"
                + " partitions dated before 2000-01-01 or after today, which retention otherwise"
                + " leaves alone)");
    assertThat(file).exists();
  }
}
