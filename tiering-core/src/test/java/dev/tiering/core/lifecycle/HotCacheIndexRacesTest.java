package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.Area;
import dev.tiering.core.DataKind;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.ForwardingStorage;
import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import dev.tiering.core.testing.TickingClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot cache's index under failures, two instances and outside changes (from an adversarial
 * review: the first three tests failed before their fixes).
 */
class HotCacheIndexRacesTest {

  private static final int KB = 1024;

  @TempDir Path base;
  private PathResolver paths;

  /** Each reading of the clock is one millisecond later: access order is always strict. */
  private final TickingClock ticking = new TickingClock(Instant.ofEpochMilli(1_700_000_000_000L));

  @BeforeEach
  void setUp() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  private HotCache cache(long budget, Storage storage) {
    HotCache.Builder b = HotCache.builder(paths).budget(budget).clock(ticking);
    return (storage == null ? b : b.storage(storage)).build();
  }

  private Path lakeFile(String table, int day, String name, int bytes) throws IOException {
    Path dir =
        paths.partitionDir(
            Zone.GOLD, TableName.of(table), LocalDate.of(2025, 11, day), PartitionLayout.DATE_PATH);
    Files.createDirectories(dir);
    return Files.write(dir.resolve(name), HotCacheTest.parquetFramed(bytes, name.hashCode()));
  }

  /** Regular files under the cache area that are copies (not the index, lock or temporaries). */
  private List<Path> copiesOnDisk() throws IOException {
    Path root = paths.areaRoot(Area.CLEAN_CACHE);
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  private long bytesOnDisk() throws IOException {
    long sum = 0;
    for (Path p : copiesOnDisk()) {
      sum += Files.size(p);
    }
    return sum;
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
            attrs.size()
                + "@"
                + attrs.lastModifiedTime()
                + (attrs.isDirectory() ? "/" : "")
                + (attrs.isRegularFile()
                    ? "#" + java.util.Arrays.hashCode(Files.readAllBytes(p))
                    : ""));
      }
    }
    return tree;
  }

  /**
   * A lake file disappears (a compaction merged it) while a promote of its partition runs: that
   * file fails alone, and the copies made before it are saved in the index, inside the budget.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aLakeFileVanishingMidPromoteLeavesNoCopyOutsideTheIndex() throws Exception {
    Path a = lakeFile("sales", 1, "part-a.parquet", 100 * KB);
    lakeFile("sales", 1, "part-b.parquet", 100 * KB);
    Path c = lakeFile("sales", 1, "part-c.parquet", 100 * KB);
    AtomicBoolean done = new AtomicBoolean();
    Storage compactingMeanwhile =
        new ForwardingStorage(Storage.local()) {
          @Override
          public PendingFile create(Path target, WriteMode mode) throws IOException {
            if (target.equals(paths.counterpart(a, DataKind.CACHE))
                && done.compareAndSet(false, true)) {
              Files.delete(c);
            }
            return super.create(target, mode);
          }
        };
    long budget = 250 * KB;
    HotCache cache = cache(budget, compactingMeanwhile);
    try {
      cache.promote(a.getParent()).execute();
    } catch (IOException | RuntimeException either) {
      // Failing or not is both fine here; what is checked is the disk and the index afterwards.
    }
    // Then the budget is filled by other promotes: the disk holds more than the budget.
    Path d = lakeFile("sales", 2, "part-d.parquet", 100 * KB);
    Path e = lakeFile("sales", 2, "part-e.parquet", 100 * KB);
    HotCache other = cache(budget, null);
    other.promote(d).execute();
    other.promote(e).execute();
    assertThat(bytesOnDisk()).as("bytes of copies on disk").isLessThanOrEqualTo(budget);
  }

  /** The verification reread fails (an I/O error): the published copy is removed. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aFailedVerificationReadRemovesThePublishedCopy() throws Exception {
    Path a = lakeFile("sales", 1, "part-a.parquet", 100 * KB);
    Path copy = paths.counterpart(a, DataKind.CACHE);
    AtomicBoolean failed = new AtomicBoolean();
    Storage flaky =
        new ForwardingStorage(Storage.local()) {
          @Override
          public InputStream openStream(Path file) throws IOException {
            if (file.equals(copy) && failed.compareAndSet(false, true)) {
              throw new IOException("injected: EIO reading " + file);
            }
            return super.openStream(file);
          }
        };
    HotCache cache = cache(1000 * KB, flaky);
    LifecycleReport report = cache.promote(a).execute();
    assertThat(report.ok()).isFalse();
    assertThat(copiesOnDisk()).as("copies on disk that no index lists").isEmpty();
  }

  /** The lake file is rewritten with another size: the cache must not serve the old copy. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aCopyWhoseLakeFileChangedSizeIsNotServed() throws Exception {
    Path a = lakeFile("sales", 1, "part-a.parquet", 100 * KB);
    HotCache cache = cache(1000 * KB, null);
    cache.promote(a).execute();
    Files.write(a, HotCacheTest.parquetFramed(120 * KB, 99));
    Path served = cache.forRead(a);
    assertThat(served).isEqualTo(a);
  }

  /**
   * A rewrite of the index under a new token, even at the same size, is read again. (An in-place
   * edit that keeps the token and the size is not noticed: the index is the SDK's own file.)
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aSameSizeRewriteWithANewTokenIsReadAgain() throws Exception {
    Path a = lakeFile("sales", 1, "part-a.parquet", 100 * KB);
    Path b = lakeFile("sales", 1, "part-b.parquet", 100 * KB);
    HotCache one = cache(1000 * KB, null);
    one.promote(a).execute();
    one.promote(b).execute();
    Path index = paths.cacheIndexFile();
    String text = Files.readString(index);
    // 1. A rewrite with another token, same size: must be re-read.
    String header = text.substring(0, text.indexOf('\n'));
    String otherToken =
        header.substring(0, header.length() - 1) + (header.endsWith("0") ? "1" : "0");
    String withoutB = text.replace("part-b.parquet", "part-x.parquet");
    Files.writeString(index, otherToken + withoutB.substring(header.length()));
    assertThat(Files.size(index)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    assertThat(one.forRead(b)).isEqualTo(b);
    assertThat(one.forRead(a)).isEqualTo(paths.counterpart(a, DataKind.CACHE));
  }

  /**
   * Two instances over the same paths, a random interleaving of promote/evict/forRead/verify: after
   * every step, the index both see lists exactly the copies on disk and stays in budget.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twoInstancesInterleavedKeepDiskAndIndexInStep() throws Exception {
    List<Path> lake = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      lake.add(lakeFile("sales", 1 + i % 3, "part-" + i + ".parquet", (20 + 7 * i) * KB));
    }
    long budget = 300 * KB;
    HotCache[] caches = {cache(budget, null), cache(budget, null)};
    Random random = new Random(3);
    for (int step = 0; step < 400; step++) {
      HotCache c = caches[random.nextInt(2)];
      Path file = lake.get(random.nextInt(lake.size()));
      String op;
      switch (random.nextInt(6)) {
        case 0, 1 -> {
          op = "promote";
          c.promote(file).execute();
        }
        case 2 -> {
          op = "evict";
          c.evict(file).execute();
        }
        case 3 -> {
          op = "forRead+time";
          ticking.skip(java.time.Duration.ofMillis(random.nextInt(3) * 6_000L));
          c.forRead(List.of(file, lake.get(random.nextInt(lake.size()))));
        }
        case 4 -> {
          op = "promoteDir";
          c.promote(file.getParent()).execute();
        }
        default -> {
          op = "verify";
          c.verify().execute();
        }
      }
      List<Path> indexed =
          caches[random.nextInt(2)].entries().stream()
              .map(HotCache.Entry::cacheFile)
              .sorted()
              .toList();
      assertThat(copiesOnDisk()).as("step " + step + " " + op).isEqualTo(indexed);
      assertThat(bytesOnDisk()).as("step " + step + " " + op).isLessThanOrEqualTo(budget);
      for (HotCache.Entry e : caches[0].entries()) {
        assertThat(Files.size(e.cacheFile())).isEqualTo(Files.size(e.lakeFile()));
      }
    }
  }

  /** Dry runs of every verb, with orphans, damage and an over-budget promote: nothing changes. */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void dryRunsChangeNothing() throws Exception {
    List<Path> lake = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lake.add(lakeFile("sales", 1, "part-" + i + ".parquet", 50 * KB));
    }
    HotCache cache = cache(200 * KB, null);
    for (int i = 0; i < 4; i++) {
      cache.promote(lake.get(i)).execute();
    }
    // An orphan copy, a same-size corrupted copy, a vanished lake file.
    Path orphanLake = lakeFile("sales", 2, "orphan.parquet", 10 * KB);
    Path orphan = paths.counterpart(orphanLake, DataKind.CACHE);
    Files.createDirectories(orphan.getParent());
    Files.copy(orphanLake, orphan);
    byte[] corrupt = Files.readAllBytes(paths.counterpart(lake.get(1), DataKind.CACHE));
    corrupt[100] ^= 1;
    Files.write(paths.counterpart(lake.get(1), DataKind.CACHE), corrupt);
    Files.delete(lake.get(2));
    Map<String, String> before = tree();
    cache.promote(lake.get(4)).preview();
    cache.promote(lake.get(0).getParent().getParent()).preview();
    cache.evict(lake.get(0)).preview();
    cache.evict(paths.tableDir(Zone.GOLD, TableName.of("sales"))).preview();
    cache.verify().preview();
    cache.removeOrphans().preview();
    HotCache fresh = cache(200 * KB, null);
    fresh.verify().preview();
    fresh.removeOrphans().preview();
    fresh.promote(lake.get(5)).preview();
    assertThat(tree()).isEqualTo(before);
  }

  /**
   * The index replaced by a FIFO, a symlink or a huge file: no hang, no copy served, the lake
   * untouched; the next change starts a new index, and verify removes the copies it forgot.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aHostileIndexIsIgnoredAndTheCacheStartsAfresh() throws Exception {
    Path a = lakeFile("sales", 1, "part-a.parquet", 50 * KB);
    Path b = lakeFile("sales", 1, "part-b.parquet", 50 * KB);
    HotCache cache = cache(1000 * KB, null);
    cache.promote(a).execute();
    cache.promote(b).execute();
    Path index = paths.cacheIndexFile();
    Path saved = base.resolve("saved-index");
    Files.copy(index, saved);
    for (String kind : new String[] {"fifo", "symlink", "huge"}) {
      Files.copy(saved, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      HotCache one = cache(1000 * KB, null);
      one.forRead(a); // parsed and kept
      Files.delete(index);
      switch (kind) {
        case "fifo" -> new ProcessBuilder("mkfifo", index.toString()).start().waitFor();
        case "symlink" -> Files.createSymbolicLink(index, saved);
        default -> {
          try (var out = Files.newOutputStream(index)) {
            out.write(Files.readAllBytes(saved));
            byte[] pad = new byte[1 << 20];
            java.util.Arrays.fill(pad, (byte) '#');
            for (int i = 0; i < 65; i++) {
              out.write(pad);
            }
          }
        }
      }
      Path servedA = one.forRead(a);
      Path freshServed = cache(1000 * KB, null).forRead(b);
      // A change: the index is rewritten; copies it no longer knows are orphans outside budget.
      Path c = lakeFile("sales", 3, "part-c-" + kind + ".parquet", 10 * KB);
      cache(1000 * KB, null).promote(c).execute();
      assertThat(servedA).isEqualTo(a);
      assertThat(freshServed).isEqualTo(b);
      assertThat(cache(1000 * KB, null).entries())
          .extracting(HotCache.Entry::lakeFile)
          .containsExactly(c);
      assertThat(Files.exists(a) && Files.exists(b)).isTrue();
      // Back to a sane state for the next kind.
      cache(1000 * KB, null).verify().execute();
      assertThat(copiesOnDisk()).containsExactly(paths.counterpart(c, DataKind.CACHE));
      cache(1000 * KB, null).promote(a).execute();
      cache(1000 * KB, null).promote(b).execute();
      Files.copy(index, saved, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    assertThat(Files.exists(a) && Files.exists(b)).isTrue();
  }
}
