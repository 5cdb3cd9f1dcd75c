package dev.tiering.core.routing;

import dev.tiering.core.Area;
import dev.tiering.core.DataKind;
import dev.tiering.core.Zone;
import dev.tiering.core.internal.NameRules;
import java.util.Objects;

/**
 * One explicit routing rule: data of a kind, optionally only in one zone and only for tables whose
 * name matches a glob, goes to an area. Build one with {@link #route(DataKind)}:
 *
 * <pre>{@code
 * RoutingRule hotDashboards =
 *     RoutingRule.route(DataKind.CLEAN).inZone(Zone.GOLD).forTables("dash_*").to(Area.CLEAN_CACHE);
 * }</pre>
 *
 * @param kind the kind of data the rule matches
 * @param zone the only zone the rule matches, or null for any
 * @param tables a glob over table names ({@code *} any run, {@code ?} one character), or null for
 *     any
 * @param area where matching data goes
 * @param origin where the rule came from, for explanations: {@code default}, {@code code}, or
 *     {@code file:line} of a rules file
 */
public record RoutingRule(DataKind kind, Zone zone, String tables, Area area, String origin) {

  /** The accepted form of a table glob, as quoted in error messages. */
  public static final String TABLE_GLOB_FORM =
      "1-128 characters of a-z, 0-9, _ and the wildcards * and ?";

  /**
   * Validates the rule.
   *
   * @param kind the kind of data the rule matches; not null
   * @param zone the only zone the rule matches, or null for any
   * @param tables a glob over table names, or null for any
   * @param area where matching data goes; not null
   * @param origin where the rule came from, for explanations; not null
   * @throws IllegalArgumentException if the area is not one the kind may go to (see {@link
   *     DataKind#areas()}), a zone or table glob is given for a kind that has none, or the glob has
   *     characters outside {@link #TABLE_GLOB_FORM}
   */
  public RoutingRule {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(area, "area");
    Objects.requireNonNull(origin, "origin");
    if (zone != null && !kind.hasZone()) {
      throw new IllegalArgumentException(
          "A rule for "
              + kind
              + " data cannot name a zone (zones apply to clean, cache and archive data)");
    }
    if (!kind.mayGoTo(area)) {
      throw new IllegalArgumentException(
          "A rule cannot send " + kind + " data to " + area + ": " + kind.placementRule());
    }
    if (tables != null) {
      if (kind.isStaging()) {
        throw new IllegalArgumentException(
            "A rule for "
                + kind
                + " data cannot name tables (staging files belong to an SLM and a batch, not a table)");
      }
      NameRules.check(
          "table glob", tables, RoutingRule::isGlobChar, RoutingRule::isGlobChar, TABLE_GLOB_FORM);
    }
  }

  private static boolean isGlobChar(int cp) {
    return NameRules.isLowerAlpha(cp)
        || NameRules.isDigit(cp)
        || cp == '_'
        || cp == '*'
        || cp == '?';
  }

  /**
   * Starts a rule for data of {@code kind}.
   *
   * @param kind the kind of data the rule matches
   * @return a builder for the rest of the rule
   */
  public static Builder route(DataKind kind) {
    return new Builder(kind);
  }

  /**
   * {@return whether this rule applies to {@code ref}}
   *
   * @param ref the data being placed
   */
  public boolean matches(DataRef ref) {
    return ref.kind() == kind
        && (zone == null || zone == ref.zone())
        && (tables == null || globMatches(tables, ref.table().value()));
  }

  /** Wildcard match without regex or allocation: resolution is on every write's path. */
  static boolean globMatches(String glob, String name) {
    int g = 0;
    int n = 0;
    int starGlob = -1;
    int starName = 0;
    while (n < name.length()) {
      if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == name.charAt(n))) {
        g++;
        n++;
      } else if (g < glob.length() && glob.charAt(g) == '*') {
        starGlob = g++;
        starName = n;
      } else if (starGlob >= 0) {
        g = starGlob + 1;
        n = ++starName;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }

  /**
   * {@return the rule in the rules-file syntax, e.g. {@code clean zone=gold table=dash_* ->
   * hot/clean}}
   */
  public String describe() {
    StringBuilder out = new StringBuilder(kind.id());
    if (zone != null) {
      out.append(" zone=").append(zone);
    }
    if (tables != null) {
      out.append(" table=").append(tables);
    }
    return out.append(" -> ").append(area.id()).toString();
  }

  /** The rule and its origin. */
  @Override
  public String toString() {
    return describe() + " (" + origin + ")";
  }

  /** Builds a {@link RoutingRule}; each call returns a new, independent builder state. */
  public static final class Builder {
    private final DataKind kind;
    private Zone zone;
    private String tables;

    private Builder(DataKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
    }

    /**
     * Restricts the rule to one zone.
     *
     * @param zone the only zone the rule matches
     * @return this builder
     */
    public Builder inZone(Zone zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * Restricts the rule to tables whose name matches {@code glob}.
     *
     * @param glob a glob over table names: {@code *} matches any run, {@code ?} one character;
     *     checked when the rule is finished
     * @return this builder
     */
    public Builder forTables(String glob) {
      this.tables = Objects.requireNonNull(glob, "glob");
      return this;
    }

    /**
     * Finishes the rule, sending matching data to {@code area}.
     *
     * @param area where matching data goes
     * @return the rule, with origin {@code code}
     * @throws IllegalArgumentException as {@link RoutingRule#RoutingRule} does
     */
    public RoutingRule to(Area area) {
      return new RoutingRule(kind, zone, tables, area, "code");
    }
  }
}
