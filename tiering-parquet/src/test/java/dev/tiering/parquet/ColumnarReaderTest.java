package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.Seeded;
import dev.tiering.schema.Field;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.RowSchema;
import dev.tiering.schema.TableSchema;
import java.math.BigDecimal;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columnar reader returns exactly what the row reader returns, column by column, for every
 * type, with nulls, over several row groups and files; reads only what it is asked for; and skips
 * only row groups that hold no value of the range.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ColumnarReaderTest {

  private static final Instant NOON = Instant.parse("2025-11-10T12:00:00Z");
  private static final int ROWS = 60_000;

  @TempDir Path base;
  private PathResolver paths;
  private LakeReader reader;

  static TableSchema schema() {
    return TableSchema.builder(Zone.SILVER, "every_type")
        .required("id", FieldType.INT64)
        .required("ts", FieldType.TIMESTAMP)
        .nullable("day", FieldType.DATE)
        .nullable("n32", FieldType.INT32)
        .nullable("f32", FieldType.FLOAT32)
        .required("f64", FieldType.FLOAT64)
        .nullable("ok", FieldType.BOOLEAN)
        .nullable("label", FieldType.STRING)
        .nullable("text", FieldType.STRING)
        .nullable("bin", FieldType.BINARY)
        .nullable("dec", FieldType.decimal(12, 3))
        .build();
  }

  /** Seeded rows: sorted timestamps, a dictionary-friendly label, a high-cardinality text. */
  static List<Map<String, Object>> rows(int from, int count, Random random) {
    List<Map<String, Object>> rows = new ArrayList<>(count);
    for (int i = from; i < from + count; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("id", (long) i * 3 - 7);
      row.put("ts", NOON.plus(i, ChronoUnit.SECONDS).plus(random.nextInt(1000), ChronoUnit.MICROS));
      row.put("day", random.nextInt(9) == 0 ? null : LocalDate.of(2025, 1, 1).plusDays(i % 400));
      row.put("n32", random.nextInt(5) == 0 ? null : random.nextInt());
      row.put("f32", random.nextInt(7) == 0 ? null : random.nextFloat());
      row.put("f64", random.nextGaussian());
      row.put("ok", random.nextInt(3) == 0 ? null : random.nextBoolean());
      row.put("label", random.nextInt(11) == 0 ? null : "label_" + random.nextInt(20) + "é");
      row.put("text", random.nextInt(13) == 0 ? null : Long.toHexString(random.nextLong()));
      byte[] bytes = new byte[random.nextInt(6)];
      random.nextBytes(bytes);
      row.put("bin", random.nextInt(4) == 0 ? null : bytes);
      row.put(
          "dec",
          random.nextInt(6) == 0
              ? null
              : BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 3));
      rows.add(row);
    }
    return rows;
  }

  @BeforeEach
  void writeTwoCommitsOfSeveralRowGroups() throws Exception {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    WriterSettings small = WriterSettings.lake().toBuilder().rowGroupRows(7_500).build();
    LakeWriter lake =
        LakeWriter.builder(paths).settings(small).clock(Clock.fixed(NOON, ZoneOffset.UTC)).build();
    Random random = Seeded.random(Seeded.baseSeed(), 18);
    lake.writeCleanData(schema(), rows(0, ROWS / 2, random));
    lake.writeCleanData(schema(), rows(ROWS / 2, ROWS / 2, random));
    reader = new LakeReader(paths);
  }

  private ColumnarReader columns(ColumnarReader.Options options) throws Exception {
    return reader.columns(
        Zone.SILVER, TableName.of("every_type"), LocalDate.MIN, LocalDate.MAX, options);
  }

  /** Every row as the row reader returns it, values by column name. */
  private List<Map<String, Object>> byRows() throws Exception {
    return ReadBack.rows(reader.scan(Zone.SILVER, TableName.of("every_type")), schema().fields());
  }

  /** Every row as the columnar reader returns it, through the typed arrays. */
  private static List<Map<String, Object>> byColumns(ColumnarReader columnar) throws Exception {
    return ReadBack.columns(columnar);
  }

  @Test
  void everyColumnOfEveryRowIsWhatTheRowReaderReads() throws Exception {
    List<Map<String, Object>> expected = byRows();
    assertThat(expected).hasSize(ROWS);
    for (int threads : new int[] {1, 4}) {
      ColumnarReader columnar = columns(ColumnarReader.Options.defaults().threads(threads));
      List<Map<String, Object>> actual = byColumns(columnar);
      assertThat(columnar.rowGroupsRead()).as("row groups read").isGreaterThanOrEqualTo(4);
      assertThat(actual).as("%d thread(s)", threads).isEqualTo(expected);
    }
  }

  @Test
  void rowGroupsComeInBatchesOfAtMostTheRowsAskedFor() throws Exception {
    List<Map<String, Object>> expected = byRows();
    for (int batchRows : new int[] {1_000, 7_777}) {
      for (int threads : new int[] {1, 3}) {
        List<Integer> sizes = new ArrayList<>();
        ColumnarReader counted =
            columns(ColumnarReader.Options.defaults().batchRows(batchRows).threads(threads));
        try (counted) {
          for (ColumnBatch batch; (batch = counted.next()) != null; ) {
            sizes.add(batch.rows());
          }
        }
        assertThat(sizes).allMatch(n -> n > 0 && n <= batchRows);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(ROWS);
        assertThat(sizes.size()).isGreaterThan(ROWS / batchRows);
        assertThat(
                byColumns(
                    columns(
                        ColumnarReader.Options.defaults().batchRows(batchRows).threads(threads))))
            .as("batches of %d rows on %d thread(s)", batchRows, threads)
            .isEqualTo(expected);
      }
    }
    assertThatThrownBy(() -> ColumnarReader.Options.defaults().batchRows(0))
        .hasMessage("Invalid batch size 0 rows (use 1 to 1073741824)");
  }

  @Test
  void onlyTheColumnsAskedForAreRead() throws Exception {
    List<Map<String, Object>> expected = new ArrayList<>();
    for (Map<String, Object> row : byRows()) {
      Map<String, Object> two = new HashMap<>();
      two.put("text", row.get("text"));
      two.put("id", row.get("id"));
      expected.add(two);
    }
    try (ColumnarReader columnar =
        columns(ColumnarReader.Options.defaults().columns("text", "id"))) {
      assertThat(columnar.fields()).extracting(Field::name).containsExactly("text", "id");
      ColumnBatch first = columnar.next();
      assertThat(first.fields()).extracting(Field::name).containsExactly("text", "id");
      assertThatThrownBy(() -> first.doubles("f64"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "No column 'f64' in this batch (it has [text, id]; ask the reader for the"
                  + " column)");
    }
    assertThat(byColumns(columns(ColumnarReader.Options.defaults().columns("text", "id"))))
        .isEqualTo(expected);
  }

  @Test
  void rowGroupsOutsideATimeRangeAreSkippedAndNoRowInItIsLost() throws Exception {
    Instant from = NOON.plusSeconds(20_000);
    Instant to = NOON.plusSeconds(22_000);
    long lo = ChronoUnit.MICROS.between(Instant.EPOCH, from);
    long hi = ChronoUnit.MICROS.between(Instant.EPOCH, to);
    List<Long> expected =
        byRows().stream()
            .map(row -> (Long) row.get("ts"))
            .filter(ts -> ts >= lo && ts <= hi)
            .toList();
    assertThat(expected).hasSizeGreaterThan(1000);
    ColumnarReader ranged =
        columns(ColumnarReader.Options.defaults().columns("ts").timeRange("ts", from, to));
    List<Long> read =
        byColumns(ranged).stream()
            .map(row -> (Long) row.get("ts"))
            .filter(ts -> ts >= lo && ts <= hi)
            .toList();
    assertThat(read).isEqualTo(expected);
    assertThat(ranged.rowGroupsSkipped()).as("row groups skipped").isGreaterThanOrEqualTo(2);
    assertThat(ranged.rowGroupsRead()).isLessThan(ranged.rowGroupsSkipped());

    ColumnarReader none =
        columns(
            ColumnarReader.Options.defaults()
                .timeRange("ts", Instant.parse("2030-01-01T00:00:00Z"), Instant.MAX));
    assertThat(byColumns(none)).isEmpty();
    assertThat(none.rowGroupsRead()).isZero();
  }

  @Test
  void theStringsOfADictionaryAreSharedByTheRowsThatHoldThem() throws Exception {
    try (ColumnarReader columnar = columns(ColumnarReader.Options.defaults().columns("label"))) {
      String[] labels = columnar.next().strings("label");
      Map<String, String> first = new HashMap<>();
      int shared = 0;
      for (String label : labels) {
        if (label != null) {
          String seen = first.putIfAbsent(label, label);
          if (seen != null) {
            assertThat(seen).isSameAs(label);
            shared++;
          }
        }
      }
      assertThat(first).hasSize(20);
      assertThat(shared).isGreaterThan(labels.length / 2);
    }
  }

  @Test
  void aColumnAddedLaterReadsAsNullsInOlderFilesAndNarrowTypesWiden() throws Exception {
    RowSchema narrow =
        RowSchema.builder().required("n", FieldType.INT32).required("x", FieldType.FLOAT32).build();
    Path file;
    try (ParquetRowWriter writer =
        StagingWriter.builder(paths)
            .build()
            .openIntermediate(SlmId.of(1), BatchId.of("narrow"), narrow)) {
      for (int i = 0; i < 5; i++) {
        writer.setInt(0, -i).setFloat(1, i + 0.5f).endRow();
      }
      file = writer.commit().file();
    }
    TableSchema wide =
        TableSchema.builder(Zone.SILVER, "narrow")
            .required("n", FieldType.INT64)
            .required("x", FieldType.FLOAT64)
            .nullable("later", FieldType.STRING)
            .build();
    try (ColumnarReader columnar = ColumnarReader.open(file, wide)) {
      ColumnBatch batch = columnar.next();
      assertThat(batch.longs("n")).containsExactly(0, -1, -2, -3, -4);
      assertThat(batch.doubles("x")).containsExactly(0.5, 1.5, 2.5, 3.5, 4.5);
      assertThat(batch.nulls("later")).containsOnly(true);
      assertThat(batch.strings("later")).containsOnlyNulls();
      assertThat(batch.nulls("n")).containsOnly(false);
      assertThat(columnar.next()).isNull();
    }
  }

  @Test
  void aStagingBatchIsReadColumnByColumnSlmAfterSlm() throws Exception {
    StagingWriter staging = StagingWriter.builder(paths).build();
    RowSchema columns =
        RowSchema.builder()
            .required("input_id", FieldType.INT64)
            .nullable("label", FieldType.STRING)
            .build();
    for (int slm : new int[] {2, 0, 1}) {
      try (ParquetRowWriter writer =
          staging.openIntermediate(SlmId.of(slm), BatchId.of("b7"), columns)) {
        for (int i = 0; i < 3; i++) {
          writer.setLong(0, slm * 10L + i).setString(1, "s" + slm).endRow();
        }
        writer.commit();
      }
    }
    List<Long> ids = new ArrayList<>();
    try (ColumnarReader columnar =
        staging.readBatchColumns(
            BatchId.of("b7"), columns, ColumnarReader.Options.defaults().columns("input_id"))) {
      for (ColumnBatch batch; (batch = columnar.next()) != null; ) {
        Arrays.stream(batch.longs("input_id")).forEach(ids::add);
      }
    }
    assertThat(ids).containsExactly(0L, 1L, 2L, 10L, 11L, 12L, 20L, 21L, 22L);
  }

  @Test
  void badOptionsAreRefusedBeforeAnythingIsRead() {
    assertThatThrownBy(() -> columns(ColumnarReader.Options.defaults().columns("nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("No column 'nope' in silver.every_type (its columns: [id, ts,");
    assertThatThrownBy(
            () ->
                columns(
                    ColumnarReader.Options.defaults()
                        .timeRange("f64", Instant.EPOCH, Instant.EPOCH)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot skip row groups by column 'f64' of silver.every_type: it is float64 (a"
                + " timeRange needs a timestamp column)");
    assertThatThrownBy(() -> ColumnarReader.Options.defaults().columns("a", "a"))
        .hasMessage(
            "Invalid columns [a, a] (name at least one column, each once; leave columns out to"
                + " read them all)");
    assertThatThrownBy(() -> ColumnarReader.Options.defaults().threads(0))
        .hasMessage("Invalid decoding threads 0 (use 1 to 64)");
    assertThatThrownBy(
            () ->
                ColumnarReader.Options.defaults()
                    .dateRange("day", LocalDate.of(2025, 2, 1), LocalDate.of(2025, 1, 1)))
        .hasMessage("Invalid date range 2025-02-01 to 2025-01-01 (from must not be after to)");
  }

  @Test
  void getterOfAnotherTypeAndAClosedReaderAreRefused() throws Exception {
    ColumnarReader columnar = columns(ColumnarReader.Options.defaults());
    ColumnBatch batch = columnar.next();
    assertThatThrownBy(() -> batch.ints("id"))
        .hasMessage("Column 'id' is int64: ints does not read it (use longs)");
    assertThatThrownBy(() -> batch.strings("bin"))
        .hasMessage("Column 'bin' is binary: strings does not read it (use binaries)");
    columnar.close();
    columnar.close();
    assertThatThrownBy(columnar::next)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("This reader is closed (open a new one to read again)");
  }

  @Test
  void version1PagesReadTheSameAsVersion2() throws Exception {
    WriterSettings v1 = WriterSettings.lake().toBuilder().rowGroupRows(7_500).pageV2(false).build();
    LakeWriter lake =
        LakeWriter.builder(paths).settings(v1).clock(Clock.fixed(NOON, ZoneOffset.UTC)).build();
    TableSchema old =
        TableSchema.builder(Zone.SILVER, "old_readers")
            .required("id", FieldType.INT64)
            .nullable("label", FieldType.STRING)
            .nullable("text", FieldType.STRING)
            .nullable("f64", FieldType.FLOAT64)
            .nullable("ok", FieldType.BOOLEAN)
            .build();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> row : rows(0, 20_000, Seeded.random(Seeded.baseSeed(), 19))) {
      Map<String, Object> kept = new HashMap<>();
      for (Field field : old.fields()) {
        kept.put(field.name(), row.get(field.name()));
      }
      rows.add(kept);
    }
    lake.writeCleanData(old, rows);
    List<Map<String, Object>> expected =
        ReadBack.rows(reader.scan(Zone.SILVER, TableName.of("old_readers")), old.fields());
    assertThat(expected).hasSize(20_000);
    assertThat(
            byColumns(
                reader.columns(
                    Zone.SILVER,
                    TableName.of("old_readers"),
                    LocalDate.MIN,
                    LocalDate.MAX,
                    ColumnarReader.Options.defaults())))
        .isEqualTo(expected);
  }

  /** The hybrid decoder against parquet-java's encoder, over seeded widths, runs and noise. */
  @Test
  void theHybridDecoderReadsWhatParquetJavaEncodes() throws Exception {
    Random random = Seeded.random(Seeded.baseSeed(), 20);
    for (int trial = 0; trial < 300; trial++) {
      int width = random.nextInt(33);
      int count = 1 + random.nextInt(3000);
      int[] values = new int[count];
      long bound = width == 32 ? 1L << 32 : 1L << width;
      for (int i = 0; i < count; ) {
        int value = (int) (random.nextLong() & (bound - 1));
        int run = random.nextBoolean() ? 1 + random.nextInt(40) : 1;
        for (int r = 0; r < run && i < count; r++) {
          values[i++] = value;
        }
      }
      byte[] encoded;
      try (org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder encoder =
          new org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder(
              width, 64, 64 * 1024, new org.apache.parquet.bytes.HeapByteBufferAllocator())) {
        for (int value : values) {
          encoder.writeInt(value);
        }
        encoded = encoder.toBytes().toInputStream().readAllBytes();
      }
      int[] decoded = new int[count];
      Hybrid.decode(java.nio.ByteBuffer.wrap(encoded), width, decoded, count);
      assertThat(decoded).as("width %d, %d values", width, count).isEqualTo(values);
      if (encoded.length > 1) {
        byte[] cut = Arrays.copyOf(encoded, random.nextInt(encoded.length - 1) + 1);
        int[] into = new int[count];
        assertThatThrownBy(() -> Hybrid.decode(java.nio.ByteBuffer.wrap(cut), width, into, count))
            .as("width %d, cut to %d of %d bytes", width, cut.length, encoded.length)
            .isInstanceOf(java.io.IOException.class)
            .hasMessageContaining("ends after");
      }
    }
  }
}
