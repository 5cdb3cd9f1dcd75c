package dev.tiering.benchmarks;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The usual ways to write the same data, with the SDK's settings (zstd level, 64 MiB row groups, 1
 * MiB pages, data page V2, no dictionary on the timestamp), so that only the write path differs.
 */
final class Baselines {

  static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType(
          "message slm_predictions {"
              + " required int64 timestamp (TIMESTAMP(MICROS,true)); required int32 slm_id;"
              + " required double prediction; optional double confidence; required binary label (STRING); }");

  private static final int ROW_GROUP = 64 * 1024 * 1024;

  private Baselines() {}

  private static ParquetConfiguration conf(int level) {
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    conf.set("parquet.compression.codec.zstd.level", Integer.toString(level));
    return conf;
  }

  /** parquet-hadoop's example object model: one {@code Group} object per row. */
  static void exampleWriter(Dataset data, Path file, int level) throws IOException {
    Files.deleteIfExists(file);
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(conf(level))
            .withType(SCHEMA)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize((long) ROW_GROUP)
            .withPageSize(1 << 20)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
            .withDictionaryEncoding("timestamp", false)
            .build()) {
      SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
      for (int i = 0; i < data.rows; i++) {
        Group row =
            groups
                .newGroup()
                .append("timestamp", data.timestamps[i])
                .append("slm_id", data.slms[i])
                .append("prediction", data.predictions[i]);
        if (!data.confidenceNull[i]) {
          row.append("confidence", data.confidences[i]);
        }
        writer.write(row.append("label", data.labels[i]));
      }
    }
  }

  /** A hand-written {@code WriteSupport} feeding Parquet's {@code RecordConsumer} directly. */
  private static final class RowSupport extends WriteSupport<Integer> {
    private final Dataset data;
    private RecordConsumer out;

    RowSupport(Dataset data) {
      this.data = data;
    }

    @SuppressWarnings("deprecation") // Still what ParquetWriter calls with a Hadoop conf.
    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(SCHEMA, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      out = recordConsumer;
    }

    @Override
    public void write(Integer boxed) {
      int i = boxed;
      out.startMessage();
      out.startField("timestamp", 0);
      out.addLong(data.timestamps[i]);
      out.endField("timestamp", 0);
      out.startField("slm_id", 1);
      out.addInteger(data.slms[i]);
      out.endField("slm_id", 1);
      out.startField("prediction", 2);
      out.addDouble(data.predictions[i]);
      out.endField("prediction", 2);
      if (!data.confidenceNull[i]) {
        out.startField("confidence", 3);
        out.addDouble(data.confidences[i]);
        out.endField("confidence", 3);
      }
      out.startField("label", 4);
      out.addBinary(Binary.fromString(data.labels[i]));
      out.endField("label", 4);
      out.endMessage();
    }
  }

  private static final class RowSupportBuilder
      extends ParquetWriter.Builder<Integer, RowSupportBuilder> {
    private final Dataset data;

    RowSupportBuilder(OutputFile file, Dataset data) {
      super(file);
      this.data = data;
    }

    @Override
    protected RowSupportBuilder self() {
      return this;
    }

    @SuppressWarnings("deprecation") // Still abstract in ParquetWriter.Builder.
    @Override
    protected WriteSupport<Integer> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return new RowSupport(data);
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration conf) {
      return new RowSupport(data);
    }
  }

  /** The bare {@code WriteSupport}. */
  static void bareWriteSupport(Dataset data, Path file, int level) throws IOException {
    Files.deleteIfExists(file);
    try (ParquetWriter<Integer> writer =
        new RowSupportBuilder(new LocalOutputFile(file), data)
            .withConf(conf(level))
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .withRowGroupSize((long) ROW_GROUP)
            .withPageSize(1 << 20)
            .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
            .withDictionaryEncoding("timestamp", false)
            .build()) {
      for (int i = 0; i < data.rows; i++) {
        writer.write(i);
      }
    }
  }

  /**
   * DuckDB's {@code COPY ... (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL n)}; returns
   * seconds.
   */
  static double duckDbCopy(Path source, Path file, int level, int threads)
      throws SQLException, IOException {
    Files.deleteIfExists(file);
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duck.createStatement()) {
      sql.execute("SET threads = " + threads);
      sql.execute("CREATE TABLE t AS SELECT * FROM read_parquet('" + source + "')");
      long start = System.nanoTime();
      sql.execute(
          "COPY t TO '"
              + file
              + "' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL "
              + level
              + ")");
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** DuckDB scanning every column of our files; returns seconds. */
  static double duckDbScan(String files, int threads) throws SQLException {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duck.createStatement()) {
      sql.execute("SET threads = " + threads);
      long start = System.nanoTime();
      sql.executeQuery(
              "SELECT count(*), sum(epoch_us(timestamp)), sum(slm_id), sum(prediction),"
                  + " sum(confidence), sum(length(label)) FROM read_parquet('"
                  + files
                  + "')")
          .close();
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /**
   * The columns' plain-encoded bytes (what Parquet's PLAIN encoding would store), for the
   * compression floor: zstd alone on the same bytes.
   */
  static byte[][] plainColumns(Dataset data) {
    ByteBuffer ts = ByteBuffer.allocate(data.rows * 8).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer slm = ByteBuffer.allocate(data.rows * 4).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer prediction = ByteBuffer.allocate(data.rows * 8).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer confidence = ByteBuffer.allocate(data.rows * 8).order(ByteOrder.LITTLE_ENDIAN);
    java.io.ByteArrayOutputStream labels = new java.io.ByteArrayOutputStream(data.rows * 14);
    for (int i = 0; i < data.rows; i++) {
      ts.putLong(data.timestamps[i]);
      slm.putInt(data.slms[i]);
      prediction.putDouble(data.predictions[i]);
      if (!data.confidenceNull[i]) {
        confidence.putDouble(data.confidences[i]);
      }
      labels.writeBytes(data.labels[i].getBytes(StandardCharsets.UTF_8));
    }
    return new byte[][] {
      ts.array(),
      slm.array(),
      prediction.array(),
      java.util.Arrays.copyOf(confidence.array(), confidence.position()),
      labels.toByteArray()
    };
  }

  /** Compresses every column in 1 MiB pages at {@code level}; returns the compressed bytes. */
  static long zstdAlone(byte[][] columns, int level) {
    long out = 0;
    byte[] buffer = new byte[(int) Zstd.compressBound(1 << 20)];
    try (ZstdCompressCtx context = new ZstdCompressCtx()) {
      context.setLevel(level);
      for (byte[] column : columns) {
        for (int offset = 0; offset < column.length; offset += 1 << 20) {
          int length = Math.min(1 << 20, column.length - offset);
          out += context.compressByteArray(buffer, 0, buffer.length, column, offset, length);
        }
      }
    }
    return out;
  }
}
