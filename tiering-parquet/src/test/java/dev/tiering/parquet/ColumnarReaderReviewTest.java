package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.Seeded;
import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columnar read path against hostile and edge cases, from an adversarial review: extreme
 * instants and bounds, crafted page headers and sizes, flipped bits, stepped compactions, shared
 * arrays, thread and context leaks.
 */
// Crafting hostile files uses parquet-java's low-level (deprecated) page writer calls.
@SuppressWarnings("deprecation")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ColumnarReaderReviewTest {

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");

  @TempDir Path base;
  private PathResolver paths;
  private LakeReader lake;

  @BeforeEach
  void layout() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    lake = new LakeReader(paths);
  }

  // ---------------------------------------------------------------- 1. same rows as the row reader

  private LakeWriter writer(WriterSettings settings) {
    return LakeWriter.builder(paths)
        .settings(settings)
        .clock(Clock.fixed(NOON, ZoneOffset.UTC))
        .build();
  }

  private List<Map<String, Object>> byRows(TableSchema schema) throws IOException {
    return ReadBack.rows(lake.scan(schema.zone(), schema.table()), schema.fields());
  }

  private static List<Map<String, Object>> byColumns(ColumnarReader columnar) throws IOException {
    return ReadBack.columns(columnar);
  }

  private ColumnarReader columns(TableSchema schema, ColumnarReader.Options options)
      throws IOException {
    return lake.columns(schema.zone(), schema.table(), LocalDate.MIN, LocalDate.MAX, options);
  }

  static TableSchema everyType(String name) {
    return TableSchema.builder(Zone.SILVER, name)
        .required("id", FieldType.INT64)
        .required("ts", FieldType.TIMESTAMP)
        .nullable("day", FieldType.DATE)
        .nullable("n32", FieldType.INT32)
        .nullable("small32", FieldType.INT32)
        .nullable("f32", FieldType.FLOAT32)
        .required("f64", FieldType.FLOAT64)
        .nullable("ok", FieldType.BOOLEAN)
        .nullable("label", FieldType.STRING)
        .nullable("text", FieldType.STRING)
        .nullable("bin", FieldType.BINARY)
        .nullable("dec", FieldType.decimal(12, 3))
        .nullable("bigdec", FieldType.decimal(30, 4))
        .nullable("allnull", FieldType.STRING)
        .build();
  }

  /** Rows whose dictionaries overflow mid-chunk: labels become high-cardinality half-way. */
  static List<Map<String, Object>> everyTypeRows(int from, int count, Random random) {
    List<Map<String, Object>> rows = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", (long) i * 3 - 7);
      row.put("ts", NOON.plus(i, ChronoUnit.SECONDS).plus(random.nextInt(1000), ChronoUnit.MICROS));
      row.put("day", random.nextInt(9) == 0 ? null : LocalDate.of(2025, 1, 1).plusDays(i % 400));
      row.put("n32", random.nextInt(5) == 0 ? null : random.nextInt());
      row.put("small32", random.nextInt(5) == 0 ? null : random.nextInt(7) - 3);
      row.put("f32", random.nextInt(7) == 0 ? null : (float) random.nextInt(5) / 4);
      row.put("f64", i % 3 == 0 ? random.nextGaussian() : (double) (i % 10));
      row.put("ok", random.nextInt(3) == 0 ? null : random.nextBoolean());
      row.put(
          "label",
          random.nextInt(11) == 0
              ? null
              : (i - from < count / 2 ? "label_" + random.nextInt(20) : "u" + random.nextLong()));
      row.put("text", random.nextInt(13) == 0 ? null : "p" + Long.toHexString(random.nextLong()));
      byte[] bytes = new byte[random.nextInt(6)];
      random.nextBytes(bytes);
      row.put("bin", random.nextInt(4) == 0 ? null : (i % 2 == 0 ? bytes : new byte[] {1, 2}));
      row.put(
          "dec",
          random.nextInt(6) == 0
              ? null
              : java.math.BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 3));
      row.put(
          "bigdec",
          random.nextInt(6) == 0
              ? null
              : new java.math.BigDecimal(new java.math.BigInteger(90, random), 4)
                  .multiply(java.math.BigDecimal.valueOf(random.nextBoolean() ? 1 : -1)));
      row.put("allnull", null);
      rows.add(row);
    }
    return rows;
  }

  @Test
  void v1AndV2SmallPagesDictionaryFallbackAndAnyThreadsReadAsTheRowReader() throws Exception {
    int t = 0;
    for (boolean v2 : new boolean[] {true, false}) {
      TableSchema schema = everyType("every_" + (v2 ? "v2" : "v1"));
      WriterSettings settings =
          WriterSettings.lake().toBuilder()
              .rowGroupBytes(1024 * 1024)
              .pageBytes(8 * 1024)
              .pageV2(v2)
              .dictionary("ts", true)
              .dictionary("bin", true)
              .build();
      Random random = Seeded.random(Seeded.baseSeed(), 700 + t++);
      writer(settings).writeCleanData(schema, everyTypeRows(0, 30_000, random));
      writer(settings).writeCleanData(schema, everyTypeRows(30_000, 7, random));
      writer(settings).writeCleanData(schema, everyTypeRows(40_000, 20_000, random));
      List<Map<String, Object>> expected = byRows(schema);
      assertThat(expected).hasSize(50_007);
      for (int threads : new int[] {1, 2, 3, 16}) {
        ColumnarReader columnar =
            columns(schema, ColumnarReader.Options.defaults().threads(threads));
        assertThat(byColumns(columnar)).as("v2=%s, %d threads", v2, threads).isEqualTo(expected);
      }
    }
  }

  @Test
  void narrowDictionaryEncodedColumnsWidenAsTheRowReaderWidensThem() throws Exception {
    TableSchema narrow =
        TableSchema.builder(Zone.SILVER, "widen")
            .required("id", FieldType.INT64)
            .nullable("n", FieldType.INT32)
            .nullable("x", FieldType.FLOAT32)
            .build();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", (long) i);
      row.put("n", i % 11 == 0 ? null : (i % 5) - 2 + (i % 2 == 0 ? Integer.MIN_VALUE : 0));
      row.put("x", i % 13 == 0 ? null : 0.1f * (i % 7));
      rows.add(row);
    }
    writer(WriterSettings.lake()).writeCleanData(narrow, rows);
    List<Path> files =
        lake.files(Zone.SILVER, narrow.table()).stream().map(LakeReader.DataFile::path).toList();
    TableSchema wide =
        TableSchema.builder(Zone.SILVER, "widen")
            .required("id", FieldType.INT64)
            .nullable("n", FieldType.INT64)
            .nullable("x", FieldType.FLOAT64)
            .nullable("later", FieldType.BINARY)
            .build();
    List<Map<String, Object>> expected = new ArrayList<>();
    try (ParquetRowReader scan = ParquetRowReader.open(Storage.local(), files, wide)) {
      while (scan.next()) {
        Map<String, Object> row = new HashMap<>();
        for (Field field : wide.fields()) {
          Object value = scan.get(scan.column(field.name()));
          row.put(field.name(), value instanceof byte[] b ? Arrays.toString(b) : value);
        }
        expected.add(row);
      }
    }
    assertThat(expected).hasSize(5000);
    for (int threads : new int[] {1, 4}) {
      assertThat(
              byColumns(
                  ColumnarReader.open(
                      Storage.local(),
                      files,
                      wide,
                      ColumnarReader.Options.defaults().threads(threads))))
          .isEqualTo(expected);
    }
  }

  // ---------------------------------------------------------------- 2. pruning

  @Test
  void pruningNeverDropsARowInTheRangeAtExactBoundsExtremesAndNullOnlyGroups() throws Exception {
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "pruned")
            .required("id", FieldType.INT64)
            .nullable("ts", FieldType.TIMESTAMP)
            .nullable("day", FieldType.DATE)
            .build();
    WriterSettings one = WriterSettings.lake().toBuilder().rowGroupBytes(1024 * 1024).build();
    // Several files: each one row group with known min and max; one file of only nulls.
    Instant[][] groups = {
      {Instant.parse("1969-12-31T23:59:59.999999Z"), Instant.EPOCH},
      {Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("0001-01-01T00:00:00.000001Z")},
      {Instant.parse("9999-12-31T23:59:59.999999Z")},
      {null, null},
      {NOON, NOON.plusSeconds(10)},
    };
    long id = 0;
    for (Instant[] group : groups) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Instant ts : group) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", id++);
        row.put("ts", ts);
        row.put("day", ts == null ? null : LocalDate.ofInstant(ts, ZoneOffset.UTC));
        rows.add(row);
      }
      writer(one).writeCleanData(schema, rows);
    }
    List<Map<String, Object>> all = byRows(schema);
    Instant[] probes = {
      Instant.MIN,
      Instant.parse("0001-01-01T00:00:00Z"),
      Instant.parse("0001-01-01T00:00:00.000001Z"),
      Instant.parse("1969-12-31T23:59:59.999999Z"),
      Instant.parse("1969-12-31T23:59:59.9999995Z"),
      Instant.EPOCH,
      Instant.EPOCH.plusNanos(1),
      NOON,
      NOON.plusSeconds(10),
      NOON.plusSeconds(10).plusNanos(999),
      Instant.parse("9999-12-31T23:59:59.999999Z"),
      Instant.MAX
    };
    for (Instant from : probes) {
      for (Instant to : probes) {
        if (from.isAfter(to)) {
          continue;
        }
        List<Long> wantedIds = new ArrayList<>();
        for (Map<String, Object> row : all) {
          Long ts = (Long) row.get("ts");
          if (ts != null) {
            Instant at = Instant.EPOCH.plus(ts, ChronoUnit.MICROS);
            if (!at.isBefore(from) && !at.isAfter(to)) {
              wantedIds.add((Long) row.get("id"));
            }
          }
        }
        List<Long> got =
            byColumns(columns(schema, ColumnarReader.Options.defaults().timeRange("ts", from, to)))
                .stream()
                .map(r -> (Long) r.get("id"))
                .toList();
        assertThat(got).as("timeRange %s to %s", from, to).containsAll(wantedIds);

        LocalDate dFrom = LocalDate.ofInstant(clamp(from), ZoneOffset.UTC);
        LocalDate dTo = LocalDate.ofInstant(clamp(to), ZoneOffset.UTC);
        List<Long> wantedDays = new ArrayList<>();
        for (Map<String, Object> row : all) {
          Object day = row.get("day");
          if (day != null) {
            long epochDay =
                day instanceof LocalDate d ? d.toEpochDay() : ((Number) day).longValue();
            if (epochDay >= dFrom.toEpochDay() && epochDay <= dTo.toEpochDay()) {
              wantedDays.add((Long) row.get("id"));
            }
          }
        }
        List<Long> gotDays =
            byColumns(
                    columns(schema, ColumnarReader.Options.defaults().dateRange("day", dFrom, dTo)))
                .stream()
                .map(r -> (Long) r.get("id"))
                .toList();
        assertThat(gotDays).as("dateRange %s to %s", dFrom, dTo).containsAll(wantedDays);
      }
    }
  }

  private static Instant clamp(Instant at) {
    Instant lo = Instant.parse("-9999-01-01T00:00:00Z");
    Instant hi = Instant.parse("+99999-01-01T00:00:00Z");
    return at.isBefore(lo) ? lo : at.isAfter(hi) ? hi : at;
  }

  /** Instants more than ~292 years from 1970 have microseconds that fit a long, but not nanos. */
  @Test
  void aTimeRangeBeyondYear2262OrBefore1677KeepsItsRows() throws Exception {
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "far")
            .required("id", FieldType.INT64)
            .required("ts", FieldType.TIMESTAMP)
            .build();
    Instant[] at = {Instant.parse("1500-06-01T00:00:00Z"), Instant.parse("3000-06-01T00:00:00Z")};
    for (int i = 0; i < at.length; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", (long) i);
      row.put("ts", at[i]);
      writer(WriterSettings.lake()).writeCleanData(schema, List.of(row));
    }
    assertThat(
            byColumns(
                columns(
                    schema,
                    ColumnarReader.Options.defaults()
                        .timeRange(
                            "ts",
                            Instant.parse("2900-01-01T00:00:00Z"),
                            Instant.parse("3100-01-01T00:00:00Z")))))
        .as("rows of 3000-06-01 in 2900..3100")
        .extracting(r -> r.get("id"))
        .containsExactly(1L);
    assertThat(
            byColumns(
                columns(
                    schema,
                    ColumnarReader.Options.defaults()
                        .timeRange(
                            "ts",
                            Instant.parse("1400-01-01T00:00:00Z"),
                            Instant.parse("1600-01-01T00:00:00Z")))))
        .as("rows of 1500-06-01 in 1400..1600")
        .extracting(r -> r.get("id"))
        .containsExactly(0L);
  }

  @Test
  void pruningByThePartitionDateColumnKeepsEveryRowOfTheRange() throws Exception {
    TableSchema schema = CrashChild.schema();
    for (int d = 0; d < 3; d++) {
      Instant at = NOON.plus(d, ChronoUnit.DAYS);
      LakeWriter w = LakeWriter.builder(paths).clock(Clock.fixed(at, ZoneOffset.UTC)).build();
      w.writeCleanData(schema, CrashRows.rows(d * 1000L, 100));
    }
    LocalDate day1 = LocalDate.ofInstant(NOON, ZoneOffset.UTC).plusDays(1);
    List<Long> ids = new ArrayList<>();
    try (ColumnarReader columnar =
        lake.columns(
            Zone.BRONZE,
            schema.table(),
            LocalDate.MIN,
            LocalDate.MAX,
            ColumnarReader.Options.defaults().columns("id").dateRange("date", day1, day1))) {
      for (ColumnBatch batch; (batch = columnar.next()) != null; ) {
        assertThat(batch.partitionDate()).isEqualTo(day1);
        Arrays.stream(batch.longs("id")).forEach(ids::add);
      }
      assertThat(columnar.rowGroupsSkipped()).isEqualTo(2);
    }
    assertThat(ids).hasSize(100).allMatch(id -> id >= 1000 && id < 1100);
  }

  // ---------------------------------------------------------------- 3. snapshot beside compaction

  private static final class Stepped {
    final java.util.concurrent.Semaphore go = new java.util.concurrent.Semaphore(0);
    final java.util.concurrent.Semaphore stopped = new java.util.concurrent.Semaphore(0);
    volatile boolean finished;
    java.util.concurrent.CompletableFuture<Void> done;

    static Stepped start(PathResolver paths, TableSchema schema) throws Exception {
      Stepped c = new Stepped();
      Compactor compactor =
          Compactor.builder(paths)
              .minCommitAge(java.time.Duration.ZERO)
              .steps(
                  step -> {
                    c.stopped.release();
                    c.go.acquireUninterruptibly();
                  })
              .build();
      c.done =
          java.util.concurrent.CompletableFuture.runAsync(
              () -> {
                try {
                  compactor.compact(schema.zone(), schema.table()).execute();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                } finally {
                  c.finished = true;
                  c.stopped.release();
                }
              });
      c.stopped.acquire();
      return c;
    }

    void advance(int steps) {
      for (int i = 0; i < steps && !finished; i++) {
        go.release();
        stopped.acquireUninterruptibly();
      }
    }

    void finish() throws Exception {
      go.release(1000);
      done.get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void columnsBesideASteppedCompactionAndANewCommitSeeTheSnapshotExactlyOnce() throws Exception {
    TableSchema schema = CrashChild.schema();
    for (int pause = 0; pause < 14; pause++) {
      for (int listing = 1; listing <= 3; listing++) {
        PathResolver run =
            new PathResolver(
                Storage.createRoots(TierLayout.under(base.resolve("r" + pause + "_" + listing))));
        LakeWriter w = LakeWriter.builder(run).clock(Clock.fixed(NOON, ZoneOffset.UTC)).build();
        for (int f = 0; f < 4; f++) {
          w.writeCleanData(schema, CrashRows.rows(f * 50L, 50));
        }
        Stepped compaction = Stepped.start(run, schema);
        try {
          compaction.advance(pause);
          int[] calls = new int[1];
          int at = listing;
          boolean[] committed = new boolean[1];
          Storage hooked =
              new dev.tiering.core.storage.ForwardingStorage(Storage.local()) {
                @Override
                public List<dev.tiering.core.storage.FileEntry> list(Path dir) throws IOException {
                  if (++calls[0] == at) {
                    compaction.advance(3);
                    if (!committed[0]) {
                      committed[0] = true;
                      w.writeCleanData(schema, CrashRows.rows(10_000, 50));
                    }
                  }
                  return super.list(dir);
                }
              };
          LakeReader reader =
              new LakeReader(
                  run,
                  hooked,
                  new dev.tiering.schema.SidecarStore(run, hooked, Clock.systemUTC()),
                  null);
          List<Long> ids = new ArrayList<>();
          for (int attempt = 1; ; attempt++) {
            ids.clear();
            try (ColumnarReader columnar =
                reader.columns(
                    Zone.BRONZE,
                    schema.table(),
                    LocalDate.MIN,
                    LocalDate.MAX,
                    ColumnarReader.Options.defaults().columns("id").threads(2))) {
              for (ColumnBatch batch; (batch = columnar.next()) != null; ) {
                Arrays.stream(batch.longs("id")).forEach(ids::add);
              }
              break;
            } catch (dev.tiering.core.storage.SnapshotExpiredException expired) {
              assertThat(attempt).isLessThan(20);
            }
          }
          ids.sort(null);
          List<Long> base200 = new ArrayList<>();
          for (long id = 0; id < 200; id++) {
            base200.add(id);
          }
          List<Long> with = new ArrayList<>(base200);
          for (long id = 10_000; id < 10_050; id++) {
            with.add(id);
          }
          assertThat(ids).as("pause %d, listing %d", pause, listing).isIn(base200, with);
        } finally {
          compaction.finish();
        }
      }
    }
  }

  // ---------------------------------------------------------------- 4. hostile files

  private static final MessageType ONE_LONG =
      Types.buildMessage()
          .optional(PrimitiveType.PrimitiveTypeName.INT64)
          .named("v")
          .named("crafted");

  private static final TableSchema CRAFTED =
      TableSchema.builder(Zone.SILVER, "crafted").nullable("v", FieldType.INT64).build();

  private static byte[] longs(long... values) {
    ByteBuffer out = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      out.putLong(v);
    }
    return out.array();
  }

  /** An RLE run: {@code count} definition levels of 1 (bit width 1). */
  private static byte[] allPresent(int count) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    long header = ((long) count) << 1;
    while ((header & ~0x7FL) != 0) {
      out.write((int) ((header & 0x7F) | 0x80));
      header >>>= 7;
    }
    out.write((int) header);
    out.write(1);
    return out.toByteArray();
  }

  interface Pages {
    void write(ParquetFileWriter writer, ColumnDescriptor column) throws IOException;
  }

  private static Path craft(Path file, long rowCount, Pages pages) throws IOException {
    ParquetFileWriter writer =
        new ParquetFileWriter(
            new LocalOutputFile(file), ONE_LONG, ParquetFileWriter.Mode.CREATE, 1 << 20, 0);
    writer.start();
    writer.startBlock(rowCount);
    ColumnDescriptor column = ONE_LONG.getColumns().get(0);
    writer.startColumn(column, rowCount, CompressionCodecName.ZSTD);
    pages.write(writer, column);
    writer.endColumn();
    writer.endBlock();
    writer.end(Map.of());
    return file;
  }

  private static Statistics<?> stats() {
    return Statistics.createStats(ONE_LONG.getColumns().get(0).getPrimitiveType());
  }

  private static void v2(ParquetFileWriter writer, int values, byte[] data, int uncompressed)
      throws IOException {
    writer.writeDataPageV2(
        values,
        0,
        values,
        BytesInput.empty(),
        BytesInput.from(allPresent(values)),
        Encoding.PLAIN,
        BytesInput.from(Zstd.compress(data)),
        uncompressed,
        stats());
  }

  @Test
  void aSoundCraftedFileReads() throws Exception {
    Path file =
        craft(
            base.resolve("sound.parquet"),
            3,
            (w, c) -> {
              v2(w, 1, longs(7), 8);
              v2(w, 2, longs(8, 9), 16);
            });
    try (ColumnarReader reader =
        ColumnarReader.open(
            Storage.local(),
            List.of(file),
            CRAFTED,
            ColumnarReader.Options.defaults().threads(1))) {
      assertThat(reader.next().longs("v")).containsExactly(7, 8, 9);
    }
  }

  @Test
  void aPageClaimingAlmostIntMaxValuesAfterTheFirstIsACorruptFileNotAnOutOfMemoryError()
      throws Exception {
    Path file =
        craft(
            base.resolve("overflow.parquet"),
            2,
            (w, c) -> {
              v2(w, 1, longs(7), 8);
              v2(w, Integer.MAX_VALUE, longs(8), 8);
            });
    assertThatThrownBy(
            () -> {
              try (ColumnarReader reader =
                  ColumnarReader.open(
                      Storage.local(),
                      List.of(file),
                      CRAFTED,
                      ColumnarReader.Options.defaults().threads(1))) {
                reader.next();
              }
            })
        .isInstanceOfSatisfying(
            CorruptFileException.class, e -> assertThat(e.file()).isEqualTo(file));
  }

  @Test
  void aPageClaimingAHugeUncompressedSizeDoesNotMakeTheReaderAllocateIt() throws Exception {
    Path file =
        craft(
            base.resolve("huge.parquet"), 1, (w, c) -> v2(w, 1, longs(7), Integer.MAX_VALUE - 64));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    Throwable thrown = null;
    try (ColumnarReader reader =
        ColumnarReader.open(
            Storage.local(),
            List.of(file),
            CRAFTED,
            ColumnarReader.Options.defaults().threads(1))) {
      reader.next();
    } catch (Throwable e) {
      thrown = e;
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(thrown)
        .isInstanceOfSatisfying(
            CorruptFileException.class, e -> assertThat(e.file()).isEqualTo(file));
    assertThat(allocated).as("bytes allocated to read a 100-byte file").isLessThan(64L << 20);
  }

  @Test
  void aDictionaryIdOutOfRangeIsACorruptFile() throws Exception {
    Path file =
        craft(
            base.resolve("ids.parquet"),
            2,
            (w, c) -> {
              byte[] dict = longs(1, 2);
              w.writeDictionaryPage(
                  new org.apache.parquet.column.page.DictionaryPage(
                      BytesInput.from(Zstd.compress(dict)), dict.length, 2, Encoding.PLAIN));
              // bit width 2, RLE run of 2 values of id 3: beyond the 2-entry dictionary.
              byte[] data = {2, 4, 3};
              w.writeDataPageV2(
                  2,
                  0,
                  2,
                  BytesInput.empty(),
                  BytesInput.from(allPresent(2)),
                  Encoding.RLE_DICTIONARY,
                  BytesInput.from(Zstd.compress(data)),
                  data.length,
                  stats());
            });
    for (int threads : new int[] {1, 4}) {
      assertThatThrownBy(
              () -> {
                try (ColumnarReader reader =
                    ColumnarReader.open(
                        Storage.local(),
                        List.of(file),
                        CRAFTED,
                        ColumnarReader.Options.defaults().threads(threads))) {
                  reader.next();
                }
              })
          .isInstanceOfSatisfying(
              CorruptFileException.class, e -> assertThat(e.file()).isEqualTo(file));
    }
  }

  @Test
  void aFooterRowCountOtherThanThePagesIsACorruptFile() throws Exception {
    Path file =
        craft(
            base.resolve("rows.parquet"),
            5,
            (w, c) -> {
              v2(w, 2, longs(8, 9), 16);
            });
    assertThatThrownBy(
            () -> {
              try (ColumnarReader reader = ColumnarReader.open(file, CRAFTED)) {
                reader.next();
              }
            })
        .isInstanceOfSatisfying(
            CorruptFileException.class, e -> assertThat(e.file()).isEqualTo(file));
  }

  /**
   * Flipping one bit of a V2 page's (uncompressed, unchecked) definition levels: the file carries
   * page checksums, but the reader returns different values without an error.
   */
  @Test
  void aBitFlippedInAV2PagesDefinitionLevelsIsNotReturnedAsData() throws Exception {
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "flip")
            .required("id", FieldType.INT64)
            .nullable("v", FieldType.INT64)
            .build();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", (long) i);
      row.put("v", i % 2 == 0 ? null : (long) i * 1_000_003);
      rows.add(row);
    }
    writer(WriterSettings.lake().toBuilder().dictionary("v", false).build())
        .writeCleanData(schema, rows);
    Path file = lake.files(Zone.SILVER, schema.table()).get(0).path();
    List<Map<String, Object>> before = byColumns(ColumnarReader.open(file, schema));
    // Find the page header of column v: the levels of alternating nulls are bit-packed 0x55/0xAA.
    byte[] bytes = Files.readAllBytes(file);
    int at = -1;
    for (int i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] == (byte) 0xAA && bytes[i + 1] == (byte) 0xAA && bytes[i + 2] == (byte) 0xAA) {
        at = i;
        break;
      }
    }
    assertThat(at).as("bit-packed levels found").isPositive();
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(at);
      raf.write(0xA8);
    }
    Throwable thrown = null;
    List<Map<String, Object>> after = null;
    try {
      after = byColumns(ColumnarReader.open(file, schema));
    } catch (CorruptFileException e) {
      thrown = e;
    }
    String rowReader;
    try {
      List<Long> vs = new ArrayList<>();
      try (ParquetRowReader scan = ParquetRowReader.open(file, schema)) {
        while (scan.next()) {
          vs.add(scan.isNull(1) ? null : scan.getLong(1));
        }
      }
      rowReader = "row reader returned " + vs.subList(0, 4) + " silently too";
    } catch (CorruptFileException e) {
      rowReader = "row reader threw " + e;
    }
    if (thrown == null) {
      assertThat(after)
          .as("values read silently from a damaged page; " + rowReader)
          .isEqualTo(before);
    }
  }

  // ---------------------------------------------------------------- 5. arrays belong to the caller

  @Test
  void binariesAndMasksOfOneRowOrBatchAreNotSharedWithAnother() throws Exception {
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "bins")
            .required("id", FieldType.INT64)
            .nullable("bin", FieldType.BINARY)
            .nullable("plain", FieldType.BINARY)
            .build();
    WriterSettings settings =
        WriterSettings.lake().toBuilder()
            .rowGroupBytes(1024 * 1024)
            .dictionary("bin", true)
            .dictionary("plain", false)
            .build();
    for (int f = 0; f < 2; f++) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", (long) i);
        row.put("bin", new byte[] {1, 2, 3});
        row.put("plain", new byte[] {4, 5, 6});
        rows.add(row);
      }
      writer(settings).writeCleanData(schema, rows);
    }
    for (int threads : new int[] {1, 3}) {
      try (ColumnarReader reader =
          columns(schema, ColumnarReader.Options.defaults().threads(threads))) {
        ColumnBatch first = reader.next();
        for (String column : List.of("bin", "plain")) {
          first.binaries(column)[0][0] = 99;
        }
        first.nulls("bin")[1] = true;
        first.longs("id")[1] = -1;
        assertThat(first.binaries("bin")[1]).containsExactly(1, 2, 3);
        assertThat(first.binaries("plain")[1]).containsExactly(4, 5, 6);
        ColumnBatch second = reader.next();
        assertThat(second.binaries("bin")[0]).containsExactly(1, 2, 3);
        assertThat(second.binaries("plain")[0]).containsExactly(4, 5, 6);
        assertThat(second.nulls("bin")).containsOnly(false);
        assertThat(second.longs("id")[1]).isEqualTo(1);
        assertThatThrownBy(() -> second.strings("bin"))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> second.ints("id")).isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  // ---------------------------------------------------------------- 6. resources

  private static long decodeThreads(Thread.State... states) {
    List<Thread.State> wanted = List.of(states);
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("tiering-decode"))
        .filter(t -> wanted.isEmpty() || wanted.contains(t.getState()))
        .count();
  }

  @Test
  void manyReadersOpenedClosedOrFailingLeakNoDecodeThread() throws Exception {
    TableSchema schema = everyType("threads");
    writer(WriterSettings.lake().toBuilder().rowGroupBytes(1024 * 1024).build())
        .writeCleanData(schema, everyTypeRows(0, 2000, Seeded.random(Seeded.baseSeed(), 801)));
    Path bad =
        craft(
            base.resolve("bad.parquet"),
            2,
            (w, c) -> {
              v2(w, 1, longs(7), 8);
              v2(w, 1, new byte[] {1, 2, 3}, 3);
            });
    for (int i = 0; i < 200; i++) {
      try (ColumnarReader reader = columns(schema, ColumnarReader.Options.defaults().threads(8))) {
        if (i % 2 == 0) {
          reader.next();
        }
      }
      assertThatThrownBy(
              () -> {
                try (ColumnarReader reader =
                    ColumnarReader.open(
                        Storage.local(),
                        List.of(bad),
                        CRAFTED,
                        ColumnarReader.Options.defaults().threads(8))) {
                  reader.next();
                }
              })
          .isInstanceOf(CorruptFileException.class);
    }
    assertThat(decodeThreads()).as("decode threads").isLessThanOrEqualTo(8);
    assertThat(decodeThreads(Thread.State.RUNNABLE, Thread.State.BLOCKED))
        .as("decode threads still working")
        .isZero();
  }

  @Test
  void readingTheSameTableTwiceGivesTheSameBatchesAndNames() throws Exception {
    TableSchema schema = everyType("twice");
    writer(WriterSettings.lake())
        .writeCleanData(schema, everyTypeRows(0, 500, Seeded.random(Seeded.baseSeed(), 802)));
    assertThat(byColumns(columns(schema, ColumnarReader.Options.defaults())))
        .isEqualTo(byColumns(columns(schema, ColumnarReader.Options.defaults().threads(1))));
  }
}
