package io.backuprouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.backuprouter.crypto.AgeKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCatalogTest {
    @TempDir
    Path dir;
    RouterSettings settings;
    String recipient = AgeKeys.generate().recipient();

    @BeforeEach
    void settings() {
        settings = RouterSettings.read(ConfigFile.of("application.properties", Map.of(
                "backup.targets.nas.type", "folder", "backup.targets.nas.path", "/mnt/nas")).with("backup.targets.usb.type", "folder")
                .with("backup.targets.usb.path", "/media/usb"));
    }

    @Test
    void jobsAreReadFromKameletParametersAndInlineUris() throws IOException {
        Files.writeString(dir.resolve("jobs.camel.yaml"), """
                - route:
                    id: backup-notes
                    from:
                      uri: kamelet:backup-on-change
                      parameters:
                        job: notes
                        source: /home/me/notes
                        targets: nas, usb
                        recipients: %s
                        exclude: "*.log, cache"
                        quietPeriod: 1m30s
                      steps:
                        - log: "${body}"
                - route:
                    id: backup-db
                    from:
                      uri: timer:x
                      steps:
                        - to: "kamelet:backup-run?job=db&source=/var/dumps&targets=nas&recipients=%s&compressionLevel=6"
                """.formatted(recipient, recipient));

        JobCatalog catalog = JobCatalog.read(dir, settings);

        JobSettings notes = catalog.job("notes").orElseThrow();
        assertThat(notes.targets()).containsExactly("nas", "usb");
        assertThat(notes.excludes()).containsExactly("*.log", "cache");
        assertThat(notes.quietPeriod()).hasSeconds(90);
        assertThat(notes.trigger()).isEqualTo("backup-on-change");
        assertThat(notes.declaredAt()).isEqualTo(dir.resolve("jobs.camel.yaml") + ":4");
        JobSettings db = catalog.job("db").orElseThrow();
        assertThat(db.compressionLevel()).isEqualTo(6);
        assertThat(db.compression()).isEqualTo("zstd");
        assertThat(notes.compressionLevel()).as("zstd's default level").isEqualTo(JobSettings.ZSTD_DEFAULT_LEVEL);
        assertThat(db.batchSize()).isEqualTo(256L << 20);
    }

    @Test
    void aMisspeltKameletIsNamedWithTheOneMeant() throws IOException {
        Files.writeString(dir.resolve("typo.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-on-chang
                      parameters:
                        job: notes
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> JobCatalog.read(dir, settings));
        assertThat(e.getMessage()).contains(dir.resolve("typo.camel.yaml") + ":3: unknown kamelet \"backup-on-chang\"")
                .contains("did you mean kamelet:backup-on-change?");
    }

    @Test
    void aParameterIndentedOutsideItsParametersIsNamedNotIgnored() throws IOException {
        // keepLast beside from (route level) and schedule beside uri (from level): valid YAML that the
        // kamelet would never see.
        Files.writeString(dir.resolve("docs.camel.yaml"), """
                - route:
                    id: backup-docs
                    keepLast: 3
                    from:
                      uri: kamelet:backup-on-schedule
                      schedule: "0 0 3 * * ?"
                      parameters:
                        job: docs
                        source: /srv/docs
                        targets: nas
                        recipients: %s
                      steps:
                        - log: "${body}"
                """.formatted(recipient));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> JobCatalog.read(dir, settings));

        String file = dir.resolve("docs.camel.yaml").toString();
        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                file + ":3: keepLast: outside the parameters of kamelet:backup-on-schedule (line 5), so it would be ignored"
                        + "\n    hint: indent it under that kamelet's parameters:",
                file + ":6: schedule: outside the parameters of kamelet:backup-on-schedule (line 5), so it would be ignored"
                        + "\n    hint: indent it under that kamelet's parameters:");
    }

    @Test
    void aMirrorParameterOutsideItsParametersIsNamedToo() throws IOException {
        // Beside uri, and beside route: (the list item); and one parameter given twice.
        Files.writeString(dir.resolve("mirror.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:mirror-on-schedule
                      maxDeletePercent: 5
                      parameters:
                        mirror: photos
                        from: nas
                        to: usb
                        mode: sync
                        mode: copy
                  concurrency: 2
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> MirrorCatalog.read(dir, settings));

        String file = dir.resolve("mirror.camel.yaml").toString();
        assertThat(e.problems()).extracting(ConfigProblem::toString).contains(
                file + ":4: maxDeletePercent: outside the parameters of kamelet:mirror-on-schedule (line 3), so it would be "
                        + "ignored\n    hint: indent it under that kamelet's parameters:",
                file + ":11: concurrency: outside the parameters of kamelet:mirror-on-schedule (line 3), so it would be "
                        + "ignored\n    hint: indent it under that kamelet's parameters:",
                file + ":10: mode: given twice for kamelet:mirror-on-schedule (line 3)\n    hint: keep the one you mean");
    }

    @Test
    void aPassphraseWhoseVariableIsNotSetIsNamedAloneWithoutInvitingItIntoTheFile() throws IOException {
        Files.writeString(dir.resolve("secret.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-on-change
                      parameters:
                        job: secret
                        source: /home/me/secret
                        targets: nas
                        passphrase: "{{env:BACKUP_ROUTER_TEST_UNSET_PASSPHRASE}}"
                      steps:
                        - log: "${body}"
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> JobCatalog.read(dir, settings));

        assertThat(e.problems()).extracting(ConfigProblem::toString).singleElement().asString()
                .contains(":8: passphrase: environment variable BACKUP_ROUTER_TEST_UNSET_PASSPHRASE is not set")
                .contains("hint: set it where the program starts (export BACKUP_ROUTER_TEST_UNSET_PASSPHRASE=...")
                .contains("only a setting that is not sensitive may give a default instead");
    }

    @Test
    void aPassphrasePlaceholderWithADefaultIsPlainTextAndRefusedWithoutShowingIt() throws IOException {
        Files.writeString(dir.resolve("secret.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-on-change
                      parameters:
                        job: secret
                        source: /home/me/secret
                        targets: nas
                        passphrase: "{{env:BACKUP_ROUTER_TEST_UNSET_PASSPHRASE:MyDefaultSecret}}"
                      steps:
                        - log: "${body}"
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> JobCatalog.read(dir, settings));

        assertThat(e.problems()).extracting(ConfigProblem::toString).singleElement().asString()
                .contains(":8: passphrase: its placeholder gives a default, which writes the passphrase in plain text")
                .doesNotContain("MyDefaultSecret");
    }

    @Test
    void anIdentityThatIsNoneOfTheRecipientsIsRefusedAtStart() throws IOException {
        AgeKeys.AgeKeyPair other = AgeKeys.generate();
        Path identity = Files.writeString(dir.resolve("other-identity.txt"), other.identityFile());
        Files.writeString(dir.resolve("notes.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-on-change
                      parameters:
                        job: notes
                        source: /home/me/notes
                        targets: nas
                        recipients: %s
                        identity: %s
                      steps:
                        - log: "${body}"
                """.formatted(recipient, identity));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> JobCatalog.read(dir, settings));

        assertThat(e.problems()).extracting(ConfigProblem::toString).singleElement().asString()
                .contains(":9: identity: the identity in \"" + identity + "\" is for recipient " + other.recipient()
                        + ", which is not among the job's recipients")
                .contains("add " + other.recipient() + " to recipients")
                .doesNotContain("AGE-SECRET-KEY");
    }

    @Test
    void anIdentityGivenAsRecipientsIsRefusedWithoutEverShowingIt() throws IOException {
        AgeKeys.AgeKeyPair pair = AgeKeys.generate();
        Path identity = Files.writeString(dir.resolve("identity.age.txt"), pair.identityFile());
        String secret = pair.identityFile().lines().filter(l -> l.startsWith("AGE-SECRET-KEY-")).findFirst().orElseThrow();
        Files.writeString(dir.resolve("jobs.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-on-change
                      parameters:
                        job: from-file
                        source: /home/me/a
                        targets: nas
                        recipients: %s
                      steps:
                        - log: "${body}"
                - route:
                    from:
                      uri: kamelet:backup-on-change
                      parameters:
                        job: pasted
                        source: /home/me/b
                        targets: nas
                        recipients: %s
                      steps:
                        - log: "${body}"
                """.formatted(identity, secret));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> JobCatalog.read(dir, settings));

        assertThat(e.problems()).extracting(ConfigProblem::toString).hasSize(2).noneMatch(p -> p.contains(secret))
                .anySatisfy(p -> assertThat(p).contains(":8: recipients: \"" + identity + "\" is an identity file (it holds a "
                        + "secret key), not a recipients file").contains("# public key:"))
                .anySatisfy(p -> assertThat(p).contains(":18: recipients: an age identity (a secret key, AGE-SECRET-KEY-...) is "
                        + "given where a recipient belongs"));
        assertThat(e.getMessage()).doesNotContain(secret);
    }

    @Test
    void aMisspeltMirrorModeSaysWhichItMeant() throws IOException {
        Files.writeString(dir.resolve("mirror.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:mirror-on-schedule
                      parameters:
                        mirror: photos
                        from: nas
                        to: usb
                        mode: snyc
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> MirrorCatalog.read(dir, settings));

        assertThat(e.problems()).extracting(ConfigProblem::toString)
                .contains(dir.resolve("mirror.camel.yaml") + ":8: mode: \"snyc\" is not one of copy, sync (did you mean sync?)");
    }

    @Test
    void compressionIsAChoiceAndItsLevelIsCheckedAgainstThatCompressionsRange() throws IOException {
        Files.writeString(dir.resolve("levels.camel.yaml"), """
                - route:
                    from:
                      uri: timer:a
                      steps:
                        - to: "kamelet:backup-run?job=portable&source=/x&targets=nas&recipients=%s&compression=deflate"
                - route:
                    from:
                      uri: timer:b
                      steps:
                        - to: "kamelet:backup-run?job=too-high&source=/x&targets=nas&recipients=%s&compression=Deflate&compressionLevel=12"
                - route:
                    from:
                      uri: timer:c
                      steps:
                        - to: "kamelet:backup-run?job=gz&source=/x&targets=nas&recipients=%s&compression=gzip"
                """.formatted(recipient, recipient, recipient));

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> JobCatalog.read(dir, settings));

        assertThat(e.getMessage()).contains("compressionLevel: 12 is out of range").contains("use a number from 1 to 9")
                .contains("compression: \"gzip\" is not one of zstd, deflate, none");
        Files.writeString(dir.resolve("levels.camel.yaml"), """
                - route:
                    from:
                      uri: timer:a
                      steps:
                        - to: "kamelet:backup-run?job=portable&source=/x&targets=nas&recipients=%s&compression=deflate"
                """.formatted(recipient));
        JobSettings portable = JobCatalog.read(dir, settings).job("portable").orElseThrow();
        assertThat(portable.compression()).isEqualTo("deflate");
        assertThat(portable.compressionLevel()).as("deflate's default level").isEqualTo(JobSettings.DEFLATE_DEFAULT_LEVEL);
    }

    @Test
    void everyMistakeIsReportedWithTheRouteFileAndLine() throws IOException {
        Files.writeString(dir.resolve("bad.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-on-schedule
                      parameters:
                        job: Bad_Name
                        source: /x
                        targets: nas, cloud
                        recipients: age1notakey
                        compressionLevel: 22
                        schedule: every night
                        passphrase: plain words
                        colour: blue
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> JobCatalog.read(dir, settings));

        String file = dir.resolve("bad.camel.yaml").toString();
        assertThat(e.getMessage())
                .contains(file + ":5: job: \"Bad_Name\" is not kebab-case")
                .contains(file + ":7: targets: unknown target \"cloud\"")
                .contains(file + ":8: recipients: \"age1notakey\" is not an age X25519 recipient")
                .contains(file + ":9: compressionLevel: 22 is out of range")
                .contains(file + ":10: schedule: \"every night\" is not a Quartz cron expression")
                .contains(file + ":11: passphrase: is written in plain text")
                .contains(file + ":11: passphrase: a job encrypts to recipients or to a passphrase, not both")
                .contains(file + ":12: colour: unknown setting")
                .doesNotContain("plain words");
    }
}
