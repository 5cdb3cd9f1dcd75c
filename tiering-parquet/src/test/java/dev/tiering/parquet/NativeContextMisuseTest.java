package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Misuse and races around native zstd contexts: none is used after it is freed, none is kept for
 * good (from an adversarial review: each of these failed before its fix). Threads are caught in
 * native code by reading their stacks, never by sleeping.
 */
class NativeContextMisuseTest {

  @TempDir Path base;

  static TableSchema textSchema() {
    return TableSchema.builder(Zone.SILVER, "texts")
        .required("n", FieldType.INT64)
        .required("s", FieldType.STRING)
        .build();
  }

  static String text(Random random, int chars) {
    String[] words = {
      "alpha",
      "bravo",
      "charlie",
      "delta",
      "echo",
      "foxtrot",
      "golf",
      "hotel",
      "india",
      "juliet",
      "kilo",
      "lima",
      "mike",
      "november",
      "oscar",
      "papa"
    };
    StringBuilder s = new StringBuilder(chars + 16);
    while (s.length() < chars) {
      s.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
    }
    return s.toString();
  }

  /** A staging file of {@code rows} rows with big text pages. */
  Path bigPageFile(String batch, int rows, int chars, WriterSettings settings) throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter staging = StagingWriter.builder(paths).settings(settings).build();
    Random random = new Random(batch.hashCode());
    try (ParquetRowWriter w =
        staging.openIntermediate(SlmId.of(1), BatchId.of(batch), textSchema())) {
      for (int i = 0; i < rows; i++) {
        w.setLong(0, i).setString(1, text(random, chars)).endRow();
      }
      return w.commit().file();
    }
  }

  static boolean inFrame(Thread t, String method) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getMethodName().equals(method)) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  static int contexts(ZstdCodecs codecs) throws Exception {
    Field contexts = ZstdCodecs.class.getDeclaredField("contexts");
    contexts.setAccessible(true);
    synchronized (codecs) {
      return ((List<AutoCloseable>) contexts.get(codecs)).size();
    }
  }

  static ZstdCodecs readerCodecs(ParquetRowReader rows) throws Exception {
    Field readerField = ParquetRowReader.class.getDeclaredField("reader");
    readerField.setAccessible(true);
    Object reader = readerField.get(rows);
    if (reader == null) {
      return null;
    }
    Field options = org.apache.parquet.hadoop.ParquetFileReader.class.getDeclaredField("options");
    options.setAccessible(true);
    return (ZstdCodecs)
        ((org.apache.parquet.ParquetReadOptions) options.get(reader)).getCodecFactory();
  }

  /** A closed reader refuses to go on (it used to read on, and open the next file). */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aClosedReaderRefusesToGoOn() throws Exception {
    WriterSettings settings = WriterSettings.staging().toBuilder().encoders(null).build();
    Path a = bigPageFile("a", 5000, 20, settings);
    Path b = bigPageFile("b", 5000, 20, settings);
    long afterClose = 0;
    ParquetRowReader rows = ParquetRowReader.open(Storage.local(), List.of(a, b), textSchema());
    assertThat(rows.next()).isTrue();
    rows.close();
    rows.close();
    try {
      while (rows.next() && afterClose < 1_000_000) {
        afterClose++;
      }
    } catch (IllegalStateException | IOException refused) {
      // Refusing is as good as returning nothing: what is checked is that no row comes back.
    } finally {
      rows.close();
    }
    assertThat(afterClose).as("rows a closed reader returned").isZero();
  }

  /**
   * Another thread closes the reader while this one is inside native decompression: the close waits
   * for the page in progress, frees the context, and the reader then refuses to go on.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void closeWhileAnotherThreadDecompresses() throws Exception {
    WriterSettings settings =
        WriterSettings.staging().toBuilder()
            .encoders(null)
            .pageBytes(16 << 20)
            .dictionary("s", false)
            .build();
    Path file = bigPageFile("big", 40_000, 1000, settings);
    int caught = 0;
    for (int attempt = 0; attempt < 15 && caught < 3; attempt++) {
      ParquetRowReader rows = ParquetRowReader.open(file, textSchema());
      assertThat(rows.next()).isTrue();
      ZstdCodecs codecs = readerCodecs(rows);
      AtomicReference<Throwable> readerSaw = new AtomicReference<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  while (rows.next()) {
                    rows.getLong(0);
                  }
                } catch (Throwable e) {
                  readerSaw.set(e);
                }
              },
              "reader");
      reader.start();
      boolean inside = false;
      while (reader.isAlive()) {
        inside = inFrame(reader, "decompressByteArray0");
        if (inside) {
          break;
        }
        Thread.onSpinWait();
      }
      rows.close();
      reader.join(60_000);
      if (inside) {
        caught++;
        // Refused, by the reader's own check or by the freed context: never a crash or rows.
        Throwable saw = readerSaw.get();
        assertThat(saw).as("what the reader met after the close").isNotNull();
        StringBuilder chain = new StringBuilder();
        for (Throwable t = saw; t != null; t = t.getCause()) {
          chain.append(t.getMessage()).append('\n');
        }
        assertThat(chain.toString().toLowerCase(java.util.Locale.ROOT)).contains("closed");
      }
      assertThat(contexts(codecs)).as("native contexts open after close").isZero();
      rows.close();
    }
    assertThat(caught).as("attempts that caught the reader in native code").isPositive();
  }

  /**
   * An encoder pool of one new thread per task that, once armed, interrupts the submitting thread
   * as soon as the armed task's thread is inside native compression (seen on its stack).
   */
  private static final class InterruptingPool implements Executor {
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger armAt = new AtomicInteger(Integer.MAX_VALUE);
    private final List<Thread> helpers = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void execute(Runnable task) {
      int call = calls.incrementAndGet();
      Thread t =
          new Thread(
              () -> {
                try {
                  task.run();
                } catch (Throwable e) {
                  errors.add(e);
                }
              },
              "encoder-" + call);
      helpers.add(t);
      t.start();
      if (call == armAt.get()) {
        while (t.isAlive() && !inFrame(t, "compressByteArray0")) {
          Thread.onSpinWait();
        }
        Thread.currentThread().interrupt();
      }
    }

    /** Interrupts at the {@code n}th task from now. */
    void armAt(int n) {
      armAt.set(calls.get() + n);
    }

    /** Waits for every helper; the errors they met. */
    List<Throwable> joinAll() throws InterruptedException {
      for (Thread t : List.copyOf(helpers)) {
        t.join(120_000);
      }
      return List.copyOf(errors);
    }
  }

  private static TableSchema stringFirst() {
    return TableSchema.builder(Zone.SILVER, "texts")
        .required("s", FieldType.STRING) // column 0: a helper takes it first
        .required("n", FieldType.INT64)
        .build();
  }

  /**
   * The writing thread is interrupted while a pool helper compresses a column's last page: the
   * writer waits for the columns in progress, throws {@code InterruptedIOException}, and every
   * native context is released.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void anInterruptedCommitReleasesEveryContext() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    InterruptingPool pool = new InterruptingPool();
    WriterSettings settings =
        WriterSettings.staging().toBuilder()
            .encoders(pool)
            .pageBytes(16 << 20)
            .compressionLevel(19)
            .dictionary("s", false)
            .build();
    StagingWriter staging = StagingWriter.builder(paths).settings(settings).build();
    Random random = new Random(7);
    ParquetRowWriter w = staging.openIntermediate(SlmId.of(1), BatchId.of("irq"), stringFirst());
    Field fileField = ParquetRowWriter.class.getDeclaredField("file");
    fileField.setAccessible(true);
    Field codecsField = ColumnarFileWriter.class.getDeclaredField("codecs");
    codecsField.setAccessible(true);
    ZstdCodecs codecs = (ZstdCodecs) codecsField.get(fileField.get(w));
    for (int i = 0; i < 12_000; i++) {
      w.setString(0, text(random, 1000)).setLong(1, i).endRow();
    }
    // finish(): encodeBatch is the first task, flushRowGroup's flush the second.
    pool.armAt(2);

    assertThatThrownBy(w::commit).isInstanceOf(java.io.InterruptedIOException.class);
    assertThat(Thread.interrupted()).as("interrupt flag kept").isTrue();
    w.close();
    assertThat(contexts(codecs)).as("native contexts open once closed").isZero();
    assertThat(pool.joinAll()).isEmpty();
    assertThat(contexts(codecs)).isZero();
    try (Stream<Path> left =
        Files.list(paths.intermediateFile(SlmId.of(1), BatchId.of("irq")).getParent())) {
      // Only the batch lock file: the discarded write recorded nothing.
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".batches.lock");
    }
  }

  /** The same interrupt on a lake write: close still discards the unpublished file. */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void anInterruptedLakeCommitLeavesNoTemporaryFile() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    InterruptingPool pool = new InterruptingPool();
    WriterSettings settings =
        WriterSettings.lake().toBuilder()
            .encoders(pool)
            .pageBytes(16 << 20)
            .compressionLevel(19)
            .dictionary("s", false)
            .build();
    LakeWriter lake = LakeWriter.builder(paths).settings(settings).build();
    Random random = new Random(7);
    LakeTableWriter w = lake.open(stringFirst());
    for (int i = 0; i < 12_000; i++) {
      w.setString(0, text(random, 1000)).setLong(1, i).endRow();
    }
    pool.armAt(2);

    assertThatThrownBy(w::commit).isInstanceOf(java.io.InterruptedIOException.class);
    assertThat(Thread.interrupted()).isTrue();
    w.close();
    assertThat(pool.joinAll()).isEmpty();
    Path table = paths.tableDir(Zone.SILVER, dev.tiering.core.TableName.of("texts"));
    try (Stream<Path> files = Files.walk(table)) {
      assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
          .as("files left by a failed, closed lake write")
          .noneMatch(Storage::isTemporary);
    }
  }
}
