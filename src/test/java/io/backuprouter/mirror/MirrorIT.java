package io.backuprouter.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.files.BackupProgress;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.MirrorSettings;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.restore.RestoreRequest;
import io.backuprouter.restore.RestoreSummary;
import io.backuprouter.restore.Restorer;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.targets.S3Store;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/** Mirrors between two S3 servers playing two providers (the destination strict about checksums). */
class MirrorIT {
    @RegisterExtension
    static final TestS3Server R2 = TestS3Server.lenient();
    @RegisterExtension
    static final TestS3Server OSS = TestS3Server.strict();

    @TempDir
    Path dir;
    String from;
    String to;
    Map<String, String> lines;

    @BeforeEach
    void buckets() {
        from = R2.createBucket();
        to = OSS.createBucket();
        lines = new LinkedHashMap<>();
        lines.putAll(TestTargets.s3Lines("r2", R2, from, "", "cloudflare-r2"));
        lines.putAll(TestTargets.s3Lines("oss", OSS, to, "", "aliyun-oss"));
    }

    MirrorSettings mirror(String mode, int maxDeletePercent) throws IOException {
        return mirror(mode, maxDeletePercent, "");
    }

    /** {@code more}: further parameters, each on its own line with the parameters' indentation. */
    MirrorSettings mirror(String mode, int maxDeletePercent, String more) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("mirror.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:mirror-on-schedule
                      parameters:
                        mirror: r2-to-oss
                        from: r2
                        fromPrefix: data/
                        to: oss
                        toPrefix: copy/
                        mode: %s
                        maxDeletePercent: %d
                        schedule: "0 0 4 * * ?"%s
                      steps:
                        - log: "${body}"
                """.formatted(mode, maxDeletePercent, more));
        return MirrorCatalog.read(routes, settings()).mirror("r2-to-oss").orElseThrow();
    }

    RouterSettings settings() {
        return RouterSettings.read(ConfigFile.of("test.properties", lines));
    }

    MirrorSummary pass(MirrorSettings mirror) throws IOException {
        try (Targets targets = new Targets(settings().targets())) {
            return pass(mirror, targets);
        }
    }

    MirrorSummary pass(MirrorSettings mirror, Targets targets) throws IOException {
        return pass(mirror, targets, MirrorPass.STREAMED_PUT_MAX);
    }

    MirrorSummary pass(MirrorSettings mirror, Targets targets, long streamedPutMax) throws IOException {
        MirrorPass pass = new MirrorPass(mirror, (S3Store) targets.store("r2").orElseThrow(),
                (S3Store) targets.store("oss").orElseThrow(), Clock.systemUTC(), BackupProgress.NONE, Duration.ofMillis(20));
        pass.streamedPutMax = streamedPutMax;
        return pass.run(false, line -> { });
    }

    /** A pass that sends every object above the part size in parts, as it does those above 200 MiB. */
    MirrorSummary passInParts(MirrorSettings mirror) throws IOException {
        try (Targets targets = new Targets(settings().targets())) {
            return pass(mirror, targets, 0);
        }
    }

    /** A source object uploaded in parts of 5 MiB, as large uploads are: its ETag is not its MD5. */
    void putSourceInParts(S3Client r2, String key, byte[] content) {
        String uploadId = r2.createMultipartUpload(b -> b.bucket(from).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        int partSize = 5 * 1024 * 1024;
        for (int offset = 0, number = 1; offset < content.length; offset += partSize, number++) {
            int n = number;
            byte[] part = Arrays.copyOfRange(content, offset, Math.min(content.length, offset + partSize));
            String etag = r2.uploadPart(b -> b.bucket(from).key(key).uploadId(uploadId).partNumber(n),
                    RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
        }
        r2.completeMultipartUpload(b -> b.bucket(from).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    }

    void putSource(S3Client r2, String key, String content) {
        r2.putObject(b -> b.bucket(from).key(key).contentType("text/markdown").contentEncoding("identity")
                .cacheControl("max-age=60").metadata(Map.of("owner", "alice")), RequestBody.fromString(content));
    }

    Map<String, String> destination(S3Client oss) {
        return oss.listObjectsV2(b -> b.bucket(to)).contents().stream().collect(Collectors.toMap(o -> o.key(),
                o -> oss.getObject(g -> g.bucket(to).key(o.key()), ResponseTransformer.toBytes()).asUtf8String()));
    }

    @Test
    void passesCopyExactlyWhatChangedAndSyncDeletesWhileCopyKeeps() throws IOException {
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            putSource(r2, "data/a.md", "alpha");
            putSource(r2, "data/sub/b.md", "bravo");
            putSource(r2, "data/c.md", "charlie");
            r2.putObject(b -> b.bucket(from).key("elsewhere/x"), RequestBody.fromString("not mirrored"));
            MirrorSettings copy = mirror("copy", 100);

            MirrorSummary first = pass(copy);
            assertThat(first.ok()).as(first.toString() + first.failed()).isTrue();
            assertThat(first.copied()).isEqualTo(3);
            assertThat(destination(oss)).isEqualTo(Map.of("copy/a.md", "alpha", "copy/sub/b.md", "bravo", "copy/c.md", "charlie"));
            var head = oss.headObject(b -> b.bucket(to).key("copy/a.md"));
            assertThat(head.contentType()).isEqualTo("text/markdown");
            assertThat(head.contentEncoding()).isEqualTo("identity");
            assertThat(head.cacheControl()).isEqualTo("max-age=60");
            assertThat(head.metadata()).containsEntry("owner", "alice").containsKey(MirrorPass.SHA256);

            MirrorSummary second = pass(copy);
            assertThat(second.copied()).isZero();
            assertThat(second.unchanged()).isEqualTo(3);

            putSource(r2, "data/a.md", "ALPHA"); // same size, new content
            putSource(r2, "data/d.md", "delta");
            r2.deleteObject(b -> b.bucket(from).key("data/c.md"));
            MirrorSummary third = pass(copy);
            assertThat(third.copied()).isEqualTo(2);
            assertThat(third.deleted()).isZero();
            assertThat(destination(oss)).containsEntry("copy/a.md", "ALPHA").containsEntry("copy/d.md", "delta")
                    .containsKey("copy/c.md");

            MirrorSummary sync = pass(mirror("sync", 50));
            assertThat(sync.copied()).isZero();
            assertThat(sync.deleted()).isEqualTo(1);
            assertThat(destination(oss)).doesNotContainKey("copy/c.md").hasSize(3);
        }
    }

    @Test
    void aDamagedCopyThatNamesItsSourceIsCopiedAgain() throws IOException {
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            putSource(r2, "data/a.md", "alpha");
            MirrorSettings copy = mirror("copy", 100);
            assertThat(pass(copy).copied()).isEqualTo(1);
            String sourceTag = r2.headObject(b -> b.bucket(from).key("data/a.md")).eTag().replace("\"", "");
            // What a crash leaves when a body arrived damaged on a server that did not check its Content-MD5:
            // a copy of the right size, naming the source's ETag, whose own ETag (its content's MD5) differs.
            oss.putObject(b -> b.bucket(to).key("copy/a.md").metadata(Map.of(MirrorPass.SOURCE_ETAG, sourceTag)),
                    RequestBody.fromString("alpHa"));

            MirrorSummary again = pass(copy);
            assertThat(again.copied()).isEqualTo(1);
            assertThat(destination(oss)).containsEntry("copy/a.md", "alpha");
            assertThat(pass(copy).unchanged()).isEqualTo(1);
        }
    }

    @Test
    void aMirrorIntoItsOwnSourceIsRefusedEvenThroughTwoTargetsOnOneBucket() throws IOException {
        lines.putAll(TestTargets.s3Lines("same-bucket", R2, from, "data/nested", "cloudflare-r2"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> mirrorBetween("r2", "same-bucket", "data/"))
                .hasMessageContaining("the destination overlaps the source");
        assertThat(MirrorPass.isManifest("notes/snapshots/20261122T051500.123Z-3fa9c2d1.json.age")).isTrue();
        assertThat(MirrorPass.isManifest("notes/archives/ab/ab12.zip.age")).isFalse();
    }

    MirrorSettings mirrorBetween(String fromTarget, String toTarget, String prefix) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes-" + fromTarget + "-" + toTarget));
        Files.writeString(routes.resolve("m.camel.yaml"), """
                - route:
                    from:
                      uri: direct:x
                      steps:
                        - to:
                            uri: kamelet:mirror-run
                            parameters:
                              mirror: between
                              from: %s
                              fromPrefix: %s
                              to: %s
                              mode: sync
                """.formatted(fromTarget, prefix, toTarget));
        return MirrorCatalog.read(routes, settings()).mirror("between").orElseThrow();
    }

    MirrorSummary passBetween(MirrorSettings mirror) throws IOException {
        try (Targets targets = new Targets(settings().targets())) {
            return new MirrorPass(mirror, (S3Store) targets.store(mirror.from()).orElseThrow(),
                    (S3Store) targets.store(mirror.to()).orElseThrow(), Clock.systemUTC(), BackupProgress.NONE,
                    Duration.ofMillis(20)).run(false, line -> { });
        }
    }

    static List<String> keys(S3Client client, String bucket) {
        return client.listObjectsV2(b -> b.bucket(bucket)).contents().stream().map(o -> o.key()).sorted().toList();
    }

    @Test
    void oneStorageBehindTwoEndpointsIsRefusedBySettingsOrElseByAProbe() throws IOException {
        try (S3Client r2 = R2.adminClient()) {
            putSource(r2, "data/a.md", "alpha");
            lines.putAll(TestTargets.s3Lines("alias", R2, from, "data/nested", "cloudflare-r2"));
            // Written another way (case, localhost, a trailing slash): the settings check sees it.
            lines.put("backup.targets.alias.endpoint", "http://LOCALHOST:" + R2.port() + "/");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> mirrorBetween("r2", "alias", "data/"))
                    .hasMessageContaining("the destination overlaps the source");

            // 127.0.0.1 written as one number: only the storage can tell. A sync pass would otherwise
            // copy data/ into data/nested/data/, again on every pass.
            lines.put("backup.targets.alias.endpoint", "http://2130706433:" + R2.port());
            MirrorSettings loop = mirrorBetween("r2", "alias", "data/");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> passBetween(loop))
                    .isInstanceOf(io.backuprouter.UserException.class)
                    .hasMessageContaining("mirror between: the destination overlaps the source")
                    .hasMessageContaining("reach the same storage").hasMessageContaining("nothing was copied");
            assertThat(keys(r2, from)).as("nothing copied, and the probe removed").containsExactly("data/a.md");
        }
    }

    @Test
    void aBucketOfTheSameNameElsewhereIsMirroredAfterTheProbe() throws IOException {
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            putSource(r2, "data/a.md", "alpha");
            oss.createBucket(b -> b.bucket(from));
            // Probes whose removal once failed (a key without delete rights): never copied, never deleted.
            String atSource = "data/" + OverlapProbe.PROBE + "0f8fad5b-d9cb-469f-a165-70867728950e";
            String atDestination = "data/sub/" + OverlapProbe.PROBE + "7c9e6679-7425-40de-944b-e07fc1f90ae7";
            r2.putObject(b -> b.bucket(from).key(atSource), RequestBody.fromString("probe"));
            oss.putObject(b -> b.bucket(from).key(atDestination), RequestBody.fromString("probe"));
            lines.putAll(TestTargets.s3Lines("namesake", OSS, from, "", "aliyun-oss"));

            MirrorSummary summary = passBetween(mirrorBetween("r2", "namesake", "data/"));

            assertThat(summary.ok()).as(summary + " " + summary.failed()).isTrue();
            assertThat(summary.copied()).isEqualTo(1);
            assertThat(summary.deleted()).isZero();
            assertThat(keys(oss, from)).containsExactly("data/a.md", atDestination);
            assertThat(keys(r2, from)).containsExactly(atSource, "data/a.md");
        }
    }

    @Test
    void aWrongSecretKeyNamesTheSettingToFix() throws IOException {
        System.setProperty("test.mirror.wrong-secret", "not-the-secret-key-of-this-server");
        lines.put("backup.targets.oss.secret-key", "{{sys:test.mirror.wrong-secret}}");
        MirrorSettings copy = mirror("copy", 10);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pass(copy))
                .hasMessageContaining("oss: list copy/")
                .hasMessageContaining("credentials refused: the secret key does not match the access key")
                .hasMessageContaining("(hint: check backup.targets.oss.secret-key")
                .message().doesNotContain("not-the-secret-key-of-this-server");
    }

    @Test
    void aDryRunNamesTheTargetOfEveryKeyAndChangesNothing() throws IOException {
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            putSource(r2, "data/a.md", "alpha");
            oss.putObject(b -> b.bucket(to).key("copy/old.md"), RequestBody.fromString("old"));
            List<String> lines = new java.util.ArrayList<>();
            MirrorSummary summary;
            try (Targets targets = new Targets(settings().targets())) {
                summary = new MirrorPass(mirror("sync", 100), (S3Store) targets.store("r2").orElseThrow(),
                        (S3Store) targets.store("oss").orElseThrow(), Clock.systemUTC(), BackupProgress.NONE,
                        Duration.ofMillis(20)).run(true, lines::add);
            }

            assertThat(lines).containsExactly("copy   r2:data/a.md -> oss:copy/a.md (5 bytes)", "delete oss:copy/old.md");
            assertThat(summary.copied()).isEqualTo(1);
            assertThat(destination(oss)).isEqualTo(Map.of("copy/old.md", "old"));
        }
    }

    @Test
    void aLargeObjectMirrorsInPartsIntact() throws IOException {
        byte[] large = new byte[13 * 1024 * 1024 + 5];
        new Random(3).nextBytes(large);
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            putSourceInParts(r2, "data/big.bin", large);
            assertThat(r2.headObject(b -> b.bucket(from).key("data/big.bin")).eTag()).as("not an MD5: sent in parts").contains("-");
            MirrorSummary summary = pass(mirror("copy", 10));
            assertThat(summary.ok()).as(summary.failed().toString()).isTrue();
            byte[] copied = oss.getObject(b -> b.bucket(to).key("copy/big.bin"), ResponseTransformer.toBytes()).asByteArray();
            assertThat(copied).isEqualTo(large);
            assertThat(pass(mirror("copy", 10)).unchanged()).isEqualTo(1);
        }
    }

    @Test
    void aLargeObjectWhoseETagIsItsMd5StreamsInOnePutCheckedByTheDestination() throws IOException {
        byte[] large = new byte[13 * 1024 * 1024 + 5];
        new Random(4).nextBytes(large);
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            r2.putObject(b -> b.bucket(from).key("data/big.bin").contentType("video/mp4").metadata(Map.of("owner", "bob")),
                    RequestBody.fromBytes(large));
            String sourceTag = r2.headObject(b -> b.bucket(from).key("data/big.bin")).eTag();
            MirrorSummary summary = pass(mirror("copy", 10));
            assertThat(summary.ok()).as(summary.failed().toString()).isTrue();
            byte[] copied = oss.getObject(b -> b.bucket(to).key("copy/big.bin"), ResponseTransformer.toBytes()).asByteArray();
            assertThat(copied).isEqualTo(large);
            var head = oss.headObject(b -> b.bucket(to).key("copy/big.bin"));
            assertThat(head.eTag()).as("one PUT, not parts (above the 5 MiB part size)").isEqualTo(sourceTag);
            assertThat(head.contentType()).isEqualTo("video/mp4");
            assertThat(head.metadata()).containsEntry("owner", "bob").containsEntry(MirrorPass.SOURCE_ETAG, sourceTag.replace("\"", ""));
            assertThat(pass(mirror("copy", 10)).unchanged()).isEqualTo(1);
        }
    }

    @Test
    void objectsStreamWithoutLocalFilesAndManyPartsLandInOrder() throws IOException {
        // 4 objects of 3 to 5 parts (5 MiB) at once: parts of one object go out together when buffers are free.
        Map<String, byte[]> objects = new LinkedHashMap<>();
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            for (int i = 0; i < 4; i++) {
                byte[] content = new byte[(11 + 4 * i) * 1024 * 1024 + i];
                new Random(i).nextBytes(content);
                objects.put("big" + i + ".bin", content);
                putSourceInParts(r2, "data/" + objects.size() + ".bin", content);
            }
            Path cwd = Path.of("").toAbsolutePath();
            long filesBefore = countFiles(cwd);
            MirrorSummary summary = pass(mirror("copy", 10));
            assertThat(summary.ok()).as(summary.failed().toString()).isTrue();
            assertThat(summary.copied()).isEqualTo(4);
            int n = 0;
            for (byte[] content : objects.values()) {
                String key = "copy/" + ++n + ".bin";
                assertThat(oss.getObject(b -> b.bucket(to).key(key), ResponseTransformer.toBytes()).asByteArray())
                        .isEqualTo(content);
            }
            assertThat(countFiles(cwd)).as("nothing staged in the working folder").isEqualTo(filesBefore);
            assertThat(Files.exists(cwd.resolve("var/tmp"))).isFalse();
        }
    }

    private static long countFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aSourceObjectThatDoesNotMatchItsETagIsNotCopiedAndLeavesNothing() throws IOException {
        byte[] large = new byte[12 * 1024 * 1024];
        new Random(5).nextBytes(large);
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            r2.putObject(b -> b.bucket(from).key("data/big.bin"), RequestBody.fromBytes(large));
            putSource(r2, "data/small.md", "small and sound");
            String tag = r2.headObject(b -> b.bucket(from).key("data/big.bin")).eTag();
            // Damage the stored bytes behind the server's back (same size, the ETag it recorded stays).
            Path stored = R2.bucketDir(from).resolve("data/big.bin");
            byte[] damaged = Files.readAllBytes(stored);
            damaged[7 * 1024 * 1024] ^= 1;
            Files.write(stored, damaged);
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    tag.equals(r2.headObject(b -> b.bucket(from).key("data/big.bin")).eTag()),
                    "the server recomputes ETags from the stored bytes");

            // Both ways a larger object goes: in one streamed PUT (the destination refuses it) and in parts
            // (the pass refuses to complete the upload).
            for (boolean inParts : new boolean[] {false, true}) {
                MirrorSummary summary = inParts ? passInParts(mirror("copy", 10)) : pass(mirror("copy", 10));

                assertThat(summary.ok()).isFalse();
                assertThat(summary.failed()).singleElement().asString().contains("data/big.bin").contains("does not match its ETag")
                        // refused by the destination on arrival, or found by the pass before completing the upload
                        .contains(inParts ? "(read " : "oss refused what was read");
                assertThat(destination(oss)).containsOnlyKeys("copy/small.md");
                assertThat(oss.listMultipartUploads(b -> b.bucket(to)).uploads()).as("aborted, not left behind").isEmpty();
            }
        }
    }

    @Test
    void aDestinationOutageFailsThePassWhichTheNextPassCompletes() throws Exception {
        try (S3Client r2 = R2.adminClient()) {
            putSource(r2, "data/a.md", "alpha");
            putSource(r2, "data/b.md", "bravo");
        }
        MirrorSettings mirror = mirror("copy", 10);
        MirrorSummary during;
        try (Targets targets = new Targets(settings().targets())) {
            MirrorPass pass = new MirrorPass(mirror, (S3Store) targets.store("r2").orElseThrow(),
                    (S3Store) targets.store("oss").orElseThrow(), Clock.systemUTC(), BackupProgress.NONE,
                    Duration.ofMillis(20));
            MirrorPass.Plan plan = pass.plan();
            OSS.pause();
            try {
                during = pass.run(plan, java.time.Instant.now(), false, line -> { });
            } finally {
                OSS.resume();
            }
        }
        assertThat(during.ok()).isFalse();
        assertThat(during.failed()).hasSize(2).allSatisfy(f -> assertThat(f).contains("oss"));

        MirrorSummary after = pass(mirror);
        assertThat(after.ok()).isTrue();
        assertThat(after.copied()).isEqualTo(2);
    }

    @Test
    void theDeletionCeilingStopsASyncWhoseSourceWasEmptied() throws IOException {
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            for (int i = 0; i < 5; i++) {
                putSource(r2, "data/f" + i + ".md", "file " + i);
            }
            MirrorSettings sync = mirror("sync", 10);
            assertThat(pass(sync).copied()).isEqualTo(5);
            for (int i = 0; i < 5; i++) {
                int n = i;
                r2.deleteObject(b -> b.bucket(from).key("data/f" + n + ".md"));
            }

            MirrorSummary emptied = pass(sync);

            assertThat(emptied.ok()).isFalse();
            assertThat(emptied.deleted()).isZero();
            assertThat(emptied.blocked()).contains("would delete 5 of the 5 objects it keeps on the destination")
                    .contains("maxDeletePercent (10 %)")
                    .contains("run one pass with `mirror r2-to-oss --max-delete-percent 100`");
            assertThat(destination(oss)).hasSize(5);

            // The source really was emptied: one pass with the ceiling the message gives.
            MirrorSummary confirmed = pass(sync.withMaxDeletePercent(100));
            assertThat(confirmed.ok()).as(confirmed.toString()).isTrue();
            assertThat(confirmed.deleted()).isEqualTo(5);
            assertThat(destination(oss)).isEmpty();
        }
    }

    @Test
    void theDeletionCeilingCountsOnlyTheObjectsTheMirrorKeepsNotThoseItsFiltersLeaveOut() throws IOException {
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            for (int i = 0; i < 4; i++) {
                putSource(r2, "data/f" + i + ".txt", "file " + i);
            }
            MirrorSettings sync = mirror("sync", 10, "\n        include: \"*.txt\"");
            assertThat(pass(sync).copied()).isEqualTo(4);
            // Many objects at the destination that the mirror's filter leaves out: they are not its to delete or count.
            for (int i = 0; i < 100; i++) {
                int n = i;
                oss.putObject(b -> b.bucket(to).key("copy/other-" + n + ".log"), RequestBody.fromString("log " + n));
            }
            for (int i = 0; i < 4; i++) {
                int n = i;
                r2.deleteObject(b -> b.bucket(from).key("data/f" + n + ".txt"));
            }

            MirrorSummary emptied = pass(sync);

            assertThat(emptied.ok()).isFalse();
            assertThat(emptied.deleted()).isZero();
            assertThat(emptied.blocked()).contains("would delete 4 of the 4 objects it keeps on the destination");
            assertThat(destination(oss)).hasSize(104);
        }
    }

    @Test
    void aPassAbortsTheUploadsInPartsAKilledPassLeftBelowItsPrefix() throws IOException {
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient(); Targets targets = new Targets(settings().targets())) {
            putSource(r2, "data/a.md", "alpha");
            // What a pass killed in the middle of a large copy leaves: parts, never an object.
            String left = oss.createMultipartUpload(b -> b.bucket(to).key("copy/big.bin")).uploadId();
            oss.uploadPart(b -> b.bucket(to).key("copy/big.bin").uploadId(left).partNumber(1), RequestBody.fromString("part"));
            String elsewhere = oss.createMultipartUpload(b -> b.bucket(to).key("not-the-mirrors/x.bin")).uploadId();
            MirrorSettings copy = mirror("copy", 10);
            // A day later (the pass's clock), so that the upload counts as left behind.
            Clock dayLater = Clock.offset(Clock.systemUTC(), Duration.ofHours(25));
            MirrorPass pass = new MirrorPass(copy, (S3Store) targets.store("r2").orElseThrow(),
                    (S3Store) targets.store("oss").orElseThrow(), dayLater, BackupProgress.NONE, Duration.ofMillis(20));

            assertThat(pass.run(false, line -> { }).ok()).isTrue();

            assertThat(oss.listMultipartUploads(b -> b.bucket(to)).uploads()).extracting(u -> u.uploadId())
                    .containsExactly(elsewhere);
        }
    }

    @Test
    void aSyncWhoseSourceCannotBeListedDeletesNothing() throws Exception {
        try (S3Client r2 = R2.adminClient(); S3Client oss = OSS.adminClient()) {
            putSource(r2, "data/a.md", "alpha");
            MirrorSettings sync = mirror("sync", 100);
            assertThat(pass(sync).copied()).isEqualTo(1);
            R2.pause();
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> pass(sync)).isInstanceOf(IOException.class)
                        .hasMessageContaining("r2");
            } finally {
                R2.resume();
            }
            assertThat(destination(oss)).containsOnlyKeys("copy/a.md");
        }
    }

    @Test
    void aBackupJobMirroredToTheOtherProviderRestoresFromThere() throws Exception {
        Path source = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(source.resolve("today.md"), "mirrored notes");
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("r2", R2, from).target("oss", OSS, to);
        var job = jobs.job("notes", source, "r2");
        try (Targets targets = new Targets(jobs.settings().targets())) {
            assertThat(new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().complete()).isTrue();
            Files.writeString(jobs.routesDir().resolve("mirror.camel.yaml"), """
                    - route:
                        from:
                          uri: direct:mirror
                          steps:
                            - to:
                                uri: kamelet:mirror-run
                                parameters:
                                  mirror: notes-to-oss
                                  from: r2
                                  fromPrefix: notes/
                                  to: oss
                    """);
            MirrorCatalog catalog = MirrorCatalog.read(jobs.routesDir(), jobs.settings());
            var metrics = new io.backuprouter.camel.RouterMetrics(Clock.systemUTC());
            var runs = new io.backuprouter.camel.MirrorRuns(catalog, targets, metrics);
            // A pass that cannot start (its source does not answer) is a failure for health and metrics.
            R2.pause();
            try {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> runs.run("notes-to-oss")).isInstanceOf(IOException.class);
            } finally {
                R2.resume();
            }
            assertThat(metrics.outcome("mirror", "notes-to-oss", "oss")).hasValueSatisfying(o ->
                    assertThat(o.lastFailure()).isNotNull());
            // The router's pass while another process holds the mirror's lock: skipped with a warning, nothing copied.
            try (io.backuprouter.files.LockFile held = io.backuprouter.files.LockFile.tryAcquire(Path.of("var/mirrors/notes-to-oss.lock"))
                    .orElseThrow()) {
                MirrorSummary skipped = runs.run("notes-to-oss");
                assertThat(skipped.ok()).isFalse();
                assertThat(skipped.skipped()).contains("mirror notes-to-oss is already running")
                        .contains("is locked by process " + ProcessHandle.current().pid());
                assertThat(skipped.toString()).startsWith("mirror notes-to-oss: skipped: ");
                try (S3Client oss = OSS.adminClient()) {
                    assertThat(destination(oss)).isEmpty();
                }
            }
            MirrorSettings mirror = catalog.mirror("notes-to-oss").orElseThrow();
            MirrorSummary summary = new MirrorPass(mirror, (S3Store) targets.store("r2").orElseThrow(),
                    (S3Store) targets.store("oss").orElseThrow(), Clock.systemUTC(), BackupProgress.NONE,
                    Duration.ofMillis(20)).run(false, line -> { });
            assertThat(summary.ok()).isTrue();

            RestoreSummary restored = new Restorer("notes", job.targets(), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE).restore(new RestoreRequest("notes", "latest", null, "oss",
                    dir.resolve("restored"), List.of(), RestoreRequest.Overwrite.IF_OLDER));
            assertThat(restored.target()).isEqualTo("oss");
            assertThat(restored.complete()).isTrue();
        }
        assertThat(dir.resolve("restored/today.md")).hasContent("mirrored notes");
    }
}
