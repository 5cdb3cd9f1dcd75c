package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.PathResolver;
import dev.tiering.core.SlmId;
import dev.tiering.core.Storage;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
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
 * Misuse and races around native zstd contexts: none is used after it is freed, none is kept
 * for good (from an adversarial review: each of these failed before its fix). Threads are caught
 * in native code by reading their stacks, never by sleeping.
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
    String[] words = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
        "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"};
    StringBuilder s = new StringBuilder(chars + 16);
    while (s.length() < chars) {
      s.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
    }
    return s.toString();
  }

  /** A staging file of {@code rows} rows with big text pages. */
  Path bigPageFile(String batch, int rows, int chars, WriterSettings settings) throws Exception {
    PathResolver paths = new PathResolver(TierLayout.under(base));
    StagingWriter staging = StagingWriter.builder(paths).settings(settings).build();
    Random random = new Random(batch.hashCode());
    try (ParquetRowWriter w = staging.openIntermediate(SlmId.of(1), BatchId.of(batch),
        textSchema())) {
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
    return (ZstdCodecs) ((org.apache.parquet.ParquetReadOptions) options.get(reader))
        .getCodecFactory();
  }

  /** A closed reader refuses to go on (it used to read on, and open the next file). */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aClosedReaderRefusesToGoOn() throws Exception {
    WriterSettings settings = WriterSettings.staging().toBuilder().encoders(null).build();
    Path a = bigPageFile("a", 5000, 20, settings);
    Path b = bigPageFile("b", 5000, 20, settings);
    long afterClose = 0;
    Throwable thrown = null;
    ParquetRowReader rows = ParquetRowReader.open(Storage.local(), List.of(a, b), textSchema());
    assertThat(rows.next()).isTrue();
    rows.close();
    rows.close();
    try {
      while (rows.next() && afterClose < 1_000_000) {
        afterClose++;
      }
    } catch (Throwable e) {
      thrown = e;
    } finally {
      rows.close();
    }
    assertThat(afterClose).as("rows a closed reader returned").isZero();
  }

  /**
   * Another thread closes the reader while this one is inside native decompression: the close
   * waits for the page in progress, frees the context, and the reader then refuses to go on.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void closeWhileAnotherThreadDecompresses() throws Exception {
    WriterSettings settings = WriterSettings.staging().toBuilder().encoders(null)
        .pageBytes(16 << 20).dictionary("s", false).build();
    Path file = bigPageFile("big", 40_000, 1000, settings);
    List<String> outcomes = new ArrayList<>();
    int caught = 0;
    int leftOpen = 0;
    for (int attempt = 0; attempt < 15 && caught < 3; attempt++) {
      ParquetRowReader rows = ParquetRowReader.open(file, textSchema());
      assertThat(rows.next()).isTrue();
      ZstdCodecs codecs = readerCodecs(rows);
      AtomicReference<Throwable> readerSaw = new AtomicReference<>();
      AtomicInteger read = new AtomicInteger();
      Thread reader = new Thread(() -> {
        try {
          while (rows.next()) {
            read.incrementAndGet();
          }
        } catch (Throwable e) {
          readerSaw.set(e);
        }
      }, "review3-reader");
      reader.start();
      boolean inside = false;
      while (reader.isAlive() && !(inside = inFrame(reader, "decompressByteArray0"))) {
        Thread.onSpinWait();
      }
      Throwable closeSaw = null;
      try {
        rows.close();
      } catch (Throwable e) {
        closeSaw = e;
      }
      reader.join(60_000);
      int open = codecs == null ? -1 : contexts(codecs);
      if (inside) {
        caught++;
      }
      if (open > 0) {
        leftOpen++;
      }
      outcomes.add("attempt " + attempt + " inside=" + inside + " close: " + closeSaw
          + " | reader read " + read.get() + " then: " + readerSaw.get()
          + " | contexts still open after close: " + open);
      try {
        rows.close();
      } catch (Throwable e) {
        outcomes.add("  second close: " + e);
      }
      if (codecs != null) {
        outcomes.add("  contexts open after second close: " + contexts(codecs));
      }
    }
    // The JVM is alive if we got here. A failed close must not leave native contexts open.
    assertThat(leftOpen).as("attempts where close() left native contexts open").isZero();
  }

  /**
   * The writing thread is interrupted while a pool helper compresses a column's last page: the
   * writer waits for the columns in progress, throws {@code InterruptedIOException}, and every
   * native context is released.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void anInterruptedCommitReleasesEveryContext() throws Exception {
    PathResolver paths = new PathResolver(TierLayout.under(base));
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger armAt = new AtomicInteger(Integer.MAX_VALUE);
    List<Thread> helpers = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> helperErrors = Collections.synchronizedList(new ArrayList<>());
    Executor armed = task -> {
      int call = calls.incrementAndGet();
      Thread t = new Thread(() -> {
        try {
          task.run();
        } catch (Throwable e) {
          helperErrors.add(e);
        }
      }, "review3-helper-" + call);
      helpers.add(t);
      t.start();
      if (call == armAt.get()) {
        while (t.isAlive() && !inFrame(t, "compressByteArray0")) {
          Thread.onSpinWait();
        }
        Thread.currentThread().interrupt();
      }
    };
    WriterSettings settings = WriterSettings.staging().toBuilder().encoders(armed)
        .pageBytes(16 << 20).compressionLevel(19).dictionary("s", false).build();
    TableSchema schema = TableSchema.builder(Zone.SILVER, "texts")
        .required("s", FieldType.STRING)   // column 0: the helper takes it first
        .required("n", FieldType.INT64)
        .build();
    StagingWriter staging = StagingWriter.builder(paths).settings(settings).build();
    Random random = new Random(7);
    List<String> seen = new ArrayList<>();
    ParquetRowWriter w = staging.openIntermediate(SlmId.of(1), BatchId.of("irq"), schema);
    Field fileField = ParquetRowWriter.class.getDeclaredField("file");
    fileField.setAccessible(true);
    Field codecsField = ColumnarFileWriter.class.getDeclaredField("codecs");
    codecsField.setAccessible(true);
    ZstdCodecs codecs = (ZstdCodecs) codecsField.get(fileField.get(w));
    for (int i = 0; i < 12_000; i++) {
      w.setString(0, text(random, 1000)).setLong(1, i).endRow();
    }
    // finish(): encodeBatch is runPerColumn call 1, flushRowGroup's flush is call 2.
    armAt.set(calls.get() + 2);
    try {
      w.commit();
      seen.add("commit returned");
    } catch (Throwable e) {
      seen.add("commit threw " + e);
    }
    seen.add("interrupt flag after commit: " + Thread.currentThread().isInterrupted());
    Thread.interrupted();
    try {
      w.close();
      seen.add("close returned");
    } catch (Throwable e) {
      seen.add("close threw " + e);
    }
    seen.add("contexts open right after close: " + contexts(codecs));
    for (Thread t : helpers) {
      t.join(120_000);
    }
    seen.add("helper errors: " + helperErrors);
    seen.add("contexts open once helpers ended: " + contexts(codecs));
    try (Stream<Path> left = Files.list(paths.intermediateFile(SlmId.of(1), BatchId.of("irq"))
        .getParent())) {
      seen.add("staging dir now: " + left.map(p -> p.getFileName().toString()).toList());
    }
    assertThat(contexts(codecs)).as("native contexts never released").isZero();
  }

  /** The same interrupt on a lake write: close still discards the unpublished file. */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void anInterruptedLakeCommitLeavesNoTemporaryFile() throws Exception {
    PathResolver paths = new PathResolver(TierLayout.under(base));
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger armAt = new AtomicInteger(Integer.MAX_VALUE);
    List<Thread> helpers = Collections.synchronizedList(new ArrayList<>());
    Executor armed = task -> {
      int call = calls.incrementAndGet();
      Thread t = new Thread(task, "review3-helper-" + call);
      helpers.add(t);
      t.start();
      if (call == armAt.get()) {
        while (t.isAlive() && !inFrame(t, "compressByteArray0")) {
          Thread.onSpinWait();
        }
        Thread.currentThread().interrupt();
      }
    };
    WriterSettings settings = WriterSettings.lake().toBuilder().encoders(armed)
        .pageBytes(16 << 20).compressionLevel(19).dictionary("s", false).build();
    TableSchema schema = TableSchema.builder(Zone.SILVER, "texts")
        .required("s", FieldType.STRING)
        .required("n", FieldType.INT64)
        .build();
    LakeWriter lake = LakeWriter.builder(paths).settings(settings).build();
    Random random = new Random(7);
    List<String> seen = new ArrayList<>();
    LakeTableWriter w = lake.open(schema);
    for (int i = 0; i < 12_000; i++) {
      w.setString(0, text(random, 1000)).setLong(1, i).endRow();
    }
    armAt.set(calls.get() + 2);
    try {
      w.commit();
      seen.add("commit returned");
    } catch (Throwable e) {
      seen.add("commit threw " + e);
    }
    Thread.interrupted();
    try {
      w.close();
      seen.add("close returned");
    } catch (Throwable e) {
      seen.add("close threw " + e);
    }
    for (Thread t : helpers) {
      t.join(120_000);
    }
    Path table = paths.tableDir(Zone.SILVER, dev.tiering.core.TableName.of("texts"));
    List<String> left;
    try (Stream<Path> files = Files.walk(table)) {
      left = files.filter(Files::isRegularFile).map(p -> table.relativize(p).toString()).toList();
    }
    seen.add("table dir now: " + left);
    assertThat(left).as("files left by a failed, closed lake write")
        .noneMatch(n -> Storage.isTemporary(Path.of(n).getFileName().toString()));
  }
}
