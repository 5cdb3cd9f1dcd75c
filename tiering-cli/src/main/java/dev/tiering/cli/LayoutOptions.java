package dev.tiering.cli;

import dev.tiering.core.PathResolver;
import dev.tiering.core.RoutingRules;
import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command shares to find the tiers: {@code --root}, {@code --hot}, {@code --lake}, {@code --rules}. */
final class LayoutOptions {

  @Option(names = "--root", paramLabel = "DIR",
      description = "Base directory holding hot/ and lake/ (default: TIERING_ROOT, or /data/hot and /data/lake).")
  Path root;

  @Option(names = "--hot", paramLabel = "DIR", description = "Hot (SSD) tier root; wins over --root.")
  Path hot;

  @Option(names = "--lake", paramLabel = "DIR|URI", description = "Cold (HDD) lake root, a path or"
      + " a Hadoop URI such as hdfs://namenode:8020/lake; wins over --root.")
  String lake;

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Routing rules file; its rules come before the seed's defaults.")
  Path rules;

  TierLayout layout() {
    TierLayout base = root != null ? TierLayout.under(root) : TierLayout.fromEnvironment();
    TierLayout.Builder layout = TierLayout.builder().hotRoot(hot != null ? hot : base.hotRoot());
    if (lake != null) {
      layout.lakeRoot(lake);
    } else if (base.lakeIsLocal()) {
      layout.lakeRoot(base.lakeRoot());
    } else {
      layout.lakeRoot(base.display(base.lakeRoot()));
    }
    return layout.build();
  }

  PathResolver resolver() throws IOException {
    return new PathResolver(layout(), rules == null ? RoutingRules.defaults() : RoutingRules.load(rules));
  }
}
