package dev.tiering.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled classes of every module (this
 * module's class path holds them all): core ← schema ← parquet ← hadoop, duckdb ← examples ← cli.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.tiering");
  }

  @Test
  void coreKnowsNothingAboveIt() {
    noClasses().that().resideInAPackage("dev.tiering.core..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.tiering.schema..", "dev.tiering.parquet..",
            "dev.tiering.hadoop..", "dev.tiering.duckdb..", "dev.tiering.examples..",
            "dev.tiering.cli..", "com.fasterxml..", "org.apache.parquet..", "org.apache.hadoop..",
            "org.duckdb..")
        .check(classes);
  }

  @Test
  void schemaKnowsNeitherParquetNorHadoopNorDuckDb() {
    noClasses().that().resideInAPackage("dev.tiering.schema..").should().dependOnClassesThat()
        .resideInAnyPackage("dev.tiering.parquet..", "dev.tiering.hadoop..",
            "dev.tiering.duckdb..", "dev.tiering.examples..", "dev.tiering.cli..",
            "org.apache.parquet..", "org.apache.hadoop..", "org.duckdb..")
        .check(classes);
  }

  @Test
  void theLibraryModulesDependNeitherOnApplicationsNorOnDuckDb() {
    noClasses().that().resideInAnyPackage("dev.tiering.core..", "dev.tiering.schema..",
            "dev.tiering.parquet..", "dev.tiering.hadoop..")
        .or().haveFullyQualifiedName("dev.tiering.Tiering")
        .should().dependOnClassesThat().resideInAnyPackage("dev.tiering.duckdb..",
            "dev.tiering.examples..", "dev.tiering.cli..", "org.duckdb..", "info.picocli..")
        .check(classes);
  }

  @Test
  void duckDbViewsAndExamplesDoNotReachIntoTheCommandLine() {
    noClasses().that().resideInAnyPackage("dev.tiering.duckdb..", "dev.tiering.examples..")
        .should().dependOnClassesThat().resideInAPackage("dev.tiering.cli..")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.tiering.(*)..").should().beFreeOfCycles().check(classes);
  }
}
