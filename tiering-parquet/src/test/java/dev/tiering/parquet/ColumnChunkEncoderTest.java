package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.Seeded;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-side encoders: the hybrid encoding against parquet-java's decoder, and the pages,
 * dictionaries and statistics of written files as DuckDB, an independent reader, sees them.
 */
class ColumnChunkEncoderTest {

  @TempDir Path base;

  @Test
  void hybridEncodingDecodesThroughParquetJavaAndOurOwnDecoder() throws Exception {
    long seed = Seeded.baseSeed();
    Random random = Seeded.random(seed, 41);
    for (int round = 0; round < 300; round++) {
      int width = random.nextInt(33);
      int count = 1 + random.nextInt(round % 10 == 0 ? 20 : 3000);
      int[] values = new int[count];
      long bound = 1L << width;
      for (int i = 0; i < count; ) {
        int value = (int) (random.nextLong() & (bound - 1));
        int run = random.nextInt(3) == 0 ? 1 + random.nextInt(60) : 1;
        for (int r = 0; r < run && i < count; r++) {
          values[i++] = value;
        }
      }
      PageBytes out = new PageBytes(16);
      Hybrid.encode(values, count, width, out);
      byte[] encoded = out.toByteArray();

      RunLengthBitPackingHybridDecoder theirs =
          new RunLengthBitPackingHybridDecoder(width, new ByteArrayInputStream(encoded));
      int[] byParquetJava = new int[count];
      for (int i = 0; i < count; i++) {
        byParquetJava[i] = theirs.readInt();
      }
      int[] byUs = new int[count];
      ByteBuffer buffer = ByteBuffer.wrap(encoded);
      Hybrid.decode(buffer, width, byUs, count);

      String what = "seed " + seed + ", round " + round + ": width " + width + ", " + count;
      assertThat(byParquetJava).as(what).isEqualTo(values);
      assertThat(byUs).as(what).isEqualTo(values);
      assertThat(buffer.remaining()).as(what + ": bytes left over").isZero();
    }
  }

  @Test
  void longRepeatsBecomeRunsAndTheRestBitPackedGroups() {
    int[] values = new int[100];
    for (int i = 0; i < 100; i++) {
      values[i] = i < 3 ? i + 1 : 7;
    }
    PageBytes out = new PageBytes(16);
    Hybrid.encode(values, 100, 3, out);
    // [1, 2, 3] topped up with five 7s to one bit-packed group, then a run of 92 sevens.
    assertThat(out.toByteArray())
        .containsExactly(
            0b11, // bit-packed, 1 group
            0b11_010_001, // 1, 2, and the low 2 bits of 3
            0b1_111_111_0, // the high bit of 3, two 7s, a bit of the third
            0xFF,
            0xB8, // run of 92: the varint 184 = 92 << 1
            0x01,
            7);
  }

  private static final TableSchema STATS =
      TableSchema.builder(Zone.SILVER, "stats")
          .required("id", FieldType.INT64)
          .nullable("score", FieldType.FLOAT64)
          .nullable("label", FieldType.STRING)
          .nullable("amount", FieldType.decimal(20, 2))
          .nullable("small", FieldType.decimal(5, 1))
          .nullable("flag", FieldType.BOOLEAN)
          .build();

  private static Map<String, Object> row(
      long id, Double score, String label, String amount, String small, Boolean flag) {
    Map<String, Object> row = new HashMap<>();
    row.put("id", id);
    row.put("score", score);
    row.put("label", label);
    row.put("amount", amount == null ? null : new BigDecimal(amount));
    row.put("small", small == null ? null : new BigDecimal(small));
    row.put("flag", flag);
    return row;
  }

  /** Column name to DuckDB's reading of its chunk statistics: min, max, null count. */
  private static Map<String, List<Object>> statistics(Path file) throws Exception {
    Map<String, List<Object>> byColumn = new TreeMap<>();
    for (Map<String, Object> chunk :
        Duck.query(
            "SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count"
                + " FROM parquet_metadata("
                + Duck.literal(file)
                + ")")) {
      byColumn.put(
          (String) chunk.get("path_in_schema"),
          List.of(
              String.valueOf(chunk.get("stats_min_value")),
              String.valueOf(chunk.get("stats_max_value")),
              chunk.get("stats_null_count")));
    }
    return byColumn;
  }

  @Test
  void statisticsFollowEachTypesOrderInBothPageVersions() throws Exception {
    List<Map<String, Object>> rows =
        List.of(
            row(5, -0.0, "b", "-300.00", "-0.5", true),
            row(-2, 0.0, "é", "5.00", "12.5", true),
            row(9, 2.5, "a", "-1.00", null, null),
            row(0, null, null, null, "-1.0", true));
    for (boolean v2 : new boolean[] {true, false}) {
      StagingWriter writer =
          StagingWriter.builder(
                  new PathResolver(Storage.createRoots(TierLayout.under(base.resolve("v" + v2)))))
              .settings(WriterSettings.staging().toBuilder().pageV2(v2).build())
              .build();
      Path file = writer.writeIntermediate(SlmId.of(1), BatchId.of("s"), STATS, rows).file();

      // Zero is -0.0 as a minimum and +0.0 as a maximum, so no reader skips either; strings
      // compare as unsigned bytes ('é' is 0xC3 0xA9, after 'b'); decimals as signed numbers.
      assertThat(statistics(file))
          .as("page V2: %s", v2)
          .containsEntry("id", List.of("-2", "9", 0L))
          .containsEntry("score", List.of("-0.0", "2.5", 1L))
          .containsEntry("label", List.of("a", "é", 1L))
          .containsEntry("amount", List.of("-300.00", "5.00", 1L))
          .containsEntry("small", List.of("-1.0", "12.5", 1L))
          .containsEntry("flag", List.of("true", "true", 1L));
      assertThat(Duck.query("SELECT * FROM read_parquet(" + Duck.literal(file) + ") ORDER BY id"))
          .extracting(r -> r.get("id"), r -> r.get("label"), r -> String.valueOf(r.get("amount")))
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(-2L, "é", "5.00"),
              org.assertj.core.groups.Tuple.tuple(0L, null, "null"),
              org.assertj.core.groups.Tuple.tuple(5L, "b", "-300.00"),
              org.assertj.core.groups.Tuple.tuple(9L, "a", "-1.00"));
    }
  }

  private static final TableSchema CODES =
      TableSchema.builder(Zone.SILVER, "codes")
          .required("row", FieldType.INT32)
          .required("code", FieldType.INT64)
          .required("name", FieldType.STRING)
          .build();

  /**
   * The set of encodings of each column's chunk (a dictionary page counts as PLAIN), and whether it
   * has a dictionary page, as DuckDB reads them.
   */
  private static Map<String, List<Object>> encodings(Path file) throws Exception {
    Map<String, List<Object>> byColumn = new TreeMap<>();
    for (Map<String, Object> chunk :
        Duck.query(
            "SELECT path_in_schema, encodings, dictionary_page_offset IS NOT NULL AS dict"
                + " FROM parquet_metadata("
                + Duck.literal(file)
                + ")")) {
      byColumn.put(
          (String) chunk.get("path_in_schema"),
          List.of(
              java.util.Set.of(String.valueOf(chunk.get("encodings")).split(", ")),
              chunk.get("dict")));
    }
    return byColumn;
  }

  @Test
  void aDictionaryIsDroppedWhenItDoesNotPayAndStopsGrowingPastThePageSize() throws Exception {
    // 'code' repeats 100 values for the first page, then is unique: the dictionary pays at
    // first, then passes 64 KiB (8,192 longs) and the rest of the chunk is delta-encoded.
    // 'name' is unique from the start: its dictionary never pays, so the chunk has none.
    int rows = 120_000;
    List<Map<String, Object>> written = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("row", i);
      row.put("code", i < 20_000 ? (long) (i % 100) : 1_000_000L + i);
      row.put("name", "name-" + Integer.toHexString(i * 7919));
      written.add(row);
    }
    StagingWriter writer =
        StagingWriter.builder(new PathResolver(Storage.createRoots(TierLayout.under(base))))
            .settings(WriterSettings.staging().toBuilder().pageBytes(64 * 1024).build())
            .build();
    Path file = writer.writeIntermediate(SlmId.of(2), BatchId.of("d"), CODES, written).file();

    assertThat(encodings(file))
        .containsEntry(
            "code",
            List.of(java.util.Set.of("PLAIN", "RLE_DICTIONARY", "DELTA_BINARY_PACKED"), true))
        .containsEntry("name", List.of(java.util.Set.of("DELTA_BYTE_ARRAY"), false));
    String table = "read_parquet(" + Duck.literal(file) + ")";
    assertThat(
            Duck.query(
                "SELECT count(*) AS n, sum(code) AS codes, count(DISTINCT name) AS names,"
                    + " bool_and(code = CASE WHEN \"row\" < 20000 THEN \"row\" % 100"
                    + " ELSE 1000000 + \"row\" END) AS exact FROM "
                    + table))
        .containsExactly(
            Map.of(
                "n",
                (long) rows,
                "codes",
                java.math.BigInteger.valueOf(sumOfCodes(rows)),
                "names",
                (long) rows,
                "exact",
                true));
    try (ParquetRowReader reader = ParquetRowReader.open(file, CODES)) {
      for (int i = 0; i < rows; i++) {
        assertThat(reader.next()).isTrue();
        assertThat(reader.getLong(1)).as("row %d", i).isEqualTo(written.get(i).get("code"));
        assertThat(reader.getString(2)).as("row %d", i).isEqualTo(written.get(i).get("name"));
      }
      assertThat(reader.next()).isFalse();
    }
  }

  private static long sumOfCodes(int rows) {
    long sum = 0;
    for (int i = 0; i < rows; i++) {
      sum += i < 20_000 ? i % 100 : 1_000_000L + i;
    }
    return sum;
  }
}
