package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user does on an S3 server nobody here wrote (Adobe S3Mock), from the command line with
 * the {@code other} preset: back up, restore byte-identical, verify reading every archive, then
 * sync the backups to a second bucket on the same server and restore from that copy too.
 */
class S3MockEndToEndIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.s3mock();

    @TempDir
    Path dir;

    @Test
    void backupRestoreVerifyAndMirrorWorkOnS3Mock() throws Exception {
        Path source = sourceFolder();
        TestJobs jobs = new TestJobs(dir.resolve("home"))
                .target("mock", S3, S3.createBucket(), "other").target("copy", S3, S3.createBucket(), "other");
        jobs.writeConfig("notes", source, "mock", Map.of("identity", jobs.identityFile().toString()));
        Files.writeString(jobs.routesDir().resolve("mirror.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:mirror-on-schedule
                      parameters:
                        mirror: mock-to-copy
                        from: mock
                        fromPrefix: notes/
                        to: copy
                        mode: sync
                        schedule: "0 0 4 * * ?"
                      steps:
                        - log: "${body}"
                """);

        Cli.Result backup = run(jobs, "backup", "notes");
        assertThat(backup.exitCode()).as(backup.all()).isZero();
        assertThat(backup.out()).doesNotContain("warning:");

        assertRestoresIdentical(jobs, source, "mock");
        Cli.Result verify = run(jobs, "verify", "notes", "--read-data");
        assertThat(verify.exitCode()).as(verify.all()).isZero();
        assertThat(verify.out()).contains("ok   mock: 1 snapshot(s), ").contains(" read and hashed");

        Cli.Result mirror = run(jobs, "mirror", "mock-to-copy");
        assertThat(mirror.exitCode()).as(mirror.all()).isZero();
        assertThat(mirror.out()).containsPattern("mirror mock-to-copy: [1-9]\\d* copied .* 0 unchanged, 0 deleted, 0 failed");
        Cli.Result again = run(jobs, "mirror", "mock-to-copy");
        assertThat(again.out()).as(again.all()).contains(": 0 copied").contains(" 0 deleted, 0 failed");

        Cli.Result verifyCopy = run(jobs, "verify", "notes", "--target", "copy", "--read-data");
        assertThat(verifyCopy.exitCode()).as(verifyCopy.all()).isZero();
        assertThat(verifyCopy.out()).contains("ok   copy: 1 snapshot(s), ").contains(" read and hashed");
        assertRestoresIdentical(jobs, source, "copy");
    }

    /** Text, an empty file, a non-ASCII name, nested folders, and a file above the part size (multipart). */
    private Path sourceFolder() throws IOException {
        Path source = Files.createDirectories(dir.resolve("source/notes/2026"));
        Files.writeString(source.resolve("plan.md"), "# Plan\nback up, restore, verify, mirror\n");
        Files.writeString(source.resolve("übersicht 日本語.txt"), "ü");
        Files.write(source.resolve("empty.txt"), new byte[0]);
        byte[] large = new byte[6 * 1024 * 1024 + 321];
        new Random(20).nextBytes(large);
        Files.write(dir.resolve("source/large.bin"), large);
        return dir.resolve("source");
    }

    private void assertRestoresIdentical(TestJobs jobs, Path source, String target) throws IOException {
        Path restored = dir.resolve("restored-from-" + target);
        Cli.Result restore = run(jobs, "restore", "notes", "--target", target, "--to", restored.toString());
        assertThat(restore.exitCode()).as(restore.all()).isZero();
        assertThat(contents(restored)).as("restored from " + target).isEqualTo(contents(source));
    }

    /** Each file's path with the SHA-256 and size of its content, each folder's path. */
    private static Map<String, String> contents(Path root) throws IOException {
        Map<String, String> contents = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path path : files.filter(p -> !p.equals(root)).toList()) {
                contents.put(root.relativize(path).toString(), Files.isDirectory(path) ? "(folder)"
                        : java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(Files.readAllBytes(path))) + " " + Files.size(path) + " bytes");
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return contents;
    }

    private static Cli.Result run(TestJobs jobs, String... args) {
        return Cli.run(JobContextIT.concat(args,
                new String[] {"--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()}));
    }
}
