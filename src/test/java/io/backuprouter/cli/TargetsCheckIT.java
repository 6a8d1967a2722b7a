package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.TestS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code targets check} against a real (strict) S3 server: green, and red for each kind of mistake. */
class TargetsCheckIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.strict();
    static final String WRONG_SECRET = "WrongSecretValue-9f8e7d6c5b4a";

    @TempDir
    static Path dir;
    static Path config;
    static String bucket;

    @BeforeAll
    static void writeConfig() throws IOException {
        bucket = S3.createBucket();
        Files.writeString(dir.resolve("access-key"), S3.accessKey());
        Files.writeString(dir.resolve("secret-key"), S3.secretKey() + "\n");
        Files.writeString(dir.resolve("wrong-secret"), WRONG_SECRET);
        Files.createDirectories(dir.resolve("nas"));
        config = dir.resolve("application.properties");
        Files.writeString(config, target("good", "minio", bucket, "secret-key")
                + target("wrong-secret", "minio", bucket, "wrong-secret")
                + target("no-bucket", "other", "not-created-here", "secret-key")
                + target("down", "minio", bucket, "secret-key").replace(S3.endpoint().toString(), "http://127.0.0.1:1")
                + "backup.targets.nas.type = folder\nbackup.targets.nas.path = " + dir.resolve("nas") + "\n"
                + "backup.targets.usb.type = folder\nbackup.targets.usb.path = " + dir.resolve("not-mounted") + "\n");
    }

    static String target(String name, String provider, String bucket, String secretFile) {
        String p = "backup.targets." + name + ".";
        return p + "provider = " + provider + "\n"
                + p + "endpoint = " + S3.endpoint() + "\n"
                + p + "bucket = " + bucket + "\n"
                + p + "root-path = laptop/\n"
                + p + "access-key = {{file:" + dir.resolve("access-key") + "}}\n"
                + p + "secret-key = {{file:" + dir.resolve(secretFile) + "}}\n";
    }

    @Test
    void aWorkingTargetPassesEveryStep() {
        Cli.Result result = Cli.run("targets", "check", "good", "nas", "--config", config.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).contains("ok   good").contains("s3://" + bucket + "/laptop at " + S3.endpoint())
                .contains("reachable, credentials accepted, bucket \"" + bucket + "\" exists, write/read/delete ok")
                .contains("ok   nas").contains("All 2 target(s) passed.");
        try (var client = S3.adminClient()) {
            assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents()).as("the probe is deleted").isEmpty();
        }
    }

    @Test
    void aWrongSecretIsNamedWithoutShowingAnySecret() {
        Cli.Result result = Cli.run("targets", "check", "wrong-secret", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("FAIL wrong-secret")
                .contains("credentials refused: the secret key does not match the access key")
                .contains("hint: check backup.targets.wrong-secret.secret-key");
        assertThat(result.all()).doesNotContain(WRONG_SECRET).doesNotContain(S3.secretKey());
    }

    @Test
    void aMissingBucketIsNamed() {
        Cli.Result result = Cli.run("targets", "check", "no-bucket", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("FAIL no-bucket").contains("reachable, credentials accepted; then bucket does not exist")
                .contains("hint: create the bucket at the provider, or fix backup.targets.no-bucket.bucket");
    }

    @Test
    void anUnreachableServerAndAnUnmountedFolderAreNamed() {
        Cli.Result result = Cli.run("targets", "check", "down", "usb", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("FAIL down").contains("cannot connect")
                .contains("FAIL usb").contains("does not exist (is the disk or share mounted?)")
                .contains("2 of 2 target(s) failed.");
    }

    @Test
    void allTargetsAreCheckedAndOneFailureMakesTheExitCodeNonZero() {
        Cli.Result result = Cli.run("targets", "check", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("ok   good").contains("FAIL wrong-secret").contains("4 of 6 target(s) failed.");
    }

    @Test
    void anUnknownTargetNameIsAnError() {
        Cli.Result result = Cli.run("targets", "check", "nope", "--config", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("unknown target \"nope\"").contains("good");
    }
}
