package dev.tiering.cli;

import dev.tiering.core.TableName;
import dev.tiering.core.Zone;
import dev.tiering.core.routing.PathResolver;
import dev.tiering.schema.EvolutionPolicy;
import dev.tiering.schema.IncompatibleSchemaException;
import dev.tiering.schema.MalformedSidecarException;
import dev.tiering.schema.SchemaChange;
import dev.tiering.schema.SchemaEvolution;
import dev.tiering.schema.SchemaSidecar;
import dev.tiering.schema.SchemaVersion;
import dev.tiering.schema.SidecarStore;
import dev.tiering.schema.TableSchema;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tiering schema}: table sidecars. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "Show, diff and validate schema.json sidecars.",
    subcommands = {
      SchemaCommand.Show.class,
      SchemaCommand.Diff.class,
      SchemaCommand.Validate.class
    })
final class SchemaCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand (use show, diff or validate)");
  }

  /** A table, by zone and name. */
  static final class Table {
    @Option(
        names = "--zone",
        paramLabel = "ZONE",
        required = true,
        description = "bronze, silver or gold.")
    Zone zone;

    @Option(names = "--table", paramLabel = "NAME", required = true, description = "The table.")
    TableName table;

    SchemaSidecar read(SidecarStore store, PathResolver paths) throws java.io.IOException {
      return store
          .read(zone, table)
          .orElseThrow(
              () ->
                  new java.nio.file.NoSuchFileException(
                      paths.schemaFile(zone, table).toString(),
                      null,
                      "no such table: " + zone + "." + table + " has no schema.json"));
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print a table's schema.json and the versions in its history.")
  static final class Show implements Callable<Integer> {
    @Mixin Table table;
    @Mixin LayoutOptions tiers;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PathResolver paths = tiers.resolver();
      dev.tiering.core.storage.Storage storage = tiers.storage(paths, true);
      LayoutOptions.requireRoots(paths, storage, dev.tiering.core.Tier.COLD);
      SidecarStore store = new SidecarStore(paths, storage, java.time.Clock.systemUTC());
      PrintWriter out = spec.commandLine().getOut();
      out.print(table.read(store, paths).toJson());
      List<SchemaVersion> versions = store.versions(table.zone, table.table);
      out.println("history: " + (versions.isEmpty() ? "none" : versions));
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description = {
        "Compare a table's schema with a proposed schema.json and say which version it"
            + " would get.",
        "Exit code: 0 same or compatible, 1 incompatible (needs a new major)."
      })
  static final class Diff implements Callable<Integer> {
    @Mixin Table table;

    @Parameters(paramLabel = "FILE", description = "The proposed schema.json.")
    Path proposed;

    @Mixin LayoutOptions tiers;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PathResolver paths = tiers.resolver();
      dev.tiering.core.storage.Storage storage = tiers.storage(paths, true);
      LayoutOptions.requireRoots(paths, storage, dev.tiering.core.Tier.COLD);
      TableSchema current =
          table.read(new SidecarStore(paths, storage, java.time.Clock.systemUTC()), paths).schema();
      TableSchema wanted = SchemaSidecar.read(proposed).schema();
      PrintWriter out = spec.commandLine().getOut();
      List<SchemaChange> changes = SchemaEvolution.diff(current, wanted);
      if (changes.isEmpty()) {
        out.println("no changes: " + current.qualifiedName() + " stays at " + current.version());
        out.flush();
        return 0;
      }
      changes.forEach(change -> out.println("  - " + change));
      int code = 0;
      try {
        TableSchema next =
            SchemaEvolution.evolve(current, wanted, EvolutionPolicy.COMPATIBLE, Instant.now());
        out.println("compatible: " + current.version() + " -> " + next.version());
      } catch (IncompatibleSchemaException e) {
        TableSchema next =
            SchemaEvolution.evolve(current, wanted, EvolutionPolicy.NEW_MAJOR, Instant.now());
        out.println(
            "incompatible: needs a new major version, "
                + current.version()
                + " -> "
                + next.version());
        code = 1;
      }
      out.flush();
      return code;
    }
  }

  /**
   * A sidecar at {@code .../<zone>/<table>/schema.json} must describe that zone and table: the same
   * check the SDK makes before it uses a table's sidecar.
   */
  static void placeInLake(SchemaSidecar sidecar, Path file) throws MalformedSidecarException {
    Path absolute = file.toAbsolutePath().normalize();
    if (!absolute.getFileName().toString().equals(PathResolver.SCHEMA_FILE_NAME)
        || absolute.getNameCount() < 3) {
      return;
    }
    try {
      Zone zone = Zone.parse(absolute.getParent().getParent().getFileName().toString());
      TableName table = TableName.of(absolute.getParent().getFileName().toString());
      SidecarStore.checkPlace(sidecar.schema(), zone, table, file);
    } catch (IllegalArgumentException notInALake) {
      // Not in a lake's zone/table directory: nothing to compare it with.
    }
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Check schema.json files; each error names the file, line and column.",
        "Exit code: 0 all valid, 2 any malformed."
      })
  static final class Validate implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "schema.json files.")
    List<Path> files;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      int code = 0;
      for (Path file : files) {
        try {
          SchemaSidecar sidecar = SchemaSidecar.read(file);
          placeInLake(sidecar, file);
          out.println(
              "valid: "
                  + file
                  + " ("
                  + sidecar.schema().qualifiedName()
                  + " "
                  + sidecar.schema().version()
                  + ", "
                  + sidecar.schema().fields().size()
                  + " fields)");
        } catch (MalformedSidecarException e) {
          out.println("invalid: " + e.getMessage());
          code = 2;
        } catch (java.io.IOException e) {
          // Named here: the JDK says only "Is a directory" for a directory, with no path.
          out.println(
              "invalid: "
                  + file
                  + ": "
                  + (e instanceof java.nio.file.FileSystemException
                      ? TieringCli.describe(e)
                      : e.getMessage()));
          code = 2;
        }
      }
      out.flush();
      return code;
    }
  }
}
