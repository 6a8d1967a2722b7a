package io.backuprouter.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.testing.AppProcess;
import io.backuprouter.testing.TestS3Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Outage campaign: the S3 server stops in the middle of an upload and comes back; one of two
 * targets refuses writes for several runs (a wrong secret, then a deleted bucket) and recovers.
 * Afterwards nothing is lost, the lagging target has caught up with every snapshot, and no target
 * holds content uploaded twice.
 */
class OutageCampaignIT {
    @RegisterExtension
    static final TestS3Server A = TestS3Server.lenient();
    @RegisterExtension
    static final TestS3Server B = TestS3Server.lenient();

    @TempDir
    Path dir;

    @Test
    void nothingIsLostAndLaggingTargetsCatchUpWithoutUploadingTwice() throws Exception {
        Ledger ledger = new Ledger("outage");
        boolean full = Ledger.full();
        Path source = dir.resolve("source");
        ReferenceData data = new ReferenceData(source, 7);
        data.generate(full ? 600 : 120, full ? 8 : 3, (full ? 48 : 12) * 1024 * 1024);
        String bucketA = A.createBucket();
        String bucketB = B.createBucket();
        CampaignHome home = new CampaignHome(dir.resolve("home"), ledger).s3Target("a", A, bucketA).s3Target("b", B, bucketB);
        home.writeSettings();
        home.job("ref", source, "a, b", Map.of("batchSize", "8MiB"));

        // 1. Target a's server stops while parts upload, and comes back once the run has given up on it.
        try (S3Client admin = A.adminClient(); AppProcess backup = home.start("backup", "ref")) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !backup.isAlive() || !admin.listMultipartUploads(r -> r.bucket(bucketA)).uploads().isEmpty());
            ledger.check("the server stopped in the middle of an upload", () -> assertThat(backup.isAlive()).isTrue());
            A.pause();
            int code = backup.waitFor(Duration.ofMinutes(5));
            String output = home.scanned(backup, "backup ref (server a stopped)");
            A.resume();
            ledger.check("the run with a server down reports it and still commits to the other target", () -> {
                assertThat(code).as(output).isEqualTo(1);
                assertThat(output).contains("a");
                assertThat(Stored.read(home, "b", "ref").snapshotIds()).hasSize(1);
            });
        }
        CampaignHome.Run resumed = home.run("backup", "ref");
        ledger.check("the run after the server came back completes", () -> assertThat(resumed.exitCode()).as(resumed.output()).isZero());
        checkTargets(ledger, home, source, "after the server outage");

        // 2. Target b refuses writes (a wrong secret) for several runs, then its secret is fixed.
        int downRuns = full ? 4 : 2;
        home.s3Target("b", B, bucketB, "wrong-secret-" + Long.toHexString(System.nanoTime())).writeSettings();
        for (int i = 0; i < downRuns; i++) {
            data.edit();
            CampaignHome.Run run = home.run("backup", "ref");
            ledger.check("wrong secret, run " + i + ": exit 1 naming target b, a still committed", () -> {
                assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
                assertThat(run.output()).contains("b");
            });
        }
        home.s3Target("b", B, bucketB).writeSettings();
        CampaignHome.Run fixed = home.run("backup", "ref");
        ledger.check("the run after the secret is fixed completes", () -> assertThat(fixed.exitCode()).as(fixed.output()).isZero());
        checkTargets(ledger, home, source, "after the wrong secret");

        // 3. Target b's bucket is deleted with everything in it, for several runs, then created again empty.
        try (S3Client admin = B.adminClient()) {
            empty(admin, bucketB);
            admin.deleteBucket(r -> r.bucket(bucketB));
            for (int i = 0; i < downRuns; i++) {
                data.edit();
                CampaignHome.Run run = home.run("backup", "ref");
                ledger.check("bucket deleted, run " + i + ": exit 1 naming target b", () -> {
                    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
                    assertThat(run.output()).contains("b");
                });
            }
            admin.createBucket(r -> r.bucket(bucketB));
        }
        data.edit();
        CampaignHome.Run recreated = home.run("backup", "ref");
        ledger.check("the run after the bucket is back completes", () ->
                assertThat(recreated.exitCode()).as(recreated.output()).isZero());
        Stored onB = Stored.read(home, "b", "ref");
        ledger.check("every snapshot listed on the recreated bucket is complete there", () ->
                assertThat(onB.missingArchives()).isEmpty());
        restoreMatchesSource(ledger, home, source, "b", "after the bucket was recreated");

        ledger.scanTree(home.dir.resolve("var"), Set.of());
        ledger.finish();
    }

    /** Both targets list the same snapshots, complete, without content stored twice; both restore the source. */
    private static void checkTargets(Ledger ledger, CampaignHome home, Path source, String when) throws Exception {
        Stored a = Stored.read(home, "a", "ref");
        Stored b = Stored.read(home, "b", "ref");
        ledger.check(when + ": the lagging target has every snapshot", () -> assertThat(b.snapshotIds()).isEqualTo(a.snapshotIds()));
        for (var entry : Map.of("a", a, "b", b).entrySet()) {
            Stored stored = entry.getValue();
            ledger.check(when + ": target " + entry.getKey() + " lists only complete snapshots", () ->
                    assertThat(stored.missingArchives()).isEmpty());
            ledger.check(when + ": target " + entry.getKey() + " holds no content twice", () ->
                    assertThat(stored.contentsInSeveralArchives()).isEmpty());
            ledger.check(when + ": target " + entry.getKey() + " holds no archive that no snapshot uses", () ->
                    assertThat(stored.unreferencedBytes()).isZero());
            restoreMatchesSource(ledger, home, source, entry.getKey(), when);
        }
    }

    private static void restoreMatchesSource(Ledger ledger, CampaignHome home, Path source, String target, String when)
            throws Exception {
        Path to = home.dir.resolve("restored-" + target + "-" + System.nanoTime());
        CampaignHome.Run restore = home.run("restore", "ref", "--target", target, "--to", to.toString());
        Map<String, String> expected = ReferenceData.hashes(source);
        Map<String, String> restored = ReferenceData.hashes(to);
        ledger.lost(Stored.differences(expected, restored));
        ledger.count("files compared", expected.size());
        ledger.check(when + ": the latest snapshot on " + target + " restores the source", () -> {
            assertThat(restore.exitCode()).as(restore.output()).isZero();
            assertThat(restore.output()).doesNotContain("read from target");
            assertThat(restored).isEqualTo(expected);
        });
    }

    private static void empty(S3Client admin, String bucket) {
        for (S3Object object : admin.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
            admin.deleteObject(r -> r.bucket(bucket).key(object.key()));
        }
        for (MultipartUpload upload : admin.listMultipartUploads(r -> r.bucket(bucket)).uploads()) {
            admin.abortMultipartUpload(r -> r.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
        }
    }
}
