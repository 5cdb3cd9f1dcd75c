package dev.tiering.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

  @Test
  void printsAsDuDoes() {
    assertThat(ByteSize.of(930)).hasToString("930 B");
    assertThat(ByteSize.of(1024)).hasToString("1.0 KiB");
    assertThat(ByteSize.of(9L * (1 << 30) + (1 << 29))).hasToString("9.5 GiB");
  }

  @Test
  void parsesUnitsInAnyCase() {
    assertThat(ByteSize.parse("40GiB").bytes()).isEqualTo(40L << 30);
    assertThat(ByteSize.parse("40g").bytes()).isEqualTo(40L << 30);
    assertThat(ByteSize.parse("512 MiB").bytes()).isEqualTo(512L << 20);
    assertThat(ByteSize.parse("1.5K").bytes()).isEqualTo(1536);
    assertThat(ByteSize.parse("1000").bytes()).isEqualTo(1000);
    assertThatThrownBy(() -> ByteSize.parse("ten gigs"))
        .hasMessage(
            "Invalid size 'ten gigs' (use a number and a unit of B, KiB, MiB, GiB, TiB: e.g. 40GiB or 512M)");
    assertThatThrownBy(() -> ByteSize.parse("-1G")).hasMessageContaining("Invalid size");
    assertThatThrownBy(() -> ByteSize.parse("99999999P")).hasMessageContaining("Invalid size");
  }
}
