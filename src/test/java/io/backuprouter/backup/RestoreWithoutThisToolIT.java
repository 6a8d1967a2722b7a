package io.backuprouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/format.md promises that the bucket, the identity file and Debian's programs are enough to get
 * files back: {@code age} and {@code zstd} for the manifest and its listing pieces, then {@code bsdtar}
 * or {@code 7z} for a zstd job's archives, and also Info-ZIP {@code unzip} for a {@code compression:
 * deflate} job's. This runs those very programs, as the document gives them, on what a backup stored
 * (in a folder target, so the objects are plain files) and compares the files byte for byte. CI
 * installs them (.ci/run); the test fails, rather than skips, when they are missing.
 */
class RestoreWithoutThisToolIT {
    @TempDir
    Path dir;

    /** Content that compresses, so that its entry is zstd (or deflate), and content that does not. */
    private Map<String, byte[]> files() {
        byte[] noise = new byte[200_000];
        new Random(7).nextBytes(noise);
        return Map.of("docs/letter.txt", "Dear bucket,\nplease keep these.\n".repeat(40).getBytes(),
                "docs/run.sh", "#!/bin/sh\necho restored by hand\n".getBytes(),
                "photos/noise.bin", noise);
    }

    @Test
    void ageZstdAndBsdtarOr7zipRestoreAZstdJobsFiles() throws Exception {
        Path nas = backUp("letters", Map.of());
        for (String file : files().keySet()) {
            Path zip = archiveHolding(nas, "letters", file);
            Path byBsdtar = Files.createDirectories(dir.resolve("bsdtar-" + file.replace('/', '-')));
            run(List.of("bsdtar", "-xf", zip.toString(), "-C", byBsdtar.toString(), entry));
            assertThat(byBsdtar.resolve(entry)).hasBinaryContent(files().get(file));
            Path by7z = Files.createDirectories(dir.resolve("7z-" + file.replace('/', '-')));
            run(List.of(sevenZip(), "x", "-y", "-o" + by7z, zip.toString(), entry));
            assertThat(by7z.resolve(entry)).hasBinaryContent(files().get(file));
        }
        assertThat(methodsSeen).as("the zstd job's archive has zstd entries (method 93) and stored ones")
                .contains(93, 0).doesNotContain(8);
    }

    @Test
    void ageZstdAndUnzipRestoreADeflateJobsFiles() throws Exception {
        Path nas = backUp("letters", Map.of("compression", "deflate"));
        for (String file : files().keySet()) {
            Path zip = archiveHolding(nas, "letters", file);
            Path out = Files.createDirectories(dir.resolve("unzip-" + file.replace('/', '-')));
            run(List.of("unzip", "-q", zip.toString(), entry, "-d", out.toString()));
            assertThat(out.resolve(entry)).hasBinaryContent(files().get(file));
            if (file.endsWith(".sh")) {
                assertThat(out.resolve(entry)).isExecutable();
            }
        }
        assertThat(methodsSeen).contains(8, 0).doesNotContain(93);
    }

    private Path backUp(String name, Map<String, String> settings) throws Exception {
        Path source = dir.resolve("source");
        for (var file : files().entrySet()) {
            Files.createDirectories(source.resolve(file.getKey()).getParent());
            Files.write(source.resolve(file.getKey()), file.getValue());
        }
        source.resolve("docs/run.sh").toFile().setExecutable(true);
        Path nas = Files.createDirectories(dir.resolve("nas"));
        jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", nas);
        var job = jobs.job(name, source, "nas", settings);
        try (Targets targets = new Targets(jobs.settings().targets())) {
            assertThat(new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().complete()).isTrue();
        }
        return nas;
    }

    private TestJobs jobs;
    private String entry;
    private final List<Integer> methodsSeen = new ArrayList<>();

    /**
     * docs/format.md, "Restoring without backup-router": decrypts the manifest, finds the piece whose
     * {@code first} is the last one not after the path, decrypts and decompresses it, finds the record,
     * and decrypts its archive; sets {@link #entry} and returns the archive's plain zip.
     */
    private Path archiveHolding(Path nas, String job, String path) throws Exception {
        Path manifest;
        try (Stream<Path> objects = Files.walk(nas.resolve(job + "/snapshots"))) {
            manifest = objects.filter(f -> f.toString().endsWith(".json.age")).findFirst().orElseThrow();
        }
        String identity = jobs.identityFile().toString();
        Path json = dir.resolve("manifest.json");
        Files.deleteIfExists(json);
        run(List.of("age", "-d", "-i", identity, "-o", json.toString(), manifest.toString()));
        JsonNode snapshot = Manifests.json().readTree(json.toFile());
        assertThat(snapshot.get("version").asInt()).isEqualTo(2);
        String piece = null;
        for (JsonNode listed : snapshot.get("listing")) {
            if (listed.get("first").asText().compareTo(path) <= 0) {
                piece = listed.get("piece").asText();
            }
        }
        Path pieceJson = dir.resolve("piece.json");
        Path pieceZst = dir.resolve("piece.json.zst");
        Files.deleteIfExists(pieceJson);
        Files.deleteIfExists(pieceZst);
        run(List.of("age", "-d", "-i", identity, "-o", pieceZst.toString(),
                nas.resolve(job + "/pieces/" + piece.substring(0, 2) + "/" + piece + ".json.zst.age").toString()));
        run(List.of("zstd", "-q", "-d", pieceZst.toString(), "-o", pieceJson.toString()));
        JsonNode record = null;
        for (JsonNode file : Manifests.json().readTree(pieceJson.toFile()).get("files")) {
            if (file.get("path").asText().equals(path)) {
                record = file;
            }
        }
        assertThat(record).as(path + " in piece " + piece).isNotNull();
        String archive = record.get("archive").asText();
        entry = record.get("entry").asText();
        Path zip = dir.resolve("archive-" + archive + ".zip");
        if (!Files.exists(zip)) {
            run(List.of("age", "-d", "-i", identity, "-o", zip.toString(),
                    nas.resolve(job + "/archives/" + archive.substring(0, 2) + "/" + archive + ".zip.age").toString()));
        }
        try (var zipFile = org.apache.commons.compress.archivers.zip.ZipFile.builder().setPath(zip).get()) {
            methodsSeen.add(zipFile.getEntry(entry).getMethod());
        }
        return zip;
    }

    /** Debian's 7-Zip: {@code 7zz} (package 7zip), or {@code 7z} where p7zip's name is kept. */
    private static String sevenZip() {
        for (String name : List.of("7zz", "7z")) {
            for (String folder : System.getenv("PATH").split(java.io.File.pathSeparator)) {
                if (Files.isExecutable(Path.of(folder, name))) {
                    return name;
                }
            }
        }
        return "7zz";
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
