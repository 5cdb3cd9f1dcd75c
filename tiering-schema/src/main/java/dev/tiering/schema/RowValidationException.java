package dev.tiering.schema;

/**
 * A row that does not fit its table's schema. The message names the row number, the field, the
 * offending value and what would be accepted; the caller decides whether to skip the row or abort.
 */
public final class RowValidationException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The 0-based number of the row within its write. */
  private final long rowNumber;

  /** The offending field, or null. */
  private final String field;

  RowValidationException(long rowNumber, String field, String problem) {
    super("Row " + rowNumber + (field == null ? "" : ", field '" + field + "'") + ": " + problem);
    this.rowNumber = rowNumber;
    this.field = field;
  }

  /** {@return the 0-based number of the row within its write} */
  public long rowNumber() {
    return rowNumber;
  }

  /** {@return the offending field, or null if the problem is with the row as a whole} */
  public String field() {
    return field;
  }
}
