package io.backuprouter.repository;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.ListedPiece;
import io.backuprouter.catalog.ListingPiece;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.targets.NoSuchObjectException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a version 2 manifest's listing from its pieces on one target: each piece checked against its
 * id and its element of the listing, the records joined in order, the archives merged by id. A piece
 * that is missing, damaged or not what the listing says fails the whole manifest, naming the piece.
 *
 * <p>The reader is strict about order, so that a read of some pieces judges their records exactly as
 * a read of all of them does: each piece's records have paths, strictly ascending, within
 * {@code [its first, the next piece's first)}, and each file names an archive its own piece lists.
 * Then no path is recorded twice anywhere, and whether a record is restorable depends only on its own
 * piece and on the pieces that hold the folders above it.
 */
final class ListingReader {
    private final JobRepository repository;
    private final AgeIdentity identity;

    ListingReader(JobRepository repository, AgeIdentity identity) {
        this.repository = repository;
        this.identity = identity;
    }

    /**
     * The snapshot with the records and archives of the pieces its listing names: every piece, or
     * (with prefixes) only those that can hold a path starting with one of them or a folder above one
     * ({@link PieceSelection}).
     *
     * @param prefixes what the wanted paths start with; empty for the whole snapshot
     */
    Snapshot assemble(Snapshot stored, Optional<? extends Collection<String>> prefixes) throws IOException {
        List<ListedPiece> listing = checkedListing(stored);
        List<String> firsts = listing.stream().map(ListedPiece::first).toList();
        BitSet read = prefixes.map(p -> PieceSelection.of(firsts, p)).orElseGet(() -> PieceSelection.all(listing.size()));
        String manifest = repository.where(stored.key());
        List<FileEntry> files = new ArrayList<>();
        Map<String, ArchiveInfo> archives = new TreeMap<>();
        Map<String, String> listedBy = new TreeMap<>();
        for (int i = read.nextSetBit(0); i >= 0; i = read.nextSetBit(i + 1)) {
            ListedPiece listed = listing.get(i);
            ListingPiece piece = piece(listed, i + 1 < listing.size() ? firsts.get(i + 1) : null);
            files.addAll(piece.files());
            String key = repository.path(ListingPiece.keyOf(listed.piece()));
            for (ArchiveInfo archive : piece.archives()) {
                if (archive == null || archive.id() == null) {
                    continue; // names nothing a record can use (as in a version 1 manifest's archives)
                }
                ArchiveInfo before = archives.putIfAbsent(archive.id(), archive);
                if (before != null && !before.equals(archive)) {
                    throw new IOException(manifest + ": its pieces " + listedBy.get(archive.id()) + " and " + key
                            + " record archive " + archive.id() + " differently; the listing is not used");
                }
                listedBy.putIfAbsent(archive.id(), key);
            }
        }
        return stored.withRecords(List.copyOf(archives.values()), files);
    }

    /** The manifest's listing, every element with a first path, strictly ascending. */
    private List<ListedPiece> checkedListing(Snapshot stored) throws IOException {
        List<ListedPiece> listing = stored.listing() == null ? List.of() : stored.listing();
        String previous = null;
        for (ListedPiece listed : listing) {
            if (listed == null || listed.first() == null || (previous != null && listed.first().compareTo(previous) <= 0)) {
                throw new IOException(repository.where(stored.key()) + ": its listing is not in path order (at "
                        + (listed == null ? "an empty element" : "the piece from \"" + SnapshotRules.shown(listed.first())
                        + "\"") + ")");
            }
            previous = listed.first();
        }
        return listing;
    }

    /**
     * One piece of a snapshot's listing, read, checked against its element, and checked to be in
     * order: its records' paths strictly ascending and before {@code next}, the next piece's first
     * path (null for the last piece), and each file's archive among the piece's (a record of another type
     * does not use one).
     */
    ListingPiece piece(ListedPiece listed, String next) throws IOException {
        ListingPiece piece = piece(listed);
        String where = repository.where(ListingPiece.keyOf(listed.piece()));
        String previous = null;
        for (int r = 0; r < piece.files().size(); r++) {
            FileEntry record = piece.files().get(r);
            if (record == null || record.path() == null) {
                throw new IOException(where + ": its record " + (r + 1) + " has no path; the listing is not used");
            }
            if (previous != null && record.path().compareTo(previous) <= 0) {
                throw new IOException(where + ": its records are not in path order (\"" + SnapshotRules.shown(record.path())
                        + "\" after \"" + SnapshotRules.shown(previous) + "\"; a piece holds each path once, ascending);"
                        + " the listing is not used");
            }
            previous = record.path();
        }
        if (next != null && previous.compareTo(next) >= 0) {
            throw new IOException(where + ": its record \"" + SnapshotRules.shown(previous) + "\" is not before \""
                    + SnapshotRules.shown(next) + "\", where the manifest's listing begins the next piece; the listing is not used");
        }
        Set<String> own = new HashSet<>();
        piece.archives().forEach(a -> own.add(a == null ? null : a.id()));
        for (FileEntry record : piece.files()) {
            if (record.isFile() && record.archive() != null && !own.contains(record.archive())) {
                throw new IOException(where + ": its record \"" + SnapshotRules.shown(record.path()) + "\" names archive "
                        + SnapshotRules.shown(record.archive()) + ", which the piece does not list; the listing is not used");
            }
        }
        return piece;
    }

    /** One piece, read and checked against its element of a listing. */
    ListingPiece piece(ListedPiece listed) throws IOException {
        if (!ListingPieces.isId(listed.piece())) {
            throw new IOException("listing piece \"" + String.valueOf(listed.piece()).replaceAll("\\p{Cntrl}", "?")
                    + "\" of job " + repository.job() + " on " + repository.target()
                    + ": not a piece id (64 lower-case hex digits); the manifest is damaged");
        }
        String key = ListingPiece.keyOf(listed.piece());
        String where = repository.where(key);
        ListingPiece piece;
        try (InputStream in = repository.get(key)) {
            piece = ListingPieces.open(in, identity, listed.piece(), where);
        } catch (NoSuchObjectException e) {
            // Not "no such object" to callers: the manifest exists, it is incomplete here.
            throw new IOException(where + ": missing: the manifest's listing names it, but the target does not hold it", e);
        }
        String first = piece.files().get(0) == null ? null : piece.files().get(0).path();
        if (piece.files().size() != listed.records() || !Objects.equals(first, listed.first())) {
            throw new IOException(where + ": holds " + piece.files().size() + " records from \"" + SnapshotRules.shown(first)
                    + "\", where the manifest's listing says " + listed.records() + " from \""
                    + SnapshotRules.shown(listed.first()) + "\"");
        }
        return piece;
    }
}
