package dev.tiering.core.routing;

import dev.tiering.core.Area;
import dev.tiering.core.Tier;
import java.nio.file.Path;

/**
 * Where a piece of data goes, and why: the resolved path and the rule that chose its area.
 *
 * @param ref what was placed
 * @param path the file (staging kinds) or directory (table kinds and raw sources)
 * @param rule the first rule that matched
 * @param ruleNumber the rule's 1-based position in its rule list
 */
public record Placement(DataRef ref, Path path, RoutingRule rule, int ruleNumber) {

  /** {@return the area the data goes to} */
  public Area area() {
    return rule.area();
  }

  /** {@return the tier the data goes to} */
  public Tier tier() {
    return rule.area().tier();
  }

  /**
   * {@return one line a person can read in a log} For example {@code clean zone=gold table=dash_kpi
   * -> /data/hot/clean/gold/dash_kpi [hot tier, SSD, area hot/clean] by rule 1: clean zone=gold
   * table=dash_* -> hot/clean (code)}.
   */
  public String explain() {
    return ref
        + " -> "
        + path
        + " ["
        + tier()
        + " tier, "
        + tier().device()
        + ", area "
        + area().id()
        + "] by rule "
        + ruleNumber
        + ": "
        + rule;
  }

  /** The explanation. */
  @Override
  public String toString() {
    return explain();
  }
}
