package io.backuprouter.backup;

import io.backuprouter.files.BackupProgress;
import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.DelegatingStore;
import io.backuprouter.testing.Folders;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backups recover from lost local state, replaced targets and uncooperative targets (folder targets, fast). */
class BackupRecoveryIT {
    @TempDir
    Path dir;
    Path source;
    Path a;
    Path b;
    TestJobs jobs;

    @BeforeEach
    void setUp() throws IOException {
        source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("one.txt"), "one");
        Files.writeString(source.resolve("two.txt"), "two");
        a = Files.createDirectories(dir.resolve("a"));
        b = dir.resolve("b");
        jobs = new TestJobs(dir.resolve("home")).folderTarget("a", a).folderTarget("b", b);
    }

    BackupSummary backup(JobSettings job, Map<String, ObjectStore> overrides) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            Map<String, ObjectStore> stores = new HashMap<>(targets.stores());
            stores.putAll(overrides);
            return new BackupRun(job, stores, Clock.systemUTC(), BackupProgress.NONE).run();
        }
    }

    List<String> snapshotsOn(String target) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new StoredBackups(targets.store(target).orElseThrow(), "files", jobs.identityFile()).snapshotIds();
        }
    }

    @Test
    void aLaggingTargetCatchesUpByCopyWhenTheOutboxIsGone() throws IOException {
        JobSettings job = jobs.job("files", source, "a, b");
        BackupSummary first = backup(job, Map.of()); // b's folder does not exist yet: b is down
        assertThat(first.committed()).containsExactly("a");
        Folders.delete(job.jobStateDir().resolve("outbox"));
        Files.createDirectories(b);

        BackupSummary second = backup(job, Map.of());

        assertThat(second.complete()).as(second.toString()).isTrue();
        assertThat(snapshotsOn("b")).contains(second.snapshotId());
    }

    @Test
    void aSnapshotALaggingTargetCaughtUpWithIsExpectedThereFromThenOn() throws IOException {
        JobSettings job = jobs.job("files", source, "a, b");
        BackupSummary first = backup(job, Map.of()); // b is down
        assertThat(JobState.committed(job.jobStateDir(), "b")).doesNotContain(first.snapshotId());
        Files.createDirectories(b);

        BackupSummary second = backup(job, Map.of());

        assertThat(snapshotsOn("b")).contains(first.snapshotId(), second.snapshotId());
        assertThat(JobState.committed(job.jobStateDir(), "b")).contains(first.snapshotId(), second.snapshotId());
        assertThat(JobState.committed(job.jobStateDir(), "a")).contains(first.snapshotId(), second.snapshotId());
    }

    @Test
    void aHistoryThatCannotBeWrittenDoesNotStopALaggingTargetCatchingUpNorTheSnapshot() throws IOException {
        JobSettings job = jobs.job("files", source, "a, b");
        BackupSummary first = backup(job, Map.of()); // b is down
        Files.createDirectories(b);
        Files.createDirectories(job.jobStateDir().resolve("history.json.new")); // every write of the history fails
        Files.writeString(source.resolve("three.txt"), "three");

        try {
            backup(job, Map.of());
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("history.json"); // recording this run, after its commit
        }

        assertThat(snapshotsOn("a")).hasSize(2).contains(first.snapshotId());
        assertThat(snapshotsOn("b")).hasSize(2).contains(first.snapshotId());
    }

    @Test
    void aSnapshotNoTargetTookIsExpectedOnTheTargetThatCatchesUpWithIt() throws IOException {
        JobSettings job = jobs.job("files", source, "a");
        ObjectStore full = new DelegatingStore(Targets.open(jobs.settings().targets().get("a"))) {
            @Override
            public void put(String key, Path file) throws IOException {
                throw new IOException("no space left on device");
            }

            @Override
            public void put(String key, byte[] content) throws IOException {
                throw new IOException("no space left on device");
            }
        };
        BackupSummary first = backup(job, Map.of("a", full));
        assertThat(first.committed()).isEmpty();
        List<JobState.HistoryEntry> history = JobState.readHistory(job.jobStateDir());
        assertThat(history).singleElement().satisfies(h -> assertThat(h.targets()).isEmpty());
        String waiting = history.get(0).id();
        assertThat(JobState.committed(job.jobStateDir(), "a")).isEmpty();

        BackupSummary second = backup(job, Map.of());

        assertThat(snapshotsOn("a")).contains(waiting, second.snapshotId());
        assertThat(JobState.committed(job.jobStateDir(), "a")).contains(waiting, second.snapshotId());
    }

    @Test
    void contentOnlyAReplacedTargetHadIsPackedAgainForTheNewOne() throws IOException {
        backup(jobs.job("files", source, "a"), Map.of());
        Files.createDirectories(b);
        JobSettings movedToB = jobs.job("files", source, "b");

        BackupSummary onB = backup(movedToB, Map.of());

        assertThat(onB.complete()).as(onB.toString()).isTrue();
        assertThat(onB.addedFiles()).isEqualTo(2);
        assertThat(snapshotsOn("b")).containsExactly(onB.snapshotId());
        assertThat(Files.readString(movedToB.jobStateDir().resolve("pending.json")).trim()).isEqualTo("[ ]");
    }

    @Test
    void aTargetThatCannotListOrAbortUploadsStillGetsItsBackups() throws IOException {
        Files.createDirectories(b);
        JobSettings job = jobs.job("files", source, "a, b");
        try (Targets targets = new Targets(jobs.settings().targets())) {
            ObjectStore real = targets.store("b").orElseThrow();
            ObjectStore noCleanup = new DelegatingStore(real) {
                @Override
                public int removeIncompleteUploads(String prefix, Instant before) throws IOException {
                    throw new IOException("AccessDenied (HTTP 403): ListMultipartUploads");
                }
            };
            BackupSummary summary = backup(job, Map.of("b", noCleanup));
            assertThat(summary.complete()).as(summary.toString()).isTrue();
        }
    }

    @Test
    void anEditInTheSameClockTickAsThePreviousRunIsNotMissed() throws IOException {
        JobSettings job = jobs.job("files", source, "a");
        Path file = source.resolve("one.txt");
        FileTime time = Files.getLastModifiedTime(file);
        backup(job, Map.of());
        Files.writeString(file, "ONE"); // same size
        Files.setLastModifiedTime(file, time); // same time: as on a file system with a coarse clock

        BackupSummary second = backup(job, Map.of());

        try (Targets targets = new Targets(jobs.settings().targets())) {
            StoredBackups stored = new StoredBackups(targets.store("a").orElseThrow(), "files", jobs.identityFile());
            Snapshot snapshot = stored.snapshot(second.snapshotId());
            FileEntry one = snapshot.files().stream().filter(f -> f.path().equals("one.txt")).findFirst().orElseThrow();
            String archiveKey = snapshot.archives().stream().filter(x -> x.id().equals(one.archive())).findFirst().orElseThrow().key();
            assertThat(new String(stored.archive(archiveKey).get(one.entry()))).isEqualTo("ONE");
        }
    }
}
