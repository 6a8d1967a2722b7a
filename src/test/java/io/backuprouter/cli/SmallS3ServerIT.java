package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.backuprouter.config.TargetSettings;
import io.backuprouter.targets.ObjectStore;
import io.backuprouter.targets.TargetCheck;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.DelegatingStore;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a user is told on a small S3 server such as s3rver, played by {@link TestS3Server#limited()}:
 * it answers ListMultipartUploads with 501 NotImplemented, and (on request) uploads with 500
 * InternalError. Only with the aws preset is there a preset to advise.
 */
class SmallS3ServerIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.limited();

    @TempDir
    Path dir;

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void listen() {
        logged.start();
        root.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        root.detachAppender(logged);
    }

    /** The log lines (level and message) about interrupted uploads. */
    private List<String> aboutInterruptedUploads() {
        return logged.list.stream().filter(e -> e.getFormattedMessage().contains("interrupted upload"))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aServerThatCannotListInterruptedUploadsIsNamedOncePerTargetAsHarmlessWithoutPresetAdvice() throws IOException {
        Path source = Files.createDirectories(dir.resolve("source"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("small", S3, S3.createBucket(), "other");
        jobs.writeConfig("notes", source, "small", Map.of());

        for (String change : List.of("first", "second")) {
            Files.writeString(source.resolve(change + ".txt"), change);
            Cli.Result backup = Cli.run("backup", "notes", "--config", jobs.configFile().toString(),
                    "--routes", jobs.routesDir().toString());
            assertThat(backup.exitCode()).as(backup.all()).isZero();
        }

        List<String> lines = aboutInterruptedUploads();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("INFO Target small: cannot list interrupted uploads: the server does not "
                + "implement listing uploads in parts (NotImplemented, HTTP 501); harmless:")
                .contains("cannot be removed automatically").doesNotContain("preset").doesNotContain("aws");
    }

    @Test
    void aServerThatStoresUploadsInAnotherShapeHoldsNoSnapshotAndTheOtherTargetDoes() throws IOException {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("letter.txt"), "Dear bucket,");
        Path nas = Files.createDirectories(dir.resolve("nas"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("small", S3, S3.createBucket(), "aws").folderTarget("nas", nas);
        jobs.writeConfig("notes", source, "small, nas", Map.of("identity", jobs.identityFile().toString()));
        String[] where = {"--config", jobs.configFile().toString(), "--routes", jobs.routesDir().toString()};
        S3.storeFramed(true);
        Cli.Result backup;
        try {
            backup = Cli.run(JobContextIT.concat(new String[] {"backup", "notes"}, where));
        } finally {
            S3.storeFramed(false);
        }

        assertThat(backup.exitCode()).as(backup.all()).isNotZero();
        assertThat(backup.all()).contains("small:notes/archives/").contains("bytes of the").contains("sent, so it is not taken"
                + " as stored").contains("set the target's provider to the server's preset, or to other");
        Cli.Result small = Cli.run(JobContextIT.concat(new String[] {"verify", "notes", "--target", "small"}, where));
        assertThat(small.all()).as("no snapshot was committed where its objects are not what was sent").contains("no snapshot");
        Cli.Result restore = Cli.run(JobContextIT.concat(new String[] {"restore", "notes", "--to", dir.resolve("to").toString()},
                where));
        assertThat(restore.exitCode()).as(restore.all()).isZero();
        assertThat(dir.resolve("to/letter.txt")).hasContent("Dear bucket,");
    }

    @Test
    void withTheAwsPresetItIsAWarningThatSaysToChooseTheServersPreset() throws IOException {
        TargetSettings target = TestTargets.s3("aws-on-small", S3, S3.createBucket(), "laptop", "aws");
        for (int store = 0; store < 2; store++) {
            try (ObjectStore opened = Targets.open(target)) {
                assertThat(opened.removeIncompleteUploads("notes/", Instant.now())).isZero();
                assertThat(opened.removeIncompleteUploads("other/", Instant.now())).isZero();
            }
        }

        List<String> lines = aboutInterruptedUploads();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("WARN Target aws-on-small: cannot list interrupted uploads: ")
                .contains("hint: AWS implements it, so this server is probably not AWS")
                .endsWith("set backup.targets.aws-on-small.provider to the server's preset, or to other");
    }

    @Test
    void targetsCheckHintsAtTheAwsPresetsChecksumsWhenTheServerFailsTheUpload() throws IOException {
        String bucket = S3.createBucket();
        Map<String, String> lines = new LinkedHashMap<>(TestTargets.s3Lines("with-aws", S3, bucket, "laptop", "aws"));
        lines.putAll(TestTargets.s3Lines("with-other", S3, bucket, "laptop", "other"));
        Path config = dir.resolve("application.properties");
        Files.writeString(config, lines.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));

        S3.refuseUploads(true);
        Cli.Result check;
        try {
            check = Cli.run("targets", "check", "--config", config.toString());
        } finally {
            S3.refuseUploads(false);
        }

        assertThat(check.exitCode()).as(check.all()).isEqualTo(1);
        String withAws = check.out().substring(check.out().indexOf("FAIL with-aws"), check.out().indexOf("FAIL with-other"));
        assertThat(withAws).contains("bucket \"" + bucket + "\" exists; then InternalError (HTTP 500)")
                .contains("hint: preset aws sends the AWS SDK's checksums")
                .contains("if this server is not AWS, set backup.targets.with-aws.provider to its preset, or to other");
        String withOther = check.out().substring(check.out().indexOf("FAIL with-other"));
        assertThat(withOther).contains("then InternalError (HTTP 500)").doesNotContain("hint:");
    }

    @Test
    void aProbeReadBackAsItWasSentChunkedGetsTheChecksumHintWithTheAwsPresetOnly() throws IOException {
        String bucket = S3.createBucket();
        for (String preset : List.of("aws", "other")) {
            TargetSettings target = TestTargets.s3("chunked-" + preset, S3, bucket, preset, preset);
            try (ObjectStore real = Targets.open(target)) {
                TargetCheck.Result result = TargetCheck.check(target, storedAsSent(real));

                assertThat(result.failure()).as(TargetCheck.render(result))
                        .startsWith("the probe object read back differs from what was written");
                if (preset.equals("aws")) {
                    assertThat(result.hint()).contains("sends the AWS SDK's checksums")
                            .endsWith("set backup.targets.chunked-aws.provider to its preset, or to other");
                } else {
                    assertThat(result.hint()).isNull();
                }
            }
        }
    }

    /** Reads objects back the way s3rver 3.7.1 keeps an aws-chunked upload: with its chunk framing and CRC trailer. */
    private static ObjectStore storedAsSent(ObjectStore real) {
        return new DelegatingStore(real) {
            @Override
            public InputStream get(String key) throws IOException {
                try (InputStream in = delegate.get(key)) {
                    byte[] content = in.readAllBytes();
                    byte[] head = (Integer.toHexString(content.length) + ";chunk-signature=" + "0".repeat(64) + "\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                    byte[] tail = ("\r\n0;chunk-signature=" + "0".repeat(64) + "\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
                    byte[] framed = new byte[head.length + content.length + tail.length];
                    System.arraycopy(head, 0, framed, 0, head.length);
                    System.arraycopy(content, 0, framed, head.length, content.length);
                    System.arraycopy(tail, 0, framed, head.length + content.length, tail.length);
                    return new ByteArrayInputStream(framed);
                }
            }

            @Override
            public InputStream get(String key, long offset, long length) throws IOException {
                try (InputStream in = get(key)) {
                    byte[] framed = in.readAllBytes();
                    int from = (int) Math.min(offset, framed.length);
                    return new ByteArrayInputStream(framed, from, (int) Math.min(length, framed.length - from));
                }
            }
        };
    }
}
