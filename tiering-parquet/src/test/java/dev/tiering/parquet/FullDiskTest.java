package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.health.HotTierGuard;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.TierFullException;
import dev.tiering.core.testing.FaultyStorage;
import dev.tiering.schema.SidecarStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that run out of space: on real 3 MiB tmpfs volumes where the test may mount them (root on
 * Linux, as in CI here), and always through the storage SPI's injected ENOSPC. A full write throws
 * a {@link TierFullException} naming the tier and its free space, leaves no visible and no
 * temporary file, and earlier files stay intact.
 */
class FullDiskTest {

  private static final int BIG = 400_000;

  @TempDir Path base;

  @Test
  void aFullSsdRefusesTheStagingFileAndKeepsTheEarlierOne() throws Exception {
    try (SmallVolume hot = SmallVolume.mount(base.resolve("hot"))) {
      PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
      StagingWriter staging = StagingWriter.builder(paths).build();
      staging.writeIntermediate(
          SlmId.of(1), BatchId.of("first"), CrashChild.schema(), CrashRows.rows(0, 100));

      assertThatThrownBy(
              () ->
                  staging.writeIntermediate(
                      SlmId.of(2),
                      BatchId.of("big"),
                      CrashChild.schema(),
                      CrashRows.rows(1_000_000, BIG)))
          .isInstanceOfSatisfying(
              TierFullException.class,
              e -> {
                assertThat(e.tier()).isEqualTo(Tier.HOT);
                assertThat(e.usage().totalBytes()).isEqualTo(3L * 1024 * 1024);
              })
          .hasMessageStartingWith(
              "No space left on hot tier (SSD, "
                  + paths.layout().hotRoot()
                  + ") writing "
                  + paths.layout().hotRoot().resolve("staging/slm_2_big.parquet"))
          .hasMessageContaining("free of 3.0 MiB (No space left on device)")
          .hasMessageContaining("run 'tiering cleanup --keep-recent 2'");

      Path dir = paths.layout().hotRoot().resolve("staging");
      assertThat(names(dir)).containsExactly("slm_1_first.parquet");
      assertThat(CrashRows.idsByDuckDb(List.of(dir.resolve("slm_1_first.parquet")))).hasSize(100);
      // The discarded file gave its space back: the next small write fits.
      staging.writeIntermediate(
          SlmId.of(3), BatchId.of("after"), CrashChild.schema(), CrashRows.rows(9, 10));
    }
  }

  @Test
  void aFullLakeRefusesTheWriteAndKeepsTheTableAndItsSidecar() throws Exception {
    try (SmallVolume lake = SmallVolume.mount(base.resolve("lake"))) {
      PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
      LakeWriter writer = LakeWriter.builder(paths).build();
      writer.writeCleanData(CrashChild.schema(), CrashRows.rows(0, 100));
      Path table = paths.tableDir(Zone.BRONZE, CrashChild.schema().table());
      List<Path> before = CrashLoopTest.visibleParquet(table);
      String sidecar = Files.readString(paths.schemaFile(Zone.BRONZE, CrashChild.schema().table()));

      assertThatThrownBy(
              () -> writer.writeCleanData(CrashChild.schema(), CrashRows.rows(1_000_000, BIG)))
          .isInstanceOfSatisfying(
              TierFullException.class, e -> assertThat(e.tier()).isEqualTo(Tier.COLD))
          .hasMessageStartingWith("No space left on cold tier (HDD, " + paths.layout().lakeRoot())
          .hasMessageContaining(
              "free space on it (run 'tiering archive' or 'tiering compact') or add capacity");

      assertThat(CrashLoopTest.visibleParquet(table)).isEqualTo(before);
      assertThat(CrashRows.idsByDuckDb(before)).hasSize(100);
      assertThat(Files.readString(paths.schemaFile(Zone.BRONZE, CrashChild.schema().table())))
          .isEqualTo(sidecar);
      assertThat(new SidecarStore(paths).read(Zone.BRONZE, CrashChild.schema().table()))
          .hasValueSatisfying(s -> assertThat(s.quality().rowCount()).isEqualTo(100));
      assertNoTemporaryFiles();
    }
  }

  @Test
  void aFullLakeAfterTheCommitPointGivesOneInstructionAndClaimsNothingAGlobContradicts()
      throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    // The data files are staged and the record committed; then the new schema.json finds no space.
    Storage fullAtTheSidecar =
        new dev.tiering.core.storage.ForwardingStorage(Storage.local()) {
          @Override
          public dev.tiering.core.storage.PendingFile create(
              Path target, dev.tiering.core.storage.WriteMode mode) throws IOException {
            if (target.getFileName().toString().equals("schema.json")) {
              throw new IOException("No space left on device (injected)");
            }
            return super.create(target, mode);
          }
        };
    LakeWriter writer = LakeWriter.builder(paths).storage(fullAtTheSidecar).build();

    assertThatThrownBy(() -> writer.writeCleanData(CrashChild.schema(), CrashRows.rows(0, 100)))
        .hasMessageStartingWith(
            "Write to bronze."
                + CrashChild.schema().table()
                + " is committed as commit 1 but not"
                + " yet published (No space left on cold tier (HDD, "
                + paths.layout().lakeRoot())
        .hasMessageContaining(
            "(free space on it (run 'tiering archive' or 'tiering compact') or add capacity)): do"
                + " not write it again; `tiering recover` or the next commit to the table"
                + " publishes it. The SDK's readers see none of it until then; a glob over the"
                + " table's files may already see some of them.")
        .hasMessageNotContaining("then write it again")
        .hasMessageNotContaining("nothing of it is visible");

    // What the message allows for: the glob already sees the committed rows.
    Path table = paths.tableDir(Zone.BRONZE, CrashChild.schema().table());
    assertThat(CrashRows.idsByDuckDb(CrashLoopTest.visibleParquet(table))).hasSize(100);
    new SidecarStore(paths).recover(Zone.BRONZE, CrashChild.schema().table());
    assertThat(new SidecarStore(paths).read(Zone.BRONZE, CrashChild.schema().table()))
        .hasValueSatisfying(s -> assertThat(s.lastCommit()).isEqualTo(1));
  }

  @Test
  void anInjectedEnospcIsReportedTheSameWay() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    FaultyStorage disk = new FaultyStorage().usage(10L * 1024 * 1024, 123_456);
    StagingWriter staging = StagingWriter.builder(paths).storage(disk).build();
    staging.writeIntermediate(
        SlmId.of(1), BatchId.of("first"), CrashChild.schema(), CrashRows.rows(0, 100));
    disk.failWritesAfter(200_000);

    assertThatThrownBy(
            () ->
                staging.writeIntermediate(
                    SlmId.of(2),
                    BatchId.of("big"),
                    CrashChild.schema(),
                    CrashRows.rows(1_000_000, BIG)))
        .isInstanceOf(TierFullException.class)
        .hasMessageContaining("No space left on hot tier (SSD, ")
        .hasMessageContaining(": 120.6 KiB free of 10.0 MiB (No space left on device (injected)");
    assertThat(names(paths.layout().hotRoot().resolve("staging")))
        .containsExactly("slm_1_first.parquet");
  }

  @Test
  void theHotTierGuardRefusesBeforeAnyByteIsWritten() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    FaultyStorage disk = new FaultyStorage().usage(100L * 1024 * 1024, 5L * 1024 * 1024);
    HotTierGuard guard = new HotTierGuard(paths, disk, 0.90);
    StagingWriter staging = StagingWriter.builder(paths).guard(guard::check).build();

    assertThatThrownBy(
            () -> staging.openIntermediate(SlmId.of(1), BatchId.of("b"), CrashChild.schema()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Cannot write slm_1_b.parquet: hot tier "
                + paths.layout().hotRoot()
                + " is 95.0% full (95.0 MiB of 100.0 MiB), above the 90% limit (run 'tiering cleanup"
                + " --keep-recent 2', or free space on the SSD)");
    assertThat(base.resolve("hot")).isEmptyDirectory();
  }

  private void assertNoTemporaryFiles() throws IOException {
    try (Stream<Path> all = Files.walk(base)) {
      assertThat(all.filter(p -> Storage.isTemporary(p.getFileName().toString()))).isEmpty();
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(".batches.lock") && !n.equals(".batch-records"))
          .sorted()
          .toList();
    }
  }

  /** A 3 MiB tmpfs mounted over a directory for the test; skips the test where mount is denied. */
  private static final class SmallVolume implements AutoCloseable {
    private final Path dir;

    private SmallVolume(Path dir) {
      this.dir = dir;
    }

    static SmallVolume mount(Path dir) throws Exception {
      Files.createDirectories(dir);
      int exit = run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir.toString());
      Assumptions.assumeTrue(
          exit == 0,
          "cannot mount a tmpfs here (needs root on Linux); the"
              + " injected-ENOSPC test covers the same path");
      return new SmallVolume(dir);
    }

    @Override
    public void close() throws Exception {
      if (run("umount", dir.toString()) != 0) {
        throw new IOException("cannot unmount the test volume " + dir);
      }
    }

    private static int run(String... command) throws Exception {
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return -1;
        }
        return p.exitValue();
      } catch (IOException noSuchCommand) {
        return -1;
      }
    }
  }
}
