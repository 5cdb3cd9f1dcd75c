package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.testing.ChildJvm;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays flat over many files: one JVM with a 128 MiB heap reads a staging file 6,000 times
 * row by row and 6,000 times column by column (on two threads), makes 1,000 lake commits and
 * compacts 300 partitions, and its resident memory (from {@code /proc/self/status}) must stay under
 * the heap's maximum plus a fixed allowance, and grow by less than {@value #SECOND_HALF_GROWTH_KB}
 * kB over the second half of each phase. Before native zstd contexts were released with their
 * readers and writers, the second half grew by about 255 MB (reads, 85 KB per file) and 50 MB
 * (commits, 100 KB each).
 *
 * <p>The bound is absolute, not a percentage: glibc's malloc grows its heaps in steps that level
 * off (measured over 4,000 commits: 230 to 253 MB with the default arenas, one step of 13 MB then
 * 245 to 251 MB with two), and a step late in a run is not a leak. The child runs with {@code
 * MALLOC_ARENA_MAX=2}, which docs/operations.md advises for long-running processes too: glibc
 * otherwise gives each encoding thread an arena of its own.
 */
class SoakTest {

  private static final long HEAP_KB = 128 * 1024;

  /** Metaspace, code cache, thread stacks, the JVM itself and the DuckDB-free class path. */
  private static final long ALLOWANCE_KB = 192 * 1024;

  /** Growth allowed over a phase's second half: half the smaller old leak, twice a malloc step. */
  private static final long SECOND_HALF_GROWTH_KB = 24 * 1024;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void residentMemoryStaysFlatOverThousandsOfFilesReadWrittenAndCompacted(@TempDir Path base)
      throws Exception {
    Map<String, Map<Integer, Long>> samples = new LinkedHashMap<>();
    try (ChildJvm child =
        ChildJvm.start(
            Map.of("MALLOC_ARENA_MAX", "2"),
            List.of("-Xmx128m", "-Xms128m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC"),
            SoakChild.class,
            base.toString(),
            "6000",
            "1000",
            "300")) {
      assertThat(child.waitFor(240_000)).as("soak child's exit code: " + child.lines()).isZero();
      for (String line : child.lines()) {
        String[] word = line.split(" ");
        if (word[0].equals("rss")) {
          samples
              .computeIfAbsent(word[1], p -> new LinkedHashMap<>())
              .put(Integer.parseInt(word[2]), Long.parseLong(word[3]));
        }
      }
    }
    for (Map<Integer, Long> phase : samples.values()) {
      assertThat(phase.values())
          .as("resident kB in " + samples)
          .allSatisfy(kb -> assertThat(kb).isLessThan(HEAP_KB + ALLOWANCE_KB));
    }
    for (String phase : List.of("read", "columnar", "commit")) {
      List<Integer> done = List.copyOf(samples.get(phase).keySet());
      long half = samples.get(phase).get(done.get(done.size() / 2 - 1));
      long end = samples.get(phase).get(done.get(done.size() - 1));
      assertThat(end - half)
          .as(phase + ": resident kB grown over the second half, " + samples)
          .isLessThan(SECOND_HALF_GROWTH_KB);
    }
  }
}
