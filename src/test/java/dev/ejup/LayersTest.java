package dev.ejup;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** cli → capabilities → model and report; the build fails when a dependency points the wrong way. */
class LayersTest {
  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.ejup");
  }

  @Test
  void onlyTheEntryPointUsesTheCliLayer() {
    noClasses().that().resideOutsideOfPackage("dev.ejup.cli..").and().doNotHaveFullyQualifiedName("dev.ejup.Ejup")
        .should().dependOnClassesThat().resideInAPackage("dev.ejup.cli..")
        .because("capabilities are called by commands, never the other way round")
        .check(classes);
  }

  @Test
  void modelDependsOnNothingElseOfEjup() {
    classes().that().resideInAPackage("dev.ejup.model..")
        .should().onlyDependOnClassesThat().resideOutsideOfPackages(
            "dev.ejup.cli..", "dev.ejup.report..", "dev.ejup.config..", "dev.ejup.upload..",
            "dev.ejup.docroot..", "dev.ejup.ssh..", "dev.ejup.playbook..")
        .check(classes);
  }

  @Test
  void renderersKnowOnlyTheModel() {
    noClasses().that().resideInAPackage("dev.ejup.report..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "dev.ejup.cli..", "dev.ejup.config..", "dev.ejup.upload..", "dev.ejup.docroot..",
            "dev.ejup.ssh..", "dev.ejup.playbook..")
        .check(classes);
  }

  @Test
  void lowerCapabilitiesDoNotReachUpToThePlaybooks() {
    noClasses().that().resideInAnyPackage("dev.ejup.config..", "dev.ejup.upload..", "dev.ejup.docroot..", "dev.ejup.ssh..")
        .should().dependOnClassesThat().resideInAPackage("dev.ejup.playbook..")
        .allowEmptyShould(true)
        .check(classes);
  }
}
