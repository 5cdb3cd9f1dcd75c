package dev.tiering.hadoop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.storage.LockMode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HadoopStorage}'s locks (and its connecting) on a real HDFS (MiniDFSCluster, one per
 * class), used by separate HDFS clients as separate processes would use it: each {@link #client()}
 * has its own DFSClient, so the NameNode sees another lease holder. The dangerous interleavings are
 * forced with the storage's hooks and latches, never with sleeps, and every holder counts itself in
 * {@link #inside} while it believes it holds the lock: two at once fail the test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HdfsLockTest {

  private static final Duration LONG = Duration.ofSeconds(20);

  private static MiniHdfs hdfs;

  private final List<HadoopStorage> clients = new ArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  /** How many holders believe they hold the lock under test. */
  private final AtomicInteger inside = new AtomicInteger();

  private Path dir;
  private Path lock;

  @BeforeAll
  static void startHdfs() throws Exception {
    hdfs = MiniHdfs.start();
  }

  @AfterAll
  static void stopHdfs() throws Exception {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @BeforeEach
  void names(TestInfo test) {
    dir = Path.of("/" + test.getTestMethod().orElseThrow().getName());
    lock = dir.resolve(".x.lock");
  }

  @AfterEach
  void closeClients() throws IOException {
    threads.shutdownNow();
    for (HadoopStorage client : clients) {
      client.fileSystem().close();
    }
  }

  /** A storage with its own HDFS client: to the NameNode, another process. */
  private HadoopStorage client() {
    Configuration conf = new Configuration();
    conf.setBoolean("fs.hdfs.impl.disable.cache", true);
    HadoopStorage client = HadoopStorage.open(hdfs.uri(), conf);
    clients.add(client);
    return client;
  }

  /** Counts a holder in until it releases: a second holder at once fails the test. */
  private Closeable hold(Closeable held) {
    assertThat(inside.incrementAndGet()).as("holders of the lock at once").isEqualTo(1);
    return () -> {
      inside.decrementAndGet();
      held.close();
    };
  }

  @Test
  void aHolderReleasingWhileAnotherTakesTheLockNeverLeavesTwoHolders() throws Exception {
    HadoopStorage a = client();
    HadoopStorage b = client();
    HadoopStorage c = client();
    CountDownLatch aClosedItsFile = new CountDownLatch(1);
    CountDownLatch aGoesOn = new CountDownLatch(1);
    a.hook =
        (point, path) -> {
          if (point.equals("released")) {
            aClosedItsFile.countDown();
            await(aGoesOn);
          }
        };
    CompletableFuture<Void> aHoldsAndReleases =
        async(
            () -> {
              hold(a.lock(lock, LONG)).close();
              return null;
            });
    await(aClosedItsFile);
    // A has closed its lock file and not finished releasing: B takes the lock meanwhile.
    Closeable heldByB = hold(b.lock(lock, LONG));
    aGoesOn.countDown();
    aHoldsAndReleases.get(20, TimeUnit.SECONDS);

    // A's release ran to its end after B took the lock: B still holds it, and C cannot take it.
    assertHeldOpen(lock);
    assertThatThrownBy(() -> hold(c.lock(lock, Duration.ofMillis(200))).close())
        .hasMessageStartingWith("Timed out after 200 ms waiting for lock " + lock);
    heldByB.close();
    c.lock(lock, LONG).close();
  }

  @Test
  void aStaleLockTakenOverWhileAnotherAcquiresItNeverLeavesTwoHolders() throws Exception {
    // D held the lock and crashed; HDFS has recovered its lease, so its lock file is closed.
    HadoopStorage d = client();
    d.lock(lock, LONG);
    crash(d);
    recoverLease(lock);

    HadoopStorage b = client();
    HadoopStorage c = client();
    CountDownLatch bSawItFree = new CountDownLatch(1);
    CountDownLatch bGoesOn = new CountDownLatch(1);
    CompletableFuture<Void> bTriedAfterThePause = new CompletableFuture<>();
    AtomicBoolean paused = new AtomicBoolean();
    b.hook =
        (point, path) -> {
          if (point.equals("takeover") && paused.compareAndSet(false, true)) {
            bSawItFree.countDown();
            await(bGoesOn);
          } else if (point.equals("busy") && paused.get()) {
            bTriedAfterThePause.complete(null);
          }
        };
    CompletableFuture<Closeable> bTakes = async(() -> hold(b.lock(lock, LONG)));
    await(bSawItFree);
    // B has seen the stale lock free and is about to take it over: C takes the lock meanwhile.
    Closeable heldByC = hold(c.lock(lock, LONG));
    bGoesOn.countDown();

    // B's takeover has run (it found the lock taken), or B holds the lock too.
    CompletableFuture.anyOf(bTriedAfterThePause, bTakes).get(20, TimeUnit.SECONDS);
    assertThat(bTakes).as("B waits while C holds the lock").isNotDone();
    assertHeldOpen(lock);
    heldByC.close();
    bTakes.get(20, TimeUnit.SECONDS).close();
  }

  @Test
  void aCrashedHoldersLockIsTakenOverOnlyOnceItsLeaseIsRecovered() throws Exception {
    HadoopStorage a = client();
    HadoopStorage b = client();
    Closeable crashed = a.lock(lock, LONG);
    crash(a);

    // Its lease has not expired: it looks like a live, slow holder, and the lock stays taken.
    assertThatThrownBy(() -> b.lock(lock, Duration.ofMillis(300)))
        .hasMessageStartingWith("Timed out after 300 ms waiting for lock " + lock);
    assertHeldOpen(lock);

    recoverLease(lock);
    Closeable heldByB = hold(b.lock(lock, LONG));
    // The crashed holder's late release (its process would never get this far) leaves B's lock.
    try {
      crashed.close();
    } catch (IOException lostItsLease) {
      // Expected: its stream was aborted.
    }
    assertHeldOpen(lock);
    assertThatThrownBy(() -> client().lock(lock, Duration.ofMillis(200)))
        .hasMessageStartingWith("Timed out after 200 ms waiting for lock " + lock);
    heldByB.close();
  }

  @Test
  void aCrashedHoldersLockIsTakenOverOnceItsLeaseSoftLimitHasPassed() throws Exception {
    HadoopStorage a = client();
    HadoopStorage b = client();
    a.lock(lock, LONG);
    crash(a);
    hdfs.cluster.setLeasePeriod(1_000, 60_000);
    try {
      // Past the soft limit the NameNode recovers the dead holder's lease when B asks for the file.
      hold(b.lock(lock, LONG)).close();
    } finally {
      hdfs.cluster.setLeasePeriod(
          HdfsConstants.LEASE_SOFTLIMIT_PERIOD, DFSConfigKeys.DFS_LEASE_HARDLIMIT_DEFAULT * 1000);
    }
  }

  @Test
  void keyedLocksExcludeTheSameKeyOnly() throws Exception {
    HadoopStorage a = client();
    HadoopStorage b = client();
    Path partitions = dir.resolve(".partitions.lock");
    Closeable day1 =
        hold(a.tryLock(partitions, "partition day=1", LockMode.EXCLUSIVE, LONG).orElseThrow());

    try (Closeable day2 =
        b.tryLock(partitions, "partition day=2", LockMode.EXCLUSIVE, Duration.ZERO).orElseThrow()) {
      assertThat(day2).isNotNull();
    }
    assertThat(b.tryLock(partitions, "partition day=1", LockMode.EXCLUSIVE, Duration.ofMillis(200)))
        .isEmpty();
    assertThat(b.tryLock(partitions, "partition day=1", LockMode.EXCLUSIVE, Duration.ZERO))
        .isEmpty();
    assertThat(
            async(
                    () ->
                        a.tryLock(
                            partitions,
                            "partition day=1",
                            LockMode.EXCLUSIVE,
                            Duration.ofMillis(100)))
                .get(20, TimeUnit.SECONDS))
        .as("another thread of A")
        .isEmpty();
    day1.close();
    hold(b.tryLock(partitions, "partition day=1", LockMode.EXCLUSIVE, LONG).orElseThrow()).close();

    assertThat(hdfs.files(dir.toString()))
        .extracting(org.apache.hadoop.fs.Path::getName)
        .hasSize(2)
        .allMatch(name -> name.matches("\\.partitions\\.lock\\.[0-9a-f]{16}"));
    assertThatThrownBy(() -> b.tryLock(partitions, "batch b1", LockMode.SHARED, Duration.ZERO))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("hot tier");
  }

  @Test
  void waitersThatTimeOutOrAreInterruptedLeaveTheLockHeld() throws Exception {
    HadoopStorage a = client();
    HadoopStorage b = client();
    Closeable held = hold(a.lock(lock, LONG));

    // Threads of the holder's JVM: one of its own storage, one with another client.
    assertThat(
            async(() -> failure(() -> a.lock(lock, Duration.ofMillis(100))))
                .get(20, TimeUnit.SECONDS))
        .hasMessageStartingWith("Timed out after 100 ms waiting for lock " + lock);
    assertThat(failure(() -> b.lock(lock, Duration.ofMillis(100))))
        .hasMessageStartingWith("Timed out after 100 ms waiting for lock " + lock);
    assertThat(interruptedWhileWaiting(a, null)).isInstanceOf(InterruptedIOException.class);
    CountDownLatch bPolled = new CountDownLatch(1);
    b.hook =
        (point, path) -> {
          if (point.equals("busy")) {
            bPolled.countDown();
          }
        };
    assertThat(interruptedWhileWaiting(b, bPolled)).isInstanceOf(InterruptedIOException.class);

    assertHeldOpen(lock);
    assertThatThrownBy(() -> client().lock(lock, Duration.ofMillis(200)))
        .hasMessageStartingWith("Timed out after 200 ms waiting for lock " + lock);
    held.close();
    hold(client().lock(lock, LONG)).close();
    hold(a.lock(lock, LONG)).close();
  }

  @Test
  void anAcquirerInterruptedMidAttemptLeavesNoLockBehind() throws Exception {
    HadoopStorage a = client();
    // A lock file that no one holds: closed (released, or its holder's lease recovered).
    hdfs.fs().create(hadoop(lock), false).close();
    CountDownLatch attempting = new CountDownLatch(1);
    CountDownLatch attemptGoesOn = new CountDownLatch(1);
    a.hook =
        (point, path) -> {
          if (point.equals("takeover")) {
            attempting.countDown();
            awaitUninterruptibly(attemptGoesOn);
          }
        };
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread acquirer = new Thread(() -> outcome.complete(failure(() -> a.lock(lock, LONG))));
    acquirer.start();
    await(attempting);
    acquirer.interrupt();
    attemptGoesOn.countDown();

    assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
    hold(client().lock(lock, Duration.ofSeconds(5))).close();
  }

  @Test
  void everyoneWhoMayWriteTheDirectoryCanTakeItsLocks() throws Exception {
    hdfs.fs().mkdirs(hadoop(dir));
    hdfs.fs().setPermission(hadoop(dir), new FsPermission((short) 0777));
    hold(client().lock(lock, LONG)).close(); // created by this user: 0644 by the umask alone

    HadoopStorage other =
        UserGroupInformation.createRemoteUser("other")
            .doAs(
                (PrivilegedExceptionAction<HadoopStorage>)
                    () -> {
                      HadoopStorage connected = client();
                      connected.fileSystem();
                      return connected;
                    });
    hold(other.lock(lock, LONG)).close();
    Path own = dir.resolve(".own.lock");
    other.lock(own, LONG).close();
    assertThat(hdfs.fs().getFileStatus(hadoop(own)).getOwner()).isEqualTo("other");
  }

  @Test
  void aLockIsReleasedOnceByWhicheverThreadClosesIt() throws Exception {
    HadoopStorage a = client();
    HadoopStorage b = client();
    Closeable first = a.lock(lock, LONG);
    first.close();
    Closeable second = hold(a.lock(lock, LONG));
    first.close(); // again: a released lock stays released, and the next holder keeps its own

    assertHeldOpen(lock);
    assertThatThrownBy(() -> hold(b.lock(lock, Duration.ofMillis(200))).close())
        .hasMessageStartingWith("Timed out after 200 ms waiting for lock " + lock);
    second.close();

    Closeable third = a.lock(lock, LONG);
    async(
            () -> {
              third.close();
              return null;
            })
        .get(20, TimeUnit.SECONDS);
    async(
            () -> {
              hold(a.lock(lock, Duration.ofSeconds(5))).close();
              return null;
            })
        .get(20, TimeUnit.SECONDS);
    hold(b.lock(lock, Duration.ofSeconds(5))).close();
  }

  @Test
  void clientsAndThreadsContendingNeverHoldTheLockTogether() throws Exception {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    for (int c = 0; c < 3; c++) {
      HadoopStorage client = client();
      for (int t = 0; t < 2; t++) {
        all.add(
            async(
                () -> {
                  await(start);
                  for (int i = 0; i < 3; i++) {
                    Closeable held = hold(client.lock(lock, LONG));
                    try {
                      assertThat(client.stat(lock)).isPresent();
                    } finally {
                      held.close();
                    }
                  }
                  return null;
                }));
      }
    }
    start.countDown();
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(50, TimeUnit.SECONDS);
    assertThat(inside).hasValue(0);
  }

  @Test
  void threadsConnectingAtOnceAllGetAWorkingConnection() throws Exception {
    HadoopStorage storage = client();
    int count = 8;
    for (int i = 0; i <= count; i++) {
      hdfs.fs().create(hadoop(dir.resolve("f" + i)), false).close();
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> others = new ArrayList<>();
    List<AtomicBoolean> arrived = new ArrayList<>();
    List<CompletableFuture<Void>> moved = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Path from = dir.resolve("f" + i);
      AtomicBoolean here = new AtomicBoolean();
      CompletableFuture<Void> done = new CompletableFuture<>();
      Thread thread =
          new Thread(
              () -> {
                try {
                  await(start);
                  here.set(true);
                  storage.move(from, from.resolveSibling("moved-" + from.getFileName()));
                  done.complete(null);
                } catch (Throwable e) {
                  done.completeExceptionally(e);
                }
              });
      others.add(thread);
      arrived.add(here);
      moved.add(done);
      thread.start();
    }
    // This thread connects first; halfway through, the others start and must wait for it.
    storage.hook =
        (point, path) -> {
          if (point.equals("connected")) {
            start.countDown();
            for (int i = 0; i < others.size(); i++) {
              Thread other = others.get(i);
              while (other.isAlive()
                  && !(arrived.get(i).get() && other.getState() == Thread.State.BLOCKED)) {
                Thread.onSpinWait();
              }
            }
          }
        };
    storage.move(dir.resolve("f0"), dir.resolve("moved-f0"));

    CompletableFuture.allOf(moved.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    assertThat(hdfs.files(dir.toString()))
        .extracting(org.apache.hadoop.fs.Path::getName)
        .hasSize(count + 1)
        .allMatch(name -> name.startsWith("moved-"));
  }

  /** Starts a waiter for the held lock, interrupts it once it waits, and returns its failure. */
  private Throwable interruptedWhileWaiting(HadoopStorage storage, CountDownLatch polled)
      throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread waiter = new Thread(() -> outcome.complete(failure(() -> storage.lock(lock, LONG))));
    waiter.start();
    if (polled != null) {
      await(polled);
    } else {
      while (waiter.getState() != Thread.State.TIMED_WAITING
          && waiter.getState() != Thread.State.WAITING
          && !outcome.isDone()) {
        Thread.onSpinWait();
      }
    }
    waiter.interrupt();
    return outcome.get(20, TimeUnit.SECONDS);
  }

  /** The lock file is there and open for writing: a holder has it. */
  private static void assertHeldOpen(Path lockFile) throws IOException {
    assertThat(hdfs.fs().exists(hadoop(lockFile))).as("lock file %s is there", lockFile).isTrue();
    assertThat(hdfs.fs().isFileClosed(hadoop(lockFile)))
        .as("lock file %s is held open", lockFile)
        .isFalse();
  }

  /**
   * Ends a client as a crash would: its files stay open on the NameNode, and their lease is no
   * longer renewed.
   */
  private static void crash(HadoopStorage client) throws IOException {
    ((DistributedFileSystem) client.fileSystem()).getClient().closeAllFilesBeingWritten(true);
  }

  /** What an operator does with {@code hdfs debug recoverLease}: closes the file at once. */
  private static void recoverLease(Path file) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!hdfs.fs().recoverLease(hadoop(file))) {
      assertThat(System.nanoTime()).as("lease of %s recovered", file).isLessThan(deadline);
    }
  }

  private static org.apache.hadoop.fs.Path hadoop(Path path) {
    return new org.apache.hadoop.fs.Path(path.toString());
  }

  private <T> CompletableFuture<T> async(Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    threads.execute(
        () -> {
          try {
            result.complete(task.call());
          } catch (Throwable e) {
            result.completeExceptionally(e);
          }
        });
    return result;
  }

  /** What {@code task} throws, or null. */
  private static Throwable failure(Callable<?> task) {
    try {
      Object result = task.call();
      if (result instanceof Closeable held) {
        held.close();
      }
      return null;
    } catch (Throwable e) {
      return e;
    }
  }

  private static void await(CountDownLatch latch) throws IOException {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new IOException("Latch not reached in 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted at a latch");
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (!latch.await(20, TimeUnit.SECONDS)) {
            throw new IOException("Latch not reached in 20 s");
          }
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
