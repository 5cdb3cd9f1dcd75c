package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every type, nulls included, through both writers and back through the readers. */
class RoundTripTest {

  static final TableSchema ALL_TYPES =
      TableSchema.builder(Zone.GOLD, "all_types")
          .required("ts", FieldType.TIMESTAMP)
          .nullable("ts_n", FieldType.TIMESTAMP)
          .nullable("day", FieldType.DATE)
          .nullable("i32", FieldType.INT32)
          .nullable("i64", FieldType.INT64)
          .nullable("f32", FieldType.FLOAT32)
          .nullable("f64", FieldType.FLOAT64)
          .nullable("flag", FieldType.BOOLEAN)
          .nullable("text", FieldType.STRING)
          .nullable("blob", FieldType.BINARY)
          .nullable("dec9", FieldType.decimal(9, 2))
          .nullable("dec18", FieldType.decimal(18, 6))
          .nullable("dec38", FieldType.decimal(38, 10))
          .build();

  @TempDir Path base;

  /** Rows that exercise extremes: min/max, negatives, empty and non-ASCII strings, nulls. */
  static List<Map<String, Object>> allTypeRows(int n) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> row = new HashMap<>();
      boolean nulls = i % 5 == 4;
      row.put("ts", Instant.parse("1969-12-31T23:59:59.999999Z").plusSeconds(i * 86_400L));
      row.put("ts_n", nulls ? null : Instant.parse("2262-04-11T23:47:16.854775Z").minusSeconds(i));
      row.put("day", nulls ? null : LocalDate.of(1, 1, 1).plusDays(i * 1000L));
      row.put("i32", nulls ? null : i % 2 == 0 ? Integer.MIN_VALUE + i : Integer.MAX_VALUE - i);
      row.put("i64", nulls ? null : i % 2 == 0 ? Long.MIN_VALUE + i : Long.MAX_VALUE - i);
      row.put("f32", nulls ? null : i * -1.5f);
      row.put("f64", nulls ? null : i == 0 ? -0.0 : i * Math.PI);
      row.put("flag", nulls ? null : i % 3 == 0);
      row.put("text", nulls ? null : i % 7 == 0 ? "" : "zone-ü-" + "ab".repeat(i % 4) + "-€");
      row.put("blob", nulls ? null : new byte[] {(byte) i, 0, (byte) 0xff});
      row.put("dec9", nulls ? null : new BigDecimal("-9999999.99").add(BigDecimal.valueOf(i)));
      row.put(
          "dec18",
          nulls ? null : new BigDecimal("123456789012.345678").negate().add(BigDecimal.valueOf(i)));
      row.put(
          "dec38",
          nulls
              ? null
              : new BigDecimal("9999999999999999999999999999.9999999999")
                  .subtract(BigDecimal.valueOf(i)));
      rows.add(row);
    }
    return rows;
  }

  private static void assertReadsBack(ParquetRowReader reader, List<Map<String, Object>> written)
      throws Exception {
    List<Map<String, Object>> read = new ArrayList<>();
    while (reader.next()) {
      read.add(reader.toMap());
    }
    assertThat(read).hasSize(written.size());
    var validator = dev.tiering.schema.RowValidator.of(reader.schema());
    for (int r = 0; r < written.size(); r++) {
      Object[] expected = validator.validate(written.get(r), r);
      for (int f = 0; f < expected.length; f++) {
        String name = reader.schema().fields().get(f).name();
        Object actual = read.get(r).get(name);
        if (expected[f] instanceof byte[] bytes) {
          assertThat((byte[]) actual).as("row %d %s", r, name).isEqualTo(bytes);
        } else {
          assertThat(actual).as("row %d %s", r, name).isEqualTo(expected[f]);
        }
      }
    }
  }

  @Test
  void everyTypeRoundTripsThroughTheStagingWriter() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter staging = StagingWriter.builder(paths).build();
    List<Map<String, Object>> rows = allTypeRows(50);

    WriteResult result = staging.writeIntermediate(SlmId.of(2), BatchId.of("b7"), ALL_TYPES, rows);

    assertThat(result.file()).isEqualTo(base.resolve("hot/staging/slm_2_b7.parquet"));
    assertThat(result.rows()).isEqualTo(50);
    try (ParquetRowReader reader = ParquetRowReader.open(result.file(), ALL_TYPES)) {
      assertReadsBack(reader, rows);
    }
  }

  @Test
  void everyTypeRoundTripsThroughTheLakeWriterAcrossBatchesAndRowGroups() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    LakeWriter lake =
        LakeWriter.builder(paths)
            .settings(WriterSettings.lake().toBuilder().rowGroupRows(25_000).build())
            .build();
    List<Map<String, Object>> rows = allTypeRows(60_000);

    LakeWriteResult result = lake.writeCleanData(ALL_TYPES, rows);

    assertThat(result.files()).hasSize(1);
    assertThat(result.files().get(0).file().getParent())
        .isEqualTo(base.resolve("lake/clean/gold/all_types"));
    try (ParquetRowReader reader =
        new LakeReader(paths).scan(Zone.GOLD, TableName.of("all_types"))) {
      assertReadsBack(reader, rows);
    }
    // The row cap cuts groups of 25,000 rows, the second one in the middle of a 16,384-row batch.
    try (ColumnarReader groups =
        new LakeReader(paths)
            .columns(
                Zone.GOLD,
                TableName.of("all_types"),
                LocalDate.MIN,
                LocalDate.MAX,
                ColumnarReader.Options.defaults())) {
      List<Integer> sizes = new ArrayList<>();
      for (ColumnBatch batch; (batch = groups.next()) != null; ) {
        sizes.add(batch.rows());
      }
      assertThat(sizes).containsExactly(25_000, 25_000, 10_000);
      assertThat(groups.rowGroupsRead()).isEqualTo(3);
    }
  }

  @Test
  void typedSettersWriteTheSameAsMaps() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    TableSchema schema = Predictions.schema();
    int ts = schema.indexOf("timestamp");
    int slm = schema.indexOf("slm_id");
    int prediction = schema.indexOf("prediction");
    int confidence = schema.indexOf("confidence");
    int label = schema.indexOf("label");
    try (ParquetRowWriter writer =
        StagingWriter.builder(paths)
            .build()
            .openIntermediate(SlmId.of(1), BatchId.of("typed"), schema)) {
      for (int i = 0; i < 40_000; i++) {
        writer
            .setTimestampMicros(ts, 1_762_732_800_000_000L + i * 1_000_000L)
            .setInt(slm, i % 7)
            .setDouble(prediction, i / 40_000.0);
        if (i % 10 != 0) {
          writer.setDouble(confidence, 0.5);
        }
        writer.setString(label, "l" + (i % 3)).endRow();
      }
      writer.commit();
    }
    try (ParquetRowReader reader =
        ParquetRowReader.open(paths.intermediateFile(SlmId.of(1), BatchId.of("typed")), schema)) {
      int i = 0;
      while (reader.next()) {
        assertThat(reader.getTimestamp(ts)).isEqualTo(Predictions.START.plusSeconds(i));
        assertThat(reader.getInt(slm)).isEqualTo(i % 7);
        assertThat(reader.getDouble(prediction)).isEqualTo(i / 40_000.0);
        assertThat(reader.isNull(confidence)).isEqualTo(i % 10 == 0);
        assertThat(reader.getString(label)).isEqualTo("l" + (i % 3));
        i++;
      }
      assertThat(i).isEqualTo(40_000);
    }
  }

  @Test
  void olderFilesReadThroughAWiderSchema() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    TableSchema narrow =
        TableSchema.builder(Zone.SILVER, "evolving")
            .required("id", FieldType.INT32)
            .required("x", FieldType.FLOAT32)
            .build();
    LakeWriter lake =
        LakeWriter.builder(paths)
            .clock(Clock.fixed(Instant.parse("2025-11-10T12:00:00Z"), ZoneOffset.UTC))
            .build();
    lake.writeCleanData(narrow, List.of(Map.of("id", 1, "x", 1.5f)));
    TableSchema wide =
        TableSchema.builder(Zone.SILVER, "evolving")
            .required("id", FieldType.INT64)
            .required("x", FieldType.FLOAT64)
            .nullable("note", FieldType.STRING)
            .build();
    LakeWriteResult second =
        lake.writeCleanData(wide, List.of(Map.of("id", 5_000_000_000L, "x", 2.25, "note", "new")));
    assertThat(second.sidecar().schema().version()).hasToString("1.1.0");

    List<String> rows = new ArrayList<>();
    try (ParquetRowReader reader =
        new LakeReader(paths).scan(Zone.SILVER, TableName.of("evolving"))) {
      while (reader.next()) {
        rows.add(reader.getLong(0) + "/" + reader.getDouble(1) + "/" + reader.getString(2));
      }
    }
    assertThat(rows).containsExactlyInAnyOrder("1/1.5/null", "5000000000/2.25/new");
  }

  @Test
  void schemasMapToParquetAndBack() {
    for (TableSchema schema : List.of(ALL_TYPES, Predictions.schema())) {
      var file = ParquetSchemas.toMessageType(schema);
      TableSchema back = ParquetSchemas.toTableSchema(file, schema.zone(), schema.table());
      assertThat(back.fields()).isEqualTo(schema.fields());
      assertThat(back.partitionBy()).isEqualTo(schema.partitionBy());
    }
    assertThat(ParquetSchemas.toMessageType(Predictions.schema()).toString())
        .isEqualTo(
            """
            message slm_predictions {
              required int64 timestamp (TIMESTAMP(MICROS,true));
              required int32 slm_id;
              required double prediction;
              optional double confidence;
              optional binary label (STRING);
              required int32 date (DATE);
            }
            """);
    assertThat(ParquetSchemas.toMessageType(ALL_TYPES).getType("dec38").toString())
        .isEqualTo("optional fixed_len_byte_array(16) dec38 (DECIMAL(38,10))");
  }

  @Test
  void encodingOnTheWritingThreadOnlyGivesTheSameRows() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    StagingWriter serial =
        StagingWriter.builder(paths)
            .settings(WriterSettings.staging().toBuilder().encoders(null).pageV2(false).build())
            .build();
    List<Map<String, Object>> rows = allTypeRows(20_000);
    WriteResult result =
        serial.writeIntermediate(SlmId.of(0), BatchId.of("serial"), ALL_TYPES, rows);
    try (ParquetRowReader reader = ParquetRowReader.open(result.file(), ALL_TYPES)) {
      assertReadsBack(reader, rows);
    }
    assertThat(Arrays.asList(ALL_TYPES.fields().get(0).name())).containsExactly("ts");
  }
}
