package io.backuprouter.backup;

import io.backuprouter.files.BackupProgress;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/format.md promises that the bucket, the identity file and Debian's age and unzip are enough
 * to get files back. This runs those very programs on what a backup stored (in a folder target, so
 * the objects are plain files). CI installs age and unzip; the test fails, rather than skips,
 * when they are missing.
 */
class RestoreWithoutThisToolIT {
    @TempDir
    Path dir;

    @Test
    void ageAndUnzipRestoreTheFilesAndTheManifestSaysWhereEachOneIs() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source/docs"));
        Files.writeString(source.resolve("letter.txt"), "Dear bucket,\n");
        Files.writeString(source.resolve("run.sh"), "#!/bin/sh\n");
        source.resolve("run.sh").toFile().setExecutable(true);
        Path nas = Files.createDirectories(dir.resolve("nas"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", nas);
        var job = jobs.job("letters", dir.resolve("source"), "nas");
        try (Targets targets = new Targets(jobs.settings().targets())) {
            assertThat(new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().complete()).isTrue();
        }

        Path manifest;
        try (Stream<Path> files = Files.walk(nas.resolve("letters/snapshots"))) {
            manifest = files.filter(f -> f.toString().endsWith(".json.age")).findFirst().orElseThrow();
        }
        Path json = dir.resolve("manifest.json");
        run(List.of("age", "-d", "-i", jobs.identityFile().toString(), "-o", json.toString(), manifest.toString()));
        JsonNode snapshot = Manifests.json().readTree(json.toFile());
        JsonNode letter = null;
        for (JsonNode file : snapshot.get("files")) {
            if (file.get("path").asText().equals("docs/letter.txt")) {
                letter = file;
            }
        }
        assertThat(letter).isNotNull();
        String archive = letter.get("archive").asText();
        Path zip = dir.resolve("archive.zip");
        run(List.of("age", "-d", "-i", jobs.identityFile().toString(), "-o", zip.toString(),
                nas.resolve("letters/archives/" + archive.substring(0, 2) + "/" + archive + ".zip.age").toString()));
        Path out = Files.createDirectories(dir.resolve("restored"));
        run(List.of("unzip", "-q", zip.toString(), "-d", out.toString()));

        assertThat(out.resolve(letter.get("entry").asText())).hasContent("Dear bucket,");
        assertThat(out.resolve("docs/run.sh")).isExecutable();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
