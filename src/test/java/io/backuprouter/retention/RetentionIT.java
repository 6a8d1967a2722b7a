package io.backuprouter.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.files.BackupProgress;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.backup.BackupSummary;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.restore.RestoreRequest;
import io.backuprouter.restore.RestoreSummary;
import io.backuprouter.restore.Restorer;
import io.backuprouter.restore.Verifier;
import io.backuprouter.targets.ObjectStore;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RetentionIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @TempDir
    Path dir;

    @Test
    void tenSnapshotsWithKeepLastThreeLeaveThreeThatRestoreAndNoArchiveNobodyNeeds() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("s3", S3, S3.createBucket());
        JobSettings job = jobs.job("notes", source, "s3", Map.of("keepLast", "3"));
        Map<String, String> stateAt = new HashMap<>();
        try (Targets targets = new Targets(jobs.settings().targets())) {
            ObjectStore store = targets.store("s3").orElseThrow();
            for (int i = 0; i < 5; i++) {
                Files.writeString(source.resolve("note-" + i + ".txt"), "note " + i);
            }
            for (int i = 0; i < 10; i++) {
                Files.writeString(source.resolve("changing.txt"), "version " + i);
                BackupSummary summary = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
                stateAt.put(summary.snapshotId(), "version " + i);
                // The run's own summary says what retention forgot after it.
                assertThat(summary.forgotten()).isEqualTo(i < 3 ? 0 : 1);
                if (i >= 3) {
                    assertThat(summary.toString()).contains("; forgot 1 older snapshot (retention)");
                }
            }
            StoredBackups stored = new StoredBackups(store, "notes", jobs.identityFile());
            List<String> kept = stored.snapshotIds();
            assertThat(kept).hasSize(3);
            AgeIdentity identity = AgeIdentity.read(jobs.identityFile());

            // Now, nothing is old enough: the dry run says what a prune after the grace period frees, and when.
            Instant now = Instant.now();
            Retention.Outcome early = new Retention(new io.backuprouter.repository.JobRepository(store, "notes")).prune(identity, now, true);
            assertThat(early.removed()).isEmpty();
            assertThat(early.waiting().archives()).isPositive();
            assertThat(early.waiting().bytes()).isPositive();
            assertThat(early.waiting().from()).isBetween(now.plus(Duration.ofHours(23)), now.plus(Duration.ofHours(24)));

            Retention.Outcome pruned = new Retention(new io.backuprouter.repository.JobRepository(store, "notes")).prune(identity, Instant.now().plus(Duration.ofHours(25)), false);
            assertThat(pruned.removed()).hasSize(early.waiting().archives());
            assertThat(pruned.bytes()).isEqualTo(early.waiting().bytes());

            // A copy of the job's objects that lost every manifest (moved away by hand, say): prune cannot tell
            // which archives are needed, and deletes none, where it used to take them all for unneeded.
            ObjectStore other = store;
            String copy = "notes-copy";
            for (var object : other.list("notes/")) {
                if (object.key().startsWith("notes/archives/")) {
                    other.put(copy + object.key().substring("notes".length()), other.get(object.key()).readAllBytes());
                }
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Retention(new io.backuprouter.repository.JobRepository(other, copy))
                            .prune(identity, Instant.now().plus(Duration.ofHours(25)), false))
                    .hasMessageContaining("prune stopped, nothing deleted: target s3 holds archives of job notes-copy but lists"
                            + " no snapshot of it").hasMessageContaining("verify notes-copy --target s3");
            assertThat(other.list(copy + "/")).isNotEmpty();
            assertThat(pruned.bytes()).isPositive();

            Set<String> needed = new HashSet<>();
            for (String id : kept) {
                stored.snapshot(id).archives().forEach(a -> needed.add(a.key()));
                RestoreSummary restored = new Restorer("notes", job.targets(), targets.stores(), identity, Clock.systemUTC(),
                        BackupProgress.NONE).restore(new RestoreRequest("notes", id, null, null, dir.resolve("r-" + id),
                        List.of(), RestoreRequest.Overwrite.IF_OLDER));
                assertThat(restored.complete()).isTrue();
                assertThat(dir.resolve("r-" + id + "/changing.txt")).hasContent(stateAt.get(id));
            }
            assertThat(new HashSet<>(stored.archiveKeys())).isEqualTo(needed);
        }
    }

    @Test
    void aSourceThatSuddenlyHoldsNoFilesIsRefusedSoRetentionKeepsTheSnapshotsThatHaveThem() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("s3", S3, S3.createBucket());
        JobSettings job = jobs.job("photos", source, "s3", Map.of("keepLast", "1"));
        try (Targets targets = new Targets(jobs.settings().targets())) {
            StoredBackups stored = new StoredBackups(targets.store("s3").orElseThrow(), "photos", jobs.identityFile());
            Files.writeString(source.resolve("a.jpg"), "alpha");
            Files.createDirectories(source.resolve("2024"));
            Files.writeString(source.resolve("2024/b.jpg"), "bravo");
            String good = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().snapshotId();

            // What an unmounted disk looks like: the mount point, empty.
            Files.delete(source.resolve("2024/b.jpg"));
            Files.delete(source.resolve("2024"));
            Files.delete(source.resolve("a.jpg"));
            assertThatThrownBy(() -> new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run())
                    .isInstanceOf(io.backuprouter.UserException.class)
                    .hasMessageContaining("holds no files, where the previous snapshot (" + good + ") holds 2")
                    .hasMessageContaining("no snapshot was forgotten").hasMessageContaining("--allow-empty");
            assertThat(stored.snapshotIds()).containsExactly(good);

            // Empty on purpose: recorded once when asked, and from then on an empty source is no news.
            String empty = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).allowEmpty(true)
                    .run().snapshotId();
            assertThat(stored.snapshotIds()).containsExactly(empty);
            String again = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().snapshotId();
            assertThat(stored.snapshotIds()).containsExactly(again);

            // A drop folder, emptied now and then on purpose: the job says so.
            Path drop = Files.createDirectories(dir.resolve("drop"));
            JobSettings dropJob = jobs.job("drop", drop, "s3", Map.of("allowEmpty", "true"));
            Files.writeString(drop.resolve("scan.pdf"), "scan");
            new BackupRun(dropJob, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
            Files.delete(drop.resolve("scan.pdf"));
            assertThat(new BackupRun(dropJob, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().complete()).isTrue();
        }
    }

    @Test
    void pruneRunningBesideABackupLosesNothing() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        for (int i = 0; i < 40; i++) {
            Files.writeString(source.resolve("f" + i + ".txt"), "content " + i);
        }
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("s3", S3, S3.createBucket());
        JobSettings job = jobs.job("busy", source, "s3", Map.of("keepLast", "1", "batchFiles", "3"));
        try (Targets targets = new Targets(jobs.settings().targets())) {
            ObjectStore store = targets.store("s3").orElseThrow();
            AgeIdentity identity = AgeIdentity.read(jobs.identityFile());
            new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 40; i += 7) {
                    Files.writeString(source.resolve("f" + i + ".txt"), "content " + i + " round " + round);
                }
                CompletableFuture<BackupSummary> backup = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                // Another machine pruning at the same moment (it does not share this machine's lock).
                while (!backup.isDone()) {
                    new Retention(new io.backuprouter.repository.JobRepository(store, "busy")).prune(identity, Instant.now(), false);
                }
                assertThat(backup.get().complete()).isTrue();
            }
            Verifier.Result check = new Verifier("busy", store, identity).verify(null, true);
            assertThat(check.ok()).as(check.problems().toString()).isTrue();
        }
    }
}
