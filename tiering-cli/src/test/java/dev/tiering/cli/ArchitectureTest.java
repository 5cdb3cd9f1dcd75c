package dev.tiering.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled classes of every module (this
 * module's class path holds them all): core ← schema ← parquet ← hadoop, duckdb ← examples ← cli;
 * inside core, names ← storage, routing ← lifecycle ← health; {@code internal} packages are shared
 * by the library's own modules and never part of its API.
 */
class ArchitectureTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tiering");
  }

  @Test
  void coreKnowsNothingAboveIt() {
    noClasses()
        .that()
        .resideInAPackage("dev.tiering.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tiering.schema..",
            "dev.tiering.parquet..",
            "dev.tiering.hadoop..",
            "dev.tiering.duckdb..",
            "dev.tiering.examples..",
            "dev.tiering.cli..",
            "com.fasterxml..",
            "org.apache.parquet..",
            "org.apache.hadoop..",
            "org.duckdb..")
        .check(classes);
  }

  @Test
  void schemaKnowsNeitherParquetNorHadoopNorDuckDb() {
    noClasses()
        .that()
        .resideInAPackage("dev.tiering.schema..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tiering.parquet..",
            "dev.tiering.hadoop..",
            "dev.tiering.duckdb..",
            "dev.tiering.examples..",
            "dev.tiering.cli..",
            "org.apache.parquet..",
            "org.apache.hadoop..",
            "org.duckdb..")
        .check(classes);
  }

  @Test
  void theLibraryModulesDependNeitherOnApplicationsNorOnDuckDb() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.tiering.core..",
            "dev.tiering.schema..",
            "dev.tiering.parquet..",
            "dev.tiering.hadoop..")
        .or()
        .haveFullyQualifiedName("dev.tiering.Tiering")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tiering.duckdb..",
            "dev.tiering.examples..",
            "dev.tiering.cli..",
            "org.duckdb..",
            "info.picocli..")
        .check(classes);
  }

  @Test
  void duckDbViewsAndExamplesDoNotReachIntoTheCommandLine() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.tiering.duckdb..", "dev.tiering.examples..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tiering.cli..")
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("dev.tiering.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void coreNamesDependOnNoOtherCorePackage() {
    noClasses()
        .that()
        .resideInAPackage("dev.tiering.core")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tiering.core.routing..",
            "dev.tiering.core.storage..",
            "dev.tiering.core.lifecycle..",
            "dev.tiering.core.health..",
            "dev.tiering.core.metrics..")
        .check(classes);
  }

  @Test
  void storageAndRoutingKnowNothingOfEachOtherOrOfOperations() {
    noClasses()
        .that()
        .resideInAPackage("dev.tiering.core.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tiering.core.routing..",
            "dev.tiering.core.lifecycle..",
            "dev.tiering.core.health..")
        .check(classes);
    noClasses()
        .that()
        .resideInAPackage("dev.tiering.core.routing..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tiering.core.storage..",
            "dev.tiering.core.lifecycle..",
            "dev.tiering.core.health..")
        .check(classes);
  }

  @Test
  void theMetricsSpiKnowsOnlyTheNames() {
    noClasses()
        .that()
        .resideInAPackage("dev.tiering.core.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.tiering.core.routing..",
            "dev.tiering.core.storage..",
            "dev.tiering.core.lifecycle..",
            "dev.tiering.core.health..",
            "dev.tiering.core.internal..",
            "io.micrometer..")
        .check(classes);
  }

  @Test
  void lifecycleOperationsDoNotDependOnHealth() {
    noClasses()
        .that()
        .resideInAPackage("dev.tiering.core.lifecycle..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tiering.core.health..")
        .check(classes);
  }

  @Test
  void corePackagesHaveNoCycles() {
    slices().matching("dev.tiering.core.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void examplesAndTheCommandLineUseNoInternalPackage() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.tiering.examples..", "dev.tiering.cli..", "dev.tiering.duckdb..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("..internal..")
        .check(classes);
  }

  @Test
  void publicSignaturesOfTheApiNameNoInternalType() {
    codeUnits()
        .that()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .arePublic()
        .and()
        .areDeclaredInClassesThat()
        .resideOutsideOfPackage("..internal..")
        .should(
            new ArchCondition<JavaCodeUnit>("name no type of an internal package") {
              @Override
              public void check(JavaCodeUnit unit, ConditionEvents events) {
                Set<JavaClass> types = new HashSet<>(unit.getReturnType().getAllInvolvedRawTypes());
                unit.getParameterTypes().forEach(p -> types.addAll(p.getAllInvolvedRawTypes()));
                for (JavaClass type : types) {
                  if (type.getPackageName().contains(".internal")) {
                    events.add(
                        SimpleConditionEvent.violated(
                            unit, unit.getFullName() + " exposes internal type " + type.getName()));
                  }
                }
              }
            })
        .check(classes);
  }
}
