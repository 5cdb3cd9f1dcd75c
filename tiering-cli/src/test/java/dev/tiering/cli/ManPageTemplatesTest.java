package dev.tiering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The committed man page templates ({@code src/docs/man-templates}) against the command model.
 * Asciidoctor makes a page only from a template, so a command added without one would ship without
 * a man page, and one removed would leave a template whose include fails only in the {@code -Pdist}
 * build; this says so in the default build.
 */
class ManPageTemplatesTest {

  private static final Path TEMPLATES = Path.of("src/docs/man-templates");

  @Test
  void everyCommandButHelpHasATemplateAndEveryTemplateACommand() throws IOException {
    TreeSet<String> pages = new TreeSet<>();
    for (CommandLine command : commands(TieringCli.commandLine())) {
      pages.add(command.getCommandSpec().qualifiedName("-") + ".adoc");
    }
    TreeSet<String> templates = new TreeSet<>();
    try (Stream<Path> files = Files.list(TEMPLATES)) {
      files.forEach(file -> templates.add(file.getFileName().toString()));
    }

    assertThat(templates).containsExactlyElementsOf(pages);
    for (String page : pages) {
      // Each includes its own generated page, not a copied neighbour's.
      assertThat(Files.readString(TEMPLATES.resolve(page)))
          .as(page)
          .contains("include::{includedir}/" + page + "[tag=picocli-generated-");
    }
  }

  @Test
  void theRootPageNamesTheEnvironmentVariablesTheCodeReads() throws IOException {
    assertThat(Files.readString(TEMPLATES.resolve("tiering.adoc")))
        .contains("== Environment", "== Files")
        .contains(
            "*" + TierLayout.HOT_ROOT_ENV + "*::",
            "*" + TierLayout.LAKE_ROOT_ENV + "*::",
            "*" + TierLayout.ROOT_ENV + "*::",
            "*TIERING_RULES*::");
  }

  /** The command and its subcommands, depth first, without picocli's help or hidden commands. */
  private static List<CommandLine> commands(CommandLine cli) {
    List<CommandLine> all = new ArrayList<>();
    all.add(cli);
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)
          && !sub.getCommandSpec().usageMessage().hidden()
          && !all.contains(sub)) {
        all.addAll(commands(sub));
      }
    }
    return all;
  }
}
