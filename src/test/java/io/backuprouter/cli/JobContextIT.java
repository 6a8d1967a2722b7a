package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands about one job, in-process: another job's mistake is left aside, not a reason to refuse. */
class JobContextIT {
    @TempDir
    Path dir;

    @Test
    void aCommandAboutOneJobGoesOnWhenAnotherJobHasAProblemWhichStillStopsCommandsAboutThatJob() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        jobs.writeConfig("notes", source, "nas", Map.of());
        // A second job whose passphrase comes from a variable set only where the router runs.
        Files.writeString(jobs.routesDir().resolve("vault.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-on-change
                      parameters:
                        job: vault
                        source: %s
                        targets: nas
                        passphrase: "{{env:JOB_CONTEXT_IT_UNSET_PASSPHRASE}}"
                      steps:
                        - log: "${body}"
                """.formatted(source));
        String[] where = {"--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};

        Cli.Result notes = Cli.run(concat(new String[] {"backup", "notes"}, where));

        assertThat(notes.exitCode()).as(notes.all()).isZero();
        assertThat(notes.out()).contains("job notes: snapshot");

        Cli.Result vault = Cli.run(concat(new String[] {"backup", "vault"}, where));
        assertThat(vault.exitCode()).as(vault.all()).isEqualTo(1);
        assertThat(vault.err()).contains("vault.camel.yaml:8: passphrase: environment variable "
                + "JOB_CONTEXT_IT_UNSET_PASSPHRASE is not set");
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
