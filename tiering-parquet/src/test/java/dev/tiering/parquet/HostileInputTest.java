package dev.tiering.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.BatchId;
import dev.tiering.core.SlmId;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.storage.Storage;
import dev.tiering.schema.MalformedSidecarException;
import dev.tiering.schema.RowValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rows that do not match the schema, and hostile schema.json files planted in the lake, are refused
 * with a message naming the row, field or location, and nothing is written: no file, no temporary
 * file, no changed sidecar.
 */
class HostileInputTest {

  @TempDir Path base;
  private PathResolver paths;

  @BeforeEach
  void layout() throws java.io.IOException {
    paths = new PathResolver(Storage.createRoots(TierLayout.under(base)));
  }

  static Stream<Arguments> badRows() {
    return Stream.of(
        Arguments.of(Map.of("value", 1.0), "field 'id': (int64) is required but missing"),
        Arguments.of(Map.of("id", "seven", "value", 1.0), "'id'"),
        Arguments.of(Map.of("id", 7L, "value", Double.NaN), "'value'"),
        Arguments.of(Map.of("id", 7L, "value", 1.0, "secret", "x"), "'secret'"),
        Arguments.of(Map.of("id", 7L, "value", 1.0, "payload", 42), "'payload'"));
  }

  @ParameterizedTest
  @MethodSource("badRows")
  void aStagingWriteWithABadRowIsRefusedAndWritesNothing(Map<String, Object> bad, String names)
      throws Exception {
    List<Map<String, Object>> rows = goodRows(500);
    rows.add(bad);
    rows.addAll(goodRows(10));
    assertThatThrownBy(
            () ->
                StagingWriter.builder(paths)
                    .build()
                    .writeIntermediate(SlmId.of(1), BatchId.of("b"), CrashChild.schema(), rows))
        .isInstanceOf(RowValidationException.class)
        .hasMessageContaining("Row 500")
        .hasMessageContaining(names);
    assertThat(everything()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("badRows")
  void aLakeWriteWithABadRowIsRefusedAndWritesNothing(Map<String, Object> bad, String names)
      throws Exception {
    List<Map<String, Object>> rows = goodRows(500);
    rows.add(bad);
    assertThatThrownBy(
            () -> LakeWriter.builder(paths).build().writeCleanData(CrashChild.schema(), rows))
        .isInstanceOf(RowValidationException.class)
        .hasMessageContaining(names);
    assertThat(everything()).isEmpty();
  }

  static Stream<Arguments> hostileSidecars() {
    return Stream.of(
        Arguments.of(
            "{\"table_name\": \"crash_rows\", \"zone\": \"bronze\", \"version\": \"1.0.0\","
                + " \"fields\": [{\"name\": \"id\", \"type\": \"int64\", \"nullable\": \"yes\"}]}",
            "schema.json:1:1: missing key \"created_at\""),
        Arguments.of("{\"table_name\": \"" + "x".repeat(2_000_000) + "\"}", "schema.json"),
        Arguments.of("[".repeat(10_000), "schema.json"),
        Arguments.of(
            "{\"table_name\": \"../../etc\", \"zone\": \"bronze\", \"version\": \"1.0.0\","
                + " \"fields\": []}",
            "schema.json"),
        Arguments.of("", "schema.json"));
  }

  @ParameterizedTest
  @MethodSource("hostileSidecars")
  void aHostileSidecarRefusesTheWriteAndStaysAsItWas(String content, String names)
      throws Exception {
    Path sidecar = paths.schemaFile(Zone.BRONZE, CrashChild.schema().table());
    Files.createDirectories(sidecar.getParent());
    Files.writeString(sidecar, content);

    assertThatThrownBy(
            () ->
                LakeWriter.builder(paths)
                    .build()
                    .writeCleanData(CrashChild.schema(), goodRows(100)))
        .isInstanceOf(MalformedSidecarException.class)
        .hasMessageContaining(sidecar.toString())
        .hasMessageContaining(names);

    assertThat(Files.readString(sidecar)).isEqualTo(content);
    assertThat(everything()).containsExactly(sidecar);
  }

  private List<Path> everything() throws IOException {
    if (!Files.exists(base)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(base)) {
      return all.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().endsWith(".lock"))
          .toList();
    }
  }

  private static List<Map<String, Object>> goodRows(int n) {
    Random random = new Random(n);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new HashMap<>(CrashRows.row(i, random)));
    }
    return rows;
  }
}
