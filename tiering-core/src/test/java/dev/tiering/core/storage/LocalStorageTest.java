package dev.tiering.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStorageTest {

  private final Storage storage = Storage.local();

  @TempDir Path dir;

  @Test
  void fileIsInvisibleUntilCommittedAndCompleteAfter() throws IOException {
    Path target = dir.resolve("a/b/data.parquet");
    byte[] content = new byte[1_000_000];
    for (int i = 0; i < content.length; i++) {
      content[i] = (byte) (i * 31);
    }
    try (PendingFile file = storage.create(target, WriteMode.CREATE_NEW)) {
      file.stream().write(content, 0, 10);
      file.stream().write(content, 10, content.length - 10);
      file.stream().close();
      assertThat(target).doesNotExist();
      assertThat(visibleNames(target.getParent())).isEmpty();
      assertThat(storage.list(target.getParent()))
          .singleElement()
          .satisfies(e -> assertThat(Storage.isTemporary(e.name())).isTrue());
      assertThat(file.bytesWritten()).isEqualTo(content.length);
      file.commit();
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(storage.list(target.getParent()))
        .extracting(FileEntry::name)
        .containsExactly("data.parquet");
  }

  @Test
  void aCrossDeviceTransferInterruptedAfterItsCopyIsFinishedByTheNextOne() throws IOException {
    Storage otherDevice = new dev.tiering.core.testing.FaultyStorage().crossDevice(true);
    Path source =
        Files.writeString(
            Files.createDirectories(dir.resolve("hot")).resolve("slm_1_b.parquet"), "rows");
    Path target = Files.createDirectories(dir.resolve("lake")).resolve("slm_1_b.parquet");
    // What a kill between the published copy and the delete of the source leaves:
    Files.copy(source, target);

    otherDevice.transfer(source, target);

    assertThat(source).doesNotExist();
    assertThat(target).hasContent("rows");
  }

  @Test
  void aTransferNeverReplacesADifferentFile() throws IOException {
    Storage otherDevice = new dev.tiering.core.testing.FaultyStorage().crossDevice(true);
    Path source =
        Files.writeString(
            Files.createDirectories(dir.resolve("hot")).resolve("slm_1_b.parquet"), "rows");
    Path target =
        Files.writeString(
            Files.createDirectories(dir.resolve("lake")).resolve("slm_1_b.parquet"), "other");

    assertThatThrownBy(() -> otherDevice.transfer(source, target))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(source).hasContent("rows");
    assertThat(target).hasContent("other");
  }

  @Test
  void anOutOfSpaceWriteNamesTheTierAndDiscardsTheFile() throws IOException {
    TierLayout layout = Storage.createRoots(TierLayout.under(dir));
    Storage full =
        new dev.tiering.core.testing.FaultyStorage()
            .failWritesAfter(10)
            .usage(1024 * 1024, 2048)
            .reportingFullTiers(layout);
    Path target = layout.lakeRoot().resolve("clean/gold/t/part-1.parquet");
    try (PendingFile file = full.create(target, WriteMode.CREATE_NEW)) {
      assertThatThrownBy(() -> file.stream().write(new byte[100]))
          .isInstanceOfSatisfying(
              TierFullException.class,
              e -> {
                assertThat(e.tier()).isEqualTo(Tier.COLD);
                assertThat(e.target()).isEqualTo(target);
                assertThat(e.usage().usableBytes()).isEqualTo(2048);
              })
          .hasMessage(
              "No space left on cold tier (HDD, "
                  + layout.lakeRoot()
                  + ") writing "
                  + target
                  + ": 2.0 KiB free of 1.0 MiB (No space left on device (injected) writing "
                  + target
                  + "). The file was discarded, its partial bytes are gone and files written"
                  + " before are intact; free space on it (run 'tiering archive' or 'tiering"
                  + " compact') or add capacity, then write it again.");
      // Discarded at the failure, not at close: the space is free again at once.
      assertThat(storage.list(target.getParent())).isEmpty();
    }
    assertThat(full.reportingFullTiers(layout)).isSameAs(full);
  }

  @Test
  void aFullTiersAdviceNeverNamesTheCommandThatRanOutOfSpace() throws IOException {
    TierLayout layout = Storage.createRoots(TierLayout.under(dir));
    Path target = layout.lakeRoot().resolve("clean/gold/t/part-1.parquet");
    // Compaction is not told to compact, cleanup not to clean up: either would only fail again.
    Storage compacting =
        new dev.tiering.core.testing.FaultyStorage()
            .failWritesAfter(10)
            .usage(1024 * 1024, 2048)
            .reportingFullTiers(layout, "compact");
    try (PendingFile file = compacting.create(target, WriteMode.CREATE_NEW)) {
      assertThatThrownBy(() -> file.stream().write(new byte[64]))
          .hasMessageEndingWith(
              "free space on it (run 'tiering archive') or add capacity, then write it again.")
          .hasMessageNotContaining("tiering compact");
    }
    Storage cleaning =
        new dev.tiering.core.testing.FaultyStorage()
            .failWritesAfter(10)
            .usage(1024 * 1024, 2048)
            .reportingFullTiers(layout, "cleanup");
    try (PendingFile file =
        cleaning.create(layout.hotRoot().resolve("staging/x.parquet"), WriteMode.CREATE_NEW)) {
      assertThatThrownBy(() -> file.stream().write(new byte[64]))
          .hasMessageContaining("free space on it (run 'tiering cache evict') or add capacity")
          .hasMessageNotContaining("tiering cleanup");
    }
    // The command line puts its progress display between the layout's storage and the service's.
    Storage layered =
        new ForwardingStorage(
            new dev.tiering.core.testing.FaultyStorage()
                .failWritesAfter(10)
                .usage(1024 * 1024, 2048)
                .reportingFullTiers(layout)) {}.reportingFullTiers(layout, "compact");
    try (PendingFile file = layered.create(target, WriteMode.CREATE_NEW)) {
      assertThatThrownBy(() -> file.stream().write(new byte[64]))
          .isInstanceOf(TierFullException.class)
          .hasMessageNotContaining("tiering compact");
    }
  }

  @Test
  void otherWriteFailuresAreNotMistakenForAFullTier() throws IOException {
    Storage failing =
        new dev.tiering.core.testing.FaultyStorage()
            .failCommits(1)
            .reportingFullTiers(Storage.createRoots(TierLayout.under(dir)));
    PendingFile file = failing.create(dir.resolve("hot/x.parquet"), WriteMode.CREATE_NEW);
    assertThatThrownBy(file::commit)
        .isNotInstanceOf(TierFullException.class)
        .hasMessageStartingWith("Commit failed (injected)");
  }

  @Test
  void closingWithoutCommitLeavesNothing() throws IOException {
    Path target = dir.resolve("x.parquet");
    try (PendingFile file = storage.create(target, WriteMode.CREATE_NEW)) {
      file.stream().write("partial".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(storage.list(dir)).isEmpty();
  }

  @Test
  void createNewNeverReplacesAnExistingFile() throws IOException {
    Path target = dir.resolve("x.parquet");
    Files.writeString(target, "first");
    PendingFile second = storage.create(target, WriteMode.CREATE_NEW);
    second.stream().write("second".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(second::commit)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(target.toString())
        .hasMessageContaining("never overwritten");
    assertThat(Files.readString(target)).isEqualTo("first");
    assertThat(storage.list(dir)).extracting(FileEntry::name).containsExactly("x.parquet");
  }

  @Test
  void replaceSwapsTheWholeFile() throws IOException {
    Path target = dir.resolve("schema.json");
    Files.writeString(target, "old");
    try (PendingFile file = storage.create(target, WriteMode.REPLACE)) {
      file.stream().write("new".getBytes(StandardCharsets.UTF_8));
      file.commit();
      file.close();
    }
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(storage.list(dir)).hasSize(1);
  }

  @Test
  void committingTwiceIsAStateError() throws IOException {
    PendingFile file = storage.create(dir.resolve("f"), WriteMode.CREATE_NEW);
    file.commit();
    assertThatThrownBy(file::commit).isInstanceOf(IllegalStateException.class);
    file.close();
  }

  @Test
  void listSeesLinksAsLinksAndMissingDirectoriesAsEmpty() throws IOException {
    Path outside = Files.writeString(dir.resolve("outside.txt"), "keep me");
    Path inner = Files.createDirectories(dir.resolve("inner"));
    Files.createSymbolicLink(inner.resolve("link"), outside);
    Files.createDirectories(inner.resolve("sub"));

    assertThat(storage.list(inner))
        .extracting(FileEntry::name, FileEntry::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("link", FileEntry.Type.SYMLINK),
            org.assertj.core.groups.Tuple.tuple("sub", FileEntry.Type.DIRECTORY));
    assertThat(storage.list(dir.resolve("missing"))).isEmpty();

    assertThat(storage.delete(inner.resolve("link"))).isTrue();
    assertThat(Files.readString(outside)).isEqualTo("keep me");
    assertThat(storage.delete(inner.resolve("link"))).isFalse();
  }

  @Test
  void moveNeverReplacesAndCreatesParents() throws IOException {
    Path a = Files.writeString(dir.resolve("a"), "a");
    Path b = Files.writeString(dir.resolve("b"), "b");
    assertThatThrownBy(() -> storage.move(a, b)).isInstanceOf(FileAlreadyExistsException.class);
    storage.move(a, dir.resolve("deep/er/a"));
    assertThat(Files.readString(dir.resolve("deep/er/a"))).isEqualTo("a");
    assertThat(a).doesNotExist();
  }

  @Test
  void readsAndUsage() throws IOException {
    Path f = Files.writeString(dir.resolve("f"), "hello");
    try (InputStream in = storage.openStream(f)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    try (var channel = storage.openChannel(f)) {
      assertThat(channel.size()).isEqualTo(5);
    }
    StoreUsage usage = storage.usage(dir.resolve("not/yet/created"));
    assertThat(usage.totalBytes()).isPositive();
    assertThat(usage.usedFraction()).isBetween(0.0, 1.0);
  }

  @Test
  void temporaryNamesAreRecognized() {
    assertThat(Storage.isTemporary(".part-1.parquet.0123456789abcdef.tmp")).isTrue();
    assertThat(Storage.isTemporary("part-1.parquet")).isFalse();
    assertThat(Storage.isTemporary(".hidden")).isFalse();
    // Other programs' temporary files are not the SDK's: recovery never touches them.
    assertThat(Storage.isTemporary(".editor-swap.tmp")).isFalse();
    assertThat(Storage.isTemporary(".part-1.parquet.00ff.tmp")).isFalse();
    assertThat(Storage.isTemporary(".part-1.parquet.0123456789ABCDEF.tmp")).isFalse();
    assertThat(Storage.isTemporary(".0123456789abcdef.tmp")).isFalse();
    assertThat(
            Storage.isTemporary(
                Storage.temporarySibling(Path.of("/x/schema.json")).getFileName().toString()))
        .isTrue();
  }

  @Test
  void streamWritesAfterCommitFail() throws IOException {
    PendingFile file = storage.create(dir.resolve("f"), WriteMode.CREATE_NEW);
    OutputStream out = file.stream();
    file.commit();
    assertThatThrownBy(
            () -> {
              out.write(1);
              out.flush();
            })
        .isInstanceOf(IOException.class);
  }

  private static List<String> visibleNames(Path dir) throws IOException {
    try (var stream = Files.list(dir)) {
      return stream.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
    }
  }

  @Test
  void specialFilesAreNamedInWordsNotAsOther() throws Exception {
    Path fifo = dir.resolve("part-1.parquet");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path socket = dir.resolve("part-2.parquet");
    try (java.nio.channels.ServerSocketChannel server =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(java.net.UnixDomainSocketAddress.of(socket));

      assertThat(storage.list(dir))
          .extracting(FileEntry::name, FileEntry::type)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("part-1.parquet", FileEntry.Type.FIFO),
              org.assertj.core.groups.Tuple.tuple("part-2.parquet", FileEntry.Type.SOCKET));
    }
    assertThat(storage.stat(Path.of("/dev/null")).orElseThrow().type())
        .isEqualTo(FileEntry.Type.CHARACTER_DEVICE);
    assertThat(FileEntry.Type.FIFO.inWords()).isEqualTo("a FIFO (named pipe)");
    assertThat(FileEntry.Type.SOCKET.inWords()).isEqualTo("a socket");
    assertThat(FileEntry.Type.DIRECTORY.inWords()).isEqualTo("a directory");
    assertThat(FileEntry.Type.SYMLINK.inWords()).isEqualTo("a symbolic link");
    assertThat(FileEntry.Type.BLOCK_DEVICE.inWords()).isEqualTo("a block device");
  }

  /**
   * The archive on its own device (the docs' own layout: status measures it apart) runs full while
   * cleanup archives staging files into it. The advice names commands that free the lake's clean
   * area, not the archive: 'tiering archive' moves more data into the full archive and 'tiering
   * compact' works in lake/clean. The same holds for the hot cache on its own device, told to run
   * 'tiering cleanup', which frees only staging.
   */
  @Test
  void aFullArchiveIsNotToldToRunTheCommandsThatFillIt() throws IOException {
    TierLayout layout = Storage.createRoots(TierLayout.under(dir));
    Path target = layout.lakeRoot().resolve("archive/staging/b1/slm_1_b1.parquet");
    Storage full =
        new dev.tiering.core.testing.FaultyStorage()
            .failWritesAfter(10)
            .usage(1024 * 1024, 2048)
            .reportingFullTiers(layout, "cleanup");
    try (PendingFile file = full.create(target, WriteMode.CREATE_NEW)) {
      assertThatThrownBy(() -> file.stream().write(new byte[64]))
          .isInstanceOf(TierFullException.class)
          .hasMessageNotContaining("tiering archive")
          .hasMessageNotContaining("tiering compact");
    }
  }

  @Test
  void aFullCacheIsToldToEvictNotToCleanUpStaging() throws IOException {
    TierLayout layout = Storage.createRoots(TierLayout.under(dir));
    Path target = layout.hotRoot().resolve("clean/silver/t/2025/11/10/part-1.parquet");
    Storage full =
        new dev.tiering.core.testing.FaultyStorage()
            .failWritesAfter(10)
            .usage(1024 * 1024, 2048)
            .reportingFullTiers(layout);
    try (PendingFile file = full.create(target, WriteMode.CREATE_NEW)) {
      assertThatThrownBy(() -> file.stream().write(new byte[64]))
          .isInstanceOf(TierFullException.class)
          .hasMessageEndingWith(
              "free space on it (run 'tiering cache evict') or add capacity, then write it again.");
    }
  }
}
