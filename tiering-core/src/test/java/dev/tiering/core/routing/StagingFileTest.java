package dev.tiering.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import dev.tiering.core.testing.Seeded;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StagingFileTest {

  @Test
  void parsesTheSeedsFileNames() {
    assertThat(StagingFile.parse("slm_3_b42.parquet"))
        .contains(StagingFile.intermediate(SlmId.of(3), BatchId.of("b42")));
    assertThat(StagingFile.parse("crosscheck_6_2025-11-10_run_2.parquet"))
        .contains(StagingFile.crosscheck(SlmId.of(6), BatchId.of("2025-11-10_run_2")));
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

  @Test
  void fileNameParsesBackToTheSameParts() {
    Seeded.forAll(
        1000,
        edgeFiles(),
        StagingFileTest::anyStagingFile,
        StagingFile::fileName,
        file -> {
          String name = file.fileName();
          assertThat(StagingFile.parse(name)).contains(file);
          assertThat(StagingFile.parse(name).orElseThrow().fileName()).isEqualTo(name);
          // The same name as a writer's temporary file, hidden or suffixed, is not a staging file.
          assertThat(StagingFile.parse(name + ".tmp")).isEmpty();
          assertThat(StagingFile.parse("." + name + ".1f2e.tmp")).isEmpty();
        });
  }

  private static final String FIRST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final String BATCH_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

  /**
   * Both kinds, SLM ids from small to {@code Integer.MAX_VALUE}, batch ids of a lowercase letter or
   * digit then 0-127 of {@code [A-Za-z0-9_-]}, mostly short.
   */
  private static StagingFile anyStagingFile(Random random) {
    DataKind kind = random.nextBoolean() ? DataKind.INTERMEDIATE : DataKind.CROSSCHECK;
    int slm =
        switch (random.nextInt(3)) {
          case 0 -> random.nextInt(10);
          case 1 -> random.nextInt(100_000);
          default -> random.nextInt(Integer.MAX_VALUE) + 1;
        };
    int length = random.nextInt(8) == 0 ? random.nextInt(128) : random.nextInt(17);
    StringBuilder batch =
        new StringBuilder().append(FIRST_CHARS.charAt(random.nextInt(FIRST_CHARS.length())));
    for (int i = 0; i < length; i++) {
      batch.append(BATCH_CHARS.charAt(random.nextInt(BATCH_CHARS.length())));
    }
    return new StagingFile(kind, SlmId.of(slm), BatchId.of(batch.toString()));
  }

  /**
   * Every kind with the smallest and largest SLM ids, and batch ids that are one character, 128
   * characters, or look like an SLM id and a batch id themselves.
   */
  private static List<StagingFile> edgeFiles() {
    List<StagingFile> files = new ArrayList<>();
    for (DataKind kind : List.of(DataKind.INTERMEDIATE, DataKind.CROSSCHECK)) {
      for (int slm : new int[] {0, 1, Integer.MAX_VALUE}) {
        for (String batch :
            List.of(
                "a",
                "0",
                "z",
                "9",
                "1_2",
                "0_0_",
                "9-",
                "a" + "_".repeat(127),
                "0" + "-".repeat(127),
                "z" + "Z9_-".repeat(31) + "Z9_")) {
          files.add(new StagingFile(kind, SlmId.of(slm), BatchId.of(batch)));
        }
      }
    }
    return files;
  }
}
