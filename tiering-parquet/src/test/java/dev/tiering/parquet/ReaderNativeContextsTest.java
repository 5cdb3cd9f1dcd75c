package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.Zone;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Native zstd contexts of readers stay few whatever a file's row groups. */
class ReaderNativeContextsTest {

  @TempDir Path base;

  static TableSchema wide(int columns) {
    TableSchema.Builder b = TableSchema.builder(Zone.SILVER, "wide");
    for (int c = 0; c < columns; c++) {
      b.nullable("c" + c, FieldType.INT64);
    }
    return b.build();
  }

  /** A DuckDB-written zstd file with {@code rowGroups} row groups of {@code perGroup} rows. */
  static Path duckFile(Path dir, int columns, int rowGroups, int perGroup) throws Exception {
    Path file = dir.resolve("duck.parquet");
    StringBuilder select = new StringBuilder("SELECT ");
    for (int c = 0; c < columns; c++) {
      select
          .append(c == 0 ? "" : ", ")
          .append("(i * ")
          .append(c + 1)
          .append(")::BIGINT AS c")
          .append(c);
    }
    select.append(" FROM range(").append((long) rowGroups * perGroup).append(") t(i)");
    execute(
        "COPY ("
            + select
            + ") TO "
            + Duck.literal(file)
            + " (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE "
            + perGroup
            + ")");
    return file;
  }

  static void execute(String sql) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @SuppressWarnings("unchecked")
  static int openContexts(ParquetRowReader rows) throws Exception {
    Field readerField = ParquetRowReader.class.getDeclaredField("reader");
    readerField.setAccessible(true);
    ParquetFileReader reader = (ParquetFileReader) readerField.get(rows);
    if (reader == null) {
      return -1;
    }
    Field options = ParquetFileReader.class.getDeclaredField("options");
    options.setAccessible(true);
    ZstdCodecs codecs =
        (ZstdCodecs)
            ((org.apache.parquet.ParquetReadOptions) options.get(reader)).getCodecFactory();
    Field contexts = ZstdCodecs.class.getDeclaredField("contexts");
    contexts.setAccessible(true);
    synchronized (codecs) {
      return ((List<AutoCloseable>) contexts.get(codecs)).size();
    }
  }

  /**
   * One reader over one file of 1,000 row groups: parquet-java asks for a decompressor per column
   * chunk, and the reader held each one's native context until it was closed (8,000 here, 280 MB of
   * RSS). The factory now hands out one.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aReaderHoldsOneDecompressorWhateverItsRowGroups() throws Exception {
    int columns = 8;
    int groups = 1_000;
    int perGroup = 2048;
    Path file = duckFile(base, columns, groups, perGroup);
    assertThat(
            Duck.scalar(
                "SELECT count(*) FROM parquet_metadata("
                    + Duck.literal(file)
                    + ") WHERE column_id = 0"))
        .isEqualTo((long) groups);
    TableSchema schema = wide(columns);
    long rows = 0;
    long sum = 0;
    int maxContexts = 0;
    try (ParquetRowReader reader = ParquetRowReader.open(file, schema)) {
      while (reader.next()) {
        rows++;
        sum += reader.getLong(columns - 1);
        if (rows % perGroup == 0) {
          maxContexts = Math.max(maxContexts, openContexts(reader));
        }
      }
    }
    long n = (long) groups * perGroup;
    assertThat(rows).isEqualTo(n);
    assertThat(sum).isEqualTo(columns * (n * (n - 1) / 2));
    assertThat(maxContexts).as("open native zstd contexts in one reader").isEqualTo(1);
  }
}
