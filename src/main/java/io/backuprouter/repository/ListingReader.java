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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads a version 2 manifest's listing from its pieces on one target: each piece checked against its
 * id and its element of the listing, the records joined in order, the archives merged by id. A piece
 * that is missing, damaged or not what the listing says fails the whole manifest, naming the piece.
 */
final class ListingReader {
    private final JobRepository repository;
    private final AgeIdentity identity;

    ListingReader(JobRepository repository, AgeIdentity identity) {
        this.repository = repository;
        this.identity = identity;
    }

    /** The snapshot with the records and archives of every piece its listing names. */
    Snapshot assemble(Snapshot stored) throws IOException {
        String manifest = repository.where(stored.key());
        List<FileEntry> files = new ArrayList<>();
        Map<String, ArchiveInfo> archives = new TreeMap<>();
        Map<String, String> listedBy = new TreeMap<>();
        String previous = null;
        for (ListedPiece listed : stored.listing()) {
            if (listed == null || listed.first() == null || (previous != null && listed.first().compareTo(previous) <= 0)) {
                throw new IOException(manifest + ": its listing is not in path order (at "
                        + (listed == null ? "an empty element" : "the piece from \"" + listed.first() + "\"") + ")");
            }
            previous = listed.first();
            ListingPiece piece = piece(listed);
            files.addAll(piece.files());
            for (ArchiveInfo archive : piece.archives()) {
                ArchiveInfo before = archives.putIfAbsent(archive.id(), archive);
                String key = repository.path(ListingPiece.keyOf(listed.piece()));
                if (before != null && !before.equals(archive)) {
                    throw new IOException(manifest + ": its pieces " + listedBy.get(archive.id()) + " and " + key
                            + " record archive " + archive.id() + " differently; the listing is not used");
                }
                listedBy.putIfAbsent(archive.id(), key);
            }
        }
        return stored.withRecords(List.copyOf(archives.values()), files);
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
        FileEntry first = piece.files().get(0);
        if (piece.files().size() != listed.records() || !Objects.equals(first.path(), listed.first())) {
            throw new IOException(where + ": holds " + piece.files().size() + " records from \"" + first.path()
                    + "\", where the manifest's listing says " + listed.records() + " from \"" + listed.first() + "\"");
        }
        return piece;
    }
}
