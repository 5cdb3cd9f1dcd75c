package dev.tiering.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed and hostile sidecars fail clearly, naming the file, line and column; never OOM or stack
 * overflow.
 */
class MalformedSidecarTest {

  @TempDir Path dir;

  private MalformedSidecarException readFails(String content) throws IOException {
    Path file = Files.writeString(dir.resolve("schema.json"), content);
    try {
      SchemaSidecar.read(file);
    } catch (MalformedSidecarException e) {
      assertThat(e.getMessage()).startsWith(file.toString());
      assertThat(e.source()).isEqualTo(file.toString());
      return e;
    }
    throw new AssertionError("accepted: " + content);
  }

  private String seedWith(String from, String to) throws IOException {
    String seed = SidecarFormatTest.seedDocument();
    assertThat(seed).contains(from);
    return seed.replace(from, to);
  }

  @Test
  void truncatedDocumentNamesWhereItEnds() throws IOException {
    String seed = SidecarFormatTest.seedDocument();
    MalformedSidecarException e = readFails(seed.substring(0, seed.indexOf("\"partition_by\"")));
    assertThat(e.line()).isEqualTo(13);
    assertThat(e.getMessage()).contains(":13:").contains("not valid JSON: Unexpected end-of-input");
  }

  @Test
  void wrongTypeNamesThePathLineAndColumn() throws IOException {
    MalformedSidecarException e =
        readFails(seedWith("\"nullable\": true}", "\"nullable\": \"yes\"}"));
    assertThat(e.getMessage())
        .endsWith(":11:61: schema.fields[3].nullable: expected true or false, found a string");
    assertThat(e.line()).isEqualTo(11);
    assertThat(e.column()).isEqualTo(61);
  }

  @Test
  void missingKeyIsNamed() throws IOException {
    MalformedSidecarException e = readFails(seedWith("\"version\": \"1.2.0\",\n", ""));
    assertThat(e.getMessage()).endsWith(":1:1: missing key \"version\"");
  }

  @Test
  void unknownTypeListsTheKnownOnes() throws IOException {
    MalformedSidecarException e =
        readFails(seedWith("\"type\": \"int32\"", "\"type\": \"int128\""));
    assertThat(e.getMessage())
        .endsWith(
            ":9:34: schema.fields[1].type: Unknown field type 'int128'"
                + " (use one of timestamp, date, int32, int64, float32, float64, boolean, string, binary,"
                + " decimal(precision,scale))");
  }

  @Test
  void badValuesInsideStringsAreNamed() throws IOException {
    assertThat(readFails(seedWith("\"silver\"", "\"platinum\"")).getMessage())
        .endsWith(":3:11: zone: Invalid zone 'platinum' (use one of bronze, silver, gold)");
    assertThat(readFails(seedWith("\"1.2.0\"", "\"1.2\"")).getMessage())
        .endsWith(
            ":4:14: version: Invalid schema version '1.2' (use MAJOR.MINOR.PATCH, e.g. 1.2.0)");
    assertThat(
            readFails(
                    seedWith(
                        "\"created_at\": \"2025-11-10T12:00:00Z\"",
                        "\"created_at\": \"yesterday\""))
                .getMessage())
        .endsWith(
            ":5:17: created_at: 'yesterday' is not an ISO-8601 time with offset (use UTC, e.g."
                + " 2025-11-10T12:00:00Z)");
    assertThat(readFails(seedWith("\"completeness\": 0.98", "\"completeness\": 1.5")).getMessage())
        .endsWith(":16:21: quality_metrics.completeness: expected a number from 0 to 1, found 1.5");
    assertThat(readFails(seedWith("\"name\": \"slm_id\"", "\"name\": \"../slm\"")).getMessage())
        .contains("schema.fields[1].name: Invalid field name '../slm'");
    assertThat(readFails(seedWith("\"name\": \"slm_id\"", "\"name\": \"timestamp\"")).getMessage())
        .contains(
            "schema: Invalid schema of silver.slm_predictions: field 'timestamp' appears twice");
  }

  @Test
  void duplicateKeysAreRefused() throws IOException {
    assertThat(
            readFails(
                    seedWith("\"zone\": \"silver\",", "\"zone\": \"silver\", \"zone\": \"gold\","))
                .getMessage())
        .contains(":3:")
        .contains("Duplicate field 'zone'");
  }

  @Test
  void notAnObjectAndEmptyAndTrailingContent() throws IOException {
    assertThat(readFails("[1, 2]").getMessage())
        .endsWith(":1:1: expected an object, found an array");
    assertThat(readFails("").getMessage()).endsWith(": it is empty");
    assertThat(readFails(SidecarFormatTest.seedDocument() + "{}").getMessage())
        .contains("unexpected content after the document");
  }

  @Test
  void tenMegabyteStringIsRefusedBeforeReading() throws IOException {
    String huge =
        seedWith(
            "\"table_name\": \"slm_predictions\"",
            "\"table_name\": \"" + "a".repeat(10 * 1024 * 1024) + "\"");
    MalformedSidecarException e = readFails(huge);
    assertThat(e.getMessage()).contains("more than the 4194304-byte limit for a sidecar");
    assertThat(e.line()).isZero();
  }

  @Test
  void longStringUnderTheFileLimitIsRefusedByTheStringLimit() throws IOException {
    String longDescription =
        seedWith(
            "\"nullable\": true}",
            "\"nullable\": true, \"description\": \"" + "d".repeat(300_000) + "\"}");
    assertThat(readFails(longDescription).getMessage())
        .contains(
            "not valid JSON: String value length (300000) exceeds the maximum allowed (262144");
  }

  @Test
  void tenThousandDeepNestingIsRefusedWithoutStackOverflow() throws IOException {
    String deep = "{\"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    MalformedSidecarException e = readFails(deep);
    assertThat(e.getMessage())
        .contains(":1:")
        .contains("Document nesting depth (33) exceeds the maximum allowed");
  }

  @Test
  void hugeNumberIsRefused() throws IOException {
    assertThat(readFails(seedWith("0.98", "0." + "9".repeat(1000))).getMessage())
        .contains("Number value length")
        .contains("exceeds the maximum allowed");
  }

  @Test
  void unreadableFileIsAnIoErrorNamingIt() {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> SchemaSidecar.read(missing))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString());
  }
}
