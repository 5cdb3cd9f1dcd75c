package dev.tiering.schema;

import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** Run in a forked JVM by {@link SidecarCrashTest}: commits sidecar updates until killed. */
public final class SidecarChurn {

  private SidecarChurn() {}

  /** Arguments: the base directory. */
  public static void main(String[] args) throws Exception {
    SidecarStore store =
        new SidecarStore(new PathResolver(Storage.createRoots(TierLayout.under(Path.of(args[0])))));
    TableSchema schema =
        TableSchema.builder(Zone.SILVER, "churn")
            .required("id", FieldType.INT64)
            .nullable("note", FieldType.STRING)
            .build();
    for (long i = 0; ; i++) {
      store.commit(
          schema,
          new QualityMetrics(
              1.0,
              null,
              Instant.now(),
              1L,
              Map.of("note", new QualityMetrics.FieldQuality(1, 0)),
              Map.of(),
              Map.of()),
          EvolutionPolicy.SAME);
      if (i == 0) {
        // Only now is there a sidecar for the parent to check after the kill.
        System.out.println("ready");
        System.out.flush();
      }
    }
  }
}
