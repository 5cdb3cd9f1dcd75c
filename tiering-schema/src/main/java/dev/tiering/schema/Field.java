package dev.tiering.schema;

import dev.tiering.core.FieldName;
import java.util.Map;
import java.util.Objects;

/**
 * One field (column) of a table.
 *
 * @param name the column name (lowercase snake case, see {@link FieldName})
 * @param type the column type
 * @param nullable whether values may be null
 * @param description a human description, or null
 * @param extras keys of the field's JSON object that this SDK does not know, as JSON text; kept so
 *     that they survive a rewrite
 */
public record Field(
    String name, FieldType type, boolean nullable, String description, Map<String, String> extras) {

  /**
   * Validates the field.
   *
   * @param name lowercase snake case
   * @param type not null
   * @param nullable whether values may be null
   * @param description a human description, or null
   * @param extras unknown JSON keys to keep, or null for none
   * @throws IllegalArgumentException if the name is not a valid field name
   */
  public Field {
    name = FieldName.of(name).value();
    Objects.requireNonNull(type, "type");
    extras = JsonExtras.copy(extras);
  }

  /**
   * {@return a field that must have a value in every row}
   *
   * @param name the column name, lowercase snake case
   * @param type the column type
   * @throws IllegalArgumentException if the name is not a valid field name
   */
  public static Field required(String name, FieldType type) {
    return new Field(name, type, false, null, Map.of());
  }

  /**
   * {@return a field that may be null}
   *
   * @param name the column name, lowercase snake case
   * @param type the column type
   * @throws IllegalArgumentException if the name is not a valid field name
   */
  public static Field nullable(String name, FieldType type) {
    return new Field(name, type, true, null, Map.of());
  }

  /**
   * {@return this field with a description}
   *
   * @param text the description, or null for none
   */
  public Field withDescription(String text) {
    return new Field(name, type, nullable, text, extras);
  }

  /**
   * {@return this field with another type}
   *
   * @param other the new type
   */
  public Field withType(FieldType other) {
    return new Field(name, other, nullable, description, extras);
  }

  /**
   * {@return this field, nullable or not}
   *
   * @param isNullable whether values may be null
   */
  public Field withNullable(boolean isNullable) {
    return new Field(name, type, isNullable, description, extras);
  }
}
