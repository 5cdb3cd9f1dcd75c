package dev.tiering.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StagingFileTest {

  @Test
  void parsesTheSeedsFileNames() {
    assertThat(StagingFile.parse("slm_3_b42.parquet")).contains(
        StagingFile.intermediate(SlmId.of(3), BatchId.of("b42")));
    assertThat(StagingFile.parse("crosscheck_6_2025-11-10_run_2.parquet")).contains(
        StagingFile.crosscheck(SlmId.of(6), BatchId.of("2025-11-10_run_2")));
  }

  @Test
  void foreignAndHiddenNamesAreNotStagingFiles() {
    assertThat(StagingFile.parse("slm_3_b42.parquet.tmp")).isEmpty();
    assertThat(StagingFile.parse(".slm_3_b42.parquet.1f2e.tmp")).isEmpty();
    assertThat(StagingFile.parse("slm__b42.parquet")).isEmpty();
    assertThat(StagingFile.parse("slm_03_b42.parquet")).isEmpty();
    assertThat(StagingFile.parse("slm_x_b42.parquet")).isEmpty();
    assertThat(StagingFile.parse("slm_3_.parquet")).isEmpty();
    assertThat(StagingFile.parse("slm_3.parquet")).isEmpty();
    assertThat(StagingFile.parse("other_3_b42.parquet")).isEmpty();
    assertThat(StagingFile.parse("notes.txt")).isEmpty();
    assertThat(StagingFile.parse(null)).isEmpty();
  }

  @Test
  void onlyStagingKindsHaveStagingFiles() {
    assertThatThrownBy(() -> new StagingFile(DataKind.CLEAN, SlmId.of(1), BatchId.of("b")))
        .hasMessage("Data kind clean has no staging file name (use intermediate or crosscheck)");
  }

  @Property(tries = 1000)
  void fileNameParsesBackToTheSameParts(@ForAll("stagingFiles") StagingFile file) {
    assertThat(StagingFile.parse(file.fileName())).contains(file);
    assertThat(StagingFile.parse(file.fileName()).orElseThrow().fileName()).isEqualTo(file.fileName());
  }

  @Provide
  Arbitrary<StagingFile> stagingFiles() {
    Arbitrary<DataKind> kinds = Arbitraries.of(DataKind.INTERMEDIATE, DataKind.CROSSCHECK);
    Arbitrary<SlmId> slms = Arbitraries.integers().between(0, Integer.MAX_VALUE).map(SlmId::of);
    Arbitrary<BatchId> batches = Combinators.combine(
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofLength(1),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars('_', '-').ofMaxLength(127))
        .as((first, rest) -> BatchId.of(first + rest));
    return Combinators.combine(kinds, slms, batches).as(StagingFile::new);
  }
}
