package io.backuprouter.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.ListedPiece;
import io.backuprouter.catalog.ListingPiece;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotStats;
import io.backuprouter.crypto.AgeEncryption;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.crypto.Digests;
import io.backuprouter.targets.FolderStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The version 2 reader is strict about order (docs/format.md, "Manifests, version 2"): a piece whose
 * records are not strictly ascending, reach past the next piece's first path, lack a path, or name an
 * archive the piece does not list fails the manifest, naming the piece. So a read of only the pieces an
 * include needs judges them as a whole read does, and reads only those.
 */
class ListingReaderTest {
    private static final String JOB = "docs";
    private static final String ID = "20261215T051500.123Z-4eb7d2a0";
    private static final Instant TIME = Instant.parse("2026-12-10T08:00:00Z");
    private static final ArchiveInfo ARCHIVE = new ArchiveInfo("0a".repeat(16), ArchiveInfo.keyOf("0a".repeat(16)), 100, 9);

    @TempDir
    Path dir;
    AgeKeys.AgeKeyPair keys;
    AgeIdentity identity;
    JobRepository repository;

    @BeforeEach
    void target() throws IOException {
        keys = AgeKeys.generate();
        identity = AgeIdentity.of(keys.identity(), "test");
        repository = new JobRepository(new FolderStore("a", dir, ""), JOB);
    }

    @Test
    void aRepeatedPathInAPieceFailsTheManifestNamingThePiece() throws IOException {
        List<ListingPieces.Encoded> pieces = store(List.of(piece(file("a.txt"), file("b.txt"), file("b.txt"))));

        assertThatThrownBy(() -> repository.manifest(ID, identity)).hasMessageContaining("a:docs/" + pieces.get(0).key()
                + ": its records are not in path order (\"b.txt\" after \"b.txt\"; a piece holds each path once, ascending)");
    }

    @Test
    void recordsOutOfOrderFailTheManifest() throws IOException {
        List<ListingPieces.Encoded> pieces = store(List.of(piece(file("a.txt"), file("c.txt"), file("b.txt"))));

        assertThatThrownBy(() -> repository.manifest(ID, identity)).hasMessageContaining("a:docs/" + pieces.get(0).key()
                + ": its records are not in path order (\"b.txt\" after \"c.txt\"");
    }

    @Test
    void aRecordAtOrPastTheNextPiecesFirstPathFailsTheManifest() throws IOException {
        List<ListingPieces.Encoded> pieces = store(List.of(piece(file("a.txt"), file("d.txt")), piece(file("d.txt"), file("e.txt"))));

        assertThatThrownBy(() -> repository.manifest(ID, identity)).hasMessageContaining("a:docs/" + pieces.get(0).key()
                + ": its record \"d.txt\" is not before \"d.txt\", where the manifest's listing begins the next piece");
    }

    @Test
    void aRecordWithoutAPathFailsTheManifest() throws IOException {
        FileEntry noPath = new FileEntry(null, FileEntry.DIR, 0, TIME, "0755", null, null, null, null);
        List<ListingPieces.Encoded> pieces = store(List.of(piece(file("a.txt"), noPath)));

        assertThatThrownBy(() -> repository.manifest(ID, identity)).hasMessageContaining("a:docs/" + pieces.get(0).key()
                + ": its record 2 has no path");
    }

    @Test
    void aFileNamingAnArchiveItsOwnPieceDoesNotListFailsTheManifestThoughAnotherPieceListsIt() throws IOException {
        ListingPieces.Encoded lacking = encoded(List.of(), List.of(file("b.txt")));
        List<ListingPieces.Encoded> pieces = store(List.of(piece(file("a.txt")), lacking));

        assertThatThrownBy(() -> repository.manifest(ID, identity)).hasMessageContaining("a:docs/" + pieces.get(1).key()
                + ": its record \"b.txt\" names archive " + ARCHIVE.id() + ", which the piece does not list");
    }

    @Test
    void anIncludeReadsOnlyThePiecesThatCanHoldItsPathsAndItsFolders() throws IOException {
        List<ListingPieces.Encoded> pieces = store(List.of(piece(file("a.txt"), folder("docs")), piece(folder("docs/x"),
                file("docs/x/a.txt")), piece(file("docs/x/y.txt"), file("docs/x/z.txt")), piece(file("e.txt"), file("f.txt"))));
        Files.delete(dir.resolve(JOB).resolve(pieces.get(3).key()));
        long before = repository.bytesFetched();

        Snapshot part = repository.manifest(ID, identity, List.of("docs/x/y.txt"));

        assertThat(part.files()).extracting(FileEntry::path).containsExactly("a.txt", "docs", "docs/x", "docs/x/a.txt",
                "docs/x/y.txt", "docs/x/z.txt");
        assertThat(part.archives()).containsExactly(ARCHIVE);
        long piecesRead = pieces.subList(0, 3).stream().mapToLong(this::size).sum();
        assertThat(repository.bytesFetched() - before).isBetween(piecesRead, size(ID) + piecesRead);
        assertThatThrownBy(() -> repository.manifest(ID, identity, List.of("/e.txt"))).as("the missing piece it needs")
                .hasMessageContaining("a:docs/" + pieces.get(3).key() + ": missing");
    }

    @Test
    void anIncludeThatCanMatchAtAnyDepthReadsEveryPiece() throws IOException {
        List<ListingPieces.Encoded> pieces = store(List.of(piece(file("a.txt")), piece(file("docs/y.txt"))));
        Files.delete(dir.resolve(JOB).resolve(pieces.get(1).key()));

        assertThat(repository.manifest(ID, identity, List.of("docs/a.txt")).files()).extracting(FileEntry::path)
                .containsExactly("a.txt");
        for (List<String> includes : List.of(List.<String>of(), List.of("y.txt"), List.of("**/y.txt"), List.of("docs/a.txt", "*"))) {
            assertThatThrownBy(() -> repository.manifest(ID, identity, includes)).as(includes.toString())
                    .hasMessageContaining("a:docs/" + pieces.get(1).key() + ": missing");
        }
    }

    @Test
    void aPathRepeatedInAPieceAnIncludeDoesNotReadCannotBeHiddenFromAWholeRead() throws IOException {
        // The forged first piece also records docs/x.txt, which lies in the second piece's range.
        List<ListingPieces.Encoded> pieces = store(List.of(piece(file("a.txt"), file("docs/x.txt")), piece(folder("docs"),
                file("docs/x.txt"))));

        assertThatThrownBy(() -> repository.manifest(ID, identity)).hasMessageContaining("a:docs/" + pieces.get(0).key()
                + ": its record \"docs/x.txt\" is not before \"docs\"");
        assertThat(repository.manifest(ID, identity, List.of("docs/x.txt")).files()).as("only the piece whose range holds it")
                .extracting(FileEntry::path).containsExactly("docs", "docs/x.txt");
    }

    /** Stores these pieces and a version 2 manifest listing them, in this order. */
    private List<ListingPieces.Encoded> store(List<ListingPieces.Encoded> pieces) throws IOException {
        List<ListedPiece> listing = new ArrayList<>();
        for (ListingPieces.Encoded piece : pieces) {
            write(piece.key(), ListingPieces.seal(piece, AgeEncryption.toRecipients(List.of(keys.recipient()))));
            FileEntry first = piece.piece().files().get(0);
            listing.add(new ListedPiece(piece.id(), first.path(), piece.piece().files().size()));
        }
        Snapshot manifest = new Snapshot(Snapshot.FORMAT, 2, ID, JOB, "host", TIME, null, "/",
                new SnapshotStats(0, 0, 0, 0, 0, 0, 0), null, null, listing);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Manifests.writeEncrypted(manifest, bytes, List.of(keys.recipient()));
        write(Snapshot.keyOf(ID), bytes.toByteArray());
        return pieces;
    }

    /** One piece of exactly these records (in this order), listing the archive they name. */
    private static ListingPieces.Encoded piece(FileEntry... records) {
        boolean named = Arrays.stream(records).anyMatch(r -> r.archive() != null);
        return encoded(named ? List.of(ARCHIVE) : List.of(), List.of(records));
    }

    private static ListingPieces.Encoded encoded(List<ArchiveInfo> archives, List<FileEntry> records) {
        ListingPiece piece = new ListingPiece(ListingPiece.FORMAT, ListingPiece.VERSION, null, archives, records);
        try {
            byte[] json = Manifests.compactJson().writeValueAsBytes(piece);
            return new ListingPieces.Encoded(piece, json, HexFormat.of().formatHex(Digests.sha256().digest(json)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FileEntry file(String path) {
        return new FileEntry(path, FileEntry.FILE, 1, TIME, "0644", "ab".repeat(32), ARCHIVE.id(), path, null);
    }

    private static FileEntry folder(String path) {
        return new FileEntry(path, FileEntry.DIR, 0, TIME, "0755", null, null, null, null);
    }

    private void write(String key, byte[] bytes) throws IOException {
        Path file = dir.resolve(JOB).resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private long size(ListingPieces.Encoded piece) {
        return dir.resolve(JOB).resolve(piece.key()).toFile().length();
    }

    private long size(String snapshot) {
        return dir.resolve(JOB).resolve(Snapshot.keyOf(snapshot)).toFile().length();
    }
}
