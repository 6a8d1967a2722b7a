package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.Snapshot;
import io.backuprouter.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code snapshots}: one manifest that cannot be read hides none of the others. */
class SnapshotsCommandIT {
    @TempDir
    Path dir;

    @Test
    void aDamagedManifestIsNamedAndEveryOtherSnapshotIsStillListed() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        Path nas = Files.createDirectories(dir.resolve("nas"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", nas);
        jobs.writeConfig("notes", source, "nas", Map.of("identity", jobs.identityFile().toString()));
        String[] where = {"--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};
        assertThat(Cli.run(JobContextIT.concat(new String[] {"backup", "notes"}, where)).exitCode()).isZero();
        Path manifest;
        try (Stream<Path> files = Files.list(nas.resolve("notes/snapshots"))) {
            manifest = files.findFirst().orElseThrow();
        }
        // A copy under another name (as a careless hand copy, or a forger, would make), unknown to this machine.
        String other = "20300101T000000.000Z-0badc0de";
        Files.copy(manifest, nas.resolve("notes/" + Snapshot.keyOf(other)));

        Cli.Result listed = Cli.run(JobContextIT.concat(new String[] {"snapshots", "notes"}, where));

        assertThat(listed.exitCode()).as(listed.all()).isZero();
        assertThat(listed.out()).contains(manifest.getFileName().toString().replace(".json.age", "")).contains(other);
        assertThat(listed.err()).contains("warning: nas:notes/" + Snapshot.keyOf(other) + ": the manifest says it is snapshot");
    }
}
