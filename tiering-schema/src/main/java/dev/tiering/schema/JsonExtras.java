package dev.tiering.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Immutable copies of "unknown keys" maps (key to JSON text), keeping their order. */
final class JsonExtras {

  private JsonExtras() {}

  static Map<String, String> copy(Map<String, String> extras) {
    if (extras == null || extras.isEmpty()) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(extras));
  }
}
