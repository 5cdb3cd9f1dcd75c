package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hadoop-common trim in the parent POM leaves enough to write zstd Parquet, and no more. */
class TrimmedHadoopTest {

  @Test
  void trimmedHadoopWritesZstdParquetThatDuckDbReads(@TempDir Path dir) throws Exception {
    MessageType schema =
        MessageTypeParser.parseMessageType(
            "message m { required int64 id; optional binary label (STRING); }");
    Path file = dir.resolve("t.parquet");
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(schema)
            .withCompressionCodec(CompressionCodecName.ZSTD)
            .build()) {
      SimpleGroupFactory rows = new SimpleGroupFactory(schema);
      for (long i = 0; i < 1000; i++) {
        Group row = rows.newGroup().append("id", i);
        if (i % 10 != 0) {
          row.append("label", "l" + i % 7);
        }
        writer.write(row);
      }
    }

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duck.createStatement()) {
      try (ResultSet rs =
          sql.executeQuery(
              "SELECT count(*), sum(id), count(label) FROM read_parquet('" + file + "')")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1000);
        assertThat(rs.getLong(2)).isEqualTo(999L * 1000 / 2);
        assertThat(rs.getLong(3)).isEqualTo(900);
      }
      try (ResultSet rs =
          sql.executeQuery("SELECT DISTINCT compression FROM parquet_metadata('" + file + "')")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("ZSTD");
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void noLoggingBackendComesWithHadoop() {
    assertThatThrownBy(() -> Class.forName("org.apache.log4j.Logger"))
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("org.slf4j.reload4j.Reload4jLoggerAdapter"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
