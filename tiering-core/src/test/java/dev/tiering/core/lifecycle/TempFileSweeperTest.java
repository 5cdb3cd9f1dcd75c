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

  @Test
  void recoveryReportsATemporaryFileItMayNotRemoveAndGoesOnWithTheRest() throws IOException {
    dev.tiering.core.routing.PathResolver paths =
        new dev.tiering.core.routing.PathResolver(
            Storage.createRoots(dev.tiering.core.TierLayout.under(dir)));
    // An operator's crashed 'sudo tiering ...' left a root-owned temporary file in staging; as the
    // service user, removing it is denied (injected: we run as root, which may remove anything).
    Path staging = Files.createDirectories(dir.resolve("hot/staging"));
    Path lake = Files.createDirectories(dir.resolve("lake/clean/silver/t/2026/01/01"));
    Path rootOwned =
        Files.writeString(staging.resolve(".slm_1_b1.parquet.00ff00ff00ff00ff.tmp"), "x");
    Path deniedDir = Files.createDirectories(dir.resolve("lake/archive/silver"));
    Path other = Files.writeString(lake.resolve(".part-1.parquet.0123456789abcdef.tmp"), "x");
    for (Path p : new Path[] {rootOwned, other}) {
      Files.setLastModifiedTime(p, FileTime.from(NOW.minus(Duration.ofHours(2))));
    }
    Storage denying =
        new dev.tiering.core.storage.ForwardingStorage(Storage.local()) {
          @Override
          public boolean deleteIfAbandoned(Path temporary) throws IOException {
            if (temporary.equals(rootOwned)) {
              throw new java.nio.file.AccessDeniedException(temporary.toString());
            }
            return super.deleteIfAbandoned(temporary);
          }

          @Override
          public java.util.List<dev.tiering.core.storage.FileEntry> list(Path d)
              throws IOException {
            if (d.equals(deniedDir)) {
              throw new java.nio.file.AccessDeniedException(d.toString());
            }
            return super.list(d);
          }
        }.reportingFullTiers(paths.layout());

    LifecycleReport report =
        new TempFileSweeper(denying, Duration.ofMinutes(1), Clock.fixed(NOW, ZoneOffset.UTC))
            .recover(paths);

    assertThat(other).doesNotExist();
    assertThat(report.actions(LifecycleReport.Verb.DELETED))
        .extracting(LifecycleReport.Action::path)
        .containsExactly(other);
    assertThat(report.failures())
        .containsExactlyInAnyOrder(
            new LifecycleReport.Failure(deniedDir, "list the directory", "permission denied"),
            new LifecycleReport.Failure(
                rootOwned, "remove the abandoned temporary file", "permission denied"));
  }
}
