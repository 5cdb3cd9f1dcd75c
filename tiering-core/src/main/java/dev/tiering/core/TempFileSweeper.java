package dev.tiering.core;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the hidden temporary files that crashed writers leave behind. A file is removed only if
 * it is older than the grace period <em>and</em> no live writer holds it, so a sweep never takes a
 * file that is still being written, whether by this process or another. Writers sweep the
 * directory they write into; {@link #recover(PathResolver)} sweeps both tiers. Thread-safe.
 */
public final class TempFileSweeper {

  /** Default grace period: far longer than any pause between two writes of a live writer. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

  private static final Logger log = LoggerFactory.getLogger(TempFileSweeper.class);

  private final Storage storage;
  private final Duration grace;
  private final Clock clock;

  /** A sweeper with the given grace period. */
  public TempFileSweeper(Storage storage, Duration grace, Clock clock) {
    this.storage = Objects.requireNonNull(storage, "storage");
    this.grace = Objects.requireNonNull(grace, "grace");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("Invalid grace period " + grace + " (use zero or more)");
    }
  }

  /** A sweeper on local storage with the default grace period. */
  public static TempFileSweeper local() {
    return new TempFileSweeper(Storage.local(), DEFAULT_GRACE, Clock.systemUTC());
  }

  /** A sweeper for both tiers of {@code layout} (see {@link Storage#forLayout}), default grace. */
  public static TempFileSweeper forLayout(TierLayout layout) {
    return new TempFileSweeper(Storage.forLayout(layout), DEFAULT_GRACE, Clock.systemUTC());
  }

  /** Removes abandoned temporary files directly in {@code dir}; returns what it removed. */
  public List<Path> sweep(Path dir) throws IOException {
    Instant cutoff = clock.instant().minus(grace);
    List<Path> removed = new ArrayList<>();
    for (FileEntry entry : storage.list(dir)) {
      if (entry.isFile() && Storage.isTemporary(entry.name())
          && entry.modified().isBefore(cutoff) && storage.deleteIfAbandoned(entry.path())) {
        log.info("Removed abandoned temporary file {} ({} bytes, last written {})", entry.path(),
            entry.size(), entry.modified());
        removed.add(entry.path());
      }
    }
    return removed;
  }

  /** Removes abandoned temporary files anywhere under {@code root}, never following links. */
  public List<Path> sweepTree(Path root) throws IOException {
    List<Path> removed = new ArrayList<>(sweep(root));
    for (FileEntry entry : storage.list(root)) {
      if (entry.isDirectory()) {
        removed.addAll(sweepTree(entry.path()));
      }
    }
    return removed;
  }

  /** Removes abandoned temporary files from both tiers. */
  public List<Path> recover(PathResolver paths) throws IOException {
    List<Path> removed = new ArrayList<>();
    for (Tier tier : Tier.values()) {
      removed.addAll(sweepTree(paths.layout().root(tier)));
    }
    return removed;
  }
}
