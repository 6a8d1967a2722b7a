package io.backuprouter.backup;

import io.backuprouter.files.BackupProgress;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.DelegatingStore;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Backups to two real S3 servers playing two providers (one of them strict about checksums). */
class BackupIT {
    static final String MARKER = "PLAINTEXT-MARKER-7f3c";

    @RegisterExtension
    static final TestS3Server A = TestS3Server.lenient();
    @RegisterExtension
    static final TestS3Server B = TestS3Server.strict();

    @TempDir
    Path dir;
    Path source;
    TestJobs jobs;
    JobSettings job;

    @BeforeEach
    void mixedFolder() throws IOException {
        source = dir.resolve("source");
        Files.createDirectories(source.resolve("notes/2026/deep/er"));
        Files.createDirectories(source.resolve("empty-folder"));
        Files.createDirectories(source.resolve("日记"));
        Files.writeString(source.resolve("notes/2026/plan.md"), "# Plan\n" + MARKER + "\n");
        Files.writeString(source.resolve("日记/2026-11-22 周日.md"), "今天 " + MARKER);
        Files.writeString(source.resolve("notes/2026/deep/er/" + "long-name-".repeat(12) + ".txt"), "deep");
        Files.write(source.resolve("empty.txt"), new byte[0]);
        Files.writeString(source.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(source.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        byte[] random = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(random);
        Files.write(source.resolve("photo.jpg"), random);
        Files.writeString(source.resolve("notes/copy-of-plan.md"), "# Plan\n" + MARKER + "\n");
        Files.createSymbolicLink(source.resolve("link-to-plan"), Path.of("notes/2026/plan.md"));
        Files.setLastModifiedTime(source.resolve("empty.txt"), FileTime.from(Instant.parse("2020-01-02T03:04:05.123456Z")));
        jobs = new TestJobs(dir.resolve("config")).target("a", A, A.createBucket()).target("b", B, B.createBucket());
        job = jobs.job("notes", source, "a, b", Map.of("identity", jobs.identityFile().toString()));
    }

    BackupSummary backup() throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
        }
    }

    BackupSummary backupSkippingUnchanged() throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).skipIfUnchanged(true).run();
        }
    }

    List<String> snapshotsOn(String target) throws IOException {
        return onTarget(target, (store, backups) -> backups.snapshotIds());
    }

    <T> T onTarget(String name, StoreFunction<T> function) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return function.apply(targets.store(name).orElseThrow(), new StoredBackups(targets.store(name).orElseThrow(),
                    "notes", jobs.identityFile()));
        }
    }

    interface StoreFunction<T> {
        T apply(ObjectStore store, StoredBackups backups) throws IOException;
    }

    @Test
    void aMixedFolderBacksUpToBothTargetsAsOnlyEncryptedObjects() throws IOException {
        BackupSummary summary = backup();

        assertThat(summary.complete()).as(summary.toString()).isTrue();
        assertThat(summary.committed()).containsExactly("a", "b");
        for (String target : List.of("a", "b")) {
            onTarget(target, (store, backups) -> {
                assertThat(backups.snapshotIds()).containsExactly(summary.snapshotId());
                Snapshot snapshot = backups.snapshot(summary.snapshotId());
                assertThat(snapshot.files()).extracting(FileEntry::path).contains("empty-folder", "empty.txt", "run.sh",
                        "link-to-plan", "日记/2026-11-22 周日.md", "notes/2026/plan.md", "photo.jpg");
                FileEntry run = entry(snapshot, "run.sh");
                assertThat(run.mode()).isEqualTo("0750");
                assertThat(entry(snapshot, "empty.txt").mtime()).isEqualTo(Instant.parse("2020-01-02T03:04:05.123456Z"));
                assertThat(entry(snapshot, "link-to-plan").type()).isEqualTo("symlink");
                assertThat(entry(snapshot, "link-to-plan").target()).isEqualTo("notes/2026/plan.md");
                assertThat(entry(snapshot, "empty-folder").type()).isEqualTo("dir");
                // Same content twice is stored once.
                assertThat(entry(snapshot, "notes/copy-of-plan.md").entry()).isEqualTo(entry(snapshot, "notes/2026/plan.md").entry());

                Map<String, byte[]> content = new HashMap<>();
                for (ArchiveInfo archive : snapshot.archives()) {
                    backups.archive(archive.key()).forEach((name, bytes) -> content.put(archive.id() + "/" + name, bytes));
                }
                for (FileEntry file : snapshot.files()) {
                    if (file.isFile()) {
                        assertThat(content.get(file.archive() + "/" + file.entry())).as(file.path())
                                .isEqualTo(Files.readAllBytes(source.resolve(file.path())));
                    }
                }
                for (ObjectInfo object : store.list("")) {
                    assertThat(object.key()).doesNotContain("plan").doesNotContain("日记").doesNotContain("photo");
                    try (InputStream in = store.get(object.key())) {
                        String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                        assertThat(raw).as(object.key()).startsWith("age-encryption.org/v1").doesNotContain(MARKER)
                                .doesNotContain("plan.md");
                    }
                }
                return null;
            });
        }
        assertThat(source.resolve("notes/2026/plan.md")).hasContent("# Plan\n" + MARKER);
    }

    @Test
    void linksThatLeadOutsideTheFolderAreRecordedWithAWarningThatRestoresLeaveThemOut() throws IOException {
        Files.createSymbolicLink(source.resolve("hosts"), Path.of("/etc/hosts"));
        Files.createSymbolicLink(source.resolve("notes/up"), Path.of("../../elsewhere"));

        BackupSummary summary = backup();

        assertThat(summary.warnings()).singleElement().asString().startsWith("2 links lead outside the folder (")
                .contains("a restore reports them and does not create them unless told to with --outside-links create");
        assertThat(backup().warnings()).as("once a run; link-to-plan, inside, is no news").hasSize(1);
    }

    @Test
    void aMissingSourceFolderNamesTheJobsDeclarationAndStoresNothing() throws IOException {
        JobSettings lost = jobs.job("lost", dir.resolve("unmounted/photos"), "a", Map.of());
        try (Targets targets = new Targets(jobs.settings().targets())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> new BackupRun(lost, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run())
                    .isInstanceOf(io.backuprouter.UserException.class)
                    .hasMessageContaining("job lost: the source folder " + dir.resolve("unmounted/photos") + " does not exist")
                    .hasMessageContaining("declared at " + lost.declaredAt()).hasMessageContaining("nothing was backed up");
            assertThat(targets.store("a").orElseThrow().list("lost/")).isEmpty();
        }
    }

    @Test
    void theNextSnapshotUploadsOnlyWhatChangedAndBothAreListed() throws IOException {
        BackupSummary first = backup();
        Files.writeString(source.resolve("notes/2026/plan.md"), "# Plan, edited\n");
        Files.writeString(source.resolve("new.txt"), "a new file");
        Files.delete(source.resolve("empty.txt"));

        BackupSummary second = backup();

        assertThat(second.complete()).isTrue();
        assertThat(second.addedFiles()).isEqualTo(2);
        assertThat(second.addedBytes()).isEqualTo("# Plan, edited\n".length() + "a new file".length());
        assertThat(second.archives()).isEqualTo(1);
        assertThat(second.uploadedBytes()).isLessThan(2048);
        onTarget("b", (store, backups) -> {
            assertThat(backups.snapshotIds()).containsExactly(first.snapshotId(), second.snapshotId());
            Snapshot snapshot = backups.snapshot(second.snapshotId());
            assertThat(snapshot.parent()).isEqualTo(first.snapshotId());
            assertThat(snapshot.files()).extracting(FileEntry::path).contains("new.txt").doesNotContain("empty.txt");
            assertThat(entry(snapshot, "photo.jpg").archive()).isEqualTo(entry(backups.snapshot(first.snapshotId()), "photo.jpg").archive());
            assertThat(backups.archiveKeys()).hasSize(first.archives() + 1);
            return null;
        });
    }

    @Test
    void aRunThatSkipsUnchangedSnapshotsMakesNoneUntilAFileOrItsTimeChanges() throws IOException {
        BackupSummary first = backup();

        BackupSummary unchanged = backupSkippingUnchanged();
        // An excluded file (an editor's temporary) is no change either.
        Files.writeString(source.resolve("draft.tmp"), "not backed up");
        BackupSummary stillUnchanged = backupSkippingUnchanged();

        assertThat(unchanged.unchanged()).isTrue();
        assertThat(unchanged.complete()).isTrue();
        assertThat(unchanged.snapshotId()).isEqualTo(first.snapshotId());
        assertThat(unchanged.committed()).containsExactly("a", "b");
        assertThat(unchanged.files()).isEqualTo(first.files());
        assertThat(unchanged.toString()).contains("nothing changed since snapshot " + first.snapshotId())
                .contains("which a, b hold; no new snapshot");
        assertThat(stillUnchanged.unchanged()).isTrue();
        for (String target : List.of("a", "b")) {
            assertThat(snapshotsOn(target)).containsExactly(first.snapshotId());
        }
        List<JobState.HistoryEntry> history = JobState.readHistory(job.jobStateDir());
        assertThat(history).singleElement().satisfies(h -> {
            assertThat(h.id()).isEqualTo(first.snapshotId());
            assertThat(h.unchangedAt()).isAfter(h.time());
        });

        // A new time is a change the snapshot records, even with the same content.
        Files.setLastModifiedTime(source.resolve("run.sh"), FileTime.from(Instant.parse("2021-05-06T07:08:09Z")));
        BackupSummary touched = backupSkippingUnchanged();

        assertThat(touched.unchanged()).isFalse();
        assertThat(touched.snapshotId()).isNotEqualTo(first.snapshotId());
        assertThat(touched.addedFiles()).isZero();
        assertThat(snapshotsOn("b")).containsExactly(first.snapshotId(), touched.snapshotId());
    }

    @Test
    void aJobWhoseRecipientsChangedPacksEveryFileAgainSoThatTheNewKeyAloneRestoresIt() throws IOException {
        BackupSummary first = backup();
        io.backuprouter.crypto.AgeKeys.AgeKeyPair next = io.backuprouter.crypto.AgeKeys.generate();
        Path nextIdentity = Files.writeString(dir.resolve("next-identity.txt"), next.identityFile());
        job = jobs.job("notes", source, "a, b", Map.of("recipients", next.recipient(), "identity", nextIdentity.toString()));
        Files.writeString(source.resolve("new.txt"), "after the new key");

        BackupSummary second = backup();

        assertThat(second.complete()).as(second.toString()).isTrue();
        assertThat(second.addedFiles()).as("every file's content is in a new archive").isEqualTo(second.files());
        assertThat(second.warnings()).anySatisfy(w -> assertThat(w).contains("recipients or passphrase changed since snapshot "
                + first.snapshotId()).contains("files stored for the earlier key are packed again"));
        onTarget("a", (store, backups) -> {
            // Each archive says what it is encrypted to (a fingerprint of the recipients: no key in it).
            assertThat(new StoredBackups(store, "notes", nextIdentity).snapshot(second.snapshotId()).archives())
                    .extracting(ArchiveInfo::encryptedTo).allMatch(e -> e.matches("recipients:[0-9a-f]{64}"))
                    .doesNotContain(backups.snapshot(first.snapshotId()).archives().get(0).encryptedTo());
            return null;
        });
        try (Targets targets = new Targets(jobs.settings().targets())) {
            var restored = new io.backuprouter.restore.Restorer("notes", job.targets(), targets.stores(),
                    io.backuprouter.crypto.AgeIdentity.read(nextIdentity), Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new io.backuprouter.restore.RestoreRequest("notes", second.snapshotId(), null, "b",
                            dir.resolve("restored"), List.of(), io.backuprouter.restore.RestoreRequest.Overwrite.IF_OLDER));
            assertThat(restored.problems()).isEmpty();
            assertThat(restored.files()).isEqualTo(second.files());
        }
        assertThat(backup().addedFiles()).as("the key is recorded: the next run packs only what changed").isZero();
    }

    @Test
    void aKeyChangedTogetherWithLostLocalStateIsSeenInTheArchivesThemselves() throws IOException {
        BackupSummary first = backup();
        io.backuprouter.testing.Folders.delete(job.jobStateDir());
        io.backuprouter.crypto.AgeKeys.AgeKeyPair added = io.backuprouter.crypto.AgeKeys.generate();
        // The old identity still reads the manifest to rebuild the state; the new recipient must read the next snapshot.
        job = jobs.job("notes", source, "a, b", Map.of("recipients", jobs.recipient() + ", " + added.recipient(),
                "identity", jobs.identityFile().toString()));

        BackupSummary second = backup();

        assertThat(second.addedFiles()).isEqualTo(second.files());
        Path addedIdentity = Files.writeString(dir.resolve("added-identity.txt"), added.identityFile());
        try (Targets targets = new Targets(jobs.settings().targets())) {
            var restored = new io.backuprouter.restore.Restorer("notes", job.targets(), targets.stores(),
                    io.backuprouter.crypto.AgeIdentity.read(addedIdentity), Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new io.backuprouter.restore.RestoreRequest("notes", second.snapshotId(), null, null,
                            dir.resolve("restored"), List.of(), io.backuprouter.restore.RestoreRequest.Overwrite.IF_OLDER));
            assertThat(restored.problems()).isEmpty();
        }
        assertThat(first.snapshotId()).isNotEqualTo(second.snapshotId());
    }

    @Test
    void aMistypedPassphraseStopsTheRunAndRekeyAcceptsANewOneOnPurpose() throws IOException {
        System.setProperty("backup-it.passphrase", "the passphrase of the earlier snapshots");
        jobs.writeConfig("notes", source, "a, b", Map.of("passphrase", "{{sys:backup-it.passphrase}}"));
        Path route = jobs.routesDir().resolve("notes.camel.yaml");
        Files.writeString(route, Files.readString(route).replaceAll("\n *recipients: \"age1[^\"]*\"", ""));
        job = io.backuprouter.config.JobCatalog.read(jobs.routesDir(), jobs.settings()).job("notes").orElseThrow();
        BackupSummary first = backup();
        assertThat(first.complete()).isTrue();

        System.setProperty("backup-it.passphrase", "the passphrase mistyped");
        job = io.backuprouter.config.JobCatalog.read(jobs.routesDir(), jobs.settings()).job("notes").orElseThrow();
        Files.writeString(source.resolve("new.txt"), "written after");

        assertThatThrownBy(this::backup).isInstanceOf(io.backuprouter.UserException.class)
                .hasMessageContaining("the passphrase is not the one snapshot " + first.snapshotId())
                .hasMessageContaining("nothing was backed up")
                .hasMessageContaining("--rekey once")
                .hasMessageNotContaining("mistyped");
        assertThat(snapshotsOn("a")).containsExactly(first.snapshotId());

        BackupSummary rekeyed;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            rekeyed = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).rekey(true).run();
        }
        assertThat(rekeyed.complete()).isTrue();
        assertThat(rekeyed.addedFiles()).isEqualTo(rekeyed.files());
        assertThat(backup().complete()).as("the new passphrase is the one checked from now on").isTrue();
        try (Targets targets = new Targets(jobs.settings().targets())) {
            assertThatThrownBy(() -> new io.backuprouter.restore.Restorer("notes", job.targets(), targets.stores(),
                    job.reader().orElseThrow(), Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new io.backuprouter.restore.RestoreRequest("notes", first.snapshotId(), null, null,
                            dir.resolve("restored"), List.of(), io.backuprouter.restore.RestoreRequest.Overwrite.IF_OLDER)))
                    .hasMessageContaining("the passphrase cannot decrypt snapshot " + first.snapshotId())
                    .hasMessageContaining("need the passphrase they were made with").hasMessageNotContaining("--identity");
        }
    }

    @Test
    void aTargetThatLacksThePreviousSnapshotGetsANewOneEvenWhenNothingChanged() throws IOException {
        BackupSummary first = backup();
        onTarget("b", (store, backups) -> {
            store.delete("notes/" + Snapshot.keyOf(first.snapshotId()));
            return null;
        });

        BackupSummary again = backupSkippingUnchanged();

        assertThat(again.unchanged()).isFalse();
        assertThat(again.complete()).isTrue();
        assertThat(snapshotsOn("b")).containsExactly(again.snapshotId());
        assertThat(snapshotsOn("a")).containsExactly(first.snapshotId(), again.snapshotId());
    }

    @Test
    void aTargetThatIsDownCatchesUpOnTheNextRunWithoutDuplicateUploads() throws Exception {
        B.pause();
        BackupSummary whileDown;
        try {
            whileDown = backup();
        } finally {
            B.resume();
        }
        assertThat(whileDown.committed()).containsExactly("a");
        assertThat(whileDown.failed()).containsOnlyKeys("b");
        assertThat(whileDown.complete()).isFalse();
        onTarget("b", (store, backups) -> {
            assertThat(backups.snapshotIds()).isEmpty();
            return null;
        });

        Files.writeString(source.resolve("later.txt"), "written while b was down");
        BackupSummary after = backup();

        assertThat(after.complete()).as(after.toString()).isTrue();
        Set<String> archivesOnA = new HashSet<>(onTarget("a", (store, backups) -> backups.archiveKeys()));
        onTarget("b", (store, backups) -> {
            assertThat(backups.snapshotIds()).containsExactly(whileDown.snapshotId(), after.snapshotId());
            Snapshot latest = backups.snapshot(after.snapshotId());
            assertThat(new HashSet<>(backups.archiveKeys())).containsAll(latest.archives().stream().map(ArchiveInfo::key).toList())
                    .isEqualTo(archivesOnA);
            return null;
        });
        assertThat(archivesOnA).hasSize(whileDown.archives() + after.archives());
        assertThat(Files.readString(job.jobStateDir().resolve("pending.json")).trim()).isEqualTo("[ ]");
    }

    @Test
    void aTargetThatGoesDownDuringARunLeavesTheOtherCompleteAndCatchesUpLater() throws Exception {
        // Small batches: several archives, and B stops answering right after it received the first.
        job = jobs.job("notes", source, "a, b", Map.of("identity", jobs.identityFile().toString(), "batchFiles", "2"));
        BackupSummary duringOutage;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            Map<String, ObjectStore> stores = new HashMap<>(targets.stores());
            stores.put("b", new FailAfterFirstArchive(targets.store("b").orElseThrow(), B));
            duringOutage = new BackupRun(job, stores, Clock.systemUTC(), BackupProgress.NONE).run();
        } finally {
            B.resume();
        }
        assertThat(duringOutage.archives()).isGreaterThan(2);
        assertThat(duringOutage.committed()).containsExactly("a");
        assertThat(duringOutage.failed()).containsOnlyKeys("b");
        onTarget("b", (store, backups) -> {
            assertThat(backups.snapshotIds()).isEmpty();
            assertThat(backups.archiveKeys()).hasSize(1);
            return null;
        });

        BackupSummary next = backup();

        assertThat(next.complete()).as(next.toString()).isTrue();
        onTarget("b", (store, backups) -> {
            assertThat(backups.snapshotIds()).containsExactly(duringOutage.snapshotId(), next.snapshotId());
            for (ArchiveInfo archive : backups.snapshot(duringOutage.snapshotId()).archives()) {
                assertThat(backups.archiveKeys()).contains(archive.key());
            }
            return null;
        });
    }

    @Test
    void archivesArePackedWhileTheFirstUploadsAndTheOutboxStaysBounded() throws Exception {
        for (int i = 0; i < 12; i++) {
            Files.writeString(source.resolve("batch-" + i + ".md"), "file " + i + " " + MARKER);
        }
        job = jobs.job("notes", source, "a", Map.of("identity", jobs.identityFile().toString(), "batchFiles", "1"));
        Path outbox = job.jobStateDir().resolve("outbox");
        int packers = Math.min(4, Runtime.getRuntime().availableProcessors());
        java.util.concurrent.atomic.AtomicInteger mostWaiting = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean packedMeanwhile = new java.util.concurrent.atomic.AtomicBoolean();
        BackupSummary summary;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            ObjectStore a = new DelegatingStore(targets.store("a").orElseThrow()) {
                boolean first = true;

                @Override
                public void put(String key, Path file) throws IOException {
                    if (key.contains("/archives/")) {
                        if (first) {
                            first = false;
                            // Held until one archive per packing thread more is being written: packing
                            // neither waits for uploads nor packs one archive at a time.
                            packedMeanwhile.set(waitFor(() -> archivesIn(outbox) >= packers + 1));
                        }
                        // In the outbox: written and not uploaded yet, or being uploaded (an uploaded
                        // archive every target has leaves at once, not when the run ends).
                        mostWaiting.accumulateAndGet((int) archivesIn(outbox), Math::max);
                    }
                    super.put(key, file);
                }
            };
            summary = new BackupRun(job, Map.of("a", a), Clock.systemUTC(), BackupProgress.NONE).run();
        }
        assertThat(summary.complete()).as(summary.toString()).isTrue();
        assertThat(summary.archives()).isGreaterThanOrEqualTo(13);
        assertThat(packedMeanwhile).isTrue();
        // The archive being uploaded and the ones waiting: at most one per packing thread, plus one
        // (an archive being written counts once it appears); never all 13.
        assertThat(mostWaiting.get()).isLessThanOrEqualTo(packers + 2);
        assertThat(archivesIn(outbox)).isZero();
        onTarget("a", (store, backups) -> {
            assertThat(backups.snapshot(summary.snapshotId()).files().stream().filter(FileEntry::isFile).count())
                    .isEqualTo(summary.files());
            return null;
        });
    }

    static long archivesIn(Path outbox) {
        try (var files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".zip.age")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    static boolean waitFor(java.util.function.BooleanSupplier condition) {
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(condition::getAsBoolean);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    /** A store whose server goes down right after the first archive reached it. */
    static final class FailAfterFirstArchive extends DelegatingStore {
        private final TestS3Server server;

        FailAfterFirstArchive(ObjectStore delegate, TestS3Server server) {
            super(delegate);
            this.server = server;
        }

        @Override
        public void put(String key, Path file) throws IOException {
            delegate.put(key, file);
            if (key.contains("/archives/")) {
                try {
                    server.pause();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
        }
    }

    @Test
    void lostLocalStateIsRebuiltFromATargetAndOnlyNewContentIsUploaded() throws IOException {
        backup();
        io.backuprouter.testing.Folders.delete(job.jobStateDir());
        Files.writeString(source.resolve("new.txt"), "only this is new");

        BackupSummary rebuilt = backup();

        assertThat(rebuilt.complete()).isTrue();
        assertThat(rebuilt.addedFiles()).isEqualTo(1);
        assertThat(rebuilt.archives()).isEqualTo(1);
    }

    @Test
    void aDamagedLocalStateIsMovedAsideAndTheRunComparesWithTheTargetInstead() throws IOException {
        backup();
        Path latest = job.jobStateDir().resolve("latest.json");
        Files.writeString(latest, "{\"format\": \"backup-router-snap"); // cut short, as by a disk error
        Files.writeString(source.resolve("new.txt"), "only this is new");

        BackupSummary next = backup();

        assertThat(next.complete()).isTrue();
        assertThat(next.addedFiles()).isEqualTo(1);
        assertThat(damagedCopies()).singleElement().satisfies(aside -> assertThat(aside)
                .hasContent("{\"format\": \"backup-router-snap"));
        assertThat(latest).exists();
        assertThat(backup().addedFiles()).isZero();
    }

    @Test
    void withoutAnIdentityADamagedLocalStateMeansEveryFileIsPackedAgainAndNothingIsLost() throws IOException {
        job = jobs.job("notes", source, "a, b", Map.of());
        BackupSummary first = backup();
        Files.writeString(job.jobStateDir().resolve("latest.json"), "not json at all");

        BackupSummary next = backup();

        assertThat(next.complete()).isTrue();
        assertThat(next.addedFiles()).isEqualTo(first.addedFiles());
        assertThat(next.files()).isEqualTo(first.files());
        assertThat(damagedCopies()).singleElement().satisfies(aside -> assertThat(aside).hasContent("not json at all"));
    }

    @Test
    void aDamagedHistoryIsMovedAsideByTheNextBackupWhichCommitsAndSucceeds() throws IOException {
        backup();
        Path history = job.jobStateDir().resolve("history.json");
        Files.writeString(history, "[{\"id\": ");

        BackupSummary next = backup();

        assertThat(next.complete()).isTrue();
        assertThat(JobState.readHistory(job.jobStateDir())).extracting(JobState.HistoryEntry::id)
                .containsExactly(next.snapshotId());
        try (var files = Files.list(job.jobStateDir())) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("history.json.damaged-")))
                    .singleElement().satisfies(aside -> assertThat(aside).hasContent("[{\"id\": "));
        }
    }

    private List<Path> damagedCopies() throws IOException {
        try (var files = Files.list(job.jobStateDir())) {
            return files.filter(f -> f.getFileName().toString().startsWith("latest.json.damaged-")).toList();
        }
    }

    @Test
    void aDamagedListOfPendingUploadsStopsTheRunNamingTheFileAndWhatToDo() throws IOException {
        backup();
        Path pending = job.jobStateDir().resolve("pending.json");
        Files.writeString(pending, "[{\"key\": ");

        assertThatThrownBy(this::backup).isInstanceOf(io.backuprouter.UserException.class)
                .hasMessageContaining(pending.toString()).hasMessageContaining("is damaged")
                .hasMessageContaining("hint: move it away and run again");
        assertThat(pending).hasContent("[{\"key\": ");
    }

    static FileEntry entry(Snapshot snapshot, String path) {
        return snapshot.files().stream().filter(f -> f.path().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError(path + " is not in snapshot " + snapshot.id()));
    }
}
