package io.backuprouter.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.testing.TestS3Server;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Corruption campaign: each kind of stored object (archive, manifest) is damaged on one target in
 * each way (a flipped byte, truncated, deleted). {@code verify --read-data} must name the object;
 * a restore must fall back to the other target and give back the source; with the same damage on
 * both targets it must fail naming the object.
 */
class CorruptionCampaignIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @TempDir
    Path dir;

    enum Damage { FLIP_A_BYTE, TRUNCATE, DELETE }

    @Test
    void damagedObjectsAreNamedAndRestoresUseTheIntactCopy() throws Exception {
        Ledger ledger = new Ledger("corruption");
        boolean full = Ledger.full();
        Path source = dir.resolve("source");
        new ReferenceData(source, 11).generate(60, 2, 6 * 1024 * 1024);
        String bucketA = S3.createBucket();
        String bucketB = S3.createBucket();
        CampaignHome home = new CampaignHome(dir.resolve("home"), ledger).s3Target("a", S3, bucketA).s3Target("b", S3, bucketB);
        home.writeSettings();
        home.job("ref", source, "a, b", Map.of("batchSize", "4MiB"));
        CampaignHome.Run backup = home.run("backup", "ref");
        assertThat(backup.exitCode()).as(backup.output()).isZero();
        // A second snapshot: the damaged one is the newest, so an older one is there to be wrongly taken instead.
        java.nio.file.Files.writeString(source.resolve("docs/after-the-first.txt"), "only in the second snapshot");
        CampaignHome.Run second = home.run("backup", "ref");
        assertThat(second.exitCode()).as(second.output()).isZero();
        Stored stored = Stored.read(home, "a", "ref");
        assertThat(stored.snapshotIds()).hasSize(2);
        Snapshot snapshot = stored.snapshots().get(stored.snapshotIds().get(1));
        FileEntry victim = snapshot.files().stream().filter(f -> f.path().equals("large/export.csv")).findFirst().orElseThrow();
        String archiveKey = snapshot.archives().stream().filter(a -> a.id().equals(victim.archive())).findFirst().orElseThrow().key();
        Map<String, String> objects = Map.of("archive", "backups/ref/" + archiveKey,
                "manifest", "backups/ref/" + Snapshot.keyOf(snapshot.id()));
        Map<String, String> expected = ReferenceData.hashes(source);

        try (S3Client admin = S3.adminClient()) {
            for (var object : objects.entrySet()) {
                String kind = object.getKey();
                String key = object.getValue();
                String named = key.substring("backups/ref/".length());
                byte[] original = admin.getObjectAsBytes(r -> r.bucket(bucketA).key(key)).asByteArray();
                for (Damage damage : Damage.values()) {
                    String name = kind + ", " + damage.name().toLowerCase().replace('_', ' ');
                    damage(admin, bucketA, key, original, damage);

                    CampaignHome.Run verify = home.run("verify", "ref", "--read-data", "--target", "a");
                    ledger.check(name + " on a: verify --read-data names it", () -> {
                        assertThat(verify.exitCode()).as(verify.output()).isNotZero();
                        assertThat(verify.output()).contains(named);
                    });
                    Path to = dir.resolve("restored/" + kind + "-" + damage);
                    CampaignHome.Run restore = home.run("restore", "ref", "--target", "a", "--to", to.toString());
                    Map<String, String> restored = ReferenceData.hashes(to);
                    ledger.lost(Stored.differences(expected, restored));
                    ledger.count("files compared", expected.size());
                    ledger.check(name + " on a: restore reads target b instead and says so", () -> {
                        assertThat(restore.exitCode()).as(restore.output()).isZero();
                        assertThat(restore.output()).contains("target b");
                        assertThat(restored).isEqualTo(expected);
                    });

                    if (full || damage == Damage.FLIP_A_BYTE) {
                        damage(admin, bucketB, key, original, damage);
                        Path nowhere = dir.resolve("restored/" + kind + "-" + damage + "-both");
                        CampaignHome.Run fails = home.run("restore", "ref", "--to", nowhere.toString());
                        ledger.check(name + " on both: restore fails naming it", () -> {
                            assertThat(fails.exitCode()).as(fails.output()).isNotZero();
                            assertThat(fails.output()).contains(kind.equals("archive") || damage == Damage.DELETE ? named
                                    : snapshot.id());
                            assertThat(fails.output()).doesNotContain("Exception");
                            if (kind.equals("archive")) {
                                assertThat(fails.output()).contains(victim.path());
                                assertThat(nowhere.resolve(victim.path())).doesNotExist();
                            }
                        });
                        admin.putObject(r -> r.bucket(bucketB).key(key), RequestBody.fromBytes(original));
                    }
                    admin.putObject(r -> r.bucket(bucketA).key(key), RequestBody.fromBytes(original));
                }
            }
        }
        CampaignHome.Run healed = home.run("verify", "ref", "--read-data");
        ledger.check("with the originals back, verify --read-data passes", () -> assertThat(healed.exitCode()).as(healed.output()).isZero());
        ledger.scanTree(home.dir.resolve("var"), Set.of());
        ledger.finish();
    }

    private static void damage(S3Client admin, String bucket, String key, byte[] original, Damage damage) {
        switch (damage) {
            case FLIP_A_BYTE -> {
                byte[] flipped = original.clone();
                flipped[flipped.length / 2] ^= 0x20;
                admin.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(flipped));
            }
            case TRUNCATE -> admin.putObject(r -> r.bucket(bucket).key(key),
                    RequestBody.fromBytes(Arrays.copyOf(original, original.length / 2)));
            case DELETE -> admin.deleteObject(r -> r.bucket(bucket).key(key));
        }
    }

}
