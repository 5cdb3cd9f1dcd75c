package dev.tiering.hadoop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * {@link HadoopStorage} on a real HDFS (MiniDFSCluster, one per class), used by separate HDFS
 * clients as separate processes would use it: each {@link #client()} has its own DFSClient. The
 * dangerous interleavings are forced with the storage's hooks and latches, never with sleeps.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HdfsLockTest {

  private static MiniHdfs hdfs;

  private final List<HadoopStorage> clients = new ArrayList<>();
  private Path dir;

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
  }

  @AfterEach
  void closeClients() throws IOException {
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
      Thread thread = new Thread(() -> {
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
    storage.hook = (point, path) -> {
      if (point.equals("connected")) {
        start.countDown();
        for (int i = 0; i < others.size(); i++) {
          Thread other = others.get(i);
          while (other.isAlive()
              && !(arrived.get(i).get() && other.getState() == Thread.State.BLOCKED)) {
            Thread.yield();
          }
        }
      }
    };
    storage.move(dir.resolve("f0"), dir.resolve("moved-f0"));

    CompletableFuture.allOf(moved.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    assertThat(hdfs.files(dir.toString())).extracting(org.apache.hadoop.fs.Path::getName)
        .hasSize(count + 1).allMatch(name -> name.startsWith("moved-"));
  }

  private static org.apache.hadoop.fs.Path hadoop(Path path) {
    return new org.apache.hadoop.fs.Path(path.toString());
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
}
