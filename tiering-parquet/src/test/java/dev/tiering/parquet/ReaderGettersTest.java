package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.FieldType;
import dev.tiering.schema.TableSchema;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader's getters never return a value they did not read: each lie is now an error. */
class ReaderGettersTest {

  @TempDir Path base;

  private ParquetRowReader oneRow() throws Exception {
    PathResolver paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "getters")
            .required("big", FieldType.INT64)
            .required("small", FieldType.INT64)
            .required("n", FieldType.INT32)
            .nullable("name", FieldType.STRING)
            .nullable("score", FieldType.FLOAT64)
            .nullable("missing", FieldType.INT64)
            .required("ts", FieldType.TIMESTAMP)
            .build();
    Map<String, Object> row = new HashMap<>();
    row.put("big", 5_000_000_000L);
    row.put("small", 42L);
    row.put("n", 7);
    row.put("name", "seven");
    row.put("score", 0.5);
    row.put("missing", null);
    row.put("ts", Instant.parse("2025-11-10T12:00:00Z"));
    LakeWriter.builder(paths).build().writeCleanData(schema, List.of(row));
    return new LakeReader(paths).scan(Zone.SILVER, TableName.of("getters"));
  }

  @Test
  void gettersBeforeTheFirstRowAndAfterTheLastThrow() throws Exception {
    try (ParquetRowReader rows = oneRow()) {
      assertThatThrownBy(() -> rows.getLong(0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "No current row: call next() first (getLong reads the row next() moved" + " to)");
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(0)).isEqualTo(5_000_000_000L);
      assertThat(rows.next()).isFalse();
      assertThatThrownBy(() -> rows.getLong(0))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("No current row: next() returned false");
    }
  }

  @Test
  void aGetterOfAnotherTypeOrRangeNamesTheColumnAndTheRightGetter() throws Exception {
    try (ParquetRowReader rows = oneRow()) {
      rows.next();
      assertThatThrownBy(() -> rows.getInt(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Column 'big' (0) holds 5000000000, outside the int range: use getLong");
      assertThat(rows.getInt(1)).isEqualTo(42);
      assertThatThrownBy(() -> rows.getString(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Column 'big' (0) of silver.getters is int64: getString does not read it"
                  + " (use getLong, or get)");
      assertThatThrownBy(() -> rows.getLong(3))
          .hasMessageContaining("is string: getLong does" + " not read it (use getString, or get)");
      assertThatThrownBy(() -> rows.getTimestamp(4))
          .hasMessageContaining(
              "is float64:" + " getTimestamp does not read it (use getDouble, or get)");
      assertThatThrownBy(() -> rows.getLong(5))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(
              "Column 'missing' (5) is null in this row: getLong cannot return it (check"
                  + " isNull first, or use get)");
      assertThatThrownBy(() -> rows.get(9))
          .isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessage("No column 9 in silver.getters (it has 7: 0 to 6)");
      assertThat(rows.getLong(2)).isEqualTo(7); // int32 widened
      assertThat(rows.get(5)).isNull();
      assertThat(rows.getString("name")).isEqualTo("seven");
      assertThat(rows.getDouble("score")).isEqualTo(0.5);
      assertThat(rows.getTimestamp("ts")).isEqualTo(Instant.parse("2025-11-10T12:00:00Z"));
      assertThatThrownBy(() -> rows.getLong("nope"))
          .hasMessageStartingWith(
              "No column 'nope'"
                  + " in silver.getters (columns: [big, small, n, name, score, missing, ts");
    }
  }
}
