package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WriterSettingsTest {

  @Test
  void rowGroupsHaveNoRowCapUnlessOneIsSetAndACopyKeepsIt() {
    assertThat(WriterSettings.staging().rowGroupRows()).isEqualTo(Integer.MAX_VALUE);
    WriterSettings capped = WriterSettings.lake().toBuilder().rowGroupRows(122_880).build();
    assertThat(capped.rowGroupRows()).isEqualTo(122_880);
    assertThat(capped.toBuilder().pageV2(false).build().rowGroupRows()).isEqualTo(122_880);
  }

  @Test
  void aRowCapBelowAThousandIsRefusedWithTheRange() {
    assertThatThrownBy(() -> WriterSettings.lake().toBuilder().rowGroupRows(999))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Invalid row group cap 999 rows (use 1000 or more; Integer.MAX_VALUE, the default,"
                + " for none)");
  }

  @Test
  void sizesOutOfRangeAreRefusedWithTheRange() {
    assertThatThrownBy(() -> WriterSettings.lake().toBuilder().rowGroupBytes(1024))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid row group size 1024 bytes (use 1048576 to 1073741824)");
    assertThatThrownBy(() -> WriterSettings.lake().toBuilder().compressionLevel(23))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Invalid zstd level 23 (use -7 to 22");
  }
}
