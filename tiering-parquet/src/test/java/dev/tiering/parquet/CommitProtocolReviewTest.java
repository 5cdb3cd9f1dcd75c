package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.ForwardingPendingFile;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.schema.CommitRetention;
import dev.tiering.schema.SidecarStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests from an adversarial review of the lake commit protocol: each broke a guarantee
 * before its fix.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CommitProtocolReviewTest {

  private static final TableName TABLE = TableName.of("slm_predictions");

  @TempDir Path base;
  private PathResolver paths;

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  private LakeWriter lake(Storage storage) {
    return LakeWriter.builder(paths)
        .storage(storage)
        .clock(Clock.fixed(Predictions.START, ZoneOffset.UTC))
        .build();
  }

  private static LakeWriteOptions opts() {
    return LakeWriteOptions.defaults().partitionBy("timestamp");
  }

  private LakeWriteResult write(LakeWriter lake, int n, long seed) throws IOException {
    return lake.writeCleanData(
        Predictions.schema(), Predictions.rows(n, Predictions.START, seed), opts());
  }

  private long readerRows() throws IOException {
    long rows = 0;
    try (ParquetRowReader scan = new LakeReader(paths).scan(Zone.SILVER, TABLE)) {
      while (scan.next()) {
        rows++;
      }
    }
    return rows;
  }

  private Path record(String name) {
    return paths.commitLogDir(Zone.SILVER, TABLE).resolve(name);
  }

  private List<String> records() throws IOException {
    try (Stream<Path> s = Files.list(paths.commitLogDir(Zone.SILVER, TABLE))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A storage whose staged-file publish (rename of *.staged) fails while armed. */
  private static Storage failingPublish(AtomicBoolean armed) {
    return new ForwardingStorage(Storage.local()) {
      @Override
      public void move(Path source, Path target) throws IOException {
        if (armed.get() && source.getFileName().toString().endsWith(".staged")) {
          throw new IOException("publish failed (injected)");
        }
        super.move(source, target);
      }
    };
  }

  /** A storage whose schema.json replace fails while armed (after all files were published). */
  private static Storage failingSidecar(AtomicBoolean armed) {
    return new ForwardingStorage(Storage.local()) {
      @Override
      public PendingFile create(Path target, WriteMode mode) throws IOException {
        PendingFile file = super.create(target, mode);
        if (!target.getFileName().toString().equals("schema.json")) {
          return file;
        }
        return new ForwardingPendingFile(file) {
          @Override
          public void commit() throws IOException {
            if (armed.get()) {
              throw new IOException("sidecar write failed (injected)");
            }
            super.commit();
          }
        };
      }
    };
  }

  @Test
  void anAppenderRefusesAWriteIdRatherThanDropEveryCommitAfterTheFirst() throws Exception {
    LakeWriter lake = lake(Storage.local());
    assertThatThrownBy(
            () ->
                lake.appender(
                    Predictions.schema(),
                    opts().writeId("job-42"),
                    Long.MAX_VALUE,
                    Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot use write id 'job-42' for an appender");
  }

  /** A commit applied late by recovery is young from then on: a fresh scan is not expired. */
  @Test
  void aCommitRolledForwardLateIsNotCompactedUnderAFreshScan() throws Exception {
    AtomicBoolean armed = new AtomicBoolean(false);
    LakeWriter lake = lake(failingPublish(armed));
    write(lake, 50, 1);
    armed.set(true);
    assertThatThrownBy(() -> write(lake, 50, 2)).hasMessageContaining("is committed as commit 2");
    armed.set(false);
    // Commit 1 is old; commit 2's writer died an hour ago, right after its commit point.
    Instant now = Instant.now();
    Files.setLastModifiedTime(
        record("0000000001.commit.json"), FileTime.from(now.minus(Duration.ofHours(2))));
    Files.setLastModifiedTime(
        record("0000000002.commit.json"), FileTime.from(now.minus(Duration.ofHours(1))));

    try (ParquetRowReader scan = new LakeReader(paths).scan(Zone.SILVER, TABLE)) {
      new SidecarStore(paths).recover(Zone.SILVER, TABLE);
      Compactor.builder(paths).build().compact(Zone.SILVER, TABLE).execute();
      long rows = 0;
      while (scan.next()) {
        rows++;
      }
      assertThat(rows).isEqualTo(50);
    }
    assertThat(readerRows()).isEqualTo(100);
  }

  /** Records younger than an hour outlive the retention count, so young commits stay young. */
  @Test
  void aSmallRetentionCountNeverMakesYoungCommitsLookOld() throws Exception {
    LakeWriter lake =
        LakeWriter.builder(paths)
            .clock(Clock.fixed(Predictions.START, ZoneOffset.UTC))
            .commitRetention(new CommitRetention(Duration.ofDays(7), 1))
            .build();
    write(lake, 50, 1);
    try (ParquetRowReader scan = new LakeReader(paths).scan(Zone.SILVER, TABLE)) {
      write(lake, 50, 2);
      write(lake, 50, 3);
      assertThat(records()).hasSize(3);
      Compactor.builder(paths).build().compact(Zone.SILVER, TABLE).execute();
      long rows = 0;
      while (scan.next()) {
        rows++;
      }
      assertThat(rows).isEqualTo(50);
    }
    assertThatThrownBy(() -> Compactor.builder(paths).minCommitAge(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use zero to PT1H");
  }

  /** Files of a commit not yet applied, archived with their old day: recovery finds them there. */
  @Test
  void anArchiveBeforeRecoveryDoesNotWedgeTheTable() throws Exception {
    AtomicBoolean armed = new AtomicBoolean(false);
    LakeWriter lake = lake(failingSidecar(armed));
    write(lake, 50, 1);
    armed.set(true);
    assertThatThrownBy(() -> write(lake, 50, 2)).hasMessageContaining("is committed as commit 2");
    armed.set(false);
    Clock later = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    var report =
        new dev.tiering.core.lifecycle.Archiver(paths, Storage.local(), later)
            .apply(
                dev.tiering.core.lifecycle.RetentionPolicy.none()
                    .lake(Zone.SILVER, java.time.Period.ofDays(30)))
            .execute();
    assertThat(report.failures()).isEmpty();

    assertThat(new SidecarStore(paths).recover(Zone.SILVER, TABLE).rolledForward()).isEqualTo(1);
    assertThat(new LakeReader(paths).sidecar(Zone.SILVER, TABLE).quality().rowCount())
        .isEqualTo(100);
    write(lake(Storage.local()), 10, 3);
    assertThat(readerRows()).isEqualTo(10);
  }

  /** A commit point that may or may not have happened is reported as exactly that. */
  @Test
  void aCommitPointWhoseOutcomeCannotBeToldSaysSoAndHowToRetry() throws Exception {
    write(lake(Storage.local()), 50, 1);
    AtomicBoolean statFails = new AtomicBoolean(false);
    Storage flaky =
        new ForwardingStorage(Storage.local()) {
          @Override
          public void move(Path source, Path target) throws IOException {
            super.move(source, target);
            if (target.getFileName().toString().endsWith(".commit.json")) {
              statFails.set(true);
              throw new IOException("connection reset after rename (injected)");
            }
          }

          @Override
          public Optional<dev.tiering.core.storage.FileEntry> stat(Path path) throws IOException {
            if (statFails.getAndSet(false)) {
              throw new IOException("stat timed out (injected)");
            }
            return super.stat(path);
          }
        };

    assertThatThrownBy(() -> write(lake(flaky), 50, 2))
        .hasMessageContaining("whether it is committed cannot be told")
        .hasMessageContaining("retry it only with a write id");
    new SidecarStore(paths).recover(Zone.SILVER, TABLE);
    assertThat(readerRows()).isEqualTo(100);
  }

  /** Only the commit after the last one can be unfinished; a record far ahead is refused. */
  @Test
  void aRecordNumberedPastTheNextCommitIsRefused() throws Exception {
    write(lake(Storage.local()), 10, 1);
    String one = Files.readString(record("0000000001.commit.json"));
    String evil =
        one.replaceFirst("\"commit\" : 1", "\"commit\" : 9999999999")
            .replaceFirst("\"last_commit\" : 1", "\"last_commit\" : 9999999999")
            .replaceFirst("(?s)\"files\" : \\[.*?\\]", "\"files\" : [ ]");
    Files.writeString(record("9999999999.commit.json"), evil);

    assertThatThrownBy(() -> new SidecarStore(paths).recover(Zone.SILVER, TABLE))
        .hasMessageContaining("it is commit 9999999999 but the table's last commit is 1");
    assertThat(new LakeReader(paths).sidecar(Zone.SILVER, TABLE).lastCommit()).isEqualTo(1);
    Files.delete(record("9999999999.commit.json"));
    assertThat(write(lake(Storage.local()), 10, 2).commit()).isEqualTo(2);
  }

  /** A pending record naming a staged file through a linked directory changes nothing outside. */
  @Test
  void aRecordReachingThroughALinkedDirectoryTouchesNothingOutside() throws Exception {
    write(lake(Storage.local()), 10, 1);
    Path outside = Files.createDirectories(base.resolve("outside"));
    String name = ".part-" + java.util.UUID.randomUUID() + ".parquet.staged";
    Path victim = Files.writeString(outside.resolve(name), "keep me");
    Files.createSymbolicLink(paths.tableDir(Zone.SILVER, TABLE).resolve("evil"), outside);
    String one = Files.readString(record("0000000001.commit.json"));
    String evil =
        one.replaceFirst("\"commit\" : 1", "\"commit\" : 2")
            .replaceFirst("\"last_commit\" : 1", "\"last_commit\" : 2")
            .replaceFirst("\"staged\" : \"[^\"]*\"", "\"staged\" : \"evil/" + name + "\"");
    Files.writeString(record("0000000002.pending.json"), evil);
    assertThatThrownBy(() -> new SidecarStore(paths).recover(Zone.SILVER, TABLE))
        .isInstanceOf(IOException.class);
    Files.move(record("0000000002.pending.json"), record("0000000002.commit.json"));
    assertThatThrownBy(() -> new SidecarStore(paths).recover(Zone.SILVER, TABLE))
        .isInstanceOf(IOException.class);
    assertThat(victim).hasContent("keep me");
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s.count()).isEqualTo(1);
    }
  }

  /** Compaction before recovery leaves an unapplied commit alone; its retry is a no-op. */
  @Test
  void aCompactionBeforeRecoveryAndARetryWithTheWriteIdLoseAndDoubleNothing() throws Exception {
    AtomicBoolean armed = new AtomicBoolean(false);
    LakeWriter lake = lake(failingSidecar(armed));
    write(lake, 50, 1);
    write(lake, 50, 2);
    armed.set(true);
    assertThatThrownBy(
            () ->
                lake.writeCleanData(
                    Predictions.schema(),
                    Predictions.rows(50, Predictions.START, 3),
                    opts().writeId("w3")))
        .hasMessageContaining("is committed as commit 3");
    armed.set(false);
    Compactor.builder(paths)
        .minCommitAge(Duration.ZERO)
        .build()
        .compact(Zone.SILVER, TABLE)
        .execute();
    assertThat(readerRows()).isEqualTo(100);
    LakeWriteResult retry =
        lake(Storage.local())
            .writeCleanData(
                Predictions.schema(),
                Predictions.rows(50, Predictions.START, 3),
                opts().writeId("w3"));
    assertThat(retry.replayed()).isTrue();
    assertThat(readerRows()).isEqualTo(150);
    assertThat(new LakeReader(paths).sidecar(Zone.SILVER, TABLE).quality().rowCount())
        .isEqualTo(150);
  }
}
