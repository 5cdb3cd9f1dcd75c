package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TierLayout;
import dev.tiering.core.lifecycle.TempFileSweeper;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.core.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A writer killed midway leaves only a hidden temporary file, which recovery removes. */
class CrashRecoveryTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aKilledWriterLeavesOnlyAHiddenTemporaryFileThatRecoveryRemoves(@TempDir Path base)
      throws Exception {
    Path staging = base.resolve("hot/staging");
    try (ChildJvm writer = ChildJvm.start(KilledWriter.class, base.toString())) {
      writer.await("written"::equals, 60_000);

      // While it runs, its temporary file is protected however old it looks.
      TempFileSweeper impatient =
          new TempFileSweeper(
              Storage.local(), Duration.ZERO, Clock.offset(Clock.systemUTC(), Duration.ofDays(1)));
      assertThat(impatient.sweep(staging)).isEmpty();
    }

    List<Path> left = list(staging);
    assertThat(left)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(Storage.isTemporary(p.getFileName().toString())).isTrue();
              assertThat(Files.size(p)).isGreaterThan(1024 * 1024);
            });
    assertThat(Duck.query("SELECT * FROM glob(" + Duck.literal(staging.resolve("*.parquet")) + ")"))
        .isEmpty();

    List<Path> removed =
        new TempFileSweeper(Storage.local(), Duration.ZERO, Clock.systemUTC())
                .recover(new PathResolver(TierLayout.under(base)))
                .actions(dev.tiering.core.lifecycle.LifecycleReport.Verb.DELETED)
                .stream()
                .map(dev.tiering.core.lifecycle.LifecycleReport.Action::path)
                .toList();
    assertThat(removed).containsExactlyElementsOf(left);
    assertThat(list(staging)).isEmpty();
  }

  private static List<Path> list(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.list(dir)) {
      // The batch lock file is the staging area's own and stays.
      return files.filter(p -> !p.getFileName().toString().equals(".batches.lock")).toList();
    }
  }
}
