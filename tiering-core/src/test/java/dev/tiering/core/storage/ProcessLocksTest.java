package dev.tiering.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.lifecycle.TempFileSweeper;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Locks hold across the threads of one JVM and across processes. The other process is a real JVM
 * ({@link LockProbe}) asking the OS for the same record lock.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessLocksTest {

  private final Storage storage = Storage.local();

  @Test
  void aWaiterThatTimesOutInTheHoldersJvmLeavesTheLockHeldForOtherProcesses(@TempDir Path dir)
      throws Exception {
    Path lockFile = dir.resolve(".table.lock");
    try (Closeable held = storage.lock(lockFile, Duration.ofSeconds(5))) {
      assertThat(LockProbe.probe(lockFile, "-", LockMode.EXCLUSIVE)).isEqualTo("taken");
      CompletableFuture<Throwable> waiter =
          CompletableFuture.supplyAsync(
              () -> {
                try (Closeable second = storage.lock(lockFile, Duration.ofMillis(200))) {
                  return null;
                } catch (Throwable e) {
                  return e;
                }
              });
      assertThat(waiter.get(60, TimeUnit.SECONDS))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Timed out after 200 ms waiting for lock " + lockFile);

      // Before the fix, the waiter closed its own descriptor and so dropped the holder's lock.
      assertThat(LockProbe.probe(lockFile, "-", LockMode.EXCLUSIVE)).isEqualTo("taken");
    }
    assertThat(LockProbe.probe(lockFile, "-", LockMode.EXCLUSIVE)).isEqualTo("free");
  }

  @Test
  void anInterruptedWaiterLeavesTheLockHeldForOtherProcesses(@TempDir Path dir) throws Exception {
    Path lockFile = dir.resolve(".table.lock");
    try (Closeable held = storage.lock(lockFile, Duration.ofSeconds(5))) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CountDownLatch started = new CountDownLatch(1);
      Thread waiter =
          new Thread(
              () -> {
                started.countDown();
                try (Closeable second = storage.lock(lockFile, Duration.ofMinutes(5))) {
                  failure.set(new AssertionError("took a held lock"));
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      waiter.start();
      started.await();
      waiter.interrupt();
      waiter.join(60_000);
      assertThat(failure.get()).isInstanceOf(InterruptedIOException.class);
      assertThat(LockProbe.probe(lockFile, "-", LockMode.EXCLUSIVE)).isEqualTo("taken");
    }
  }

  @Test
  void threadsOfOneJvmTakeTheLockOneAfterTheOther(@TempDir Path dir) throws Exception {
    Path lockFile = dir.resolve(".cache.lock");
    Closeable first = storage.lock(lockFile, Duration.ofSeconds(5));
    CompletableFuture<Closeable> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return storage.lock(lockFile, Duration.ofSeconds(60));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(
            storage.tryLock(
                lockFile.resolveSibling("other.lock"), "k", LockMode.EXCLUSIVE, Duration.ZERO))
        .isPresent()
        .get()
        .satisfies(Closeable::close);
    assertThat(second).isNotDone();
    first.close();
    first.close(); // a second close is harmless and releases nothing of the next holder's
    try (Closeable next = second.get(60, TimeUnit.SECONDS)) {
      assertThat(LockProbe.probe(lockFile, "-", LockMode.EXCLUSIVE)).isEqualTo("taken");
    }
    assertThat(LockProbe.probe(lockFile, "-", LockMode.EXCLUSIVE)).isEqualTo("free");
  }

  @Test
  void sharedHoldersKeepAnExclusiveHolderOutInThisJvmAndInOthers(@TempDir Path dir)
      throws Exception {
    Path lockFile = dir.resolve(".batches.lock");
    Closeable one = storage.tryLock(lockFile, "b1", LockMode.SHARED, Duration.ZERO).orElseThrow();
    Closeable two = storage.tryLock(lockFile, "b1", LockMode.SHARED, Duration.ZERO).orElseThrow();
    assertThat(storage.tryLock(lockFile, "b1", LockMode.EXCLUSIVE, Duration.ZERO)).isEmpty();
    assertThat(LockProbe.probe(lockFile, "b1", LockMode.EXCLUSIVE)).isEqualTo("taken");
    assertThat(LockProbe.probe(lockFile, "b1", LockMode.SHARED)).isEqualTo("free");
    assertThat(LockProbe.probe(lockFile, "b2", LockMode.EXCLUSIVE)).isEqualTo("free");

    one.close();
    assertThat(storage.tryLock(lockFile, "b1", LockMode.EXCLUSIVE, Duration.ZERO)).isEmpty();
    assertThat(LockProbe.probe(lockFile, "b1", LockMode.EXCLUSIVE)).isEqualTo("taken");
    two.close();
    assertThat(LockProbe.probe(lockFile, "b1", LockMode.EXCLUSIVE)).isEqualTo("free");
    Optional<Closeable> exclusive =
        storage.tryLock(lockFile, "b1", LockMode.EXCLUSIVE, Duration.ZERO);
    assertThat(exclusive).isPresent();
    assertThat(storage.tryLock(lockFile, "b1", LockMode.SHARED, Duration.ZERO)).isEmpty();
    assertThat(LockProbe.probe(lockFile, "b1", LockMode.SHARED)).isEqualTo("taken");
    exclusive.get().close();
  }

  @Test
  void anExclusiveHolderInAnotherProcessKeepsSharersOutUntilItReleases(@TempDir Path dir)
      throws Exception {
    Path lockFile = dir.resolve(".batches.lock");
    Process holder = LockProbe.hold(lockFile, "b7", LockMode.EXCLUSIVE);
    try {
      assertThat(storage.tryLock(lockFile, "b7", LockMode.SHARED, Duration.ZERO)).isEmpty();
      assertThat(storage.tryLock(lockFile, "b8", LockMode.SHARED, Duration.ZERO))
          .isPresent()
          .get()
          .satisfies(Closeable::close);
      holder.getOutputStream().close();
      assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
      try (Closeable shared =
          storage.tryLock(lockFile, "b7", LockMode.SHARED, Duration.ofSeconds(60)).orElseThrow()) {
        assertThat(LockProbe.probe(lockFile, "b7", LockMode.EXCLUSIVE)).isEqualTo("taken");
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void twoPathsToOneLockFileShareItsLocksSoReleasingOneKeepsTheOther(@TempDir Path dir)
      throws Exception {
    Path lockFile = dir.resolve(".batches.lock");
    Files.createFile(lockFile);
    Path alias = Files.createLink(dir.resolve(".partitions.lock"), lockFile);
    try (Closeable writer =
        storage.tryLock(lockFile, "batch b1", LockMode.SHARED, Duration.ZERO).orElseThrow()) {
      // Another lock through the other name, taken and released: before, its own channel's
      // close dropped the writer's lock for every other process.
      storage
          .tryLock(alias, "partition 2025/11/10", LockMode.EXCLUSIVE, Duration.ZERO)
          .orElseThrow()
          .close();
      assertThat(LockProbe.probe(lockFile, "batch b1", LockMode.EXCLUSIVE)).isEqualTo("taken");
    }
  }

  @Test
  void aLockFileThatIsALinkIsRefusedAndNothingIsCreatedWhereItPoints(@TempDir Path dir)
      throws Exception {
    Path target = dir.resolve("elsewhere");
    Path lockFile = Files.createSymbolicLink(dir.resolve(".cache.lock"), target);
    assertThatThrownBy(() -> storage.lock(lockFile, Duration.ofSeconds(1)))
        .isInstanceOf(java.nio.file.FileSystemException.class)
        .hasMessageContaining("Refusing to lock " + lockFile + ": it is a symbolic link");
    assertThat(target).doesNotExist();
  }

  @Test
  void aTemporaryLookingHardLinkToALockFileIsNeverProbedSoNoLockIsDropped(@TempDir Path dir)
      throws Exception {
    Path lockFile = dir.resolve(".batches.lock");
    try (Closeable writer =
        storage.tryLock(lockFile, "batch b1", LockMode.SHARED, Duration.ZERO).orElseThrow()) {
      Path planted = Files.createLink(dir.resolve(".x.0123456789abcdef.tmp"), lockFile);
      TempFileSweeper eager =
          new TempFileSweeper(
              storage,
              Duration.ZERO,
              java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(1)));

      assertThat(eager.sweep(dir)).isEmpty();

      assertThat(planted).exists();
      assertThat(LockProbe.probe(lockFile, "batch b1", LockMode.EXCLUSIVE)).isEqualTo("taken");
    }
  }

  @Test
  void aHardLinkToALiveWritersTemporaryFileIsNeverProbed(@TempDir Path dir) throws Exception {
    try (PendingFile live = storage.create(dir.resolve("part-1.parquet"), WriteMode.CREATE_NEW)) {
      Path temp;
      try (var files = Files.list(dir)) {
        temp =
            files
                .filter(p -> Storage.isTemporary(p.getFileName().toString()))
                .findFirst()
                .orElseThrow();
      }
      Files.createLink(dir.resolve(".y.0123456789abcdef.tmp"), temp);
      TempFileSweeper eager =
          new TempFileSweeper(
              storage,
              Duration.ZERO,
              java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofDays(1)));

      assertThat(eager.sweep(dir)).isEmpty();
      live.stream().write(7);
      live.commit();
    }
    assertThat(Files.readAllBytes(dir.resolve("part-1.parquet"))).containsExactly(7);
  }

  @Test
  void keysSpreadOverDistinctBytes() {
    java.util.Set<Long> positions = new java.util.HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      long position = ProcessLocks.position("batch b" + i);
      assertThat(position).isBetween(1L, 1L << 62);
      positions.add(position);
    }
    assertThat(positions).hasSize(100_000);
  }

  @Test
  void aWaiterGivesUpAfterItsTimeoutWhileAnotherProcessHoldsTheLock(@TempDir Path dir)
      throws Exception {
    Path lockFile = dir.resolve(".schema.json.lock");
    Process holder = LockProbe.hold(lockFile, "-", LockMode.EXCLUSIVE);
    try {
      assertThatThrownBy(() -> storage.lock(lockFile, Duration.ofMillis(50)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("another writer holds it");
    } finally {
      holder.destroyForcibly();
    }
  }

  /**
   * We run as root (so does CI): a tier owned by uid 65534 stands for the service user's. What root
   * creates there must stay usable by that user, lock files first (they are never deleted).
   */
  @Test
  void lockFilesDirectoriesAndFilesRootMakesInAnotherUsersTierBelongToThatUser(@TempDir Path dir)
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
        "needs root, as CI runs");
    Path hot = Files.createDirectories(dir.resolve("hot"));
    Files.setAttribute(hot, "unix:uid", 65534);
    Files.setAttribute(hot, "unix:gid", 65534);
    Storage storage = Storage.local();
    Optional<Closeable> batch =
        storage.tryLock(hot.resolve("staging/.batches.lock"), "b1", LockMode.SHARED, Duration.ZERO);
    assertThat(batch).isPresent();
    batch.get().close();
    storage.lock(hot.resolve("clean/.cache.lock"), Duration.ZERO).close();
    try (PendingFile file =
        storage.create(hot.resolve("staging/slm_1_b1.parquet"), WriteMode.CREATE_NEW)) {
      file.stream().write(1);
      file.commit();
    }
    for (String made :
        new String[] {
          "staging",
          "staging/.batches.lock",
          "clean",
          "clean/.cache.lock",
          "staging/slm_1_b1.parquet"
        }) {
      assertThat(Files.getAttribute(hot.resolve(made), "unix:uid")).as(made).isEqualTo(65534);
      assertThat(Files.getAttribute(hot.resolve(made), "unix:gid")).as(made).isEqualTo(65534);
    }
    // In root's own directory, root's files stay root's.
    storage.lock(dir.resolve("mine/.lock"), Duration.ZERO).close();
    assertThat(Files.getAttribute(dir.resolve("mine/.lock"), "unix:uid")).isEqualTo(0);
  }
}
