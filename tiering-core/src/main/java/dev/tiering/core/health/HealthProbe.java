package dev.tiering.core.health;

import java.io.IOException;

/**
 * A check that a module knowing more of the lake than core does (its commit logs, its compaction
 * journals) adds to {@link HealthMonitor} and {@link Doctor}: for example the unfinished writes and
 * compactions that a glob reader would see half of. A probe only reads.
 */
@FunctionalInterface
public interface HealthProbe {

  /**
   * Runs the check.
   *
   * @return its result
   * @throws IOException if what it checks cannot be read; the monitor reports that as a warning
   */
  HealthCheck check() throws IOException;
}
