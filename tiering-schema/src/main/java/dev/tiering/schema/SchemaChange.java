package dev.tiering.schema;

import java.util.Objects;

/**
 * One difference between a table's schema and a proposed one, and what it does to the version.
 *
 * @param level how much of a change it is
 * @param description the change in words, e.g. {@code added nullable field 'label' (string)}
 */
public record SchemaChange(Level level, String description) {

  /** How much a change means to readers of existing files. */
  public enum Level {
    /** Descriptions and metadata only: bumps the patch version. */
    PATCH,
    /** Compatible: old files still read under the new schema; bumps the minor version. */
    MINOR,
    /** Incompatible: old files no longer fit; needs an explicit new major version. */
    INCOMPATIBLE
  }

  /**
   * Checks the components.
   *
   * @param level not null
   * @param description not null
   */
  public SchemaChange {
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(description, "description");
  }

  /** The description and level, e.g. {@code removed field 'x' [incompatible]}. */
  @Override
  public String toString() {
    return description + " [" + level.name().toLowerCase(java.util.Locale.ROOT) + "]";
  }
}
