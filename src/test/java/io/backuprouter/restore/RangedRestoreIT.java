package io.backuprouter.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.backup.BackupRun;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Restoring a few files of a large archive reads only their ranges (the age header and the chunks
 * that hold their entries), from a real S3 server; a whole restore still streams whole archives.
 */
class RangedRestoreIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @TempDir
    Path dir;
    Path source;
    TestJobs jobs;
    JobSettings job;
    String bucket;

    @BeforeEach
    void job() throws Exception {
        source = Files.createDirectories(dir.resolve("source"));
        bucket = S3.createBucket();
        String other = S3.createBucket();
        jobs = new TestJobs(dir.resolve("home")).target("a", S3, bucket).target("b", S3, other);
        job = jobs.job("docs", source, "a, b");
        byte[] noise = new byte[24 * 1024 * 1024]; // incompressible: a large archive
        new Random(1).nextBytes(noise);
        Files.write(source.resolve("big.bin"), noise);
        for (int i = 0; i < 50; i++) {
            Files.writeString(source.resolve("note-" + i + ".txt"), ("note " + i + " ").repeat(400 + i));
        }
        try (Targets targets = new Targets(jobs.settings().targets())) {
            assertThat(new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().complete()).isTrue();
        }
    }

    RestoreSummary restore(Path to, List<String> includes) throws Exception {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Restorer("docs", job.targets(), targets.stores(), AgeIdentity.read(jobs.identityFile()), Clock.systemUTC(),
                    BackupProgress.NONE).restore(new RestoreRequest("docs", "latest", null, "a", to, includes,
                    RestoreRequest.Overwrite.IF_OLDER));
        }
    }

    @Test
    void oneSmallFileCostsAboutItsChunksNotItsArchive() throws Exception {
        long archiveSize;
        FileEntry note;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            StoredBackups stored = new StoredBackups(targets.store("a").orElseThrow(), "docs", jobs.identityFile());
            Snapshot snapshot = stored.snapshot(stored.snapshotIds().get(0));
            note = snapshot.files().stream().filter(f -> f.path().equals("note-7.txt")).findFirst().orElseThrow();
            archiveSize = snapshot.archives().stream().filter(a -> a.id().equals(note.archive())).findFirst().orElseThrow().size();
        }
        assertThat(note.placed()).as("the record says where its entry lies").isTrue();

        RestoreSummary one = restore(dir.resolve("one"), List.of("note-7.txt"));

        assertThat(one.complete()).as(one.problems().toString()).isTrue();
        assertThat(dir.resolve("one/note-7.txt")).hasContent("note 7 ".repeat(407));
        assertThat(archiveSize).isGreaterThan(24L * 1024 * 1024);
        // The manifest, the age header and at most the two or three chunks that hold the entry.
        assertThat(one.fetched()).isLessThan(256 * 1024);
        assertThat(one.toString()).contains("fetched");

        RestoreSummary all = restore(dir.resolve("all"), List.of());
        assertThat(all.complete()).isTrue();
        assertThat(all.fetched()).as("a whole restore streams whole archives").isGreaterThan(archiveSize);
    }

    @Test
    void aDamagedChunkInTheRangeIsReadFromTheOtherTargetAndDamageElsewhereDoesNotMatter() throws Exception {
        FileEntry note;
        ArchiveInfo archive;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            StoredBackups stored = new StoredBackups(targets.store("a").orElseThrow(), "docs", jobs.identityFile());
            Snapshot snapshot = stored.snapshot(stored.snapshotIds().get(0));
            note = snapshot.files().stream().filter(f -> f.path().equals("note-3.txt")).findFirst().orElseThrow();
            archive = snapshot.archives().stream().filter(a -> a.id().equals(note.archive())).findFirst().orElseThrow();
        }
        String key = "backups/docs/" + archive.key();
        byte[] bytes;
        try (var admin = S3.adminClient()) {
            bytes = admin.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray();
        }
        long chunk = 65_536 + 16;
        long payload = headerLength(bytes);
        int holding = (int) (payload + (note.offset() / 65_536) * chunk + 100);
        int farAway = (int) (payload + 100 * chunk + 50); // inside big.bin, which the archive holds first

        byte[] far = bytes.clone();
        far[farAway] ^= 1;
        put(key, far);
        RestoreSummary unaffected = restore(dir.resolve("far"), List.of("note-3.txt"));
        assertThat(unaffected.complete()).as(unaffected.problems().toString()).isTrue();
        assertThat(unaffected.notes()).as("read from a, whose damage lies elsewhere").isEmpty();

        byte[] near = bytes.clone();
        near[holding] ^= 1;
        put(key, near);
        RestoreSummary fromB = restore(dir.resolve("near"), List.of("note-3.txt"));
        assertThat(fromB.complete()).as(fromB.problems().toString()).isTrue();
        assertThat(dir.resolve("near/note-3.txt")).hasContent("note 3 ".repeat(403));
        assertThat(fromB.notes()).singleElement().asString().contains("read from target b after: a: archive " + archive.key())
                .contains("damaged");
    }

    private static long headerLength(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 4096), java.nio.charset.StandardCharsets.ISO_8859_1);
        return text.indexOf('\n', text.indexOf("\n--- ") + 1) + 1 + 16; // the header, then the payload nonce
    }

    private void put(String key, byte[] bytes) {
        try (var admin = S3.adminClient()) {
            admin.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
        }
    }
}
