package dev.tiering.cli;

import dev.tiering.core.TierLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes the man pages (troff, one per command: {@code tiering.1}, {@code tiering-status.1}, ...)
 * and the bash completion script from the picocli command model, so that neither can say anything
 * {@code --help} does not. The packaging build ({@code -Pdist}) runs it; it writes only where told.
 *
 * <p>picocli-codegen's ManPageGenerator writes AsciiDoc, which needs Asciidoctor (JRuby) to become
 * a man page; this writes troff directly from the same model, in milliseconds.
 */
final class ManPages {

  private ManPages() {}

  /**
   * {@code ManPages MAN1_DIR COMPLETION_FILE}: writes {@code tiering*.1} into MAN1_DIR and the bash
   * completion script to COMPLETION_FILE.
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ManPages MAN1_DIR COMPLETION_FILE");
      System.exit(TieringCli.EXIT_USAGE);
    }
    CommandLine cli = TieringCli.commandLine();
    String version = new TieringCli.Version().getVersion()[0];
    Path man1 = Path.of(args[0]);
    Files.createDirectories(man1);
    for (CommandLine command : commands(cli)) {
      CommandSpec spec = command.getCommandSpec();
      Files.writeString(
          man1.resolve(spec.qualifiedName("-") + ".1"),
          page(spec, version),
          StandardCharsets.UTF_8);
    }
    Path completion = Path.of(args[1]).toAbsolutePath();
    Files.createDirectories(completion.getParent());
    Files.writeString(completion, AutoComplete.bash("tiering", cli), StandardCharsets.UTF_8);
  }

  /** The command and its subcommands, depth first, without picocli's {@code help} command. */
  static List<CommandLine> commands(CommandLine cli) {
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

  /** The troff man page of one command. */
  static String page(CommandSpec spec, String version) {
    String name = spec.qualifiedName("-");
    boolean root = spec.parent() == null;
    StringBuilder out = new StringBuilder();
    out.append(".TH ")
        .append(quoted(name.toUpperCase(Locale.ROOT)))
        .append(" 1 \"\" ")
        .append(quoted(version))
        .append(" \"tiering manual\"\n");
    out.append(".SH NAME\n").append(escape(name)).append(" \\- ");
    String[] description = description(spec);
    out.append(escape(description.length == 0 ? name : firstSentence(description[0]))).append('\n');

    out.append(".SH SYNOPSIS\n.nf\n");
    CommandLine.Help help = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(off()));
    out.append(escapeLines(help.synopsis(0).stripTrailing())).append("\n.fi\n");

    if (description.length > 0) {
      out.append(".SH DESCRIPTION\n");
      for (String paragraph : description) {
        out.append(".PP\n").append(escapeLines(paragraph)).append('\n');
      }
    }

    List<PositionalParamSpec> positionals = new ArrayList<>();
    for (PositionalParamSpec positional : spec.positionalParameters()) {
      if (!positional.hidden()) {
        positionals.add(positional);
      }
    }
    if (!positionals.isEmpty()) {
      out.append(".SH ARGUMENTS\n");
      for (PositionalParamSpec positional : positionals) {
        out.append(".TP\n\\fI").append(escape(positional.paramLabel())).append("\\fR\n");
        out.append(escapeLines(rendered(positional))).append('\n');
      }
    }

    out.append(".SH OPTIONS\n");
    for (OptionSpec option : spec.options()) {
      if (option.hidden()) {
        continue;
      }
      out.append(".TP\n");
      List<String> names = new ArrayList<>();
      for (String optionName : option.names()) {
        names.add("\\fB" + escape(optionName) + "\\fR");
      }
      out.append(String.join(", ", names));
      if (option.arity().max() > 0) {
        out.append('=').append("\\fI").append(escape(option.paramLabel())).append("\\fR");
      }
      out.append('\n');
      out.append(escapeLines(rendered(option))).append('\n');
    }

    List<CommandSpec> subcommands = new ArrayList<>();
    for (CommandLine sub : spec.subcommands().values()) {
      CommandSpec subSpec = sub.getCommandSpec();
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)
          && !subSpec.usageMessage().hidden()
          && !subcommands.contains(subSpec)) {
        subcommands.add(subSpec);
      }
    }
    if (!subcommands.isEmpty()) {
      out.append(".SH COMMANDS\n");
      for (CommandSpec sub : subcommands) {
        String[] subDescription = description(sub);
        out.append(".TP\n\\fB")
            .append(escape(sub.name()))
            .append("\\fR \\(em see \\fB")
            .append(escape(sub.qualifiedName("-")))
            .append("\\fR(1)\n")
            .append(escape(subDescription.length == 0 ? "" : firstSentence(subDescription[0])))
            .append('\n');
      }
    }

    if (root) {
      out.append(".SH EXIT STATUS\n");
      tagged(out, "0", "ok");
      tagged(out, "1", "warning (status, doctor), or some files failed (the output names them)");
      tagged(out, "2", "critical (status, doctor), or a malformed sidecar (schema validate)");
      tagged(out, String.valueOf(TieringCli.EXIT_USAGE), "usage error; the message says what");
      tagged(out, String.valueOf(SqlCommand.EXIT_SQL), "sql: a statement DuckDB refuses");
      tagged(out, "69", "no Java 17 or newer found (the launcher)");
      tagged(out, String.valueOf(TieringCli.EXIT_SOFTWARE), "a bug; the stack trace says where");
      tagged(
          out,
          String.valueOf(TieringCli.EXIT_IO),
          "input/output error; the message names the path");
      out.append(".SH ENVIRONMENT\n");
      tagged(
          out,
          TierLayout.HOT_ROOT_ENV,
          "The hot (SSD) tier root, when --hot and --root are not given.");
      tagged(
          out,
          TierLayout.LAKE_ROOT_ENV,
          "The cold (HDD) lake root, a path or a Hadoop URI, when --lake and --root are not given.");
      tagged(out, TierLayout.ROOT_ENV, "A base directory holding hot/ and lake/.");
      tagged(out, "TIERING_RULES", "The routing rules file the applications use.");
      tagged(out, "JAVA_HOME", "The Java 17 or newer to run; otherwise java on the PATH.");
      tagged(out, "JAVA_OPTS", "Options for the Java virtual machine.");
      out.append(".SH FILES\n");
      tagged(
          out,
          "/etc/default/tiering",
          "The tier roots the systemd units use (a conffile of the package).");
      tagged(
          out,
          "/lib/systemd/system/tiering-*.service, tiering-*.timer",
          "The units and their timers; timers are installed disabled.");
      tagged(out, "/usr/share/tiering/lib/", "The jars that /usr/bin/tiering runs.");
    }
    out.append(".SH SEE ALSO\n");
    List<String> seeAlso = new ArrayList<>();
    if (!root) {
      seeAlso.add("\\fB" + escape(spec.root().qualifiedName("-")) + "\\fR(1)");
    }
    seeAlso.add("\\fBsystemctl\\fR(1)");
    seeAlso.add("\\fBjournalctl\\fR(1)");
    out.append(String.join(", ", seeAlso)).append('\n');
    return out.toString();
  }

  private static void tagged(StringBuilder out, String tag, String text) {
    out.append(".TP\n\\fB").append(escape(tag)).append("\\fR\n").append(escape(text)).append('\n');
  }

  /** An option's description as --help shows it: defaults and candidates filled in. */
  private static String rendered(ArgSpec arg) {
    List<String> candidates = new ArrayList<>();
    if (arg.completionCandidates() != null) {
      arg.completionCandidates().forEach(candidates::add);
    }
    return String.join(" ", arg.description())
        .replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValueString()))
        .replace("${COMPLETION-CANDIDATES}", String.join(", ", candidates))
        .replace("%n", "\n")
        .replace("%%", "%");
  }

  private static CommandLine.Help.Ansi off() {
    return CommandLine.Help.Ansi.OFF;
  }

  /** The description lines with picocli's format escapes resolved ({@code %n}, {@code %%}). */
  private static String[] description(CommandSpec spec) {
    List<String> lines = new ArrayList<>();
    for (String line : spec.usageMessage().description()) {
      lines.add(line.replace("%n", "\n").replace("%%", "%"));
    }
    return lines.toArray(new String[0]);
  }

  private static String firstSentence(String text) {
    String line = text.lines().findFirst().orElse("");
    int end = line.indexOf(". ");
    String sentence = end < 0 ? line : line.substring(0, end + 1);
    return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
  }

  private static String quoted(String text) {
    return "\"" + escape(text).replace("\"", "\\(dq") + "\"";
  }

  /** Text for troff: backslashes and hyphens escaped, no line taken for a request. */
  static String escape(String text) {
    return text.replace("\\", "\\e").replace("-", "\\-");
  }

  private static String escapeLines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n", -1)) {
      String escaped = escape(line);
      lines.add(escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped);
    }
    return String.join("\n", lines);
  }
}
