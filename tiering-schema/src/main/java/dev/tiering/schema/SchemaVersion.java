package dev.tiering.schema;

/**
 * A semantic version {@code MAJOR.MINOR.PATCH} of a table schema. Major: an incompatible change
 * (only on explicit request); minor: a compatible one (a nullable field added, a type widened);
 * patch: descriptions and metadata only.
 *
 * @param major incompatible generations
 * @param minor compatible changes within a major
 * @param patch metadata-only changes within a minor
 */
public record SchemaVersion(int major, int minor, int patch) implements Comparable<SchemaVersion> {

  /** The first version of every table. */
  public static final SchemaVersion INITIAL = new SchemaVersion(1, 0, 0);

  /**
   * Checks the numbers.
   *
   * @param major 0 or more
   * @param minor 0 or more
   * @param patch 0 or more
   * @throws IllegalArgumentException if a number is negative
   */
  public SchemaVersion {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException(
          "Invalid schema version "
              + major
              + "."
              + minor
              + "."
              + patch
              + " (use MAJOR.MINOR.PATCH of non-negative numbers)");
    }
  }

  /**
   * Parses {@code MAJOR.MINOR.PATCH}.
   *
   * @param text e.g. {@code 1.2.0}; no leading zeros, no blanks
   * @return the version
   * @throws IllegalArgumentException for any other form, or null
   */
  public static SchemaVersion parse(String text) {
    String[] parts = text == null ? new String[0] : text.split("\\.", -1);
    if (parts.length == 3) {
      try {
        int[] numbers = new int[3];
        for (int i = 0; i < 3; i++) {
          if (parts[i].isEmpty()
              || parts[i].length() > 9
              || !parts[i].chars().allMatch(Character::isDigit)
              || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
            throw new NumberFormatException(parts[i]);
          }
          numbers[i] = Integer.parseInt(parts[i]);
        }
        return new SchemaVersion(numbers[0], numbers[1], numbers[2]);
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException(
        "Invalid schema version '" + text + "' (use MAJOR.MINOR.PATCH, e.g. 1.2.0)");
  }

  /** {@return the next major version, {@code (major+1).0.0}} */
  public SchemaVersion nextMajor() {
    return new SchemaVersion(major + 1, 0, 0);
  }

  /** {@return the next minor version, {@code major.(minor+1).0}} */
  public SchemaVersion nextMinor() {
    return new SchemaVersion(major, minor + 1, 0);
  }

  /** {@return the next patch version, {@code major.minor.(patch+1)}} */
  public SchemaVersion nextPatch() {
    return new SchemaVersion(major, minor, patch + 1);
  }

  @Override
  public int compareTo(SchemaVersion other) {
    int c = Integer.compare(major, other.major);
    c = c != 0 ? c : Integer.compare(minor, other.minor);
    return c != 0 ? c : Integer.compare(patch, other.patch);
  }

  /** {@code MAJOR.MINOR.PATCH}. */
  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
