package dev.tiering.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        .hasMessageStartingWith("Invalid tier layout: hot root /data and lake root /data/lake overlap");
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
    assertThat(TierLayout.fromSettings(Map.of(), Map.of(
            "TIERING_ROOT", "/srv/t", "TIERING_LAKE_ROOT", "/mnt/hdd/lake")))
        .isEqualTo(new TierLayout(Path.of("/srv/t/hot"), Path.of("/mnt/hdd/lake")));
    assertThat(TierLayout.fromSettings(Map.of("tiering.hot.root", "/mnt/ssd"),
            Map.of("TIERING_HOT_ROOT", "/ignored", "TIERING_LAKE_ROOT", "/mnt/hdd")))
        .isEqualTo(new TierLayout(Path.of("/mnt/ssd"), Path.of("/mnt/hdd")));
    assertThat(TierLayout.fromSettings(Map.of("tiering.hot.root", " "), Map.of()))
        .isEqualTo(TierLayout.defaults());
  }
}
