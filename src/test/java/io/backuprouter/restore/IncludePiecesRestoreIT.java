package io.backuprouter.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.backup.BackupRun;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.repository.ListingPieces;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.ForgedBackups;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore with {@code --include} of a version 2 snapshot reads only the listing pieces that can hold
 * what it includes and the folders above it (docs/format.md, "Reading part of a listing"), and judges
 * them as a whole read does: a backup of 4,040 files in 80 folders on a folder target, stored again as
 * version 2 in about 50 pieces (the writer still writes version 1).
 */
class IncludePiecesRestoreIT {
    private static final int FOLDERS = 40;
    private static final int FILES = 50;

    @TempDir
    static Path dir;
    static TestJobs jobs;
    static Path source;
    static ForgedBackups forged;
    static Snapshot whole;
    static ForgedBackups.Pieced v2;

    @BeforeAll
    static void backUpAndStoreAsVersion2() throws IOException {
        source = Files.createDirectories(dir.resolve("source"));
        for (int d = 0; d < FOLDERS; d++) {
            Path sub = Files.createDirectories(source.resolve(folder(d)).resolve("sub"));
            for (int f = 0; f < FILES; f++) {
                Files.writeString(source.resolve(folder(d)).resolve(String.format("f-%02d%02d.txt", d, f)),
                        ("file " + d + "/" + f + " ").repeat(1 + f % 7));
                Files.writeString(sub.resolve(String.format("g-%02d%02d.txt", d, f)), ("sub " + d + "/" + f + " ").repeat(1 + f % 5));
            }
            // A file whose path ends a piece in every folder (one path in 512 does): many pieces.
            Files.writeString(sub.resolve(boundary(d)), "boundary " + d);
            Files.setPosixFilePermissions(source.resolve(folder(d)), PosixFilePermissions.fromString("rwxr-x---"));
            Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwx------"));
        }
        Path target = Files.createDirectories(dir.resolve("a"));
        jobs = new TestJobs(dir.resolve("home")).folderTarget("a", target);
        JobSettings job = jobs.job("docs", source, "a", Map.of("batchFiles", "100"));
        try (Targets targets = new Targets(jobs.settings().targets())) {
            assertThat(new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().complete()).isTrue();
            JobRepository repository = new JobRepository(targets.store("a").orElseThrow(), "docs");
            whole = repository.manifest(repository.snapshots().lastKey(), identity());
        }
        forged = new ForgedBackups(target, "docs", jobs.recipient());
        v2 = forged.piecedSnapshot(whole.archives(), sorted(whole.files()));
        assertThat(whole.files()).hasSize(FOLDERS * (2 * FILES + 3));
        assertThat(v2.pieces()).hasSizeGreaterThan(FOLDERS);
    }

    @Test
    void oneFileFetchesOnlyItsPiecesAndTheirFoldersModesAreRestored() throws IOException {
        String path = "d-17/sub/g-1725.txt";
        assertThat(holding(v2.pieces(), path)).as("the file and its folders lie in different pieces")
                .isNotEqualTo(holding(v2.pieces(), "d-17/sub")).isNotEqualTo(holding(v2.pieces(), "d-17"));
        long allPieces = v2.pieces().stream().mapToLong(IncludePiecesRestoreIT::stored).sum();

        RestoreSummary one = restore(v2.id(), "one", List.of(path));

        assertThat(one.complete()).as(one.problems().toString()).isTrue();
        assertThat(one.files()).isEqualTo(1);
        assertThat(dir.resolve("one").resolve(path)).hasSameBinaryContentAs(source.resolve(path));
        assertThat(Files.getPosixFilePermissions(dir.resolve("one/d-17"))).isEqualTo(PosixFilePermissions.fromString("rwxr-x---"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("one/d-17/sub"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        // The manifest, the two pieces that hold the file and its folders, and a range of one small archive.
        assertThat(one.fetched()).as("fetched, of %d bytes of pieces", allPieces).isLessThan(allPieces / 4);
        assertThat(one.toString()).contains("fetched");

        RestoreSummary all = restore(v2.id(), "all", List.of());
        assertThat(all.complete()).as(all.problems().toString()).isTrue();
        assertThat(all.files()).isEqualTo(FOLDERS * (2 * FILES + 1));
        assertThat(all.fetched()).as("a whole restore reads every piece").isGreaterThan(allPieces);
        RestoreSummary anyDepth = restore(v2.id(), "any", List.of("g-1725.txt"));
        assertThat(anyDepth.files()).isEqualTo(1);
        assertThat(anyDepth.fetched()).as("a pattern without / reads every piece").isGreaterThan(allPieces);
    }

    @Test
    void aRecordBelowAFileWhoseRecordIsInAnotherPieceIsRefusedByARestoreOfItAloneAsByVerify() throws IOException {
        String parent = "d-05/sub/" + boundary(5);
        FileEntry content = whole.files().stream().filter(f -> f.path().equals("d-05/sub/g-0501.txt")).findFirst().orElseThrow();
        String below = parent + "/below.txt";
        List<FileEntry> records = new ArrayList<>(whole.files());
        records.add(new FileEntry(below, content.type(), content.size(), content.mtime(), content.mode(), content.sha256(),
                content.archive(), content.entry(), null).storedAt(content.archive(), content.entry(), content.offset(),
                content.csize()));
        ForgedBackups.Pieced hostile = forged.piecedSnapshot(whole.archives(), sorted(records));
        assertThat(holding(hostile.pieces(), below)).isNotEqualTo(holding(hostile.pieces(), parent));

        RestoreSummary restored = restore(hostile.id(), "below", List.of(below));
        Verifier.Result verified = verify(hostile.id());

        assertThat(restored.complete()).isFalse();
        assertThat(restored.problems()).singleElement().asString().isEqualTo(below + ": refused: it lies below " + parent
                + ", which the snapshot records as a file");
        assertThat(dir.resolve("below").resolve(below)).doesNotExist();
        assertThat(verified.failedPaths()).containsExactly(below);
    }

    @Test
    void aPathRepeatedInAPieceOutsideTheIncludesRangeIsRefusedByWholeReadsAndNeverTaken() throws IOException {
        String path = "d-17/sub/g-1725.txt";
        FileEntry record = whole.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
        ListingPieces.Encoded first = v2.pieces().get(0);
        List<FileEntry> withCopy = new ArrayList<>(first.piece().files());
        withCopy.add(new FileEntry(path, record.type(), 0, record.mtime(), record.mode(), ForgedBackups.sha(new byte[0]),
                record.archive(), record.entry(), null));
        List<ListingPieces.Encoded> pieces = new ArrayList<>(v2.pieces());
        pieces.set(0, ForgedBackups.exactPiece(first.piece().archives(), withCopy));
        ForgedBackups.Pieced hostile = forged.piecedSnapshot(pieces);
        String named = "a:docs/" + pieces.get(0).key() + ": its record \"" + path + "\" is not before \"" + pieces.get(1).listed().first()
                + "\", where the manifest's listing begins the next piece";

        assertThatThrownBy(() -> restore(hostile.id(), "whole", List.of())).hasMessageContaining("cannot read snapshot "
                + hostile.id()).hasMessageContaining(named);
        assertThat(verify(hostile.id()).problems()).singleElement().asString().contains(named);
        assertThatThrownBy(() -> restore(hostile.id(), "near", List.of("d-00/f-0001.txt"))).hasMessageContaining(named);
        RestoreSummary included = restore(hostile.id(), "included", List.of(path));
        assertThat(included.complete()).as(included.problems().toString()).isTrue();
        assertThat(dir.resolve("included").resolve(path)).hasSameBinaryContentAs(source.resolve(path));
    }

    private static String folder(int d) {
        return String.format("d-%02d", d);
    }

    /** A name in folder d's sub folder whose path ends a listing piece, sorting before the g- files. */
    private static String boundary(int d) {
        for (int k = 0; ; k++) {
            if (ListingPieces.endsPiece(folder(d) + "/sub/b-" + k + ".txt")) {
                return "b-" + k + ".txt";
            }
        }
    }

    private static List<FileEntry> sorted(List<FileEntry> records) {
        return records.stream().sorted(Comparator.comparing(FileEntry::path)).toList();
    }

    /** The index of the piece whose range holds this path. */
    private static int holding(List<ListingPieces.Encoded> pieces, String path) {
        int holder = -1;
        for (int i = 0; i < pieces.size() && pieces.get(i).listed().first().compareTo(path) <= 0; i++) {
            holder = i;
        }
        return holder;
    }

    private static long stored(ListingPieces.Encoded piece) {
        return dir.resolve("a/docs").resolve(piece.key()).toFile().length();
    }

    private static AgeIdentity identity() throws IOException {
        return AgeIdentity.read(jobs.identityFile());
    }

    private static RestoreSummary restore(String snapshot, String to, List<String> includes) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Restorer("docs", List.of("a"), targets.stores(), identity(), Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new RestoreRequest("docs", snapshot, null, "a", dir.resolve(to), includes,
                            RestoreRequest.Overwrite.IF_OLDER));
        }
    }

    private static Verifier.Result verify(String snapshot) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Verifier("docs", targets.store("a").orElseThrow(), identity()).verify(snapshot, true);
        }
    }
}
