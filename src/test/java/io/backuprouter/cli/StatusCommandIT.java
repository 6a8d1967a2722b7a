package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.files.BackupProgress;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.backup.BackupSummary;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code status}: a target is STALE when its newest snapshot is old, unless a run has found nothing changed since. */
class StatusCommandIT {
    @TempDir
    Path dir;

    @Test
    void anOldSnapshotIsStaleUntilARunFindsTheSourceUnchangedSinceIt() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "quiet for days");
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        JobSettings job = jobs.job("notes", source, "nas");
        Clock threeDaysAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(3)), ZoneOffset.UTC);
        try (Targets targets = new Targets(jobs.settings().targets())) {
            new BackupRun(job, targets.stores(), threeDaysAgo, BackupProgress.NONE).run();
        }
        String[] status = {"status", "--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};

        Cli.Result stale = Cli.run(status);

        assertThat(stale.exitCode()).as(stale.all()).isEqualTo(1);
        assertThat(stale.out()).containsPattern("notes +nas +STALE +1 ").contains("the newest snapshot is older than 1d2h");

        BackupSummary check;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            check = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).skipIfUnchanged(true).run();
        }
        assertThat(check.unchanged()).as(check.toString()).isTrue();

        Cli.Result ok = Cli.run(status);

        assertThat(ok.exitCode()).as(ok.all()).isZero();
        assertThat(ok.out()).containsPattern("notes +nas +ok +1 +" + check.snapshotId() + " +3d ")
                .containsPattern("a run \\d+s ago found the source unchanged since this snapshot");
        assertThat(Cli.run("status", "--json", "--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString())
                .out()).contains("\"health\" : \"ok\"").containsPattern("\"unchangedSeconds\" : \\d+");
    }

    @Test
    void aJobWithAProblemInItsDeclarationIsBrokenAndTheOthersAreStillShown() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        JobSettings job = jobs.job("notes", source, "nas");
        try (Targets targets = new Targets(jobs.settings().targets())) {
            new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
        }
        Files.writeString(jobs.routesDir().resolve("vault.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-on-change
                      parameters:
                        job: vault
                        source: %s
                        targets: nas
                        passphrase: "{{env:STATUS_IT_UNSET_PASSPHRASE}}"
                      steps:
                        - log: "${body}"
                """.formatted(source));

        Cli.Result status = Cli.run("status", "--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString());

        assertThat(status.exitCode()).as(status.all()).isEqualTo(1);
        assertThat(status.out()).containsPattern("notes +nas +ok +1 ").containsPattern("vault +- +BROKEN ")
                .contains("vault.camel.yaml:8: passphrase: environment variable STATUS_IT_UNSET_PASSPHRASE is not set");
    }

    @Test
    void aJobWhoseLastRunFailedIsFailingWithTheReasonUntilARunSucceeds() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        JobSettings job = jobs.job("notes", source, "nas");
        String[] status = {"status", "--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};
        try (Targets targets = new Targets(jobs.settings().targets())) {
            new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
            Files.move(source, dir.resolve("moved"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BackupRun(job, targets.stores(), Clock.systemUTC(),
                    BackupProgress.NONE).run()).hasMessageContaining("does not exist");

            Cli.Result failing = Cli.run(status);

            assertThat(failing.exitCode()).as(failing.all()).isEqualTo(1);
            assertThat(failing.out()).containsPattern("notes +nas +FAILING +1 ")
                    .containsPattern("the last run, \\d+s ago, failed: job notes: the source folder " + source + " does not exist");

            Files.move(dir.resolve("moved"), source);
            new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
        }
        Cli.Result ok = Cli.run(status);
        assertThat(ok.exitCode()).as(ok.all()).isZero();
        assertThat(ok.out()).containsPattern("notes +nas +ok +2 ");
    }
}
