package dev.tiering.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tiering.core.Area;
import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.TierLayout;
import dev.tiering.core.Zone;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingRulesTest {

  private static final TierLayout SEED = TierLayout.defaults();

  @Test
  void defaultsAreOneRulePerKindInSeedOrder() {
    assertThat(RoutingRules.defaults().rules())
        .extracting(RoutingRule::describe)
        .containsExactly(
            "intermediate -> hot/staging",
            "crosscheck -> hot/staging",
            "clean -> lake/clean",
            "cache -> hot/clean",
            "archive -> lake/archive",
            "raw -> lake/raw");
  }

  @Test
  void explanationNamesInputPathTierAreaAndRule() {
    Placement placement =
        new PathResolver(SEED).resolve(DataRef.intermediate(SlmId.of(3), BatchId.of("b42")));
    assertThat(placement.explain())
        .isEqualTo(
            "intermediate slm=3 batch=b42 -> /data/hot/staging/slm_3_b42.parquet"
                + " [hot tier, SSD, area hot/staging] by rule 1: intermediate -> hot/staging"
                + " (default, seed: Data Placement Strategy)");
  }

  @Test
  void firstMatchingRuleWinsAndUserRulesComeBeforeDefaults() {
    RoutingRules rules =
        RoutingRules.defaults()
            .prepend(
                RoutingRule.route(DataKind.CLEAN)
                    .inZone(Zone.GOLD)
                    .forTables("dash_*")
                    .to(Area.CLEAN_CACHE),
                RoutingRule.route(DataKind.CLEAN).inZone(Zone.GOLD).to(Area.LAKE_CLEAN));
    PathResolver paths = new PathResolver(SEED, rules);

    Placement dashboard = paths.resolve(DataRef.clean(Zone.GOLD, TableName.of("dash_sales")));
    Placement otherGold = paths.resolve(DataRef.clean(Zone.GOLD, TableName.of("sales")));
    Placement silver = paths.resolve(DataRef.clean(Zone.SILVER, TableName.of("dash_sales")));

    assertThat(dashboard.path()).hasToString("/data/hot/clean/gold/dash_sales");
    assertThat(dashboard.ruleNumber()).isEqualTo(1);
    assertThat(dashboard.explain())
        .endsWith("by rule 1: clean zone=gold table=dash_* -> hot/clean (code)");
    assertThat(otherGold.path()).hasToString("/data/lake/clean/gold/sales");
    assertThat(otherGold.ruleNumber()).isEqualTo(2);
    assertThat(silver.path()).hasToString("/data/lake/clean/silver/dash_sales");
    assertThat(silver.ruleNumber()).isEqualTo(5);
  }

  @Test
  void aRuleCannotPlaceDataWhereAnotherKindsLifecycleWouldDeleteIt() {
    assertThatThrownBy(() -> RoutingRule.route(DataKind.CACHE).to(Area.LAKE_CLEAN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "A rule cannot send cache data to lake/clean: eviction deletes cache copies,"
                + " so they may only go to hot/clean");
    assertThatThrownBy(
            () -> RoutingRule.route(DataKind.CLEAN).inZone(Zone.GOLD).to(Area.LAKE_ARCHIVE))
        .hasMessage(
            "A rule cannot send clean data to lake/archive:"
                + " clean tables are kept for good, in lake/clean or (pinned to the SSD) in hot/clean,"
                + " so they may only go to lake/clean or hot/clean");
    assertThatThrownBy(() -> RoutingRule.route(DataKind.INTERMEDIATE).to(Area.LAKE_RAW))
        .hasMessageContaining("cleanup deletes staging files, so they may only go to hot/staging");
    assertThatThrownBy(() -> RoutingRule.route(DataKind.ARCHIVE).to(Area.CLEAN_CACHE))
        .hasMessageContaining("retention deletes archived data");
    assertThat(RoutingRule.route(DataKind.RAW).to(Area.LAKE_ARCHIVE).area())
        .isEqualTo(Area.LAKE_ARCHIVE);
  }

  @Test
  void aRulesFileLineThatWouldLetEvictionDeleteLakeDataIsRefusedWithItsLine(@TempDir Path dir)
      throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("tiering.rules"),
            """
                                          # hot dashboards
                                          cache -> lake/clean
                                          """);
    assertThatThrownBy(() -> RoutingRules.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            file
                + ":2: A rule cannot send cache data to lake/clean:"
                + " eviction deletes cache copies, so they may only go to hot/clean in rule"
                + " 'cache -> lake/clean'");
  }

  @Test
  void tableGlobsMatchWholeNames() {
    assertThat(RoutingRule.globMatches("dash_*", "dash_")).isTrue();
    assertThat(RoutingRule.globMatches("dash_*", "dash_sales")).isTrue();
    assertThat(RoutingRule.globMatches("dash_*", "xdash_sales")).isFalse();
    assertThat(RoutingRule.globMatches("*_daily", "sales_daily")).isTrue();
    assertThat(RoutingRule.globMatches("*_daily", "sales_daily_v2")).isFalse();
    assertThat(RoutingRule.globMatches("t?", "t1")).isTrue();
    assertThat(RoutingRule.globMatches("t?", "t12")).isFalse();
    assertThat(RoutingRule.globMatches("a*b*c", "aXXbYYc")).isTrue();
    assertThat(RoutingRule.globMatches("a*b*c", "aXXcYYb")).isFalse();
    assertThat(RoutingRule.globMatches("*", "anything")).isTrue();
  }

  @Test
  void rulesFileIsLoadedBeforeTheDefaultsWithLineOrigins(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("routing.rules");
    Files.writeString(
        file,
        """
        # hot dashboards stay on the SSD
        clean zone=gold table=dash_* -> hot/clean

        raw   -> lake/archive   # old inputs are history\
        """);

    RoutingRules rules = RoutingRules.load(file);

    assertThat(rules.rules()).hasSize(8);
    assertThat(rules.rules().get(0))
        .hasToString("clean zone=gold table=dash_* -> hot/clean (" + file + ":2)");
    assertThat(rules.rules().get(1)).hasToString("raw -> lake/archive (" + file + ":4)");
    assertThat(new PathResolver(SEED, rules).resolve(DataRef.raw(TableName.of("feed"))).path())
        .hasToString("/data/lake/archive/feed");
  }

  @Test
  void badRulesFileLineIsRefusedWithFileAndLineNumber(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("routing.rules");
    Files.writeString(file, "clean -> lake/clean\n\nclean zone=platinum -> hot/clean\n");

    assertThatThrownBy(() -> RoutingRules.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            file
                + ":3: Invalid zone 'platinum' (use one of bronze, silver, gold)"
                + " in rule 'clean zone=platinum -> hot/clean'"
                + " (form: KIND [zone=ZONE] [table=GLOB] -> AREA)");
  }

  @Test
  void eachKindOfBadLineHasItsOwnReason() {
    assertThat(parseError("clean lake/clean")).contains("expected exactly one '->'");
    assertThat(parseError("-> hot/clean")).contains("missing data kind before '->'");
    assertThat(parseError("clean ->")).contains("expected one area after '->'");
    assertThat(parseError("clean -> hot/fast"))
        .contains(
            "Unknown area 'hot/fast' (use one of hot/staging, hot/clean, lake/clean, lake/archive,"
                + " lake/raw)");
    assertThat(parseError("tmp -> hot/clean")).contains("Unknown data kind 'tmp'");
    assertThat(parseError("clean zone=gold zone=silver -> hot/clean"))
        .contains("unexpected 'zone=silver' (each of zone= and table= may appear once)");
    assertThat(parseError("clean table=../x -> hot/clean"))
        .contains("Invalid table glob '../x': it contains the path separator '/'");
    assertThat(parseError("intermediate zone=gold -> hot/staging"))
        .contains("A rule for intermediate data cannot name a zone");
    assertThat(parseError("crosscheck table=t -> hot/staging"))
        .contains("A rule for crosscheck data cannot name tables");
    assertThat(parseError("clean -> hot/clean -> lake/clean"))
        .contains("expected exactly one '->'");
  }

  @Test
  void unreadableRulesFileNamesThePath(@TempDir Path dir) {
    Path missing = dir.resolve("missing.rules");
    assertThatThrownBy(() -> RoutingRules.load(missing))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("Cannot read routing rules file " + missing);
  }

  private static String parseError(String line) {
    try {
      RoutingRules.parse("r", List.of(line));
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("r:1: ");
      return e.getMessage();
    }
    throw new AssertionError("accepted: " + line);
  }
}
