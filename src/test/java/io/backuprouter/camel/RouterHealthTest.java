package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.backup.BackupSummary;
import io.backuprouter.backup.JobState;
import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.testing.SettableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterHealthTest {
    @TempDir
    Path dir;

    final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
    final RouterMetrics metrics = new RouterMetrics(clock);

    /** The jobs check of one job, notes, on a folder target, with its state in the test's folder. */
    JobCatalog notes() throws IOException {
        RouterSettings settings = RouterSettings.read(ConfigFile.of("c.properties", Map.of(
                "backup.targets.nas.type", "folder", "backup.targets.nas.path", dir.toString())));
        Files.writeString(dir.resolve("job.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-run?job=notes&source=/tmp&targets=nas&recipients=%s&stateDir=%s
                """.formatted(AgeKeys.generate().recipient(), dir.resolve("state")));
        return JobCatalog.read(dir, settings);
    }

    RouterHealth.Jobs check(JobCatalog jobs) {
        RouterHealth.Jobs check = new RouterHealth.Jobs(jobs, metrics, Duration.ofHours(26), clock);
        check.setCamelContext(new DefaultCamelContext());
        return check;
    }

    static BackupSummary succeeded(String snapshot) {
        return new BackupSummary("notes", snapshot, 1, 1, 1, 1, 1, 1, 1, List.of("nas"), Map.of(), List.of(), Duration.ZERO,
                false, 0);
    }

    @Test
    void aJobThatHasNotSucceededWithinTheMaxAgeIsDownWithTheReason() throws Exception {
        RouterHealth.Jobs check = check(notes());
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        clock.advance(Duration.ofHours(27));

        HealthCheck.Result result = check.call();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).get().asString().contains("job notes has not succeeded on target nas for more than 1d2h");
    }

    @Test
    void aFailureRecordedInTheJobsStateByAOneShotCommandIsDownToo() throws Exception {
        JobCatalog jobs = notes();
        RouterHealth.Jobs check = check(jobs);
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        try (JobState state = JobState.open(jobs.job("notes").orElseThrow().jobStateDir(), "notes")) {
            state.failed(Instant.parse("2026-12-01T00:00:00Z"), "job notes: the source folder /tmp/x does not exist");
        }

        HealthCheck.Result result = check.call();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).get().asString().isEqualTo("job notes: its last run, at 2026-12-01T00:00:00Z, failed: "
                + "job notes: the source folder /tmp/x does not exist");
    }

    @Test
    void aMirrorWhosePassFailedOrWasHeldBackIsDownUntilAPassSucceeds() throws Exception {
        System.setProperty("router-health-test.access", "router-health-test-access-key");
        System.setProperty("router-health-test.secret", "router-health-test-secret-value");
        Map<String, String> lines = new java.util.LinkedHashMap<>();
        for (String target : List.of("r2", "oss")) {
            lines.put("backup.targets." + target + ".provider", "minio");
            lines.put("backup.targets." + target + ".endpoint", "http://127.0.0.1:1");
            lines.put("backup.targets." + target + ".region", "us-east-1");
            lines.put("backup.targets." + target + ".addressing", "path");
            lines.put("backup.targets." + target + ".bucket", "bucket-" + target);
            lines.put("backup.targets." + target + ".access-key", "{{sys:router-health-test.access}}");
            lines.put("backup.targets." + target + ".secret-key", "{{sys:router-health-test.secret}}");
        }
        RouterSettings settings = RouterSettings.read(ConfigFile.of("c.properties", lines));
        Files.writeString(dir.resolve("mirror.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:mirror-on-schedule
                      parameters:
                        mirror: r2-to-oss
                        from: r2
                        to: oss
                        mode: sync
                        schedule: "0 0 4 * * ?"
                      steps:
                        - log: "${body}"
                """);
        RouterHealth.Mirrors check = new RouterHealth.Mirrors(io.backuprouter.config.MirrorCatalog.read(dir, settings), metrics);
        check.setCamelContext(new DefaultCamelContext());
        assertThat(check.call().getState()).as("not run yet").isEqualTo(HealthCheck.State.UP);

        metrics.mirror("r2-to-oss", "oss", new io.backuprouter.mirror.MirrorSummary("r2-to-oss", false, 0, 0, 0, 0, List.of(),
                "the pass would delete 4 of the 4 objects it keeps on the destination", Duration.ZERO, null));

        HealthCheck.Result held = check.call();
        assertThat(held.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(held.getMessage()).get().asString().isEqualTo("mirror r2-to-oss: its last pass failed: "
                + "the pass would delete 4 of the 4 objects it keeps on the destination");

        clock.advance(Duration.ofMinutes(1));
        metrics.mirror("r2-to-oss", "oss", new io.backuprouter.mirror.MirrorSummary("r2-to-oss", false, 1, 1, 0, 0, List.of(),
                null, Duration.ZERO, null));
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void aJobWhoseLastRunFailedIsDownWithTheReasonUntilARunSucceeds() throws Exception {
        RouterHealth.Jobs check = check(notes());
        metrics.backup("notes", succeeded("20261201T000000.000Z-00000000"));
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        clock.advance(Duration.ofMinutes(1));
        metrics.backupFailed("notes", List.of("nas"), "the source folder /tmp/notes does not exist");

        HealthCheck.Result failed = check.call();
        assertThat(failed.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(failed.getMessage()).get().asString()
                .isEqualTo("job notes: its last run on target nas failed: the source folder /tmp/notes does not exist");

        clock.advance(Duration.ofMinutes(5));
        metrics.backup("notes", succeeded("20261201T000600.000Z-00000000"));
        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
    }
}
