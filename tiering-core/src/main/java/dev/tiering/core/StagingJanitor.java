package dev.tiering.core;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties the hot staging area (seed: {@code cleanup_batch(batch_id, keep_recent=2)}). Unlike the
 * seed's sketch, which only looks at SLM ids 0-6, it removes a batch's files for every SLM id
 * present. It never removes what may still be in use: hidden temporary files (live writers; {@link
 * TempFileSweeper} handles crashed ones), any file of a batch that such a writer is still writing
 * (a batch in flight), files younger than the grace period, and files that are not staging files
 * at all. Links are removed as links; their targets are never touched. A failed
 * removal is reported and the rest go on. Thread-safe.
 */
public final class StagingJanitor {

  /** Default grace period: a file this young may still be read by the coordinator. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(StagingJanitor.class);

  private final PathResolver paths;
  private final Storage storage;
  private final Clock clock;
  private final Duration grace;
  private final boolean archive;

  private StagingJanitor(Builder b) {
    this.paths = b.paths;
    this.storage = b.storage != null ? b.storage : Storage.forLayout(b.paths.layout());
    this.clock = b.clock;
    this.grace = b.grace;
    this.archive = b.archive;
  }

  /** A janitor for the staging area of {@code paths}. */
  public static Builder builder(PathResolver paths) {
    return new Builder(paths);
  }

  /**
   * A batch in staging: its files and when its newest file was last written.
   *
   * @param batch the batch id
   * @param files its intermediate and cross-check files (links included)
   * @param bytes their total size
   * @param newest the newest modification time among them
   */
  public record Batch(BatchId batch, List<FileEntry> files, long bytes, Instant newest) {}

  /** The staging directories: wherever the rules send intermediate and cross-check files. */
  private Set<Path> stagingDirs() {
    Set<Path> dirs = new LinkedHashSet<>();
    for (DataKind kind : new DataKind[] {DataKind.INTERMEDIATE, DataKind.CROSSCHECK}) {
      dirs.add(paths.stagingFile(new StagingFile(kind, SlmId.of(0), BatchId.of("x"))).getParent());
    }
    return dirs;
  }

  /**
   * The batches in staging, most recent first. A batch's recency is the modification time of its
   * newest file (ties broken by batch id, descending), so a batch still being written counts as
   * recent however old its id looks.
   */
  public List<Batch> batches() throws IOException {
    return scan().batches();
  }

  /**
   * What staging holds, from one listing: the batches, most recent first, and the batches a
   * writer is writing now, by their hidden temporary files (see {@link #remove}). A temporary
   * file older than the sweeper's grace period is taken for a crash's leftover (recovery removes
   * it) and marks nothing.
   */
  private record Scan(List<Batch> batches, Map<BatchId, String> inFlight) {}

  private Scan scan() throws IOException {
    Instant abandoned = clock.instant().minus(TempFileSweeper.DEFAULT_GRACE);
    Map<BatchId, List<FileEntry>> byBatch = new LinkedHashMap<>();
    Map<BatchId, String> inFlight = new LinkedHashMap<>();
    for (Path dir : stagingDirs()) {
      for (FileEntry entry : storage.list(dir)) {
        if (Storage.isTemporary(entry.name())) {
          if (entry.isFile() && entry.modified().isAfter(abandoned)) {
            Storage.temporaryTarget(entry.name()).flatMap(StagingFile::parse)
                .ifPresent(file -> inFlight.putIfAbsent(file.batch(), entry.name()));
          }
        } else if (entry.isFile() || entry.type() == FileEntry.Type.SYMLINK) {
          StagingFile.parse(entry.name()).ifPresent(file ->
              byBatch.computeIfAbsent(file.batch(), b -> new ArrayList<>()).add(entry));
        }
      }
    }
    List<Batch> batches = new ArrayList<>();
    byBatch.forEach((batch, files) -> batches.add(new Batch(batch, List.copyOf(files),
        files.stream().mapToLong(FileEntry::size).sum(),
        files.stream().map(FileEntry::modified).max(Comparator.naturalOrder()).orElseThrow())));
    batches.sort(Comparator.comparing(Batch::newest).thenComparing(b -> b.batch().value())
        .reversed());
    return new Scan(batches, inFlight);
  }

  /** Removes (or archives) every staging file of {@code batch}, for every SLM id present. */
  public LifecycleReport cleanupBatch(BatchId batch, boolean dryRun) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("cleanup batch " + batch, dryRun);
    Scan staged = scan();
    for (Batch found : staged.batches()) {
      if (found.batch().equals(batch)) {
        remove(found, staged.inFlight(), report);
      }
    }
    return report.finish(log);
  }

  /**
   * Keeps the {@code keepRecent} most recent batches (see {@link #batches()}) and removes (or
   * archives) the files of all older ones.
   */
  public LifecycleReport cleanupOldBatches(int keepRecent, boolean dryRun) throws IOException {
    if (keepRecent < 0) {
      throw new IllegalArgumentException("Invalid keepRecent " + keepRecent + " (use 0 or more)");
    }
    LifecycleReport.Builder report = LifecycleReport.builder(
        "cleanup keeping the " + keepRecent + " most recent batches", dryRun);
    Scan staged = scan();
    List<Batch> batches = staged.batches();
    for (int i = 0; i < batches.size(); i++) {
      if (i < keepRecent) {
        for (FileEntry file : batches.get(i).files()) {
          report.add(LifecycleReport.Verb.KEPT, file.path(), file.size(),
              "batch " + batches.get(i).batch() + " is among the " + keepRecent + " most recent");
        }
      } else {
        remove(batches.get(i), staged.inFlight(), report);
      }
    }
    return report.finish(log);
  }

  /**
   * Removes (or archives) a batch's files, unless a writer is still writing the batch: the
   * laggard of a batch the others have long finished still needs the batch whole.
   */
  private void remove(Batch batch, Map<BatchId, String> inFlight,
      LifecycleReport.Builder report) {
    String writing = inFlight.get(batch.batch());
    if (writing != null) {
      for (FileEntry file : batch.files()) {
        report.add(LifecycleReport.Verb.KEPT, file.path(), file.size(),
            "batch " + batch.batch() + " is still being written (" + writing + ")");
      }
      return;
    }
    Instant youngest = clock.instant().minus(grace);
    for (FileEntry file : batch.files()) {
      if (file.modified().isAfter(youngest)) {
        report.add(LifecycleReport.Verb.KEPT, file.path(), file.size(),
            "younger than the " + grace.toMinutes() + "-minute grace period");
        continue;
      }
      try {
        if (archive && file.isFile()) {
          Path target = paths.stagingArchiveFile(StagingFile.parse(file.name()).orElseThrow());
          if (!report.dryRun()) {
            storage.transfer(file.path(), target);
          }
          report.add(LifecycleReport.Verb.ARCHIVED, file.path(), file.size(), target.toString());
        } else {
          if (!report.dryRun()) {
            storage.delete(file.path());
          }
          report.add(LifecycleReport.Verb.DELETED, file.path(), file.size(),
              file.isFile() ? "" : "link removed, its target left alone");
        }
      } catch (IOException | RuntimeException e) {
        log.warn("Cannot remove staging file {}: {}", file.path(), e.toString());
        report.fail(file.path(), e);
      }
    }
  }


  /** Builds a {@link StagingJanitor}. */
  public static final class Builder {
    private final PathResolver paths;
    private Storage storage;
    private Clock clock = Clock.systemUTC();
    private Duration grace = DEFAULT_GRACE;
    private boolean archive;

    private Builder(PathResolver paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /** The storage (default: local disks). */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /** The clock for the grace period. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Files younger than this are never removed (default 5 minutes). */
    public Builder grace(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("Invalid grace period " + value + " (use zero or more)");
      }
      this.grace = value;
      return this;
    }

    /** Move removed files to {@code <lake>/archive/staging/{batch}/} instead of deleting them. */
    public Builder archive(boolean value) {
      this.archive = value;
      return this;
    }

    /** Builds the janitor. */
    public StagingJanitor build() {
      return new StagingJanitor(this);
    }
  }
}
