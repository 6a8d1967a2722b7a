package io.backuprouter.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.catalog.Snapshot;
import io.backuprouter.testing.AppProcess;
import io.backuprouter.testing.TestS3Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Crash campaign: the jar backs up the reference data set and is killed (SIGKILL) at random moments
 * (after a random time, after a random number of archives, while parts upload, just after a
 * manifest lands), then run again to the end; the source changes between rounds. Afterwards every
 * listed snapshot is restored and compared with what its manifest claims, and the last with the
 * source. Fast: 3 kills; {@code -Pfaults}: 20 (seeded: {@code -Dfaults.seed}).
 */
class CrashCampaignIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @TempDir
    Path dir;

    int killed;
    int round;

    @Test
    void everyListedSnapshotRestoresCompleteAfterKillsAtRandomMoments() throws Exception {
        Ledger ledger = new Ledger("crash");
        boolean full = Ledger.full();
        int wanted = Integer.getInteger("faults.kills", full ? 20 : 3);
        long seed = Long.getLong("faults.seed", 20261122L);
        Random random = new Random(seed);
        Path source = dir.resolve("source");
        ReferenceData data = new ReferenceData(source, seed);
        data.generate(full ? 1500 : 150, full ? 16 : 4, (full ? 96 : 16) * 1024 * 1024);
        String bucket = S3.createBucket();
        CampaignHome home = new CampaignHome(dir.resolve("home"), ledger).s3Target("s3", S3, bucket);
        home.writeSettings();
        home.job("ref", source, "s3", Map.of("batchSize", "8MiB"));

        try (S3Client admin = S3.adminClient()) {
            Objects objects = new Objects(admin, bucket);
            for (round = 0; killed < wanted && round < 3 * wanted; round++) {
                if (round > 0) {
                    data.edit();
                }
                Map<String, String> sourceBefore = ReferenceData.hashes(source);
                int snapshots = objects.count("backups/ref/snapshots/");
                int archives = objects.count("backups/ref/archives/");
                java.util.Set<String> oldUploads = objects.uploads(); // killed runs leave theirs behind
                int mode = random.nextInt(4);
                long delay = 200 + random.nextInt(round == 0 ? 8000 : 3000);
                int archivesToWait = 1 + random.nextInt(3);
                try (AppProcess backup = home.start("backup", "ref")) {
                    BooleanSupplier reached = switch (mode) {
                        case 0 -> () -> true;
                        case 1 -> () -> objects.count("backups/ref/archives/") >= archives + archivesToWait;
                        case 2 -> () -> objects.uploadingParts(oldUploads);
                        default -> () -> objects.count("backups/ref/snapshots/") > snapshots;
                    };
                    if (mode == 0) {
                        backup.exitedWithin(Duration.ofMillis(delay));
                    } else {
                        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                                .until(() -> !backup.isAlive() || reached.getAsBoolean());
                    }
                    if (backup.isAlive()) {
                        String phase = objects.count("backups/ref/snapshots/") > snapshots ? "after its manifest landed"
                                : objects.uploadingParts(oldUploads) ? "while uploading parts"
                                : objects.count("backups/ref/archives/") > archives ? "between archive uploads"
                                : "while reading and packing";
                        backup.kill();
                        killed++;
                        ledger.count("killed " + phase, 1);
                    } else {
                        ledger.count("runs that ended before their kill", 1);
                    }
                    home.scanned(backup, "backup ref (killed)");
                }
                CampaignHome.Run again = home.run("backup", "ref");
                ledger.check("round " + round + ": the next run finishes", () ->
                        assertThat(again.exitCode()).as(again.output()).isZero());
                Map<String, String> sourceAfter = ReferenceData.hashes(source);
                ledger.check("round " + round + ": the source is exactly as it was", () ->
                        assertThat(sourceAfter).isEqualTo(sourceBefore));
            }
            ledger.check(wanted + " kills", () -> assertThat(killed).isEqualTo(wanted));
        }

        Stored stored = Stored.read(home, "s3", "ref");
        ledger.check("no listed snapshot names an archive the target lacks", () ->
                assertThat(stored.missingArchives()).isEmpty());
        ledger.check("at least one snapshot per round", () -> assertThat(stored.snapshotIds()).hasSizeGreaterThanOrEqualTo(round));
        Map<String, String> sourceNow = ReferenceData.hashes(source);
        for (int i = 0; i < stored.snapshotIds().size(); i++) {
            String id = stored.snapshotIds().get(i);
            boolean last = i == stored.snapshotIds().size() - 1;
            Snapshot snapshot = stored.snapshots().get(id);
            Path to = dir.resolve("restored/" + i);
            CampaignHome.Run restore = home.run("restore", "ref", "--snapshot", id, "--to", to.toString());
            Map<String, String> expected = Stored.expectedFiles(snapshot);
            Map<String, String> restored = ReferenceData.hashes(to);
            long lost = Stored.differences(expected, restored);
            ledger.lost(lost);
            ledger.count("files compared", expected.size());
            ledger.check("snapshot " + id + " restores byte-identical to its manifest", () -> {
                assertThat(restore.exitCode()).as(restore.output()).isZero();
                assertThat(restored).isEqualTo(expected);
            });
            if (last) {
                ledger.lost(Stored.differences(sourceNow, restored));
                ledger.check("the last snapshot matches the source", () -> assertThat(restored).isEqualTo(sourceNow));
            }
        }
        ledger.count("snapshots checked", stored.snapshotIds().size());
        CampaignHome.Run verify = home.run("verify", "ref", "--read-data");
        ledger.check("verify --read-data finds every listed snapshot intact", () ->
                assertThat(verify.exitCode()).as(verify.output()).isZero());
        ledger.scanTree(home.dir.resolve("var"), java.util.Set.of());
        ledger.finish();
    }

    /** Counting what the server holds, as the kill triggers need it. */
    record Objects(S3Client admin, String bucket) {
        int count(String prefix) {
            return admin.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                    .mapToInt(o -> 1).sum();
        }

        java.util.Set<String> uploads() {
            return admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().stream()
                    .map(software.amazon.awssdk.services.s3.model.MultipartUpload::uploadId)
                    .collect(java.util.stream.Collectors.toSet());
        }

        boolean uploadingParts(java.util.Set<String> before) {
            return !before.containsAll(uploads());
        }
    }
}
