package dev.tiering.schema;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A proposed schema that the policy does not allow; it lists every difference, not just the first.
 */
public final class IncompatibleSchemaException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient List<SchemaChange> changes;

  IncompatibleSchemaException(String summary, List<SchemaChange> changes) {
    super(summary + changes.stream().map(c -> "\n  - " + c).collect(Collectors.joining()));
    this.changes = List.copyOf(changes);
  }

  /** {@return every difference between the table's schema and the proposed one} */
  public List<SchemaChange> changes() {
    return changes;
  }
}
