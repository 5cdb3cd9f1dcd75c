package dev.tiering.parquet;

import dev.tiering.schema.Field;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows read back by the row reader and by the columnar reader in one comparable form: each row a
 * map of column name to the row reader's canonical value (binaries as their printed bytes).
 */
final class ReadBack {

  private ReadBack() {}

  /** Every row of {@code scan}, the given fields of each; closes the reader. */
  static List<Map<String, Object>> rows(ParquetRowReader scan, List<Field> fields)
      throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (scan) {
      while (scan.next()) {
        Map<String, Object> row = new HashMap<>();
        for (Field field : fields) {
          Object value = scan.get(scan.column(field.name()));
          row.put(field.name(), value instanceof byte[] b ? Arrays.toString(b) : value);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Every row of {@code columnar}, through its typed arrays; closes the reader. */
  static List<Map<String, Object>> columns(ColumnarReader columnar) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (columnar) {
      for (ColumnBatch batch; (batch = columnar.next()) != null; ) {
        for (int r = 0; r < batch.rows(); r++) {
          Map<String, Object> row = new HashMap<>();
          for (Field field : batch.fields()) {
            row.put(field.name(), value(batch, field, r));
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  /** Row {@code r}'s value of a column, in the row reader's canonical form. */
  static Object value(ColumnBatch batch, Field field, int r) {
    String name = field.name();
    if (batch.isNull(name, r)) {
      return null;
    }
    return switch (field.type().kind()) {
      case INT64, TIMESTAMP -> batch.longs(name)[r];
      case INT32, DATE -> batch.ints(name)[r];
      case FLOAT32 -> batch.floats(name)[r];
      case FLOAT64 -> batch.doubles(name)[r];
      case BOOLEAN -> batch.booleans(name)[r];
      case STRING -> batch.strings(name)[r];
      case BINARY -> Arrays.toString(batch.binaries(name)[r]);
      case DECIMAL -> batch.decimals(name)[r];
    };
  }
}
