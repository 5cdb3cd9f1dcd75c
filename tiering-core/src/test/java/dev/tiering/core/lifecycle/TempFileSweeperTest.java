package dev.tiering.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.storage.PendingFile;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.storage.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFileSweeperTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  @TempDir Path dir;

  private final TempFileSweeper sweeper =
      new TempFileSweeper(Storage.local(), Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));

  private Path file(String name, Duration age) throws IOException {
    Path path = Files.writeString(dir.resolve(name), "x");
    Files.setLastModifiedTime(path, FileTime.from(NOW.minus(age)));
    return path;
  }

  @Test
  void removesOnlyOldAbandonedTemporaryFiles() throws IOException {
    Path abandoned = file(".part-1.parquet.00ff00ff00ff00ff.tmp", Duration.ofHours(2));
    Path young = file(".part-2.parquet.01ff01ff01ff01ff.tmp", Duration.ofMinutes(5));
    Path data = file("part-3.parquet", Duration.ofDays(2));
    Path hidden = file(".schema.json.lock", Duration.ofDays(2));

    assertThat(sweeper.sweep(dir)).containsExactly(abandoned);
    assertThat(abandoned).doesNotExist();
    assertThat(young).exists();
    assertThat(data).exists();
    assertThat(hidden).exists();
  }

  @Test
  void neverRemovesALiveWritersFileHoweverOld() throws IOException {
    try (PendingFile live =
        Storage.local().create(dir.resolve("part-9.parquet"), WriteMode.CREATE_NEW)) {
      live.stream().write(new byte[] {1, 2, 3});
      live.stream().flush();
      Path temp;
      try (var files = Files.list(dir)) {
        temp =
            files
                .filter(p -> Storage.isTemporary(p.getFileName().toString()))
                .findFirst()
                .orElseThrow();
      }
      // Three days later by the sweeper's clock; the live file itself is never touched, since
      // opening and closing it in this JVM would drop its writer's lock.
      TempFileSweeper later =
          new TempFileSweeper(
              Storage.local(),
              Duration.ofHours(1),
              java.time.Clock.fixed(
                  java.time.Instant.now().plus(Duration.ofDays(3)), java.time.ZoneOffset.UTC));

      assertThat(later.sweep(dir)).isEmpty();
      assertThat(temp).exists();

      live.commit();
    }
    assertThat(Files.readAllBytes(dir.resolve("part-9.parquet"))).containsExactly(1, 2, 3);
  }

  @Test
  void sweepsWholeTreesWithoutFollowingLinks(@TempDir Path outside) throws IOException {
    Path nested = Files.createDirectories(dir.resolve("a/b"));
    Path deep = Files.writeString(nested.resolve(".x.parquet.aaaaaaaaaaaaaaaa.tmp"), "x");
    Files.setLastModifiedTime(deep, FileTime.from(NOW.minus(Duration.ofDays(1))));
    Path foreign = Files.writeString(outside.resolve(".y.parquet.bbbbbbbbbbbbbbbb.tmp"), "y");
    Files.setLastModifiedTime(foreign, FileTime.from(NOW.minus(Duration.ofDays(1))));
    Files.createSymbolicLink(dir.resolve("link"), outside);

    assertThat(sweeper.sweepTree(dir)).containsExactly(deep);
    assertThat(foreign).exists();
  }

  @Test
  void theTemporaryNameOfAPublishKilledBeforeItsCleanupIsRemovedAndTheFileKept()
      throws IOException {
    Path published = Files.writeString(dir.resolve("part-7.parquet"), "complete");
    Path leftover =
        Files.createLink(dir.resolve(".part-7.parquet.0123456789abcdef.tmp"), published);
    Files.setLastModifiedTime(leftover, FileTime.from(NOW.minus(Duration.ofDays(1))));

    assertThat(sweeper.sweep(dir)).containsExactly(leftover);
    assertThat(published).hasContent("complete");
  }
}
