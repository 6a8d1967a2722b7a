package io.backuprouter.restore;

import static io.backuprouter.testing.ForgedBackups.file;
import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.files.BackupProgress;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.ForgedBackups;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged, forged and foreign stored objects (issue 20): each is named with what is really wrong
 * with it, a restore goes on with everything else (and the job's other targets), and its summary
 * counts only what it wrote.
 */
class DamagedObjectsIT {
    private static final byte[] GOOD = "the intact archive's file".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER = "the damaged archive's file".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    TestJobs jobs;
    ForgedBackups onA;
    ForgedBackups onB;

    @BeforeEach
    void job() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        jobs = new TestJobs(dir.resolve("home")).folderTarget("a", a).folderTarget("b", b);
        jobs.job("docs", Files.createDirectories(dir.resolve("source")), "a, b");
        onA = new ForgedBackups(a, "docs", jobs.recipient());
        onB = new ForgedBackups(b, "docs", jobs.recipient());
    }

    @Test
    void anEntryShorterThanItsRecordIsNotRestoredNorCountedAsVerified() throws Exception {
        String emptySha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        for (long recorded : new long[] {1000, Long.MAX_VALUE, -1}) {
            ArchiveInfo archive = onA.archive(Map.of("e", "sixsix".getBytes()));
            FileEntry record = file("big.txt", "sixsix".getBytes(), archive, "e");
            Snapshot snapshot = onA.snapshot(List.of(archive), List.of(new FileEntry(record.path(), record.type(), recorded,
                    record.mtime(), record.mode(), record.sha256(), record.archive(), record.entry(), null)));
            Path to = dir.resolve("to-" + snapshot.id());

            RestoreSummary summary = restore(snapshot.id(), to);

            assertThat(summary.complete()).isFalse();
            assertThat(summary.files()).isZero();
            assertThat(summary.bytes()).isZero();
            assertThat(summary.toString()).contains("0 files, 0 B verified");
            assertThat(summary.problems()).singleElement().asString().startsWith("big.txt: ")
                    .contains(recorded < 0 ? "refused: the manifest records a negative size (-1)"
                            : "not restored: a: archive " + archive.key() + ": entry e holds 6 bytes where the manifest records "
                            + recorded + " for big.txt").doesNotContain(emptySha);
            assertThat(to.resolve("big.txt")).doesNotExist();
            assertThat(verify(snapshot.id()).problems()).singleElement().asString()
                    .contains(recorded < 0 ? "negative size" : "entry e holds 6 bytes").doesNotContain(emptySha);
        }
    }

    @Test
    void anUnknownTypeIsReportedByRestoreAndVerifyNotSkipped() throws Exception {
        ArchiveInfo archive = onA.archive(Map.of("e", GOOD));
        Snapshot snapshot = onA.snapshot(List.of(archive), List.of(file("ok.txt", GOOD, archive, "e"),
                new FileEntry("pipe", "fifo", 0, ForgedBackups.TIME, "0644", null, null, null, null)));

        RestoreSummary summary = restore(snapshot.id());

        assertThat(summary.complete()).isFalse();
        assertThat(summary.files()).isOne();
        assertThat(summary.problems()).singleElement().asString()
                .isEqualTo("pipe: refused: unknown type \"fifo\": this version restores files, folders and links only"
                        + " (a newer backup-router may know it)");
        Verifier.Result verified = verify(snapshot.id());
        assertThat(verified.ok()).isFalse();
        assertThat(verified.failedPaths()).containsExactly("pipe");
    }

    @Test
    void aDamagedArchiveBesideAnIntactOneIsNamedForWhatItIsAndEverythingElseIsRestored() throws Exception {
        Map<String, UnaryOperator<byte[]>> damages = new LinkedHashMap<>();
        damages.put("it is empty (0 bytes), not an age-encrypted file", bytes -> new byte[0]);
        damages.put("it is not an age-encrypted file", bytes -> "PK\u0003\u0004 a zip, not age".getBytes());
        damages.put("its age header is damaged: the header's MAC does not match", DamagedObjectsIT::flipMac);
        damages.put("it is cut short inside its age header", bytes -> Arrays.copyOf(bytes, 10));
        damages.put("its age header is damaged or cut short", bytes -> Arrays.copyOf(bytes, headerEnd(bytes) - 5));
        damages.put("it is cut short after its age header", bytes -> Arrays.copyOf(bytes, headerEnd(bytes)));
        for (var damage : damages.entrySet()) {
            ArchiveInfo intact = onA.archive(Map.of("e", GOOD));
            ArchiveInfo damaged = onA.archive(Map.of("e", OTHER));
            onA.write(damaged.key(), damage.getValue().apply(onA.read(damaged.key())));
            Snapshot snapshot = onA.snapshot(List.of(intact, damaged), List.of(file("good.txt", GOOD, intact, "e"),
                    file("damaged.txt", OTHER, damaged, "e")));
            Path to = dir.resolve("to-" + snapshot.id());

            RestoreSummary summary = restore(snapshot.id(), to);

            assertThat(Files.readAllBytes(to.resolve("good.txt"))).as(damage.getKey()).isEqualTo(GOOD);
            assertThat(summary.complete()).isFalse();
            assertThat(summary.problems()).as(damage.getKey()).singleElement().asString()
                    .startsWith("damaged.txt: not restored: a: archive " + damaged.key() + " is damaged or unreadable: ")
                    .contains(damage.getKey()).doesNotContain("other recipients").doesNotContain("--identity");
            assertThat(summary.notes()).as(damage.getKey()).noneMatch(n -> n.contains("--identity"));
        }
    }

    @Test
    void aDamagedHeaderOnOneTargetIsReadFromTheOtherAndOnlyAnotherKeyGetsTheIdentityHint() throws Exception {
        ArchiveInfo archive = onA.archive(Map.of("e", OTHER));
        onB.write(archive.key(), onA.read(archive.key()));
        onA.write(archive.key(), flipMac(onA.read(archive.key())));
        Snapshot snapshot = onA.snapshot(List.of(archive), List.of(file("damaged-on-a.txt", OTHER, archive, "e")));

        RestoreSummary fromB = restore(snapshot.id());

        assertThat(fromB.complete()).as(fromB.problems().toString()).isTrue();
        assertThat(dir.resolve("to/damaged-on-a.txt")).hasBinaryContent(OTHER);
        assertThat(fromB.notes()).singleElement().asString().contains("read from target b after: a: archive " + archive.key())
                .contains("header's MAC does not match");

        ArchiveInfo foreign = onA.archive(Map.of("e", GOOD), AgeKeys.generate().recipient());
        Snapshot other = onA.snapshot(List.of(foreign), List.of(file("foreign.txt", GOOD, foreign, "e")));
        RestoreSummary wrongKey = restore(other.id(), dir.resolve("to-foreign"));
        assertThat(wrongKey.problems()).singleElement().asString().contains("cannot be decrypted")
                .contains("it was encrypted to other recipients");
        assertThat(wrongKey.notes()).singleElement().asString().contains("hint: give the identity (--identity FILE)");
    }

    @Test
    void anArchiveKeyThatClimbsOutIsRefusedByNameAndTheRestIsRestored() throws Exception {
        ArchiveInfo intact = onA.archive(Map.of("e", GOOD));
        ArchiveInfo planted = onA.archive(Map.of("e", OTHER));
        ArchiveInfo climbing = new ArchiveInfo(planted.id(), "h/../../outside/planted.zip.age", planted.size(), 1);
        Snapshot snapshot = onA.snapshot(List.of(intact, climbing), List.of(file("good.txt", GOOD, intact, "e"),
                file("planted.txt", OTHER, planted, "e")));

        RestoreSummary summary = restore(snapshot.id());

        assertThat(dir.resolve("to/good.txt")).hasBinaryContent(GOOD);
        assertThat(summary.problems()).singleElement().asString().isEqualTo("planted.txt: refused: its content is in archive "
                + planted.id() + ", whose record in the manifest is damaged (its key \"h/../../outside/planted.zip.age\" is not "
                + planted.key() + ")");
        Verifier.Result verified = verify(snapshot.id());
        assertThat(verified.failedPaths()).containsExactly("planted.txt");
        assertThat(verified.problems()).singleElement().asString().contains("planted.txt: refused: its content is in archive");
    }

    @Test
    void aManifestThatNamesItselfOtherwiseIsNotUsedAndVerifySaysWhy() throws Exception {
        ArchiveInfo archive = onA.archive(Map.of("e", GOOD));
        Snapshot real = onA.snapshot(List.of(archive), List.of(file("good.txt", GOOD, archive, "e")));
        String otherKey = Snapshot.keyOf("20260202T000000.000Z-0badc0de");
        onA.write(otherKey, onA.read(real.key()));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> restore("20260202T000000.000Z-0badc0de"))
                .hasMessageContaining("a: manifest docs/" + otherKey + " is damaged or unreadable")
                .hasMessageContaining("the manifest says it is snapshot " + real.id() + " of job docs, not the snapshot"
                        + " 20260202T000000.000Z-0badc0de");
        assertThat(verify("20260202T000000.000Z-0badc0de").problems()).singleElement().asString()
                .contains("the manifest says it is snapshot " + real.id());
        assertThat(restore(real.id()).complete()).isTrue();
    }

    static byte[] flipMac(byte[] bytes) {
        int mac = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\n--- ") + 6;
        bytes[mac] = (byte) (bytes[mac] == 'A' ? 'B' : 'A');
        return bytes;
    }

    /** Where an age header ends (after its MAC line). */
    static int headerEnd(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return text.indexOf('\n', text.indexOf("\n--- ") + 1) + 1;
    }

    @Test
    void anIncludeBesideRecordsWithoutAPathOrWithANulRestoresItsFileAndNamesThem() throws Exception {
        ArchiveInfo archive = onA.archive(Map.of("g", GOOD));
        FileEntry good = file("docs/good.txt", GOOD, archive, "g");
        FileEntry nul = file("docs/bad\u0000.txt", GOOD, archive, "g");
        FileEntry pathless = new FileEntry(null, FileEntry.FILE, GOOD.length, good.mtime(), "0644", good.sha256(),
                archive.id(), "g", null);
        Snapshot snapshot = onA.snapshot(List.of(archive), java.util.Arrays.asList(good, nul, pathless, null));
        Path to = dir.resolve("to-include");

        RestoreSummary summary;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            summary = new Restorer("docs", List.of("a", "b"), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE).restore(new RestoreRequest("docs", snapshot.id(), null, "a", to,
                    List.of("docs/good.txt"), RestoreRequest.Overwrite.IF_OLDER));
        }

        assertThat(to.resolve("docs/good.txt")).hasBinaryContent(GOOD);
        assertThat(summary.files()).isEqualTo(1);
        assertThat(summary.problems()).as("the records no include can take are named, never skipped silently")
                .anySatisfy(p -> assertThat(p).startsWith("docs/bad\\x00.txt: refused")).hasSize(3);
    }

    private RestoreSummary restore(String snapshot) throws IOException {
        return restore(snapshot, dir.resolve("to"));
    }

    private RestoreSummary restore(String snapshot, Path to) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Restorer("docs", List.of("a", "b"), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new RestoreRequest("docs", snapshot, null, "a", to, List.of(), RestoreRequest.Overwrite.IF_OLDER));
        }
    }

    private Verifier.Result verify(String snapshot) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Verifier("docs", targets.store("a").orElseThrow(), AgeIdentity.read(jobs.identityFile()))
                    .verify(snapshot, true);
        }
    }
}
