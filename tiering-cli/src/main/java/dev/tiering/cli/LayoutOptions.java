package dev.tiering.cli;

import dev.tiering.core.Tier;
import dev.tiering.core.TierLayout;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.core.routing.RoutingRules;
import dev.tiering.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options every command shares to find the tiers: {@code --root}, {@code --hot}, {@code
 * --lake}, {@code --rules}.
 */
final class LayoutOptions {

  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "Base directory holding hot/ and lake/ (default: TIERING_ROOT, or /data/hot and /data/lake).")
  Path root;

  @Option(
      names = "--hot",
      paramLabel = "DIR",
      description = "Hot (SSD) tier root; wins over --root.")
  Path hot;

  @Option(
      names = "--lake",
      paramLabel = "DIR|URI",
      description =
          "Cold (HDD) lake root, a path or"
              + " a Hadoop URI such as hdfs://namenode:8020/lake; wins over --root.")
  String lake;

  @Option(
      names = "--rules",
      paramLabel = "FILE",
      description =
          "Routing rules file; its rules come before the seed's defaults (default:"
              + " TIERING_RULES, if set).")
  Path rules;

  TierLayout layout() {
    refuseEmpty("--root", root == null ? null : root.toString());
    refuseEmpty("--hot", hot == null ? null : hot.toString());
    refuseEmpty("--lake", lake);
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

  /** An empty path would silently mean the current directory: never what an operator meant. */
  private static void refuseEmpty(String option, String value) {
    if (value != null && value.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid "
              + option
              + " '"
              + value
              + "': it is empty, and"
              + " would mean the current directory (give the directory, e.g. "
              + option
              + " /data)");
    }
  }

  /** The storage of both tiers; {@code readOnly} for read-only commands and dry runs. */
  Storage storage(PathResolver paths, boolean readOnly) {
    Storage storage = Storage.forLayout(paths.layout());
    return readOnly ? new ReadOnlyStorage(storage) : storage;
  }

  /**
   * Checks that the roots of {@code tiers} exist as directories, before a command acts: a typo in a
   * unit file or an unmounted disk must fail loudly, not do nothing (or create directories on the
   * root file system).
   *
   * @throws MissingRootException naming the root and the fix
   */
  static void requireRoots(PathResolver paths, Storage storage, Tier... tiers) throws IOException {
    for (Tier tier : tiers) {
      Path root = paths.layout().root(tier);
      java.util.Optional<dev.tiering.core.storage.FileEntry> entry;
      try {
        entry = storage.stat(root);
      } catch (IOException unreachable) {
        // For instance a root under a file (ENOTDIR): as good as not there.
        entry = java.util.Optional.empty();
      }
      if (entry.isEmpty() || !entry.get().isDirectory()) {
        throw new MissingRootException(
            "The "
                + (tier == Tier.HOT ? "hot tier" : "lake")
                + " root "
                + paths.layout().display(root)
                + (entry.isEmpty() ? " does not exist" : " is not a directory")
                + "; nothing was done (is the "
                + (tier == Tier.HOT ? "SSD" : "lake disk")
                + " mounted? check --root/--"
                + (tier == Tier.HOT ? "hot" : "lake")
                + " or "
                + (tier == Tier.HOT ? TierLayout.HOT_ROOT_ENV : TierLayout.LAKE_ROOT_ENV)
                + ")");
      }
    }
  }

  /**
   * Refuses a command that writes when it runs as root on tiers that another user owns: what root
   * creates there (a lock file, a temporary file, a directory) would belong to root, and the
   * owner's own jobs could then neither use nor remove it. As PostgreSQL refuses to run as root,
   * the message names the command to run instead. Roots that root owns (a test directory, a fresh
   * demo) and roots that are not there yet are fine; a lake on another file system (HDFS) has its
   * own users and is not checked.
   *
   * @param spec the running command, to name it in the fix
   * @throws RefusedAsRootException naming the root, its owner and {@code sudo -u <owner> tiering
   *     ...}
   */
  static void refuseRootOnOthersTiers(PathResolver paths, CommandLine.Model.CommandSpec spec)
      throws IOException {
    if (!runningAsRoot()) {
      return;
    }
    for (Tier tier : Tier.values()) {
      if (tier == Tier.COLD && !paths.layout().lakeIsLocal()) {
        continue;
      }
      Path root = paths.layout().root(tier);
      int uid;
      String owner;
      try {
        uid = (Integer) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        owner = Files.getOwner(root, LinkOption.NOFOLLOW_LINKS).getName();
      } catch (java.nio.file.NoSuchFileException notThere) {
        continue; // requireRoots says so, or the command creates it (init, demo)
      } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
        return;
      }
      if (uid != 0) {
        throw new RefusedAsRootException(
            "Refusing to run 'tiering "
                + spec.qualifiedName(" ").replaceFirst("^tiering ", "")
                + "' as root: the "
                + (tier == Tier.HOT ? "hot tier" : "lake")
                + " root "
                + root
                + " belongs to "
                + owner
                + (owner.equals(Integer.toString(uid)) ? "" : " (uid " + uid + ")")
                + ", and files root made there (locks, temporary files, directories) would belong"
                + " to root, which "
                + owner
                + "'s jobs could not use or remove; nothing was done (run it as the tiers' owner: "
                + "sudo -u "
                + owner
                + " tiering "
                + commandLine(spec)
                + ")");
      }
    }
  }

  /** The command line as typed, quoted for a shell where a word needs it. */
  private static String commandLine(CommandLine.Model.CommandSpec spec) {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    StringBuilder line = new StringBuilder();
    for (String arg : args) {
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(
          arg.matches("[A-Za-z0-9_./=:@%+,-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return line.toString();
  }

  /**
   * Whether this process runs as root (effective uid 0): the owner of {@code /proc/self} is the
   * process's effective user. Anywhere without {@code /proc}, the user name decides.
   */
  static boolean runningAsRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException noProc) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  PathResolver resolver() throws IOException {
    Path file = rules != null ? rules : rulesFromEnvironment();
    return new PathResolver(
        layout(), file == null ? RoutingRules.defaults() : RoutingRules.load(file));
  }

  /**
   * The rules file of {@code -Dtiering.rules} or {@code TIERING_RULES}: how operators' commands
   * (the systemd units read /etc/default/tiering) get the rules the applications use, so that no
   * command mistakes a table the rules pin to the SSD for something else.
   */
  private static Path rulesFromEnvironment() {
    String value = System.getProperty("tiering.rules", System.getenv("TIERING_RULES"));
    if (value == null) {
      return null;
    }
    refuseEmpty("TIERING_RULES", value);
    return Path.of(value);
  }
}
