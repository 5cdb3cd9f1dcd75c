package dev.tiering.core.lifecycle;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import dev.tiering.core.metrics.MetricsListener;
import dev.tiering.core.metrics.internal.GuardedListener;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.FileEntry;
import dev.tiering.core.storage.LockMode;
import dev.tiering.core.storage.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties the hot staging area: a batch's files once it is aggregated, and all but the most recent
 * batches as housekeeping. It removes a batch's files for every SLM id present, not a fixed range
 * of ids. It never removes what may still be in use: any file of a batch that a live writer is
 * writing (every staging writer holds its batch, see {@link #holdBatch}, until it commits or is
 * closed; liveness is that lock, never a file's age), hidden temporary files ({@link
 * TempFileSweeper} handles crashed writers' ones), and files that are not staging files at all.
 * Housekeeping by recency ({@link #cleanupOldBatches}) also keeps batches published to within the
 * grace period, which a coordinator may be about to read.
 *
 * <p>Recency comes from the SDK's own record of each batch, never from file times, which a restore
 * ({@code cp -a}, {@code tar}, {@code rsync -t}), a {@code touch} or a wrong clock can set to
 * anything: every hold of a batch (see {@link #holdBatch}) records in staging when the batch was
 * first written and when it was last published to ({@link PathResolver#stagingBatchRecord}). A
 * batch's age is when it was first written; its grace period runs from its last publish. A batch
 * without a record (written before records existed, or copied in by hand) is dated by its files'
 * plausible modification times: the oldest for its age, the newest for its grace period. A time in
 * the future, before 2000-01-01, or (with a record) before the batch began is never used, and is
 * reported beside its file; a batch with no usable time at all is kept and reported, and counts as
 * none of the most recent. Links are removed as links; their targets are never touched. A failed
 * removal is reported and the rest go on. Thread-safe, and safe beside writers and other janitors
 * in this and other processes.
 */
public final class StagingJanitor {

  /** Default grace period: a file this young may still be read by the coordinator. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(5);

  /** How long a writer waits for a cleanup of its batch to finish before it gives up. */
  private static final Duration HOLD_TIMEOUT = Duration.ofMinutes(2);

  /** The first line of a batch record (see {@link PathResolver#stagingBatchRecord}). */
  private static final String RECORD_HEADER = "tiering-batch 1";

  /** A pin's header and its one key: when it was made. */
  private static final String PIN_HEADER = "tiering-pin 1";

  private static final String PINNED = "pinned";

  /**
   * How precisely a batch's last publish is recorded: a hold released within this of the recorded
   * last publish writes nothing (seven SLMs finishing together publish the record once, not seven
   * times), and the grace period is that much longer, so it never ends early.
   */
  static final Duration RECORD_RESOLUTION = Duration.ofSeconds(10);

  private static final String FIRST = "first";
  private static final String LAST = "last";

  private static final Logger log = LoggerFactory.getLogger(StagingJanitor.class);

  private final PathResolver paths;
  private final Storage storage;
  private final Clock clock;
  private final Duration grace;
  private final boolean archive;
  private final MetricsListener metrics;

  private StagingJanitor(Builder b) {
    this.paths = b.paths;
    this.storage =
        (b.storage != null ? b.storage : Storage.forLayout(b.paths.layout()))
            .reportingFullTiers(b.paths.layout(), "cleanup");
    this.clock = b.clock;
    this.grace = b.grace;
    this.archive = b.archive;
    this.metrics = GuardedListener.of(b.metrics);
  }

  /**
   * {@return a builder of a janitor for the staging area of {@code paths}}
   *
   * @param paths where staging is, by the routing rules
   */
  public static Builder builder(PathResolver paths) {
    return new Builder(paths);
  }

  /**
   * A batch held by a writer (see {@link #holdBatch}): no cleanup removes any file of it until the
   * hold is released. Releasing it by {@link #close()} records the batch's publish; a holder that
   * published nothing releases it by {@link #abandon()}. Either is harmless twice, or after the
   * other.
   */
  public interface Hold extends Closeable {
    /**
     * Records in the batch's record that it was published to now (and, if the record has no earlier
     * one, that it was first written when this hold was taken), then releases the batch. A record
     * that cannot be written is logged: the batch keeps its earlier times.
     *
     * @throws IOException if the batch's lock cannot be released
     */
    @Override
    void close() throws IOException;

    /**
     * Releases the batch recording nothing: for a holder that published nothing (a write refused or
     * discarded), so that a refused write leaves nothing behind.
     *
     * @throws IOException if the batch's lock cannot be released
     */
    void abandon() throws IOException;
  }

  /**
   * Marks {@code batch} as being written until the result is released: no cleanup removes any file
   * of a held batch, in this process or another. Staging writers hold their batch from open to
   * commit or close; hold one yourself around staging files written by other means. Many holders
   * may hold one batch; a cleanup removing the batch at this moment makes this wait until it is
   * done (up to two minutes). Times are recorded by the system clock (see {@link
   * #holdBatch(PathResolver, Storage, BatchId, Clock)}).
   *
   * @param paths where the staging lock file is
   * @param storage the storage of the hot tier; must support keyed locks (local disks do)
   * @param batch the batch to hold
   * @return the hold; closing it records the batch's publish and releases the batch
   * @throws IOException if the batch stays locked by a cleanup past the wait, or the lock file
   *     cannot be created
   */
  public static Hold holdBatch(PathResolver paths, Storage storage, BatchId batch)
      throws IOException {
    return holdBatch(paths, storage, batch, Clock.systemUTC());
  }

  /**
   * Holds {@code batch} as {@link #holdBatch(PathResolver, Storage, BatchId)} does, recording its
   * times by {@code clock} in the batch's record in staging (published atomically; see {@link
   * PathResolver#stagingBatchRecord}): closing the hold records when the batch was first written
   * (when the earliest hold that published to it was taken) and when it was last published to.
   * Cleanup ranks batches and measures its grace period by these records, never by file times.
   * Taking a hold writes nothing.
   *
   * @param paths where the staging lock file and the batch records are
   * @param storage the storage of the hot tier; must support keyed locks (local disks do)
   * @param batch the batch to hold
   * @param clock the clock the record's times come from
   * @return the hold; closing it records the batch's publish, then releases the batch
   * @throws IOException if the batch stays locked by a cleanup past the wait, or the lock file
   *     cannot be created
   */
  public static Hold holdBatch(PathResolver paths, Storage storage, BatchId batch, Clock clock)
      throws IOException {
    Closeable lock = lock(paths, storage, batch);
    Instant opened = clock.instant();
    Path record = paths.stagingBatchRecord(batch);
    return new Hold() {
      private boolean released;

      @Override
      public synchronized void close() throws IOException {
        if (released) {
          return;
        }
        released = true;
        try {
          // Under the shared lock still: no cleanup removes the record or the batch meanwhile.
          writeRecord(storage, record, opened, clock.instant());
        } catch (IOException | RuntimeException e) {
          // The batch keeps its earlier times; its files are published or discarded already.
          log.warn("Cannot record the publish of batch {} in {}: {}", batch, record, e.toString());
        } finally {
          lock.close();
        }
      }

      @Override
      public synchronized void abandon() throws IOException {
        if (!released) {
          released = true;
          lock.close();
        }
      }
    };
  }

  /**
   * Writes the batch record: its first write the earlier of the record's (if plausible) and {@code
   * opened}, its last publish {@code now}. A damaged record is replaced (it is untrusted input).
   * Each write costs an atomic publish, so a hold whose times the record already covers (its first
   * write no earlier, its last publish within {@link #RECORD_RESOLUTION}) writes nothing.
   */
  private static void writeRecord(Storage storage, Path record, Instant opened, Instant now)
      throws IOException {
    Instant first = opened;
    try {
      Optional<Map<String, Instant>> known =
          StampFile.read(storage, record, RECORD_HEADER, List.of(FIRST, LAST));
      if (known.isPresent() && PlausibleTime.implausible(known.get().get(FIRST), now) == null) {
        Instant knownFirst = known.get().get(FIRST);
        Instant last = known.get().get(LAST);
        if (!knownFirst.isAfter(opened)
            && !now.isBefore(last)
            && !now.isAfter(last.plus(RECORD_RESOLUTION))) {
          return;
        }
        first = knownFirst.isBefore(opened) ? knownFirst : opened;
      }
    } catch (StampFile.DamagedException damaged) {
      log.warn("Replacing damaged batch record {}: {}", record, damaged.getMessage());
    }
    Map<String, Instant> times = new LinkedHashMap<>();
    times.put(FIRST, first);
    times.put(LAST, now);
    StampFile.write(storage, record, RECORD_HEADER, times);
  }

  private static Closeable lock(PathResolver paths, Storage storage, BatchId batch)
      throws IOException {
    return storage
        .tryLock(paths.stagingLockFile(), lockKey(batch), LockMode.SHARED, HOLD_TIMEOUT)
        .orElseThrow(
            () ->
                new IOException(
                    "Timed out after "
                        + HOLD_TIMEOUT.toSeconds()
                        + " s waiting for a cleanup of batch "
                        + batch
                        + " to finish ("
                        + paths.stagingLockFile()
                        + "); retry, or check for a cleanup that hangs"));
  }

  private static String lockKey(BatchId batch) {
    return "batch " + batch.value();
  }

  /**
   * A batch in staging: its files, and when it was first and last written, by its record in staging
   * or, without one, by its files' plausible modification times.
   *
   * @param batch the batch id
   * @param files its intermediate and cross-check files (links included)
   * @param bytes their total size
   * @param began when the batch was first written: its record's, else its oldest plausible file
   *     time; null if nothing tells
   * @param lastWritten when the batch was last published to: its record's, else its newest
   *     plausible file time; null if nothing tells
   * @param untrusted the files whose modification time was not used, with why, in words
   */
  public record Batch(
      BatchId batch,
      List<FileEntry> files,
      long bytes,
      Instant began,
      Instant lastWritten,
      Map<Path, String> untrusted) {

    /**
     * Copies the components.
     *
     * @param batch the batch id; not null
     * @param files its files, copied
     * @param bytes their total size
     * @param began when it was first written, or null
     * @param lastWritten when it was last published to, or null
     * @param untrusted the files whose time was not used, with why; copied
     */
    public Batch {
      Objects.requireNonNull(batch, "batch");
      files = List.copyOf(files);
      untrusted = Map.copyOf(untrusted);
    }
  }

  /** The staging directories: wherever the rules send intermediate and cross-check files. */
  private Set<Path> stagingDirs() {
    Set<Path> dirs = new LinkedHashSet<>();
    for (DataKind kind : new DataKind[] {DataKind.INTERMEDIATE, DataKind.CROSSCHECK}) {
      dirs.add(paths.stagingFile(new StagingFile(kind, SlmId.of(0), BatchId.of("x"))).getParent());
    }
    return dirs;
  }

  /**
   * The batches in staging, most recent first: by when each was first written (ties broken by batch
   * id, descending), as its record in staging says; batches with no time to go by come last.
   *
   * @return the batches, each with its intermediate and cross-check files
   * @throws IOException if a staging directory cannot be listed
   */
  public List<Batch> batches() throws IOException {
    return batches(
        recordedBatches(
            (path, why) -> log.warn("Batch records: {} {}", path, why.replace('\n', ' '))));
  }

  private List<Batch> batches(Set<BatchId> recorded) throws IOException {
    Map<BatchId, List<FileEntry>> byBatch = new LinkedHashMap<>();
    for (Path dir : stagingDirs()) {
      for (FileEntry entry : storage.list(dir)) {
        if (entry.isFile() || entry.type() == FileEntry.Type.SYMLINK) {
          StagingFile.parse(entry.name())
              .ifPresent(
                  file -> byBatch.computeIfAbsent(file.batch(), b -> new ArrayList<>()).add(entry));
        }
      }
    }
    Instant now = clock.instant();
    List<Batch> batches = new ArrayList<>();
    for (Map.Entry<BatchId, List<FileEntry>> batch : byBatch.entrySet()) {
      batches.add(dated(batch.getKey(), batch.getValue(), recorded.contains(batch.getKey()), now));
    }
    batches.sort(
        Comparator.comparing(
                Batch::began, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .thenComparing(b -> b.batch().value())
            .reversed());
    return batches;
  }

  /**
   * The batches that have a record: a regular file (or a link, never followed) named like one in
   * the records' directory; records are not read here. Anything else there (a directory or a FIFO
   * named like a record, a file of another name), or a records' directory that is not a directory
   * or cannot be listed, is handed to {@code stray} with why, and passed over: a batch without a
   * usable record is dated by its files' times, and nothing that is not a record is ever removed as
   * one. The writers' temporary files are left alone.
   */
  private Set<BatchId> recordedBatches(java.util.function.BiConsumer<Path, String> stray) {
    Path dir = paths.stagingBatchRecord(BatchId.of("x")).getParent();
    List<FileEntry> entries;
    try {
      entries = storage.list(dir);
    } catch (IOException e) {
      String what;
      try {
        what = storage.stat(dir).map(d -> d.type().inWords()).orElse("something");
      } catch (IOException unknown) {
        what = "something";
      }
      stray.accept(
          dir,
          "cannot be listed ("
              + LifecycleReport.Failure.reason(dir, e)
              + "): it is "
              + what
              + " where the batch records' directory should be, so no batch is dated by its"
              + " record and writers cannot record their batches (move it away; the next writer"
              + " makes the directory)");
      return Set.of();
    }
    Set<BatchId> recorded = new java.util.HashSet<>();
    for (FileEntry entry : entries) {
      if (Storage.isTemporary(entry.name())) {
        continue;
      }
      Optional<BatchId> batch = PathResolver.batchOfRecord(entry.name());
      if (batch.isPresent() && (entry.isFile() || entry.type() == FileEntry.Type.SYMLINK)) {
        recorded.add(batch.get());
      } else {
        stray.accept(
            entry.path(),
            batch.isPresent()
                ? "is not a batch record: it is "
                    + entry.type().inWords()
                    + ", not a regular file; left alone, and batch "
                    + batch.get()
                    + " is dated by its files"
                : "is not a batch record (its name is not <batch>.record); left alone");
      }
    }
    return recorded;
  }

  /** Lists the batch records for a cleanup, reporting as kept what is not one. */
  private Set<BatchId> recordedBatches(LifecycleReport.Builder report) {
    return recordedBatches(
        (path, why) -> report.add(LifecycleReport.Verb.KEPT, path, 0, "not cleaned up: it " + why));
  }

  /**
   * Dates a batch: by its record, else by its files' plausible times. Every time not used is named
   * in {@link Batch#untrusted}, with why; a record that cannot be used is named there for each
   * file.
   */
  private Batch dated(BatchId batch, List<FileEntry> files, boolean hasRecord, Instant now) {
    long bytes = files.stream().mapToLong(FileEntry::size).sum();
    Map<Path, String> untrusted = new LinkedHashMap<>();
    String recordProblem = null;
    if (hasRecord) {
      Path record = paths.stagingBatchRecord(batch);
      try {
        Optional<Map<String, Instant>> times =
            StampFile.read(storage, record, RECORD_HEADER, List.of(FIRST, LAST));
        if (times.isPresent()) {
          Instant first = times.get().get(FIRST);
          Instant last = times.get().get(LAST);
          String implausible = PlausibleTime.implausible(first, now);
          if (implausible == null) {
            implausible = PlausibleTime.implausible(last, now);
          }
          if (implausible == null && last.isBefore(first)) {
            implausible = "its last publish " + last + " is before its first write " + first;
          }
          if (implausible == null) {
            // A file's plausible time only ever makes its batch younger: a publish whose record
            // update failed (a full disk, a kill between the two), a writer whose clock lags the
            // janitor's, or a stale record of an earlier batch of this id (its files long gone)
            // would otherwise age a batch that is being written now.
            Instant oldest = null;
            Instant newest = null;
            for (FileEntry file : files) {
              String why = implausibleFileTime(file.modified(), now);
              if (why == null && file.modified().isBefore(first.minus(PlausibleTime.SKEW))) {
                why = "before its batch began (" + first + ")";
              }
              if (why != null) {
                untrusted.put(file.path(), timeNotUsed(file, why));
                continue;
              }
              oldest =
                  oldest == null || file.modified().isBefore(oldest) ? file.modified() : oldest;
              newest = newest == null || file.modified().isAfter(newest) ? file.modified() : newest;
            }
            return new Batch(
                batch, files, bytes, later(first, oldest), later(last, newest), untrusted);
          }
          recordProblem = "its batch record " + record + " cannot be trusted: " + implausible;
        }
      } catch (StampFile.DamagedException e) {
        recordProblem = "its batch record " + record + " cannot be used: " + e.getMessage();
      } catch (IOException e) {
        recordProblem =
            "its batch record "
                + record
                + " cannot be read: "
                + LifecycleReport.Failure.reason(record, e);
      }
    }
    Instant oldest = null;
    Instant newest = null;
    for (FileEntry file : files) {
      String why = implausibleFileTime(file.modified(), now);
      if (why != null) {
        untrusted.put(file.path(), timeNotUsed(file, why));
        continue;
      }
      oldest = oldest == null || file.modified().isBefore(oldest) ? file.modified() : oldest;
      newest = newest == null || file.modified().isAfter(newest) ? file.modified() : newest;
    }
    if (recordProblem != null) {
      log.warn("Batch {}: {}; dating it by its files' times", batch, recordProblem);
      for (FileEntry file : files) {
        untrusted.merge(
            file.path(),
            recordProblem + ", so its batch is dated by its files' times",
            (a, b) -> b + "; " + a);
      }
    }
    return new Batch(batch, files, bytes, oldest, newest, untrusted);
  }

  private static Instant later(Instant recorded, Instant fromFiles) {
    return fromFiles != null && fromFiles.isAfter(recorded) ? fromFiles : recorded;
  }

  private static String implausibleFileTime(Instant modified, Instant now) {
    String why = PlausibleTime.implausible(modified, now);
    return why == null ? null : why.substring(why.indexOf(" is ") + 4);
  }

  private static String timeNotUsed(FileEntry file, String why) {
    return "its modification time "
        + file.modified()
        + " is "
        + why
        + ": not used to date its batch (restored with cp -a, tar or rsync -t, touched, or written"
        + " under a wrong clock?)";
  }

  /**
   * Removes (or archives) every staging file of {@code batch} now, for every SLM id present: the
   * coordinator's call once it has aggregated the batch. No grace period applies; only a live
   * writer of the batch keeps it (the whole batch is then kept and reported).
   *
   * @param batch the batch to remove
   * @return the plan, to preview or execute
   */
  public LifecyclePlan cleanupBatch(BatchId batch) {
    Objects.requireNonNull(batch, "batch");
    return LifecyclePlan.of("cleanup batch " + batch, preview -> cleanupBatch(batch, preview))
        .reportingTo(dev.tiering.core.metrics.LifecycleCompleted.Operation.CLEANUP, metrics);
  }

  private LifecycleReport cleanupBatch(BatchId batch, boolean dryRun) throws IOException {
    LifecycleReport.Builder report = LifecycleReport.builder("cleanup batch " + batch, dryRun);
    Set<BatchId> recorded = recordedBatches(report);
    List<Batch> found = batches(recorded).stream().filter(b -> b.batch().equals(batch)).toList();
    remove(found, null, false, recorded, report);
    if (found.isEmpty() && !dryRun && recorded.contains(batch)) {
      removeOrphanRecords(List.of(batch), report);
    }
    if (!dryRun) {
      // Named, the batch is removed whether pinned or not; its pin goes once no file of it is
      // left (a live writer's file would still need it).
      removeOrphanPins(List.of(batch), report);
    }
    return report.finish(log);
  }

  /**
   * Pins a batch: cleanup by age ({@link #cleanupOldBatches}) keeps it whatever its age, until it
   * is unpinned or removed by name ({@link #cleanupBatch}). A coordinator pins a batch that some
   * lake table could not take, so that its files stay to be processed again; the hot-tier cleanup
   * timer does not know which tables a batch is for. The pin records when it was made, nothing
   * else: a pin is read back as untrusted input, and a damaged one still pins.
   *
   * @param batch the batch to keep
   * @throws IOException if the pin cannot be written
   */
  public void pin(BatchId batch) throws IOException {
    // Under the batch's shared hold: a cleanup removing the batch finishes first, so a pin is
    // either seen by the cleanup (which keeps the batch) or written after it.
    try (Closeable held = lock(paths, storage, batch)) {
      StampFile.write(
          storage, paths.stagingBatchPin(batch), PIN_HEADER, Map.of(PINNED, clock.instant()));
    }
  }

  /**
   * Unpins a batch; nothing happens if it is not pinned.
   *
   * @param batch the batch
   * @throws IOException if the pin cannot be removed
   */
  public void unpin(BatchId batch) throws IOException {
    Path pin = paths.stagingBatchPin(batch);
    Optional<FileEntry> there = storage.stat(pin);
    if (there.isPresent()
        && (there.get().isFile() || there.get().type() == FileEntry.Type.SYMLINK)) {
      storage.delete(pin);
    } else if (there.isPresent()) {
      log.warn("Not unpinning {}: {} is {}, not a pin", batch, pin, there.get().type().inWords());
    }
  }

  /**
   * {@return the pinned batches: a regular file named like a pin in the pins' directory} Its
   * content is not needed to pin; anything else there is passed over.
   *
   * @throws IOException if the pins' directory cannot be listed
   */
  public Set<BatchId> pinned() throws IOException {
    Path dir = paths.stagingBatchPin(BatchId.of("x")).getParent();
    Optional<FileEntry> there = storage.stat(dir);
    if (there.isEmpty()) {
      return Set.of();
    }
    if (there.get().type() != FileEntry.Type.DIRECTORY) {
      // No pin can be in it (pin() does not write through a link either): nothing is pinned.
      log.warn(
          "Staging pins: {} is {}, not a directory; no batch is pinned (move it away)",
          dir,
          there.get().type().inWords());
      return Set.of();
    }
    Set<BatchId> pinned = new java.util.TreeSet<>(Comparator.comparing(BatchId::value));
    for (FileEntry entry : storage.list(dir)) {
      if (entry.isFile()) {
        PathResolver.batchOfPin(entry.name()).ifPresent(pinned::add);
      }
    }
    return pinned;
  }

  /**
   * Keeps the {@code keepRecent} most recent batches (see {@link #batches()}) and removes (or
   * archives) the files of all older ones. A batch a writer holds, one written to while this
   * cleanup runs, or one with a file younger than the grace period, is kept whole.
   *
   * @param keepRecent how many of the most recent batches to keep; zero or more
   * @return the plan, to preview or execute
   * @throws IllegalArgumentException if {@code keepRecent} is negative
   */
  public LifecyclePlan cleanupOldBatches(int keepRecent) {
    if (keepRecent < 0) {
      throw new IllegalArgumentException("Invalid keepRecent " + keepRecent + " (use 0 or more)");
    }
    return LifecyclePlan.of(
            "cleanup keeping the " + keepRecent + " most recent batches",
            preview -> cleanupOldBatches(keepRecent, preview))
        .reportingTo(dev.tiering.core.metrics.LifecycleCompleted.Operation.CLEANUP, metrics);
  }

  private LifecycleReport cleanupOldBatches(int keepRecent, boolean dryRun) throws IOException {
    LifecycleReport.Builder report =
        LifecycleReport.builder(
            "cleanup keeping the " + keepRecent + " most recent batches", dryRun);
    Set<BatchId> recorded = recordedBatches(report);
    List<Batch> batches = batches(recorded);
    Set<BatchId> pinned = pinned();
    List<Batch> older = new ArrayList<>();
    int recent = 0;
    for (Batch batch : batches) {
      if (pinned.contains(batch.batch())) {
        // Counted as none of the most recent: a pinned batch never pushes a newer one out.
        keepAll(batch, report, pinnedWhy(batch.batch()));
      } else if (batch.began() == null) {
        // Ranked nowhere: as the most recent it would push a real one out; as the oldest it would
        // go, though nothing says it is old.
        keepAll(
            batch,
            report,
            "batch "
                + batch.batch()
                + " has no time to date it by (no batch record, and no plausible modification"
                + " time): it counts as none of the most recent and is not removed by age (remove"
                + " it with cleanup --batch "
                + batch.batch()
                + ")");
      } else if (recent < keepRecent) {
        recent++;
        keepAll(
            batch,
            report,
            "batch " + batch.batch() + " is among the " + keepRecent + " most recent");
      } else {
        older.add(batch);
      }
    }
    // A last publish is recorded to within RECORD_RESOLUTION: the grace period is that much longer
    // (unless there is none), so that it never ends early.
    remove(
        older,
        clock.instant().minus(grace).minus(grace.isZero() ? Duration.ZERO : RECORD_RESOLUTION),
        true,
        recorded,
        report);
    if (!dryRun) {
      Set<BatchId> withFiles = new java.util.HashSet<>();
      batches.forEach(b -> withFiles.add(b.batch()));
      List<BatchId> orphans = new ArrayList<>();
      for (BatchId withRecord : recorded) {
        if (!withFiles.contains(withRecord)) {
          orphans.add(withRecord);
        }
      }
      removeOrphanRecords(orphans, report);
      Set<BatchId> orphanPins = new LinkedHashSet<>(pinned);
      orphanPins.removeAll(withFiles);
      removeOrphanPins(orphanPins, report);
    }
    return report.finish(log);
  }

  /**
   * Removes the records of batches with no file left (a cleanup stopped between a batch's last file
   * and its record, or a writer that discarded its only file), each under the batch's exclusive
   * lock and only if no staging file of it is there then: a batch a writer holds keeps its record.
   */
  private void removeOrphanRecords(List<BatchId> orphans, LifecycleReport.Builder report)
      throws IOException {
    removeOrphans(orphans, paths::stagingBatchRecord, "batch record", report);
  }

  /**
   * Removes the pins of batches with no file left (removed by name, or by hand), each under the
   * batch's exclusive lock and only if no staging file of it is there then: a batch a writer holds
   * keeps its pin, so the files it is about to write stay pinned.
   */
  private void removeOrphanPins(Collection<BatchId> orphans, LifecycleReport.Builder report)
      throws IOException {
    removeOrphans(orphans, paths::stagingBatchPin, "pin", report);
  }

  /**
   * Deletes the file {@code fileOf} names for each batch (a regular file or a link, never followed;
   * anything else there is not the SDK's and stays) if the batch has no staging file, under the
   * batch's exclusive lock, so that no writer adds one meanwhile.
   */
  private void removeOrphans(
      Collection<BatchId> orphans,
      java.util.function.Function<BatchId, Path> fileOf,
      String what,
      LifecycleReport.Builder report)
      throws IOException {
    for (BatchId batch : orphans) {
      Path file = fileOf.apply(batch);
      Optional<FileEntry> there = storage.stat(file);
      if (there.isEmpty()
          || !(there.get().isFile() || there.get().type() == FileEntry.Type.SYMLINK)) {
        continue;
      }
      Optional<Closeable> lock = lockForRemoval(batch, false);
      if (lock.isEmpty()) {
        continue;
      }
      try (Closeable held = lock.get()) {
        boolean hasFiles = false;
        for (Path dir : stagingDirs()) {
          for (String name : storage.names(dir)) {
            hasFiles |= StagingFile.parse(name).filter(f -> f.batch().equals(batch)).isPresent();
          }
        }
        if (!hasFiles) {
          try {
            storage.delete(file);
          } catch (IOException e) {
            report.fail(file, "delete the " + what, e);
          }
        }
      }
    }
  }

  /** Batches locked and checked at a time: the kernel keeps a process's record locks in a list. */
  private static final int LOCKED_AT_ONCE = 512;

  /**
   * Removes (or archives) the files of the chosen batches, each under its exclusive lock, except a
   * batch a writer holds: the laggard of a batch the others have long finished still needs it
   * whole. With a group of batches locked, their files are looked at again (the names in staging,
   * then each file's size and time); a batch that changed since it was chosen (a writer committed
   * or replaced a file meanwhile) is no longer the batch that was chosen, and it is kept. The locks
   * are held until the group's last file is removed, so writers of these batches wait. Groups of
   * {@value #LOCKED_AT_ONCE} keep the cost linear: one names-only listing per group.
   *
   * @param youngest a batch with a file modified after this is kept whole; null to remove it
   *     regardless of age
   * @param recorded the batches with a record, whose record goes with their last file
   */
  private void remove(
      List<Batch> chosen,
      Instant youngest,
      boolean keepPinned,
      Set<BatchId> recorded,
      LifecycleReport.Builder report)
      throws IOException {
    for (int from = 0; from < chosen.size(); from += LOCKED_AT_ONCE) {
      removeGroup(
          chosen.subList(from, Math.min(chosen.size(), from + LOCKED_AT_ONCE)),
          youngest,
          keepPinned,
          recorded,
          report);
    }
  }

  private void removeGroup(
      List<Batch> chosen,
      Instant youngest,
      boolean keepPinned,
      Set<BatchId> recorded,
      LifecycleReport.Builder report)
      throws IOException {
    Map<BatchId, Closeable> locked = new LinkedHashMap<>();
    Throwable failure = null;
    try {
      for (Batch batch : chosen) {
        Optional<Closeable> lock = lockForRemoval(batch.batch(), report.dryRun());
        if (lock.isEmpty()) {
          keepAll(
              batch,
              report,
              "batch " + batch.batch() + " is still being written (a live writer holds it)");
        } else {
          locked.put(batch.batch(), lock.get());
        }
      }
      if (locked.isEmpty()) {
        return;
      }
      Map<BatchId, Set<String>> names = new LinkedHashMap<>();
      // A dry run removes nothing, so it reports the batches as chosen: no relisting.
      for (Path dir : report.dryRun() ? List.<Path>of() : stagingDirs()) {
        for (String name : storage.names(dir)) {
          StagingFile.parse(name)
              .filter(file -> locked.containsKey(file.batch()))
              .ifPresent(
                  file ->
                      names.computeIfAbsent(file.batch(), b -> new LinkedHashSet<>()).add(name));
        }
      }
      // Again under the locks: a pin written since the batches were chosen keeps its batch (a pin
      // waits for these locks, so none is written from here on until they are released).
      Set<BatchId> pinnedNow = keepPinned && !report.dryRun() ? pinned() : Set.of();
      for (Batch batch : chosen) {
        if (!locked.containsKey(batch.batch())) {
          continue;
        }
        if (pinnedNow.contains(batch.batch())) {
          keepAll(batch, report, pinnedWhy(batch.batch()));
          continue;
        }
        List<FileEntry> files =
            report.dryRun()
                ? batch.files()
                : unchanged(batch, names.getOrDefault(batch.batch(), Set.of()));
        if (files == null) {
          keepAll(
              batch,
              report,
              "batch "
                  + batch.batch()
                  + " was written to while cleanup ran; left for the next cleanup");
        } else if (youngest != null && batch.lastWritten().isAfter(youngest)) {
          // Per batch, never per file: a coordinator about to read a batch needs all of it.
          keepAll(
              batch,
              report,
              "batch "
                  + batch.batch()
                  + " was written to within the "
                  + grace.toMinutes()
                  + "-minute grace period");
        } else {
          boolean removedAll = true;
          for (FileEntry file : files) {
            removedAll &= removeFile(file, batch.untrusted().get(file.path()), report);
          }
          if (removedAll && !report.dryRun() && recorded.contains(batch.batch())) {
            // The record goes with the batch's last file, still under the batch's lock (a record
            // written since it was listed means the batch changed, and it was kept above).
            Path record = paths.stagingBatchRecord(batch.batch());
            try {
              storage.delete(record);
            } catch (IOException e) {
              report.fail(record, "delete the batch record", e);
            }
          }
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      closeAll(locked.values(), failure);
    }
  }

  /**
   * Closes every lock. A close failure is thrown only if the cleanup itself succeeded; otherwise it
   * is added to the cleanup's failure, which must not be hidden.
   */
  private static void closeAll(Collection<? extends Closeable> locks, Throwable failure)
      throws IOException {
    IOException first = null;
    for (Closeable lock : locks) {
      try {
        lock.close();
      } catch (IOException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The batch's files as they are now, or null if they are not the files it was chosen with. */
  private List<FileEntry> unchanged(Batch batch, Set<String> namesNow) throws IOException {
    if (namesNow.size() != batch.files().size()) {
      return null;
    }
    List<FileEntry> now = new ArrayList<>(batch.files().size());
    for (FileEntry file : batch.files()) {
      Optional<FileEntry> current =
          namesNow.contains(file.name()) ? storage.stat(file.path()) : Optional.empty();
      if (current.isEmpty() || !current.get().equals(file)) {
        return null;
      }
      now.add(current.get());
    }
    return now;
  }

  /**
   * The batch's exclusive lock, or empty if a writer holds the batch. A dry run changes nothing: it
   * does not create the lock file, and where there is none no writer can hold the batch.
   */
  private Optional<Closeable> lockForRemoval(BatchId batch, boolean dryRun) throws IOException {
    if (dryRun && storage.stat(paths.stagingLockFile()).isEmpty()) {
      return Optional.of(() -> {});
    }
    return storage.tryLock(
        paths.stagingLockFile(), lockKey(batch), LockMode.EXCLUSIVE, Duration.ZERO);
  }

  private String pinnedWhy(BatchId batch) {
    return "batch "
        + batch
        + " is pinned ("
        + paths.stagingBatchPin(batch)
        + "): a coordinator keeps it until every lake table has it (process it again, or remove it"
        + " with cleanup --batch "
        + batch
        + ")";
  }

  /** Reports every file of a batch as kept, with why and any time of it that was not used. */
  private static void keepAll(Batch batch, LifecycleReport.Builder report, String why) {
    for (FileEntry file : batch.files()) {
      report.add(
          LifecycleReport.Verb.KEPT,
          file.path(),
          file.size(),
          withNote(why, batch.untrusted().get(file.path())));
    }
  }

  private static String withNote(String detail, String note) {
    return note == null ? detail : detail.isEmpty() ? note : detail + "; " + note;
  }

  /** Removes (or archives) one file; false if it failed (and was reported). */
  private boolean removeFile(FileEntry file, String note, LifecycleReport.Builder report) {
    try {
      if (archive && file.isFile()) {
        Path target = paths.stagingArchiveFile(StagingFile.parse(file.name()).orElseThrow());
        if (report.dryRun()) {
          // Refused where the execution's transfer would be: the archive holds another file of
          // the name (batch ids repeat).
          java.util.Optional<java.nio.file.FileAlreadyExistsException> conflict =
              Storage.transferConflict(storage, file.path(), target);
          if (conflict.isPresent()) {
            throw conflict.get();
          }
        } else {
          storage.transfer(file.path(), target);
        }
        report.add(
            LifecycleReport.Verb.ARCHIVED,
            file.path(),
            file.size(),
            withNote(target.toString(), note));
      } else if (report.dryRun() || storage.delete(file.path())) {
        // A file another cleanup removed first is not reported as removed by this one.
        report.add(
            LifecycleReport.Verb.DELETED,
            file.path(),
            file.size(),
            withNote(file.isFile() ? "" : "link removed, its target left alone", note));
      }
      return true;
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot remove staging file {}", file.path(), e);
      report.fail(file.path(), archive && file.isFile() ? "move to the archive" : "delete", e);
      return false;
    }
  }

  /** Builds a {@link StagingJanitor}. */
  public static final class Builder {
    private final PathResolver paths;
    private Storage storage;
    private Clock clock = Clock.systemUTC();
    private Duration grace = DEFAULT_GRACE;
    private boolean archive;
    private MetricsListener metrics = MetricsListener.NONE;

    private Builder(PathResolver paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /**
     * Sets the storage (default: {@link Storage#forLayout} of the tiers).
     *
     * @param value the storage of the hot tier
     * @return this builder
     */
    public Builder storage(Storage value) {
      this.storage = Objects.requireNonNull(value, "storage");
      return this;
    }

    /**
     * Sets the clock for the grace period (default: the system clock, UTC).
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the grace period: files younger than this are never removed by {@link
     * StagingJanitor#cleanupOldBatches} (default 5 minutes).
     *
     * @param value the grace period; zero or more
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public Builder grace(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("Invalid grace period " + value + " (use zero or more)");
      }
      this.grace = value;
      return this;
    }

    /**
     * Sets whether removed files move to {@code <lake>/archive/staging/{batch}/} instead of being
     * deleted (default: deleted).
     *
     * @param value true to archive, false to delete
     * @return this builder
     */
    public Builder archive(boolean value) {
      this.archive = value;
      return this;
    }

    /**
     * Sets where metrics go.
     *
     * @param value the listener; default {@link MetricsListener#NONE}, which records nothing
     * @return this builder
     */
    public Builder metrics(MetricsListener value) {
      this.metrics = Objects.requireNonNull(value, "metrics");
      return this;
    }

    /** {@return the janitor} */
    public StagingJanitor build() {
      return new StagingJanitor(this);
    }
  }
}
