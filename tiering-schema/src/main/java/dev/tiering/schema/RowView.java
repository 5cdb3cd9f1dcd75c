package dev.tiering.schema;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Read access to the current row, for quality rules. Values are in canonical form (see {@link
 * RowValidator}); the typed getters convert them. A view is only valid during the call it is passed
 * to. Naming an unknown field, or reading a field with the getter of another type, throws {@link
 * IllegalArgumentException}.
 */
public interface RowView {

  /**
   * {@return a view of canonical values}
   *
   * @param schema the schema of the row
   * @param values one per field, in field order, as {@link RowValidator#validate} returns them; not
   *     copied
   * @throws IllegalArgumentException if the number of values is not the number of fields
   */
  static RowView of(TableSchema schema, Object[] values) {
    if (values.length != schema.fields().size()) {
      throw new IllegalArgumentException(
          "Row has "
              + values.length
              + " values but "
              + schema.qualifiedName()
              + " has "
              + schema.fields().size()
              + " fields");
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

  /** {@return the schema of the row} */
  TableSchema schema();

  /**
   * {@return the canonical value of a field, or null}
   *
   * @param index the field's position in the schema
   */
  Object get(int index);

  /**
   * {@return the canonical value of a field, or null}
   *
   * @param field the field's name
   */
  default Object get(String field) {
    return get(indexOf(field));
  }

  /**
   * {@return true if the field is null}
   *
   * @param index the field's position in the schema
   */
  default boolean isNull(int index) {
    return get(index) == null;
  }

  /**
   * {@return true if the field is null}
   *
   * @param field the field's name
   */
  default boolean isNull(String field) {
    return isNull(indexOf(field));
  }

  /**
   * {@return a float field as a double, or NaN if it is null}
   *
   * @param index the field's position in the schema
   */
  default double getDouble(int index) {
    Object value =
        get(kindChecked(index, "getDouble", FieldType.Kind.FLOAT64, FieldType.Kind.FLOAT32));
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }

  /**
   * {@return a float field as a double, or NaN if it is null}
   *
   * @param field the field's name
   */
  default double getDouble(String field) {
    return getDouble(indexOf(field));
  }

  /**
   * {@return an integer field as a long}
   *
   * @param field the field's name
   * @throws IllegalStateException if it is null
   */
  default long getLong(String field) {
    Object value =
        get(kindChecked(indexOf(field), "getLong", FieldType.Kind.INT64, FieldType.Kind.INT32));
    if (value == null) {
      throw new IllegalStateException(
          "Field '"
              + field
              + "' is null in this row: getLong cannot"
              + " return it (check isNull first, or use get)");
    }
    return ((Number) value).longValue();
  }

  /**
   * {@return a string field, or null}
   *
   * @param field the field's name
   */
  default String getString(String field) {
    return (String) get(kindChecked(indexOf(field), "getString", FieldType.Kind.STRING));
  }

  /**
   * {@return a decimal field, or null}
   *
   * @param field the field's name
   */
  default BigDecimal getDecimal(String field) {
    return (BigDecimal) get(kindChecked(indexOf(field), "getDecimal", FieldType.Kind.DECIMAL));
  }

  /**
   * {@return a timestamp field as an instant, or null}
   *
   * @param field the field's name
   */
  default Instant getTimestamp(String field) {
    Long micros = (Long) get(kindChecked(indexOf(field), "getTimestamp", FieldType.Kind.TIMESTAMP));
    return micros == null
        ? null
        : Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /**
   * {@return a date field, or null}
   *
   * @param field the field's name
   */
  default LocalDate getDate(String field) {
    Integer day = (Integer) get(kindChecked(indexOf(field), "getDate", FieldType.Kind.DATE));
    return day == null ? null : LocalDate.ofEpochDay(day);
  }

  /**
   * Checks that field {@code index} is of one of {@code kinds}: a typed getter never reads a value
   * of another type as if it were its own.
   *
   * @return {@code index}
   * @throws IllegalArgumentException naming the field, its type and the getter to use
   */
  private int kindChecked(int index, String getter, FieldType.Kind... kinds) {
    Field field = schema().fields().get(index);
    for (FieldType.Kind kind : kinds) {
      if (field.type().kind() == kind) {
        return index;
      }
    }
    throw new IllegalArgumentException(
        "Field '"
            + field.name()
            + "' of "
            + schema().qualifiedName()
            + " is "
            + field.type().kind().name().toLowerCase(java.util.Locale.ROOT)
            + ": "
            + getter
            + " does not read it (use get)");
  }

  private int indexOf(String field) {
    int index = schema().indexOf(field);
    if (index < 0) {
      throw new IllegalArgumentException(
          "Unknown field '"
              + field
              + "' in "
              + schema().qualifiedName()
              + " (fields: "
              + schema().fields().stream().map(Field::name).toList()
              + ")");
    }
    return index;
  }
}
