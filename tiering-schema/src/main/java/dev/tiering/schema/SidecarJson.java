package dev.tiering.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes the {@code schema.json} document. Reading is bounded (size, nesting, string and
 * number lengths) because a sidecar may come from anywhere, and every problem is reported with its
 * line and column. Unknown keys at any level are kept as JSON text and written back.
 */
final class SidecarJson {

  /** Largest sidecar accepted: far above any real schema, far below trouble. */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  /** Fractions are written with this many decimals; the counts beside them stay exact. */
  private static final int FRACTION_DECIMALS = 6;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(32)
                  .maxStringLength(256 * 1024)
                  .maxNameLength(1024)
                  .maxNumberLength(40)
                  .maxDocumentLength(MAX_BYTES)
                  .build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);
  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withArrayEmptySeparator("")
                      .withObjectEmptySeparator(""))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"))
              .withObjectIndenter(new DefaultIndenter("  ", "\n")));
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final Set<String> TOP_KEYS =
      Set.of(
          "table_name",
          "zone",
          "version",
          "created_at",
          "schema",
          "quality_metrics",
          "last_commit");
  private static final Set<String> SCHEMA_KEYS = Set.of("fields", "partition_by");
  private static final Set<String> FIELD_KEYS = Set.of("name", "type", "nullable", "description");
  private static final Set<String> QUALITY_KEYS =
      Set.of("completeness", "accuracy", "last_validated", "row_count", "fields", "rules");

  private SidecarJson() {}

  // ---------------------------------------------------------------- reading

  static SchemaSidecar parse(byte[] json, String source) throws MalformedSidecarException {
    if (json.length > MAX_BYTES) {
      throw new MalformedSidecarException(
          source,
          0,
          0,
          "it is "
              + json.length
              + " bytes, more than the "
              + MAX_BYTES
              + "-byte limit for a sidecar",
          null);
    }
    Map<String, JsonLocation> locations = new HashMap<>();
    JsonNode root;
    JsonParser parser = null;
    try {
      parser = FACTORY.createParser(json);
      if (parser.nextToken() == null) {
        throw new MalformedSidecarException(source, 0, 0, "it is empty", null);
      }
      root = readValue(parser, "", locations);
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentTokenLocation();
        throw new MalformedSidecarException(
            source,
            at.getLineNr(),
            at.getColumnNr(),
            "unexpected content after the document",
            null);
      }
    } catch (JsonProcessingException e) {
      // Limit violations carry no location of their own; the parser knows where it stopped.
      JsonLocation at =
          e.getLocation() != null
              ? e.getLocation()
              : parser != null ? parser.currentLocation() : null;
      throw new MalformedSidecarException(
          source,
          at == null ? 0 : at.getLineNr(),
          at == null ? 0 : at.getColumnNr(),
          "not valid JSON: " + e.getOriginalMessage(),
          e);
    } catch (MalformedSidecarException e) {
      throw e;
    } catch (IOException e) {
      throw new MalformedSidecarException(source, 0, 0, "cannot be read: " + e.getMessage(), e);
    } finally {
      closeQuietly(parser);
    }
    return new Reader(source, locations).sidecar(root);
  }

  private static void closeQuietly(JsonParser parser) {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException e) {
        // A parser over a byte array holds no resource that can fail to close.
      }
    }
  }

  /**
   * Builds the tree and remembers where each value started. Recursion depth is bounded by the
   * parser's nesting limit, which fails first on hostile input.
   */
  private static JsonNode readValue(
      JsonParser parser, String path, Map<String, JsonLocation> locations) throws IOException {
    locations.put(path, parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          object.set(name, readValue(parser, path.isEmpty() ? name : path + "." + name, locations));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readValue(parser, path + "[" + index++ + "]", locations));
        }
        return array;
      }
      case VALUE_STRING -> {
        return NODES.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        return NODES.numberNode(parser.getBigIntegerValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(parser.getDecimalValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> throw new IllegalStateException("Unexpected JSON token " + token);
    }
  }

  /** Maps the tree onto the model, failing with the location of the offending value. */
  private static final class Reader {
    private final String source;
    private final Map<String, JsonLocation> locations;

    Reader(String source, Map<String, JsonLocation> locations) {
      this.source = source;
      this.locations = locations;
    }

    SchemaSidecar sidecar(JsonNode root) throws MalformedSidecarException {
      object(root, "");
      TableName table = parse(text(root, "table_name", ""), "table_name", TableName::of);
      Zone zone = parse(text(root, "zone", ""), "zone", Zone::parse);
      SchemaVersion version = parse(text(root, "version", ""), "version", SchemaVersion::parse);
      Instant createdAt = instant(root, "created_at", "");
      JsonNode schemaNode = require(root, "schema", "");
      object(schemaNode, "schema");
      JsonNode fieldsNode = require(schemaNode, "fields", "schema");
      if (!fieldsNode.isArray()) {
        throw fail("schema.fields", "expected an array of fields, found " + describe(fieldsNode));
      }
      List<Field> fields = new ArrayList<>();
      for (int i = 0; i < fieldsNode.size(); i++) {
        fields.add(field(fieldsNode.get(i), "schema.fields[" + i + "]"));
      }
      List<String> partitionBy = new ArrayList<>();
      JsonNode partitionNode = schemaNode.get("partition_by");
      if (partitionNode != null) {
        if (!partitionNode.isArray()) {
          throw fail(
              "schema.partition_by",
              "expected an array of column names, found " + describe(partitionNode));
        }
        for (int i = 0; i < partitionNode.size(); i++) {
          String at = "schema.partition_by[" + i + "]";
          if (!partitionNode.get(i).isTextual()) {
            throw fail(at, "expected a column name, found " + describe(partitionNode.get(i)));
          }
          partitionBy.add(partitionNode.get(i).asText());
        }
      }
      TableSchema schema;
      try {
        schema =
            new TableSchema(
                table,
                zone,
                version,
                createdAt,
                fields,
                partitionBy,
                extras(root, TOP_KEYS),
                extras(schemaNode, SCHEMA_KEYS));
      } catch (IllegalArgumentException e) {
        throw fail("schema", e.getMessage());
      }
      JsonNode qualityNode = root.get("quality_metrics");
      QualityMetrics quality =
          qualityNode == null || qualityNode.isNull()
              ? null
              : quality(qualityNode, "quality_metrics");
      JsonNode lastCommit = root.get("last_commit");
      return new SchemaSidecar(
          schema, quality, lastCommit == null ? 0 : count(lastCommit, "last_commit"));
    }

    private Field field(JsonNode node, String at) throws MalformedSidecarException {
      object(node, at);
      String name = parse(text(node, "name", at), at + ".name", n -> n);
      FieldType type = parse(text(node, "type", at), at + ".type", FieldType::parse);
      JsonNode nullable = require(node, "nullable", at);
      if (!nullable.isBoolean()) {
        throw fail(at + ".nullable", "expected true or false, found " + describe(nullable));
      }
      JsonNode description = node.get("description");
      if (description != null && !description.isTextual() && !description.isNull()) {
        throw fail(at + ".description", "expected a string, found " + describe(description));
      }
      try {
        return new Field(
            name,
            type,
            nullable.booleanValue(),
            description == null || description.isNull() ? null : description.asText(),
            extras(node, FIELD_KEYS));
      } catch (IllegalArgumentException e) {
        throw fail(at + ".name", e.getMessage());
      }
    }

    private QualityMetrics quality(JsonNode node, String at) throws MalformedSidecarException {
      object(node, at);
      double completeness = fraction(require(node, "completeness", at), at + ".completeness");
      JsonNode accuracyNode = node.get("accuracy");
      Double accuracy =
          accuracyNode == null || accuracyNode.isNull()
              ? null
              : fraction(accuracyNode, at + ".accuracy");
      Instant lastValidated = instant(node, "last_validated", at);
      JsonNode rowsNode = node.get("row_count");
      Long rows = rowsNode == null || rowsNode.isNull() ? null : count(rowsNode, at + ".row_count");
      Map<String, QualityMetrics.FieldQuality> fields = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : entries(node.get("fields"), at + ".fields")) {
        String where = at + ".fields." + entry.getKey();
        object(entry.getValue(), where);
        try {
          fields.put(
              entry.getKey(),
              new QualityMetrics.FieldQuality(
                  count(require(entry.getValue(), "rows", where), where + ".rows"),
                  count(require(entry.getValue(), "nulls", where), where + ".nulls")));
        } catch (IllegalArgumentException e) {
          throw fail(where, e.getMessage());
        }
      }
      Map<String, QualityMetrics.RuleQuality> rules = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : entries(node.get("rules"), at + ".rules")) {
        String where = at + ".rules." + entry.getKey();
        object(entry.getValue(), where);
        try {
          rules.put(
              entry.getKey(),
              new QualityMetrics.RuleQuality(
                  count(require(entry.getValue(), "checked", where), where + ".checked"),
                  count(require(entry.getValue(), "passed", where), where + ".passed")));
        } catch (IllegalArgumentException e) {
          throw fail(where, e.getMessage());
        }
      }
      return new QualityMetrics(
          completeness, accuracy, lastValidated, rows, fields, rules, extras(node, QUALITY_KEYS));
    }

    private List<Map.Entry<String, JsonNode>> entries(JsonNode node, String at)
        throws MalformedSidecarException {
      if (node == null || node.isNull()) {
        return List.of();
      }
      object(node, at);
      List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
      entries.addAll(node.properties());
      return entries;
    }

    private double fraction(JsonNode node, String at) throws MalformedSidecarException {
      if (!node.isNumber()) {
        throw fail(at, "expected a number from 0 to 1, found " + describe(node));
      }
      double value = node.doubleValue();
      if (!(value >= 0.0 && value <= 1.0)) {
        throw fail(at, "expected a number from 0 to 1, found " + node);
      }
      return value;
    }

    private long count(JsonNode node, String at) throws MalformedSidecarException {
      if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
        throw fail(at, "expected a whole number of 0 or more, found " + describe(node));
      }
      return node.longValue();
    }

    private Instant instant(JsonNode parent, String key, String at)
        throws MalformedSidecarException {
      String where = at.isEmpty() ? key : at + "." + key;
      String text = text(parent, key, at);
      try {
        return OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e) {
        throw fail(
            where,
            "'"
                + text
                + "' is not an ISO-8601 time with offset"
                + " (use UTC, e.g. 2025-11-10T12:00:00Z)");
      }
    }

    private String text(JsonNode parent, String key, String at) throws MalformedSidecarException {
      JsonNode node = require(parent, key, at);
      if (!node.isTextual()) {
        throw fail(
            at.isEmpty() ? key : at + "." + key, "expected a string, found " + describe(node));
      }
      return node.asText();
    }

    private JsonNode require(JsonNode parent, String key, String at)
        throws MalformedSidecarException {
      JsonNode node = parent.get(key);
      if (node == null) {
        throw fail(at, "missing key \"" + key + "\"" + (at.isEmpty() ? "" : " in " + at));
      }
      return node;
    }

    private void object(JsonNode node, String at) throws MalformedSidecarException {
      if (!node.isObject()) {
        throw fail(at, "expected an object, found " + describe(node));
      }
    }

    private <T> T parse(String text, String at, java.util.function.Function<String, T> parser)
        throws MalformedSidecarException {
      try {
        return parser.apply(text);
      } catch (IllegalArgumentException e) {
        throw fail(at, e.getMessage());
      }
    }

    private MalformedSidecarException fail(String at, String problem) {
      JsonLocation location = locations.get(at);
      String where = at.isEmpty() ? "" : at + ": ";
      return new MalformedSidecarException(
          source,
          location == null ? 0 : location.getLineNr(),
          location == null ? 0 : location.getColumnNr(),
          where + problem,
          null);
    }
  }

  private static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    if (node.isNull()) {
      return "null";
    }
    return node.isArray() ? "an array" : "an object";
  }

  private static Map<String, String> extras(JsonNode node, Set<String> known) {
    Map<String, String> extras = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!known.contains(entry.getKey())) {
        extras.put(entry.getKey(), entry.getValue().toString());
      }
    }
    return extras;
  }

  // ---------------------------------------------------------------- writing

  static String render(SchemaSidecar sidecar) {
    TableSchema schema = sidecar.schema();
    ObjectNode root = NODES.objectNode();
    root.put("table_name", schema.table().value());
    root.put("zone", schema.zone().id());
    root.put("version", schema.version().toString());
    root.put("created_at", schema.createdAt().toString());
    ObjectNode schemaNode = root.putObject("schema");
    ArrayNode fields = schemaNode.putArray("fields");
    for (Field field : schema.fields()) {
      ObjectNode node = fields.addObject();
      node.put("name", field.name());
      node.put("type", field.type().name());
      node.put("nullable", field.nullable());
      if (field.description() != null) {
        node.put("description", field.description());
      }
      putExtras(node, field.extras());
    }
    ArrayNode partitionBy = schemaNode.putArray("partition_by");
    schema.partitionBy().forEach(partitionBy::add);
    putExtras(schemaNode, schema.schemaExtras());
    QualityMetrics quality = sidecar.quality();
    if (quality != null) {
      ObjectNode node = root.putObject("quality_metrics");
      node.put("completeness", round(quality.completeness()));
      if (quality.accuracy() != null) {
        node.put("accuracy", round(quality.accuracy()));
      }
      node.put("last_validated", quality.lastValidated().toString());
      if (quality.rowCount() != null) {
        node.put("row_count", quality.rowCount());
      }
      if (!quality.fieldQuality().isEmpty()) {
        ObjectNode byField = node.putObject("fields");
        quality
            .fieldQuality()
            .forEach(
                (name, q) ->
                    byField
                        .putObject(name)
                        .put("completeness", round(q.completeness()))
                        .put("rows", q.rows())
                        .put("nulls", q.nulls()));
      }
      if (!quality.ruleQuality().isEmpty()) {
        ObjectNode byRule = node.putObject("rules");
        quality
            .ruleQuality()
            .forEach(
                (name, q) ->
                    byRule
                        .putObject(name)
                        .put("pass_rate", round(q.passRate()))
                        .put("checked", q.checked())
                        .put("passed", q.passed()));
      }
      putExtras(node, quality.extras());
    }
    if (sidecar.lastCommit() > 0) {
      root.put("last_commit", sidecar.lastCommit());
    }
    putExtras(root, schema.extras());
    try {
      return PRETTY.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot render schema.json of " + schema.qualifiedName(), e);
    }
  }

  /** The document as a tree, to embed in another document (a commit record). */
  static JsonNode tree(SchemaSidecar sidecar) {
    try {
      return MAPPER.readTree(render(sidecar));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "Cannot render schema.json of " + sidecar.schema().qualifiedName(), e);
    }
  }

  /** Parses a document embedded in another, as strictly as a file. */
  static SchemaSidecar parseTree(JsonNode node, String source) throws MalformedSidecarException {
    try {
      return parse(MAPPER.writeValueAsBytes(node), source);
    } catch (JsonProcessingException e) {
      throw new MalformedSidecarException(source, 0, 0, "cannot be rendered: " + e.getMessage(), e);
    }
  }

  static byte[] renderBytes(SchemaSidecar sidecar) {
    return render(sidecar).getBytes(StandardCharsets.UTF_8);
  }

  private static double round(double fraction) {
    return BigDecimal.valueOf(fraction)
        .setScale(FRACTION_DECIMALS, RoundingMode.HALF_EVEN)
        .doubleValue();
  }

  private static void putExtras(ObjectNode node, Map<String, String> extras) {
    extras.forEach((key, json) -> node.set(key, parseExtra(key, json)));
  }

  /** Checks that an extra value is one JSON value, so a bad one fails where it is made. */
  static JsonNode parseExtra(String key, String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Extra key '"
              + key
              + "' holds invalid JSON "
              + (json.length() > 60 ? json.substring(0, 60) + "..." : json)
              + " (use one JSON value)",
          e);
    }
  }
}
