package dev.tiering.parquet;

import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;

/**
 * What a data file's footer says: its row count and its top-level column names, read without
 * reading any page.
 *
 * @param rows the file's rows
 * @param columns its top-level columns, in file order
 */
record FileFooter(long rows, List<String> columns) {

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
      return new FileFooter(
          reader.getRecordCount(),
          reader.getFooter().getFileMetaData().getSchema().getFields().stream()
              .map(org.apache.parquet.schema.Type::getName)
              .toList());
    } catch (IOException | RuntimeException e) {
      throw CorruptFileException.of(file, e);
    }
  }
}
