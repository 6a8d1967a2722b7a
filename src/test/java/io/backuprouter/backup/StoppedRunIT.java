package io.backuprouter.backup;

import io.backuprouter.files.BackupProgress;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.restore.RestoreRequest;
import io.backuprouter.restore.RestoreSummary;
import io.backuprouter.restore.Restorer;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.Folders;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A run killed right after its manifest landed on the targets, before this machine recorded it
 * (issue 20): the next run takes that snapshot as its parent and uploads no archive again.
 */
class StoppedRunIT {
    @RegisterExtension
    static final TestS3Server A = TestS3Server.lenient();
    @RegisterExtension
    static final TestS3Server B = TestS3Server.strict();

    @TempDir
    Path dir;
    Path source;
    TestJobs jobs;

    private final Logger logger = (Logger) LoggerFactory.getLogger(ParentSnapshot.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void setUp() throws IOException {
        source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("one.txt"), "one");
        Files.writeString(source.resolve("two.txt"), "two");
        jobs = new TestJobs(dir.resolve("config")).target("a", A, A.createBucket()).target("b", B, B.createBucket());
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(logged);
    }

    JobSettings job(Map<String, String> extra) throws IOException {
        return jobs.job("notes", source, "a, b", extra);
    }

    JobSettings withIdentity() throws IOException {
        return job(Map.of("identity", jobs.identityFile().toString()));
    }

    BackupSummary backup(JobSettings job) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
        }
    }

    /**
     * A run killed right after its manifest landed on every target: the local state is left as it
     * was before the run (latest.json, the history and the pending list are written after the commit).
     */
    BackupSummary backupKilledAfterCommit(JobSettings job) throws IOException {
        Path before = dir.resolve("state-before-the-killed-run");
        Folders.copy(job.jobStateDir(), before);
        BackupSummary killed = backup(job);
        assertThat(killed.complete()).as(killed.toString()).isTrue();
        Folders.delete(job.jobStateDir());
        Folders.copy(before, job.jobStateDir());
        return killed;
    }

    /** A megabyte of new content and an edit: what the killed run uploads. */
    void changeTheSource() throws IOException {
        byte[] photo = new byte[1024 * 1024 + 5];
        new Random(20).nextBytes(photo);
        Files.write(source.resolve("photo.jpg"), photo);
        Files.writeString(source.resolve("one.txt"), "one, edited");
    }

    List<String> archiveKeys(String target) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new StoredBackups(targets.store(target).orElseThrow(), "notes", jobs.identityFile()).archiveKeys();
        }
    }

    Snapshot snapshot(String target, String id) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new StoredBackups(targets.store(target).orElseThrow(), "notes", jobs.identityFile()).snapshot(id);
        }
    }

    @Test
    void theSnapshotOfARunKilledAfterItsManifestLandedIsTheNextRunsParentAndNothingIsUploadedAgain() throws IOException {
        JobSettings job = withIdentity();
        BackupSummary first = backup(job);
        changeTheSource();
        BackupSummary killed = backupKilledAfterCommit(job);
        List<String> archivesOnA = archiveKeys("a");
        List<String> archivesOnB = archiveKeys("b");
        Files.writeString(source.resolve("two.txt"), "two, edited after the kill");

        BackupSummary next = backup(job);

        assertThat(next.complete()).as(next.toString()).isTrue();
        assertThat(snapshot("b", next.snapshotId()).parent()).isEqualTo(killed.snapshotId());
        assertThat(next.addedFiles()).as("only the file edited after the kill").isEqualTo(1);
        assertThat(next.archives()).isEqualTo(1);
        assertThat(next.uploadedBytes()).isLessThan(2048);
        assertThat(archiveKeys("a")).hasSize(archivesOnA.size() + 1).containsAll(archivesOnA);
        assertThat(archiveKeys("b")).hasSize(archivesOnB.size() + 1).containsAll(archivesOnB);
        assertThat(JobState.committed(job.jobStateDir(), "a")).contains(first.snapshotId(), killed.snapshotId());
        assertThat(JobState.committed(job.jobStateDir(), "b")).contains(first.snapshotId(), killed.snapshotId());
        assertThat(JobState.readHistory(job.jobStateDir())).extracting(JobState.HistoryEntry::id)
                .containsExactly(first.snapshotId(), killed.snapshotId(), next.snapshotId());
        assertRestoresTheSource(next.snapshotId(), "a");
        assertRestoresTheSource(next.snapshotId(), "b");
        assertThat(backup(job).archives()).as("recorded: the run after it packs nothing").isZero();
    }

    @Test
    void aKilledRunWhoseSourceDidNotChangeSinceIsTakenAsItIsAndUploadsNoArchive() throws IOException {
        JobSettings job = withIdentity();
        backup(job);
        changeTheSource();
        BackupSummary killed = backupKilledAfterCommit(job);

        BackupSummary next = backup(job);

        assertThat(next.complete()).as(next.toString()).isTrue();
        assertThat(next.archives()).isZero();
        assertThat(next.uploadedBytes()).isZero();
        assertThat(snapshot("a", next.snapshotId()).parent()).isEqualTo(killed.snapshotId());
        assertRestoresTheSource(next.snapshotId(), "b");
    }

    @Test
    void withoutAnIdentityTheNextRunPacksTheKilledRunsFilesAgainAndSaysWhyOnce() throws IOException {
        JobSettings job = job(Map.of());
        BackupSummary first = backup(job);
        changeTheSource();
        BackupSummary killed = backupKilledAfterCommit(job);

        BackupSummary next = backup(job);

        assertThat(next.complete()).as(next.toString()).isTrue();
        assertThat(snapshot("a", next.snapshotId()).parent()).isEqualTo(first.snapshotId());
        assertThat(next.addedFiles()).isEqualTo(killed.addedFiles());
        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains(killed.snapshotId())).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("is newer than this machine's state")
                        .contains("Without an identity this machine cannot read it").contains(first.snapshotId())
                        .contains("set the job's identity"));
        assertRestoresTheSource(next.snapshotId(), "a");
        backup(job);
        assertThat(logged.list).filteredOn(e -> e.getFormattedMessage().contains("is newer than")).hasSize(1);
    }

    @Test
    void aNewerSnapshotMadeOnAnotherHostIsNotTakenAsTheParent() throws IOException {
        JobSettings job = withIdentity();
        BackupSummary first = backup(job);
        changeTheSource();
        BackupSummary elsewhere = backupKilledAfterCommit(job(Map.of("identity", jobs.identityFile().toString(),
                "host", "another-machine")));

        BackupSummary next = backup(job);

        assertThat(next.complete()).as(next.toString()).isTrue();
        assertThat(snapshot("a", next.snapshotId()).parent()).isEqualTo(first.snapshotId());
        assertThat(JobState.readHistory(job.jobStateDir())).extracting(JobState.HistoryEntry::id)
                .doesNotContain(elsewhere.snapshotId());
        assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(elsewhere.snapshotId())
                .contains("was made on host another-machine").contains("not by this job here"));
        assertRestoresTheSource(next.snapshotId(), "b");
    }

    /** The snapshot, restored from the target into an empty folder, is the source byte for byte. */
    void assertRestoresTheSource(String snapshotId, String target) throws IOException {
        Path restored = dir.resolve("restored-" + snapshotId + "-" + target);
        try (Targets targets = new Targets(jobs.settings().targets())) {
            RestoreSummary summary = new Restorer("notes", List.of("a", "b"), targets.stores(),
                    AgeIdentity.read(jobs.identityFile()), Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new RestoreRequest("notes", snapshotId, null, target, restored, List.of(),
                            RestoreRequest.Overwrite.IF_OLDER));
            assertThat(summary.complete()).as(summary.toString()).isTrue();
        }
        assertThat(files(restored)).isEqualTo(files(source));
        for (Path file : files(source)) {
            assertThat(Files.readAllBytes(restored.resolve(file))).as(file.toString())
                    .isEqualTo(Files.readAllBytes(source.resolve(file)));
        }
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).map(folder::relativize).sorted().toList();
        }
    }
}
