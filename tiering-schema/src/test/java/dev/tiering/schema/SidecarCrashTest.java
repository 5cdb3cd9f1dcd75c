package dev.tiering.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Killing a writer at random moments (SIGKILL, no shutdown hooks) never leaves a bad sidecar. */
class SidecarCrashTest {

  private static final int KILLS = 8;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void sidecarIsWholeAfterEveryKill(@TempDir Path base) throws Exception {
    Path schemaFile =
        new PathResolver(Storage.createRoots(TierLayout.under(base)))
            .schemaFile(Zone.SILVER, TableName.of("churn"));
    Random random = new Random(42);
    long lastRows = 0;
    for (int kill = 0; kill < KILLS; kill++) {
      Process churn =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  SidecarChurn.class.getName(),
                  base.toString())
              .redirectErrorStream(true)
              .start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(churn.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        do {
          line = out.readLine();
        } while (line != null && !line.equals("ready"));
        assertThat(line).as("writer started").isEqualTo("ready");
        Thread.sleep(50 + random.nextInt(250));
      } finally {
        // Whatever failed above, the writer must not outlive the test.
        churn.destroyForcibly();
        assertThat(churn.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      SchemaSidecar sidecar = SchemaSidecar.read(schemaFile);
      assertThat(sidecar.schema().version()).isEqualTo(SchemaVersion.INITIAL);
      long rows = sidecar.quality().rowCount();
      assertThat(rows).as("rows only grow across kills").isGreaterThanOrEqualTo(lastRows);
      assertThat(sidecar.quality().fieldQuality().get("note").rows()).isEqualTo(rows);
      lastRows = rows;
    }
    assertThat(lastRows).isPositive();
  }
}
