package io.backuprouter.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.AppProcess;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The jar as a separate process: killed (SIGKILL) in the middle of uploading a file much larger
 * than its heap, then run again.
 */
class BackupProcessIT {
    static final int LARGE = 300 * 1024 * 1024;

    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @TempDir
    Path dir;

    @Test
    void aRunKilledMidUploadListsNoSnapshotAndTheNextRunFinishesWithinASmallHeap() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Path large = source.resolve("disk-image.raw");
        writeRandom(large, LARGE);
        Files.writeString(source.resolve("small.txt"), "small");
        String bucket = S3.createBucket();
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("s3", S3, bucket);
        jobs.writeConfig("big", source, "s3", Map.of());
        List<String> jvm = List.of("-Xmx64m",
                "-Dtest.s3." + S3.port() + ".secret=" + S3.secretKey(), "-Dtest.s3." + S3.port() + ".access=" + S3.accessKey());
        String[] backup = {"backup", "big", "--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};

        try (AppProcess first = AppProcess.start(dir, Map.of(), jvm, backup); S3Client admin = S3.adminClient()) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty() || !first.isAlive());
            assertThat(first.isAlive()).as("killed while uploading parts: " + first.output()).isTrue();
            first.kill();
        }
        StoredBackups stored;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            stored = new StoredBackups(targets.store("s3").orElseThrow(), "big", jobs.identityFile());
            assertThat(stored.snapshotIds()).as("no snapshot is listed after the kill").isEmpty();
        }

        try (AppProcess second = AppProcess.start(dir, Map.of(), jvm, backup)) {
            assertThat(second.waitFor(Duration.ofSeconds(180))).as(second.output()).isZero();
            assertThat(second.output()).contains("job big: snapshot").contains("2 files");
        }
        try (Targets targets = new Targets(jobs.settings().targets())) {
            stored = new StoredBackups(targets.store("s3").orElseThrow(), "big", jobs.identityFile());
            List<String> ids = stored.snapshotIds();
            assertThat(ids).hasSize(1);
            Snapshot snapshot = stored.snapshot(ids.get(0));
            FileEntry image = snapshot.files().stream().filter(f -> f.path().equals("disk-image.raw")).findFirst().orElseThrow();
            assertThat(image.size()).isEqualTo(LARGE);
            assertThat(image.sha256()).isEqualTo(sha256(Files.newInputStream(large)));
            String key = "big/" + snapshot.archives().stream().filter(a -> a.id().equals(image.archive())).findFirst()
                    .orElseThrow().key();
            try (InputStream in = Age.decrypt(targets.store("s3").orElseThrow().get(key), AgeIdentity.read(jobs.identityFile()));
                 ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    if (entry.getName().equals(image.entry())) {
                        assertThat(sha256(zip)).isEqualTo(image.sha256());
                    }
                }
            }
        }
    }

    @Test
    void aFileMuchLargerThanTheHeapRestoresIntact() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Path large = source.resolve("video.mp4");
        writeRandom(large, LARGE);
        String bucket = S3.createBucket();
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("s3", S3, bucket);
        jobs.writeConfig("big", source, "s3", Map.of("identity", jobs.identityFile().toString()));
        List<String> jvm = List.of("-Xmx64m",
                "-Dtest.s3." + S3.port() + ".secret=" + S3.secretKey(), "-Dtest.s3." + S3.port() + ".access=" + S3.accessKey());
        String[] common = {"--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};
        try (AppProcess backup = AppProcess.start(dir, Map.of(), jvm, concat(new String[] {"backup", "big"}, common))) {
            assertThat(backup.waitFor(Duration.ofSeconds(180))).as(backup.output()).isZero();
        }

        Path restored = dir.resolve("restored");
        try (AppProcess restore = AppProcess.start(dir, Map.of(), jvm,
                concat(new String[] {"restore", "big", "--to", restored.toString()}, common))) {
            assertThat(restore.waitFor(Duration.ofSeconds(180))).as(restore.output()).isZero();
            assertThat(restore.output()).contains("1 file, 300 MiB verified");
        }
        assertThat(Files.size(restored.resolve("video.mp4"))).isEqualTo(LARGE);
        assertThat(sha256(Files.newInputStream(restored.resolve("video.mp4")))).isEqualTo(sha256(Files.newInputStream(large)));
    }

    static String[] concat(String[] a, String[] b) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }

    static void writeRandom(Path file, long size) throws IOException {
        Random random = new Random(42);
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, size - written));
            }
        }
    }

    static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
