package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.StagingFile;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Staging cleanup across its groups of 512 locked batches, with changes forced while an earlier
 * group is locked (from an adversarial review; these held).
 */
class StagingCleanupGroupsTest {

  private static final Instant NOW = Instant.parse("2025-11-10T12:00:00Z");
  private static final int BATCHES = 1_100;

  @TempDir Path base;
  private PathResolver paths;
  private Path staging;
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void setUp() throws IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
    staging = Files.createDirectories(paths.areaRoot(Area.STAGING));
  }

  static BatchId batch(int i) {
    return BatchId.of(String.format("b%04d", i));
  }

  private Path stage(StagingFile file, Duration age, String content) throws IOException {
    Path path = Files.writeString(paths.stagingFile(file), content);
    Files.setLastModifiedTime(path, FileTime.from(NOW.minus(age)));
    return path;
  }

  /** Batch i: two files, i minutes older than batch 0, all well past the grace. */
  private void manyBatches() throws IOException {
    for (int i = 0; i < BATCHES; i++) {
      Duration age = Duration.ofHours(1).plusMinutes(i);
      stage(StagingFile.intermediate(SlmId.of(0), batch(i)), age, "i" + i);
      stage(StagingFile.crosscheck(SlmId.of(0), batch(i)), age, "c" + i);
    }
  }

  private Map<String, String> tree() throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> files = Files.walk(base)) {
      for (Path p : files.toList()) {
        var attrs =
            Files.readAttributes(
                p,
                java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        tree.put(
            base.relativize(p).toString(),
            attrs.size() + "@" + attrs.lastModifiedTime() + (attrs.isDirectory() ? "/" : ""));
      }
    }
    return tree;
  }

  private List<String> namesOf(int i) throws IOException {
    String suffix = "_" + batch(i).value() + ".parquet";
    try (Stream<Path> files = Files.list(staging)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix))
          .sorted()
          .toList();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void changesMadeWhileAnEarlierGroupIsLockedKeepTheirBatchesWhole() throws Exception {
    manyBatches();
    // Chosen order is newest first: group 1 = b0000..b0511, group 2 = b0512..b1023, group 3 rest.
    int committedInto = 600; // group 2: a writer commits a new file into it
    int held = 700; // group 2: a writer holds it
    int replaced = 1030; // group 3: a file is rewritten with other bytes
    int touched = 1040; // group 3: a file's time changes, same size
    int shrunk = 1050; // group 3: one of its two files is removed by someone else
    int young = 1060; // group 3: a file written just now (inside the grace)
    List<Closeable> holds = new ArrayList<>();
    AtomicInteger namesCalls = new AtomicInteger();
    Storage hooked =
        new ForwardingStorage(Storage.local()) {
          @Override
          public List<String> names(Path dir) throws IOException {
            // Staging's own listings only (the batch records are listed by name too).
            if (dir.equals(staging) && namesCalls.incrementAndGet() == 1) {
              // Group 1 is locked and about to be relisted; later groups were chosen, not locked.
              stage(
                  StagingFile.intermediate(SlmId.of(5), batch(committedInto)),
                  Duration.ZERO.plusHours(2),
                  "late");
              holds.add(StagingJanitor.holdBatch(paths, Storage.local(), batch(held), clock));
              stage(
                  StagingFile.intermediate(SlmId.of(0), batch(replaced)),
                  Duration.ofHours(3),
                  "rewritten with other bytes");
              Path t = paths.stagingFile(StagingFile.crosscheck(SlmId.of(0), batch(touched)));
              Files.setLastModifiedTime(t, FileTime.from(NOW.minus(Duration.ofHours(30))));
              Files.delete(paths.stagingFile(StagingFile.crosscheck(SlmId.of(0), batch(shrunk))));
              stage(
                  StagingFile.crosscheck(SlmId.of(0), batch(young)),
                  Duration.ofMinutes(1),
                  "c" + young);
            }
            return super.names(dir);
          }
        };
    StagingJanitor janitor = StagingJanitor.builder(paths).storage(hooked).clock(clock).build();
    LifecycleReport report;
    try {
      report = janitor.cleanupOldBatches(0).execute();
    } finally {
      for (Closeable c : holds) {
        c.close();
      }
    }
    assertThat(report.failures()).isEmpty();
    assertThat(namesOf(committedInto)).hasSize(3);
    assertThat(namesOf(held)).hasSize(2);
    assertThat(namesOf(replaced)).hasSize(2);
    assertThat(namesOf(touched)).hasSize(2);
    assertThat(namesOf(shrunk)).hasSize(1);
    assertThat(namesOf(young)).hasSize(2);
    List<String> left;
    try (Stream<Path> files = Files.list(staging)) {
      left =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.equals(".batches.lock") && !n.equals(".batch-records"))
              .sorted()
              .toList();
    }
    assertThat(left).hasSize(3 + 2 + 2 + 2 + 1 + 2);
    // Six batches of two files kept (the shrunk one had lost a file to someone else).
    assertThat(report.removedFiles()).isEqualTo(2L * BATCHES - 6 * 2);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aDryRunAcrossGroupsChangesNothingAndMakesNoLockFile() throws Exception {
    manyBatches();
    Files.writeString(staging.resolve("notes.txt"), "not staging");
    Map<String, String> before = tree();
    AtomicInteger mutating = new AtomicInteger();
    Storage watching =
        new ForwardingStorage(Storage.local()) {
          @Override
          public boolean delete(Path path) throws IOException {
            mutating.incrementAndGet();
            return super.delete(path);
          }

          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            mutating.incrementAndGet();
            return super.create(target, mode);
          }

          @Override
          public void move(Path source, Path target) throws IOException {
            mutating.incrementAndGet();
            super.move(source, target);
          }

          @Override
          public void createDirectories(Path dir) throws IOException {
            mutating.incrementAndGet();
            super.createDirectories(dir);
          }
        };
    for (boolean archive : new boolean[] {false, true}) {
      LifecycleReport dry =
          StagingJanitor.builder(paths)
              .storage(watching)
              .clock(clock)
              .archive(archive)
              .build()
              .cleanupOldBatches(1)
              .preview();
      assertThat(dry.removedFiles()).isEqualTo(2L * (BATCHES - 1));
    }
    assertThat(mutating.get()).isZero();
    assertThat(tree()).isEqualTo(before);
    assertThat(staging.resolve(".batches.lock")).doesNotExist();
  }
}
