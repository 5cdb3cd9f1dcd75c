package dev.tiering.core;

import dev.tiering.core.internal.NameRules;

/**
 * The id of a small language model (an inference job), a non-negative integer as in the staging
 * file name {@code slm_{slm_id}_{batch_id}.parquet}. Its text form is canonical decimal (no sign,
 * no leading zeros), so that a file name parses to exactly one id and prints back to the same name.
 *
 * @param value the id, zero or more
 */
public record SlmId(int value) {

  /** The accepted text form, as quoted in error messages. */
  public static final String FORM = "a decimal number from 0 to 2147483647 without leading zeros";

  /**
   * Validates the id.
   *
   * @param value the id to check
   * @throws IllegalArgumentException if the id is negative
   */
  public SlmId {
    if (value < 0) {
      throw new IllegalArgumentException(
          "Invalid SLM id " + value + ": it is negative (use " + FORM + ")");
    }
  }

  /**
   * {@return the SLM with the given number}
   *
   * @param value the SLM's number, zero or more
   * @throws IllegalArgumentException if the id is negative
   */
  public static SlmId of(int value) {
    return new SlmId(value);
  }

  /**
   * {@return the SLMs numbered {@code from} (inclusive) to {@code to} (exclusive), in order} The
   * seed's seven jobs are {@code SlmId.range(0, 7)}.
   *
   * @param from the first SLM's number, zero or more
   * @param to one past the last SLM's number, at least {@code from}
   * @throws IllegalArgumentException if {@code from} is negative or {@code to} is below it
   */
  public static java.util.List<SlmId> range(int from, int to) {
    if (from < 0 || to < from) {
      throw new IllegalArgumentException(
          "Invalid SLM range " + from + " to " + to + " (use 0 <= from <= to)");
    }
    java.util.List<SlmId> ids = new java.util.ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      ids.add(new SlmId(i));
    }
    return java.util.List.copyOf(ids);
  }

  /**
   * Parses the canonical text form.
   *
   * @param text the id in decimal, e.g. {@code 3}
   * @return the id
   * @throws IllegalArgumentException if the text is not of the form {@link #FORM}
   */
  public static SlmId parse(String text) {
    NameRules.check("SLM id", text, NameRules::isDigit, NameRules::isDigit, FORM);
    if ((text.length() > 1 && text.charAt(0) == '0')
        || text.length() > 10
        || Long.parseLong(text) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "Invalid SLM id "
              + NameRules.quote(text)
              + ": it is not canonical or too large (use "
              + FORM
              + ")");
    }
    return new SlmId(Integer.parseInt(text));
  }

  /** The canonical decimal form. */
  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
