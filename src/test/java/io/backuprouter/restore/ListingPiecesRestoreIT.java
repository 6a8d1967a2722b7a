package io.backuprouter.restore;

import static io.backuprouter.testing.ForgedBackups.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.repository.ListingPieces;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.ForgedBackups;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Version 2 snapshots, whose records are in listing pieces: a piece that is missing, damaged or not
 * what its id says fails the manifest on that target, named by its key, and the restore reads the
 * snapshot from the job's other target; verify says the same.
 */
class ListingPiecesRestoreIT {
    private static final byte[] ONE = "first file".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TWO = "second file".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    TestJobs jobs;
    ForgedBackups onA;
    ForgedBackups onB;
    ForgedBackups.Pieced snapshot;
    ListingPieces.Encoded second;

    /** A snapshot in two pieces (docs/note-974.md ends the first), stored alike on a and b. */
    @BeforeEach
    void job() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        jobs = new TestJobs(dir.resolve("home")).folderTarget("a", a).folderTarget("b", b);
        jobs.job("docs", Files.createDirectories(dir.resolve("source")), "a, b");
        onA = new ForgedBackups(a, "docs", jobs.recipient());
        onB = new ForgedBackups(b, "docs", jobs.recipient());
        ArchiveInfo archive = onA.archive(Map.of("one", ONE, "two", TWO));
        snapshot = onA.piecedSnapshot(List.of(archive), List.of(file("docs/note-974.md", ONE, archive, "one"),
                file("zz.txt", TWO, archive, "two")));
        assertThat(snapshot.pieces()).hasSize(2);
        second = snapshot.pieces().get(1);
        for (String key : List.of(archive.key(), snapshot.snapshot().key(), snapshot.pieces().get(0).key(), second.key())) {
            onB.write(key, onA.read(key));
        }
    }

    @Test
    void aSnapshotInPiecesRestoresWhole() throws IOException {
        RestoreSummary summary = restore();

        assertThat(summary.complete()).as(summary.problems().toString()).isTrue();
        assertThat(dir.resolve("to/docs/note-974.md")).hasBinaryContent(ONE);
        assertThat(dir.resolve("to/zz.txt")).hasBinaryContent(TWO);
        assertThat(verify().ok()).isTrue();
    }

    @Test
    void aDamagedPieceIsNamedAndTheSnapshotIsReadFromTheOtherTarget() throws IOException {
        byte[] bytes = onA.read(second.key());
        bytes[bytes.length - 5] ^= 1;
        onA.write(second.key(), bytes);

        RestoreSummary summary = restore();

        assertThat(summary.complete()).as(summary.problems().toString()).isTrue();
        assertThat(dir.resolve("to/zz.txt")).hasBinaryContent(TWO);
        assertThat(String.join("\n", summary.notes())).contains("read from target b after: a: manifest docs/"
                + snapshot.snapshot().key() + " is damaged or unreadable (a:docs/" + second.key()
                + ": the encrypted content is damaged");
        assertThat(verify().problems()).singleElement().asString().contains("a:docs/" + second.key() + ": the encrypted content");
    }

    @Test
    void aMissingPieceIsNamedAndTheSnapshotIsReadFromTheOtherTarget() throws IOException {
        Files.delete(dir.resolve("a/docs").resolve(second.key()));

        RestoreSummary summary = restore();

        assertThat(summary.complete()).as(summary.problems().toString()).isTrue();
        assertThat(String.join("\n", summary.notes())).contains("a:docs/" + second.key()
                + ": missing: the manifest's listing names it, but the target does not hold it");
    }

    @Test
    void aPieceWhoseContentIsNotItsIdIsRefusedOnEveryTarget() throws IOException {
        byte[] first = onA.read(snapshot.pieces().get(0).key());
        onA.write(second.key(), first);
        onB.write(second.key(), first);

        assertThatThrownBy(this::restore).hasMessageContaining("cannot read snapshot " + snapshot.id() + " on any target")
                .hasMessageContaining("a:docs/" + second.key() + ": damaged: its content hashes to "
                        + snapshot.pieces().get(0).id() + ", not to the id " + second.id())
                .hasMessageContaining("b:docs/" + second.key() + ": damaged");
        assertThat(dir.resolve("to/zz.txt")).doesNotExist();
    }

    private RestoreSummary restore() throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Restorer("docs", List.of("a", "b"), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE).restore(new RestoreRequest("docs", snapshot.id(), null, "a",
                    dir.resolve("to"), List.of(), RestoreRequest.Overwrite.IF_OLDER));
        }
    }

    private Verifier.Result verify() throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Verifier("docs", targets.store("a").orElseThrow(), AgeIdentity.read(jobs.identityFile()))
                    .verify(snapshot.id(), true);
        }
    }
}
