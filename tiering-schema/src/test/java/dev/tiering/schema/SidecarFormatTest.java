package dev.tiering.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar format is exactly the seed's, in both directions. */
class SidecarFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static String seedDocument() throws IOException {
    try (InputStream in = SidecarFormatTest.class.getResourceAsStream("/seed-schema.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void seedSampleParsesToItsValues() throws IOException {
    SchemaSidecar sidecar = SchemaSidecar.parse(seedDocument(), "seed-schema.json");
    TableSchema schema = sidecar.schema();
    assertThat(schema.table()).isEqualTo(TableName.of("slm_predictions"));
    assertThat(schema.zone()).isEqualTo(Zone.SILVER);
    assertThat(schema.version()).isEqualTo(new SchemaVersion(1, 2, 0));
    assertThat(schema.createdAt()).isEqualTo(Instant.parse("2025-11-10T12:00:00Z"));
    assertThat(schema.fields())
        .containsExactly(
            Field.required("timestamp", FieldType.TIMESTAMP),
            Field.required("slm_id", FieldType.INT32),
            Field.required("prediction", FieldType.FLOAT64),
            Field.nullable("confidence", FieldType.FLOAT64));
    assertThat(schema.partitionBy()).containsExactly("date");
    assertThat(sidecar.quality().completeness()).isEqualTo(0.98);
    assertThat(sidecar.quality().accuracy()).isEqualTo(0.95);
    assertThat(sidecar.quality().lastValidated()).isEqualTo(Instant.parse("2025-11-10T12:00:00Z"));
    assertThat(sidecar.quality().rowCount()).isNull();
  }

  @Test
  void seedSampleRewritesToTheSameDocumentKeyForKey() throws IOException {
    String seed = seedDocument();
    String rewritten = SchemaSidecar.parse(seed, "seed").toJson();
    assertSameDocument(JSON.readTree(rewritten), JSON.readTree(seed), "");
  }

  @Test
  void rewriteIsPrettyPrintedWithTheSeedsKeyOrder() throws IOException {
    String rewritten = SchemaSidecar.parse(seedDocument(), "seed").toJson();
    assertThat(rewritten)
        .startsWith(
            """
            {
              "table_name": "slm_predictions",
              "zone": "silver",
              "version": "1.2.0",
              "created_at": "2025-11-10T12:00:00Z",
              "schema": {
                "fields": [
                  {
                    "name": "timestamp",
            """);
    assertThat(rewritten).contains("\"partition_by\": [\n      \"date\"\n    ]");
    assertThat(rewritten).endsWith("}\n");
  }

  @Test
  void unknownKeysAtEveryLevelSurviveARewrite() throws IOException {
    JsonNode doc = JSON.readTree(seedDocument());
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc).put("owner", "data-team");
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("schema"))
        .putObject("hints")
        .put("sort_by", "timestamp");
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("schema").get("fields").get(3))
        .put("pii", false);
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("quality_metrics"))
        .putArray("checked_by")
        .add("nightly")
        .add(7);

    SchemaSidecar sidecar = SchemaSidecar.parse(doc.toString(), "doc");
    assertThat(sidecar.schema().extras()).containsEntry("owner", "\"data-team\"");
    assertThat(sidecar.schema().fields().get(3).extras()).containsEntry("pii", "false");
    assertSameDocument(JSON.readTree(sidecar.toJson()), doc, "");
  }

  @Test
  void fullMetricsRoundTrip() throws IOException {
    TableSchema schema =
        TableSchema.builder(Zone.GOLD, "daily")
            .required("n", FieldType.INT64)
            .nullable("price", FieldType.decimal(18, 4))
            .field(Field.nullable("note", FieldType.STRING).withDescription("free text"))
            .createdAt(Instant.parse("2025-11-10T12:00:00Z"))
            .build();
    QualityMetrics metrics =
        new QualityMetrics(
            0.75,
            0.5,
            Instant.parse("2025-11-11T00:00:00Z"),
            4L,
            Map.of("n", new QualityMetrics.FieldQuality(4, 0)),
            Map.of("positive", new QualityMetrics.RuleQuality(4, 2)),
            Map.of());
    SchemaSidecar sidecar = new SchemaSidecar(schema, metrics);

    SchemaSidecar back = SchemaSidecar.parse(sidecar.toJson(), "x");

    assertThat(back).isEqualTo(sidecar);
    assertThat(sidecar.toJson())
        .contains(
            "\"type\": \"decimal(18,4)\"", "\"pass_rate\": 0.5", "\"description\": \"free text\"");
  }

  @Test
  void readsFromAFile(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("schema.json"), seedDocument());
    assertThat(SchemaSidecar.read(file).schema().version()).hasToString("1.2.0");
  }

  /** Same keys at every level and equal values, numbers compared by value (0.98 == 0.980). */
  static void assertSameDocument(JsonNode actual, JsonNode expected, String path) {
    if (expected.isNumber()) {
      assertThat(actual.isNumber()).as(path).isTrue();
      assertThat(actual.decimalValue()).as(path).isEqualByComparingTo(expected.decimalValue());
    } else if (expected.isObject()) {
      assertThat(actual.isObject()).as(path).isTrue();
      assertThat(iterable(actual.fieldNames()))
          .as(path)
          .containsExactlyInAnyOrderElementsOf(iterable(expected.fieldNames()));
      for (Map.Entry<String, JsonNode> e : expected.properties()) {
        assertSameDocument(actual.get(e.getKey()), e.getValue(), path + "." + e.getKey());
      }
    } else if (expected.isArray()) {
      assertThat(actual.size()).as(path).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertSameDocument(actual.get(i), expected.get(i), path + "[" + i + "]");
      }
    } else {
      assertThat(actual).as(path).isEqualTo(expected);
    }
  }

  private static java.util.List<String> iterable(Iterator<String> names) {
    java.util.List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
