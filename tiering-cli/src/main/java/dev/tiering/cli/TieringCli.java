package dev.tiering.cli;

import dev.tiering.core.BatchId;
import dev.tiering.core.DataKind;
import dev.tiering.core.SlmId;
import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PartitionLayout;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code tiering} command: operator tools over the SDK. Exit codes fit cron and systemd: 0 ok,
 * 1 warning (or a partial failure), 2 critical, 64 usage error, 74 I/O error, 77 refused as root,
 * 70 a bug; the command's {@code exitCodeList} lists them all, for {@code --help} and tiering(1).
 */
@Command(
    name = "tiering",
    mixinStandardHelpOptions = true,
    versionProvider = TieringCli.Version.class,
    description = "Explicit hot/cold tiering for data-lake writers.",
    subcommands = {
      StatusCommand.class,
      DoctorCommand.class,
      CleanupCommand.class,
      CompactCommand.class,
      ArchiveCommand.class,
      CacheCommand.class,
      RouteCommand.class,
      SchemaCommand.class,
      LsCommand.class,
      SqlCommand.class,
      RecoverCommand.class,
      IngestCommand.class,
      InitCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeOnInvalidInput = TieringCli.EXIT_USAGE,
    exitCodeOnExecutionException = TieringCli.EXIT_SOFTWARE,
    // In --help and, through picocli-codegen, the EXIT STATUS section of tiering(1): cron jobs and
    // systemd units act on these codes, so operators should not need the source to read them.
    // No colon in the heading: the man page takes it for the section name.
    exitCodeListHeading = "%nExit status%n",
    exitCodeList = {
      " 0:ok",
      " 1:warning (status, doctor), an incompatible schema (schema diff), or some files failed"
          + " (the output names them)",
      " 2:critical (status, doctor), or a malformed sidecar (schema validate)",
      TieringCli.EXIT_USAGE + ":usage error; the message says what",
      SqlCommand.EXIT_SQL + ":sql: a statement DuckDB refuses",
      // The launcher's (src/dist/bin/tiering), before any Java runs: sysexits EX_UNAVAILABLE.
      "69:no Java 17 or newer found (the launcher)",
      TieringCli.EXIT_SOFTWARE + ":a bug; the stack trace says where",
      TieringCli.EXIT_IO + ":input/output error; the message names the path",
      TieringCli.EXIT_NOPERM
          + ":a command that writes, run as root on tiers another user owns (run it as"
          + " that user: sudo -u OWNER tiering ...)",
      // The launcher's too: sysexits EX_CONFIG.
      "78:the launcher's directory has '!/' in its path, where Java cannot load jars from"
    })
public final class TieringCli implements Runnable {

  /** Exit code for bad arguments (sysexits EX_USAGE). */
  static final int EXIT_USAGE = 64;

  /** Exit code for an unexpected failure (sysexits EX_SOFTWARE). */
  static final int EXIT_SOFTWARE = 70;

  /** Exit code for an input/output failure (sysexits EX_IOERR). */
  static final int EXIT_IO = 74;

  /** Exit code for a writing command refused as root on another user's tiers (EX_NOPERM). */
  static final int EXIT_NOPERM = 77;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, with converters that turn validation errors into usage errors. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new TieringCli());
    cli.registerConverter(Zone.class, converter(Zone::parse));
    cli.registerConverter(DataKind.class, converter(DataKind::parse));
    cli.registerConverter(TableName.class, converter(TableName::of));
    cli.registerConverter(BatchId.class, converter(BatchId::of));
    cli.registerConverter(SlmId.class, converter(SlmId::parse));
    cli.registerConverter(PartitionLayout.class, converter(PartitionLayout::parse));
    cli.registerConverter(
        dev.tiering.core.ByteSize.class, converter(dev.tiering.core.ByteSize::parse));
    cli.registerConverter(
        LocalDate.class,
        converter(
            text -> {
              try {
                return LocalDate.parse(text);
              } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("Invalid date '" + text + "' (use yyyy-MM-dd)");
              }
            }));
    applyToAll(
        cli,
        c ->
            c.getCommandSpec()
                .exitCodeOnInvalidInput(EXIT_USAGE)
                .exitCodeOnExecutionException(EXIT_SOFTWARE));
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof IllegalArgumentException) {
            commandLine.getErr().println("tiering: " + e.getMessage());
            return EXIT_USAGE;
          }
          if (e instanceof RefusedAsRootException refused) {
            commandLine.getErr().println("tiering: " + refused.getMessage());
            return EXIT_NOPERM;
          }
          if (e instanceof java.io.IOException io) {
            commandLine.getErr().println("tiering: " + describe(io));
            return EXIT_IO;
          }
          throw e;
        });
    return cli;
  }

  /**
   * An I/O failure for people: the path, what went wrong in words (the JDK gives only the path for
   * a missing file or a denied permission), and the fix where one is known.
   */
  static String describe(java.io.IOException e) {
    if (!(e instanceof java.nio.file.FileSystemException fs) || fs.getFile() == null) {
      return String.valueOf(e.getMessage());
    }
    String reason = fs.getReason();
    String what;
    String fix = "";
    if (fs instanceof java.nio.file.NoSuchFileException) {
      what = "no such file or directory";
      fix = " (check the path, and --root, --hot or --lake)";
    } else if (fs instanceof java.nio.file.AccessDeniedException) {
      what = "permission denied";
      fix =
          " (run as a user that may use the tiers, such as the tiering user of the systemd"
              + " units, or fix the owner)";
      if (reason != null) {
        // The SDK's storage names the operation ("cannot delete: permission denied"); the fix
        // still helps.
        reason = reason + fix;
      }
    } else if (fs instanceof java.nio.file.NotDirectoryException) {
      what = "not a directory";
    } else if (fs instanceof java.nio.file.FileAlreadyExistsException) {
      what = "already exists";
    } else if (fs instanceof java.nio.file.DirectoryNotEmptyException) {
      what = "directory not empty";
    } else {
      what = reason != null ? reason : "failed";
      reason = null;
    }
    // Our own messages already say what and why in the reason; keep them whole.
    return fs.getFile()
        + (fs.getOtherFile() != null ? " -> " + fs.getOtherFile() : "")
        + ": "
        + (reason != null ? reason : what + fix);
  }

  private static void applyToAll(CommandLine cli, java.util.function.Consumer<CommandLine> action) {
    action.accept(cli);
    cli.getSubcommands().values().forEach(sub -> applyToAll(sub, action));
  }

  private static <T> ITypeConverter<T> converter(Function<String, T> parse) {
    return text -> {
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in = TieringCli.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {"tiering " + properties.getProperty("version", "unknown")};
    }
  }
}
