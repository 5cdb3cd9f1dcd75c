package dev.tiering.core.health;

import dev.tiering.core.ByteSize;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.StoreUsage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Refuses new staging writes while the hot tier is fuller than a limit, so that inference jobs stop
 * before the SSD fills instead of failing halfway through a file. Use it as a staging writer's
 * guard: {@code StagingWriter.builder(paths).guard(new HotTierGuard(paths, 0.90)::check)}.
 * Thread-safe.
 */
public final class HotTierGuard {

  private final PathResolver paths;
  private final Storage storage;
  private final double maxFraction;

  /**
   * A guard that measures the hot tier on the layout's storage (the hot tier is always local).
   *
   * @param paths the tiers to guard
   * @param maxFraction the largest used fraction of the hot tier that still allows writes, e.g.
   *     {@code 0.90}
   * @throws IllegalArgumentException if {@code maxFraction} is not in (0, 1]
   */
  public HotTierGuard(PathResolver paths, double maxFraction) {
    this(paths, Storage.forLayout(paths.layout()), maxFraction);
  }

  /**
   * A guard on the given storage.
   *
   * @param paths the tiers to guard
   * @param storage the storage that measures the hot tier
   * @param maxFraction the largest used fraction of the hot tier that still allows writes, e.g.
   *     {@code 0.90}
   * @throws IllegalArgumentException if {@code maxFraction} is not in (0, 1]
   */
  public HotTierGuard(PathResolver paths, Storage storage, double maxFraction) {
    this.paths = Objects.requireNonNull(paths, "paths");
    this.storage = Objects.requireNonNull(storage, "storage");
    if (!(maxFraction > 0 && maxFraction <= 1)) {
      throw new IllegalArgumentException(
          "Invalid hot tier limit "
              + maxFraction
              + " (use a"
              + " fraction above 0 and at most 1, e.g. 0.90)");
    }
    this.maxFraction = maxFraction;
  }

  /**
   * Throws if the hot tier is over the limit.
   *
   * @param stagingFile the file about to be written, named in the message
   * @throws IOException if the hot tier's usage cannot be measured
   * @throws IllegalStateException naming the usage, the limit and the cleanup to run
   */
  public void check(Path stagingFile) throws IOException {
    Path root = paths.layout().hotRoot();
    StoreUsage usage = storage.usage(root);
    if (usage.usedFraction() > maxFraction) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "Cannot write %s: hot tier %s is %.1f%% full (%s of %s), above the %.0f%% limit (run"
                  + " 'tiering cleanup --keep-recent 2', or free space on the SSD)",
              stagingFile.getFileName(),
              root,
              usage.usedFraction() * 100,
              ByteSize.of(usage.usedBytes()),
              ByteSize.of(usage.totalBytes()),
              maxFraction * 100));
    }
  }
}
