package dev.tiering.schema;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Read access to the current row, for quality rules. Values are in canonical form (see {@link
 * RowValidator}); the typed getters convert them. A view is only valid during the call it is
 * passed to.
 */
public interface RowView {

  /** A view of canonical values in field order, as {@link RowValidator#validate} returns them. */
  static RowView of(TableSchema schema, Object[] values) {
    if (values.length != schema.fields().size()) {
      throw new IllegalArgumentException("Row has " + values.length + " values but "
          + schema.qualifiedName() + " has " + schema.fields().size() + " fields");
    }
    return new RowView() {
      @Override
      public TableSchema schema() {
        return schema;
      }

      @Override
      public Object get(int index) {
        return values[index];
      }
    };
  }

  /** The schema of the row. */
  TableSchema schema();

  /** The canonical value of the field at {@code index}, or null. */
  Object get(int index);

  /** The canonical value of a field by name, or null. */
  default Object get(String field) {
    return get(indexOf(field));
  }

  /** True if the field at {@code index} is null. */
  default boolean isNull(int index) {
    return get(index) == null;
  }

  /** True if the field is null. */
  default boolean isNull(String field) {
    return isNull(indexOf(field));
  }

  /** A numeric field as a double, or NaN if it is null. */
  default double getDouble(int index) {
    Object value = get(index);
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }

  /** A numeric field as a double, or NaN if it is null. */
  default double getDouble(String field) {
    return getDouble(indexOf(field));
  }

  /** An integer field as a long. */
  default long getLong(String field) {
    return ((Number) get(field)).longValue();
  }

  /** A string field. */
  default String getString(String field) {
    return (String) get(field);
  }

  /** A decimal field. */
  default BigDecimal getDecimal(String field) {
    return (BigDecimal) get(field);
  }

  /** A timestamp field as an instant, or null. */
  default Instant getTimestamp(String field) {
    Long micros = (Long) get(field);
    return micros == null ? null
        : Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
            Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** A date field, or null. */
  default LocalDate getDate(String field) {
    Integer day = (Integer) get(field);
    return day == null ? null : LocalDate.ofEpochDay(day);
  }

  private int indexOf(String field) {
    int index = schema().indexOf(field);
    if (index < 0) {
      throw new IllegalArgumentException("Unknown field '" + field + "' in " + schema().qualifiedName()
          + " (fields: " + schema().fields().stream().map(Field::name).toList() + ")");
    }
    return index;
  }
}
