package dev.tiering.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.storage.Storage;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TierLayoutTest {

  @Test
  void defaultsAreTheSeedsMountPoints() {
    assertThat(TierLayout.defaults().hotRoot()).hasToString("/data/hot");
    assertThat(TierLayout.defaults().lakeRoot()).hasToString("/data/lake");
    assertThat(TierLayout.builder().build()).isEqualTo(TierLayout.defaults());
  }

  @Test
  void underABaseDirectoryPutsHotAndLakeSideBySide(@TempDir Path base) {
    TierLayout layout = TierLayout.under(base);
    assertThat(layout.root(Tier.HOT)).isEqualTo(base.resolve("hot"));
    assertThat(layout.root(Tier.COLD)).isEqualTo(base.resolve("lake"));
  }

  @Test
  void relativeRootsAreMadeAbsolute() {
    TierLayout layout = TierLayout.under(Path.of("data"));
    assertThat(layout.hotRoot()).isEqualTo(Path.of("").toAbsolutePath().resolve("data/hot"));
  }

  @Test
  void overlappingRootsAreRefused() {
    assertThatThrownBy(() -> new TierLayout(Path.of("/data"), Path.of("/data/lake")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Invalid tier layout: hot root /data and lake root /data/lake overlap");
    assertThatThrownBy(() -> new TierLayout(Path.of("/x/../data"), Path.of("/data/.")))
        .hasMessageContaining("overlap");
  }

  @Test
  void settingsPrecedenceIsPropertyOverVariableAndTierOverBase() {
    assertThat(TierLayout.fromSettings(Map.of(), Map.of())).isEqualTo(TierLayout.defaults());
    assertThat(TierLayout.fromSettings(Map.of(), Map.of("TIERING_ROOT", "/srv/t")))
        .isEqualTo(TierLayout.under(Path.of("/srv/t")));
    assertThat(TierLayout.fromSettings(Map.of("tiering.root", "/p"), Map.of("TIERING_ROOT", "/e")))
        .isEqualTo(TierLayout.under(Path.of("/p")));
    assertThat(
            TierLayout.fromSettings(
                Map.of(), Map.of("TIERING_ROOT", "/srv/t", "TIERING_LAKE_ROOT", "/mnt/hdd/lake")))
        .isEqualTo(new TierLayout(Path.of("/srv/t/hot"), Path.of("/mnt/hdd/lake")));
    assertThat(
            TierLayout.fromSettings(
                Map.of("tiering.hot.root", "/mnt/ssd"),
                Map.of("TIERING_HOT_ROOT", "/ignored", "TIERING_LAKE_ROOT", "/mnt/hdd")))
        .isEqualTo(new TierLayout(Path.of("/mnt/ssd"), Path.of("/mnt/hdd")));
  }

  @Test
  void aRootSettingThatIsEmptyOrRelativeIsRefusedNotTakenForTheDefaults() {
    assertThatThrownBy(() -> TierLayout.fromSettings(Map.of("tiering.hot.root", " "), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid -Dtiering.hot.root ' ': it is empty (give an absolute directory,"
                + " such as /data, or unset it for the defaults)");
    assertThatThrownBy(() -> TierLayout.fromSettings(Map.of(), Map.of("TIERING_ROOT", "")))
        .hasMessageStartingWith("Invalid TIERING_ROOT '': it is empty");
    assertThatThrownBy(() -> TierLayout.fromSettings(Map.of(), Map.of("TIERING_ROOT", "data")))
        .hasMessageStartingWith("Invalid TIERING_ROOT 'data': it is a relative path");
  }

  @Test
  void aLakeUriPutsTheLakeOnAnotherFileSystem() {
    TierLayout layout =
        TierLayout.builder()
            .hotRoot(Path.of("/data/hot"))
            .lakeRoot("hdfs://namenode:8020/data/lake")
            .build();
    assertThat(layout.lakeIsLocal()).isFalse();
    assertThat(layout.lakeStore()).hasToString("hdfs://namenode:8020");
    assertThat(layout.lakeRoot()).isEqualTo(Path.of("/data/lake"));
    assertThat(layout.display(Path.of("/data/lake/clean/gold/t/schema.json")))
        .isEqualTo("hdfs://namenode:8020/data/lake/clean/gold/t/schema.json");
    assertThat(layout.display(Path.of("/data/hot/staging/slm_1_b.parquet")))
        .isEqualTo("/data/hot/staging/slm_1_b.parquet");
    assertThat(layout.tierOf(Path.of("/data/lake/raw/x"))).contains(Tier.COLD);

    TierLayout fromEnv =
        TierLayout.fromSettings(
            Map.of(), Map.of("TIERING_LAKE_ROOT", "HDFS://namenode:8020/data/lake"));
    assertThat(fromEnv.lakeStore()).hasToString("hdfs://namenode:8020");
    assertThat(fromEnv.hotRoot()).isEqualTo(Path.of("/data/hot"));
  }

  @Test
  void fileUrisAndPlainPathsStayLocal() {
    TierLayout layout = TierLayout.builder().lakeRoot("file:///mnt/hdd/lake").build();
    assertThat(layout.lakeIsLocal()).isTrue();
    assertThat(layout.lakeRoot()).isEqualTo(Path.of("/mnt/hdd/lake"));
    assertThat(TierLayout.builder().lakeRoot("/mnt/hdd/lake").build()).isEqualTo(layout);
    Storage storage = Storage.forLayout(layout); // no provider needed for a local lake
    assertThat(storage.reportingFullTiers(layout)).isSameAs(storage);
  }

  @Test
  void badLakeUrisAndMissingProvidersAreExplained() {
    assertThatThrownBy(() -> TierLayout.builder().lakeRoot("hdfs://namenode:8020").build())
        .hasMessage(
            "Invalid lake root 'hdfs://namenode:8020': the URI has no path (use e.g."
                + " hdfs://namenode:8020/lake)");
    assertThatThrownBy(() -> TierLayout.builder().lakeRoot("hdfs://name node/lake").build())
        .hasMessageStartingWith("Invalid lake root 'hdfs://name node/lake': Illegal character");
    TierLayout hdfs = TierLayout.builder().lakeRoot("hdfs://namenode:8020/lake").build();
    assertThatThrownBy(() -> Storage.forLayout(hdfs))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "No storage for the lake on hdfs://namenode:8020: add the"
                + " dev.tiering:tiering-hadoop module to the class path (for hdfs://, Hadoop's client"
                + " for that file system too), or use a local lake root");
  }

  @Test
  void aRemoteLakeStillNeedsAPathApartFromTheHotRoot() {
    // Paths tell the tiers apart, so /data on the NameNode may not hold /data/hot's path either.
    assertThatThrownBy(
            () ->
                TierLayout.builder()
                    .hotRoot(Path.of("/data/hot"))
                    .lakeRoot("hdfs://namenode:8020/data")
                    .build())
        .hasMessageStartingWith(
            "Invalid tier layout: hot root /data/hot and lake root /data" + " overlap");
  }

  @Test
  void nothingIsWrittenBelowARootThatIsNotThereAndTheErrorAsksWhetherItIsMounted(@TempDir Path base)
      throws java.io.IOException {
    TierLayout layout = TierLayout.under(base);
    Storage storage = Storage.forLayout(layout);
    Path staging = base.resolve("hot/staging/slm_1_b1.parquet");
    assertThatThrownBy(() -> storage.create(staging, dev.tiering.core.storage.WriteMode.CREATE_NEW))
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessageContaining(
            "The hot tier root "
                + base.resolve("hot")
                + " does not exist, so nothing was written to "
                + staging
                + " (is the SSD mounted? The SDK never creates a tier root");
    assertThatThrownBy(() -> storage.createDirectories(base.resolve("lake/clean/silver")))
        .hasMessageContaining("The lake root " + base.resolve("lake") + " does not exist")
        .hasMessageContaining("is the lake disk mounted?");
    assertThatThrownBy(
            () ->
                storage.tryLock(
                    base.resolve("hot/staging/.batches.lock"),
                    "b1",
                    dev.tiering.core.storage.LockMode.SHARED,
                    java.time.Duration.ZERO))
        .hasMessageContaining("The hot tier root " + base.resolve("hot") + " does not exist");
    assertThatThrownBy(
            () ->
                storage.lock(
                    base.resolve("lake/clean/silver/t/.schema.json.lock"), java.time.Duration.ZERO))
        .hasMessageContaining("The lake root " + base.resolve("lake") + " does not exist");
    java.nio.file.Files.writeString(base.resolve("outside"), "x");
    assertThatThrownBy(
            () -> storage.move(base.resolve("outside"), base.resolve("lake/archive/outside")))
        .hasMessageContaining("The lake root " + base.resolve("lake") + " does not exist");
    // Every write of the SDK goes through this storage; none made a directory.
    try (var left = java.nio.file.Files.list(base)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("outside");
    }
  }

  @Test
  void createRootsMakesBothRootsAndThenEveryAreaBelowThemMayBeCreated(@TempDir Path base)
      throws java.io.IOException {
    TierLayout layout = Storage.createRoots(TierLayout.under(base.resolve("new")));
    assertThat(base.resolve("new/hot")).isDirectory();
    assertThat(base.resolve("new/lake")).isDirectory();
    Storage.forLayout(layout).createDirectories(base.resolve("new/hot/staging"));
    assertThat(base.resolve("new/hot/staging")).isDirectory();
    assertThat(Storage.createRoots(layout)).isEqualTo(layout); // twice is harmless
    java.nio.file.Files.writeString(base.resolve("file"), "x");
    assertThatThrownBy(() -> Storage.createRoots(TierLayout.under(base.resolve("file"))))
        .isInstanceOf(java.nio.file.NotDirectoryException.class);
  }
}
