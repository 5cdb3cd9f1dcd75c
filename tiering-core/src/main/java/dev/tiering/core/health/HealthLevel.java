package dev.tiering.core.health;

/** How healthy a check is; the exit codes fit cron and systemd timers. */
public enum HealthLevel {
  /** Within limits (exit code 0). */
  OK(0),
  /** Needs attention (exit code 1). */
  WARNING(1),
  /** Needs action now (exit code 2). */
  CRITICAL(2);

  private final int exitCode;

  HealthLevel(int exitCode) {
    this.exitCode = exitCode;
  }

  /** {@return the process exit code for this level: 0, 1 or 2} */
  public int exitCode() {
    return exitCode;
  }

  /**
   * {@return the worse of this level and {@code other}}
   *
   * @param other the level to compare with
   */
  public HealthLevel worst(HealthLevel other) {
    return compareTo(other) >= 0 ? this : other;
  }

  /** Lowercase name. */
  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
