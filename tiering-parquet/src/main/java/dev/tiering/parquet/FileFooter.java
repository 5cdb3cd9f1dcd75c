package dev.tiering.parquet;

import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.schema.MessageType;

/**
 * What a data file's footer says: its row count, its Parquet schema and its key-value metadata (see
 * {@link Footers}), read without reading any page.
 *
 * @param rows the file's rows
 * @param schema its Parquet schema
 * @param keyValues its key-value metadata
 */
record FileFooter(long rows, MessageType schema, Map<String, String> keyValues) {

  FileFooter {
    keyValues = Map.copyOf(keyValues);
  }

  /** {@return its top-level column names, in file order} */
  List<String> columns() {
    return schema.getFields().stream().map(org.apache.parquet.schema.Type::getName).toList();
  }

  /**
   * Reads the footer of {@code file}.
   *
   * @throws CorruptFileException naming the file if it is not complete Parquet
   */
  static FileFooter read(Storage storage, Path file) throws IOException {
    ParquetReadOptions options =
        ParquetReadOptions.builder(new PlainParquetConfiguration()).build();
    try (ParquetFileReader reader =
        ParquetFileReader.open(new StorageInputFile(storage, file), options)) {
      FileMetaData meta = reader.getFooter().getFileMetaData();
      java.util.Map<String, String> keyValues = new java.util.HashMap<>();
      // Parquet allows a key without a value; Map.copyOf does not allow nulls.
      meta.getKeyValueMetaData().forEach((k, v) -> keyValues.put(k, v == null ? "" : v));
      return new FileFooter(reader.getRecordCount(), meta.getSchema(), keyValues);
    } catch (IOException | RuntimeException e) {
      throw CorruptFileException.of(file, e);
    }
  }
}
