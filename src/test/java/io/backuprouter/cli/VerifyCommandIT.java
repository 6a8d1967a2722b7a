package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify --target} of a target that is not the job's (a mirror): it says when it lags behind. */
class VerifyCommandIT {
    @TempDir
    Path dir;

    @Test
    void aCopyThatLacksTheNewestSnapshotsIsOkAndSaysHowFarBehindItIs() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        Path nas = Files.createDirectories(dir.resolve("nas"));
        Path usb = Files.createDirectories(dir.resolve("usb"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", nas).folderTarget("usb", usb);
        jobs.writeConfig("notes", source, "nas", Map.of("identity", jobs.identityFile().toString()));
        String[] where = {"--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};
        assertThat(Cli.run(JobContextIT.concat(new String[] {"backup", "notes"}, where)).exitCode()).isZero();
        // A copy of the job's objects, made now (as a mirror pass would), then two more snapshots.
        try (Stream<Path> files = Files.walk(nas)) {
            for (Path file : files.toList()) {
                Path copy = usb.resolve(nas.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        for (String change : new String[] {"b", "c"}) {
            Files.writeString(source.resolve(change + ".txt"), change);
            assertThat(Cli.run(JobContextIT.concat(new String[] {"backup", "notes"}, where)).exitCode()).isZero();
        }

        Cli.Result verify = Cli.run(JobContextIT.concat(new String[] {"verify", "notes", "--target", "usb"}, where));

        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("ok   usb: 1 snapshot(s)")
                .containsPattern("note: 2 snapshots of the job's targets are not on usb yet \\(newest \\d{8}T")
                .contains("if it is a mirror of the job's targets, its next pass copies them");
        Cli.Result own = Cli.run(JobContextIT.concat(new String[] {"verify", "notes", "--target", "nas"}, where));
        assertThat(own.out()).contains("ok   nas: 3 snapshot(s)").doesNotContain("note:");
    }

    @Test
    void aLinkLeadingOutsideFailsVerifyAsItFailsRestoreUnlessTheSamePolicyLeavesItOut() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        Files.createSymbolicLink(source.resolve("hosts"), Path.of("/etc/hosts"));
        Path nas = Files.createDirectories(dir.resolve("nas"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", nas);
        jobs.writeConfig("notes", source, "nas", Map.of("identity", jobs.identityFile().toString()));
        String[] where = {"--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};
        assertThat(Cli.run(JobContextIT.concat(new String[] {"backup", "notes"}, where)).exitCode()).isZero();

        Cli.Result restore = Cli.run(JobContextIT.concat(new String[] {"restore", "notes", "--to", dir.resolve("to").toString()},
                where));
        Cli.Result verify = Cli.run(JobContextIT.concat(new String[] {"verify", "notes", "--read-data"}, where));
        Cli.Result skipping = Cli.run(JobContextIT.concat(new String[] {"verify", "notes", "--read-data", "--outside-links",
                "skip"}, where));

        assertThat(restore.exitCode()).as(restore.all()).isEqualTo(1);
        assertThat(verify.exitCode()).as(verify.all()).isEqualTo(1);
        assertThat(verify.all()).contains("hosts: refused: the link points outside the destination (/etc/hosts)");
        assertThat(skipping.exitCode()).as(skipping.all()).isZero();
        assertThat(skipping.all()).contains("note: 1 link leads outside").contains("hosts -> /etc/hosts");
    }
}
