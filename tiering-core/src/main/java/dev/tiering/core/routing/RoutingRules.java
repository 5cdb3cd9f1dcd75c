package dev.tiering.core.routing;

import dev.tiering.core.Area;
import dev.tiering.core.DataKind;
import dev.tiering.core.Zone;
import dev.tiering.core.internal.NameRules;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of routing rules; the first rule that matches wins. The list always ends with the
 * defaults, one rule per data kind, so every request finds a rule; user rules go before them.
 * Immutable and thread-safe.
 *
 * <p>Rules files hold one rule per line, {@code # comments} and blank lines allowed:
 *
 * <pre>
 * # kind  [zone=ZONE] [table=GLOB]  -&gt; area
 * clean   zone=gold   table=dash_*  -&gt; hot/clean
 * raw                               -&gt; lake/archive
 * </pre>
 */
public final class RoutingRules {

  private static final String SEED = "default, seed: Data Placement Strategy";

  private static final List<RoutingRule> DEFAULTS =
      List.of(
          new RoutingRule(DataKind.INTERMEDIATE, null, null, Area.STAGING, SEED),
          new RoutingRule(DataKind.CROSSCHECK, null, null, Area.STAGING, SEED),
          new RoutingRule(DataKind.CLEAN, null, null, Area.LAKE_CLEAN, SEED),
          new RoutingRule(DataKind.CACHE, null, null, Area.CLEAN_CACHE, SEED),
          new RoutingRule(DataKind.ARCHIVE, null, null, Area.LAKE_ARCHIVE, SEED),
          new RoutingRule(DataKind.RAW, null, null, Area.LAKE_RAW, SEED));

  private static final long MAX_RULES_BYTES = 1 << 20;

  private final List<RoutingRule> rules;

  private RoutingRules(List<RoutingRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /**
   * {@return the default placement alone} Staging kinds go to hot/staging, clean tables to
   * lake/clean, cache copies to hot/clean, archives to lake/archive and raw input to lake/raw.
   */
  public static RoutingRules defaults() {
    return new RoutingRules(DEFAULTS);
  }

  /**
   * {@return the defaults preceded by the rules of a rules file}
   *
   * @param file a rules file: a regular file of at most 1 MiB, UTF-8
   * @throws IOException if the file cannot be read, is not a regular file or is too large
   * @throws IllegalArgumentException for the first bad line, naming the file and line number
   */
  public static RoutingRules load(Path file) throws IOException {
    List<String> lines;
    try {
      // A rules file is a small regular file: a FIFO or a device would hang or fill the heap.
      java.nio.file.attribute.BasicFileAttributes attributes =
          Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
      if (!attributes.isRegularFile() || attributes.size() > MAX_RULES_BYTES) {
        throw new IOException(
            attributes.isRegularFile()
                ? "it is "
                    + attributes.size()
                    + " bytes, more than the "
                    + MAX_RULES_BYTES
                    + "-byte limit for a rules file"
                : "it is not a regular file");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException(
          "Cannot read routing rules file "
              + file
              + ": "
              + (e.getMessage() == null
                  ? e.toString()
                  : e instanceof java.nio.file.NoSuchFileException
                      ? "no such file"
                      : e.getMessage()),
          e);
    }
    return defaults().prepend(parse(file.toString(), lines));
  }

  /**
   * Parses rules-file lines; {@code source} names the file in origins and error messages.
   *
   * @throws IllegalArgumentException for the first bad line, as {@code source:line: problem}
   */
  static List<RoutingRule> parse(String source, List<String> lines) {
    List<RoutingRule> parsed = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (text.isEmpty()) {
        continue;
      }
      String origin = source + ":" + (i + 1);
      try {
        parsed.add(parseRule(text, origin));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            origin
                + ": "
                + e.getMessage()
                + " in rule "
                + NameRules.quote(text)
                + " (form: KIND [zone=ZONE] [table=GLOB] -> AREA)",
            e);
      }
    }
    return parsed;
  }

  private static RoutingRule parseRule(String text, String origin) {
    int arrow = text.indexOf("->");
    if (arrow < 0 || text.indexOf("->", arrow + 2) >= 0) {
      throw new IllegalArgumentException("expected exactly one '->'");
    }
    String[] left = text.substring(0, arrow).strip().split("\\s+");
    String right = text.substring(arrow + 2).strip();
    if (left[0].isEmpty()) {
      throw new IllegalArgumentException("missing data kind before '->'");
    }
    if (right.isEmpty() || right.contains(" ")) {
      throw new IllegalArgumentException("expected one area after '->'");
    }
    DataKind kind = DataKind.parse(left[0]);
    Zone zone = null;
    String tables = null;
    for (int t = 1; t < left.length; t++) {
      String token = left[t];
      if (token.startsWith("zone=") && zone == null) {
        zone = Zone.parse(token.substring("zone=".length()));
      } else if (token.startsWith("table=") && tables == null) {
        tables = token.substring("table=".length());
      } else {
        throw new IllegalArgumentException(
            "unexpected " + NameRules.quote(token) + " (each of zone= and table= may appear once)");
      }
    }
    return new RoutingRule(kind, zone, tables, Area.parse(right), origin);
  }

  /**
   * {@return these rules with {@code first} placed before them, in the given order}
   *
   * @param first the rules to try before these
   */
  public RoutingRules prepend(List<RoutingRule> first) {
    List<RoutingRule> all = new ArrayList<>(first.size() + rules.size());
    first.forEach(rule -> all.add(Objects.requireNonNull(rule, "rule")));
    all.addAll(rules);
    return new RoutingRules(all);
  }

  /**
   * {@return these rules with {@code first} placed before them, in the given order}
   *
   * @param first the rules to try before these
   */
  public RoutingRules prepend(RoutingRule... first) {
    return prepend(List.of(first));
  }

  /** {@return all rules in match order, defaults last} */
  public List<RoutingRule> rules() {
    return rules;
  }

  /** The 0-based position of the first rule that matches {@code ref}. */
  int firstMatch(DataRef ref) {
    for (int i = 0; i < rules.size(); i++) {
      if (rules.get(i).matches(ref)) {
        return i;
      }
    }
    // Unreachable: the defaults match every kind and always close the list.
    throw new IllegalStateException("No routing rule matches " + ref);
  }

  /** The rules, one per line, numbered in match order. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < rules.size(); i++) {
      out.append(i + 1).append(". ").append(rules.get(i)).append('\n');
    }
    return out.toString();
  }
}
