package io.backuprouter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package rules of DESIGN.md, checked on the compiled classes: one package per capability and
 * no cycles between them; the capabilities are plain Java (Camel is the thin edge in camel/ and cli/).
 */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.backuprouter");

    @Test
    void packagesDependOnEachOtherWithoutCycles() {
        slices().matching("io.backuprouter.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void capabilitiesDoNotImportCamel() {
        noClasses().that().resideInAnyPackage("..backup..", "..restore..", "..mirror..", "..catalog..", "..crypto..",
                        "..repository..", "..retention..", "..targets..", "..files..", "..values..", "..providers..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.camel..").check(CLASSES);
    }

    @Test
    void onlyTheRepositoryOpensArchives() {
        noClasses().that().resideOutsideOfPackage("..repository..")
                .should().dependOnClassesThat().haveFullyQualifiedName(
                        "org.apache.commons.compress.archivers.zip.ZipArchiveInputStream").check(CLASSES);
    }
}
