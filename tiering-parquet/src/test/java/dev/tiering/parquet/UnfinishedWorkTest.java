package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.Tiering;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.health.HealthLevel;
import dev.tiering.core.health.HealthReport;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.SidecarStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unfinished lake work: what a glob reader sees part of, named by status until it is finished. */
class UnfinishedWorkTest {

  private static final TableName TABLE = TableName.of("slm_predictions");

  @TempDir Path base;

  @BeforeEach
  void roots() throws IOException {
    Storage.createRoots(TierLayout.under(base));
  }

  /** A storage whose renames of staged files (step 7, after the commit point) fail while armed. */
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

  private static void write(Tiering tiering, long seed) throws IOException {
    tiering
        .lake()
        .writeCleanData(
            Predictions.schema(),
            Predictions.rows(50, Predictions.START, seed),
            LakeWriteOptions.defaults().partitionBy("timestamp"));
  }

  @Test
  void aTidyLakeHasNoUnfinishedWorkAndStatusSaysSo() throws Exception {
    Tiering tiering = Tiering.builder().root(base).build();
    write(tiering, 1);
    assertThat(tiering.unfinishedWork().find()).isEmpty();
    assertThat(tiering.health().check().checks())
        .filteredOn(c -> c.name().equals("unfinished work"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.level()).isEqualTo(HealthLevel.OK);
              assertThat(c.message()).isEqualTo("no lake commit or compaction is unfinished");
            });
  }

  /**
   * A commit past its commit point whose files could not all be published: a glob sees part of it,
   * so status warns, naming the table and the record, until recovery publishes the rest.
   */
  @Test
  void aCommitNotPublishedWholeIsAWarningUntilRecoveryPublishesIt() throws Exception {
    AtomicBoolean armed = new AtomicBoolean(false);
    Tiering tiering = Tiering.builder().root(base).storage(failingPublish(armed)).build();
    write(tiering, 1);
    armed.set(true);
    assertThatThrownBy(() -> write(tiering, 2)).hasMessageContaining("committed as commit 2");
    armed.set(false);

    assertThat(tiering.unfinishedWork().find())
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.kind()).isEqualTo(UnfinishedWork.Kind.COMMIT_NOT_PUBLISHED);
              assertThat(item.path().getFileName().toString()).isEqualTo("0000000002.commit.json");
            });
    HealthReport report = tiering.health().check();
    assertThat(report.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(report.format())
        .contains(
            "silver.slm_predictions: commit record 0000000002.commit.json is past its commit point"
                + " but not published whole (written under a minute ago): a glob reads part of it")
        .contains("run 'tiering recover' to finish the work");

    new SidecarStore(tiering.paths()).recover(Zone.SILVER, TABLE);
    assertThat(tiering.unfinishedWork().find()).isEmpty();
    assertThat(tiering.health().check().level()).isEqualTo(HealthLevel.OK);
  }

  /**
   * A write before its commit point is seen by no glob: one in progress is not a warning, one whose
   * writer stopped over 10 minutes ago is, for the space its staged files take.
   */
  @Test
  void aWriteStoppedBeforeItsCommitPointWarnsOnlyOnceItIsOld() throws Exception {
    Tiering tiering = Tiering.builder().root(base).build();
    write(tiering, 1);
    Path log = tiering.paths().commitLogDir(Zone.SILVER, TABLE);
    Path pending = log.resolve("0000000002.pending.json");
    Files.copy(log.resolve("0000000001.commit.json"), pending);
    Files.writeString(pending, Files.readString(pending).replace("\"seq\" : 1", "\"seq\" : 2"));
    Instant now = Instant.now();
    Files.setLastModifiedTime(pending, FileTime.from(now.minus(Duration.ofMinutes(5))));
    UnfinishedWork work =
        new UnfinishedWork(
            tiering.paths(),
            Storage.local(),
            new SidecarStore(tiering.paths()),
            Clock.fixed(now, ZoneOffset.UTC));
    assertThat(work.find()).isEmpty();

    Files.setLastModifiedTime(pending, FileTime.from(now.minus(Duration.ofMinutes(11))));
    assertThat(work.find())
        .singleElement()
        .satisfies(
            item -> assertThat(item.kind()).isEqualTo(UnfinishedWork.Kind.WRITE_INTERRUPTED));
    assertThat(work.check().message())
        .startsWith(
            "silver.slm_predictions: a write stopped before its commit point"
                + " (0000000002.pending.json, written 11 min ago): nothing of it is visible");
  }

  /**
   * One table whose {@code schema.json} cannot be read (an operator's bad edit) must not hide
   * another table's commit that a glob reads part of: status should still name that table, the
   * record and the fix. The probe stops at the first table it cannot read and reports only "could
   * not be checked", so the table with the half-published commit goes unnamed.
   */
  @Test
  void aTableThatCannotBeReadDoesNotHideAnotherTablesUnfinishedCommit() throws Exception {
    AtomicBoolean armed = new AtomicBoolean(false);
    Tiering tiering = Tiering.builder().root(base).storage(failingPublish(armed)).build();
    write(tiering, 1);
    armed.set(true);
    assertThatThrownBy(() -> write(tiering, 2)).hasMessageContaining("committed as commit 2");
    armed.set(false);
    Path broken =
        Files.createDirectories(base.resolve("lake/clean/gold/broken")).resolve("schema.json");
    Files.writeString(broken, "{\"zone\": ");

    HealthReport report = tiering.health().check();
    assertThat(report.level()).isEqualTo(HealthLevel.WARNING);
    assertThat(report.format())
        .contains("silver.slm_predictions: commit record 0000000002.commit.json")
        .contains(broken.toString());
  }

  /**
   * A journal's name is read from disk, so it is untrusted: a file named with a line break and a
   * fake report line must not add a line to what status prints (here an "ok" line for the very
   * check that is warning).
   */
  @Test
  void aJournalsNameCannotAddALineToTheStatusReport() throws Exception {
    Tiering tiering = Tiering.builder().root(base).build();
    write(tiering, 1);
    Path partition;
    try (java.util.stream.Stream<Path> walk =
        Files.walk(tiering.paths().tableDir(Zone.SILVER, TABLE))) {
      partition =
          walk.filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow()
              .getParent();
    }
    Files.createFile(
        partition.resolve(
            ".compaction-x\n  unfinished work  ok  no lake commit or compaction is unfinished\n"
                + ".journal"));

    String message = tiering.unfinishedWork().check().message();
    assertThat(message).doesNotContain("\n");
  }
}
