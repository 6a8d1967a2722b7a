package io.backuprouter.repository;

import io.backuprouter.catalog.ListedPiece;
import io.backuprouter.catalog.ListingPiece;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.files.PathFilter;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A job's stored objects on one target: the one place that puts the job's folder in front of an
 * object's key ({@code <job>/snapshots/<id>.json.age}, {@code <job>/archives/...}, {@code <job>/pieces/...}; the
 * layout below the job's folder is the format's, {@link Snapshot#keyOf}, {@link ListingPiece#keyOf} and
 * {@link io.backuprouter.catalog.ArchiveInfo#keyOf}). Backup, restore, verify, retention and the
 * commands reach a job's objects through here; every key they see and give is relative to the job's
 * folder, and every message names an object as {@link #where} does.
 */
public final class JobRepository {
    private final ObjectStore store;
    private final String job;
    private final java.util.concurrent.atomic.AtomicLong fetched = new java.util.concurrent.atomic.AtomicLong();

    public JobRepository(ObjectStore store, String job) {
        this.store = store;
        this.job = job;
    }

    public ObjectStore store() {
        return store;
    }

    /** The target's name. */
    public String target() {
        return store.name();
    }

    public String job() {
        return job;
    }

    /** An object of the job as messages name it: {@code target:job/snapshots/<id>.json.age}. */
    public String where(String relative) {
        return store.name() + ":" + path(relative);
    }

    /** An object of the job as it is stored below the target's root path: {@code job/snapshots/<id>.json.age}. */
    public String path(String relative) {
        return job + "/" + relative;
    }

    /** Every object in the job's folder, by key relative to it (as in the returned infos), in key order. */
    public SortedMap<String, ObjectInfo> objects() throws IOException {
        return listed("");
    }

    /** The snapshots the target lists: id to manifest object (key relative to the job's folder), oldest first. */
    public SortedMap<String, ObjectInfo> snapshots() throws IOException {
        SortedMap<String, ObjectInfo> snapshots = new TreeMap<>();
        listed("snapshots/").forEach((key, object) -> SnapshotIds.fromKey(key).ifPresent(id -> snapshots.put(id, object)));
        return snapshots;
    }

    /** The listing pieces the target holds: key (relative to the job's folder) to object, in key order. */
    public SortedMap<String, ObjectInfo> pieces() throws IOException {
        return listed("pieces/");
    }

    private SortedMap<String, ObjectInfo> listed(String under) throws IOException {
        SortedMap<String, ObjectInfo> objects = new TreeMap<>();
        for (ObjectInfo object : store.list(path(under))) {
            String relative = object.key().substring(job.length() + 1);
            objects.put(relative, new ObjectInfo(relative, object.size(), object.lastModified(), object.etag()));
        }
        return objects;
    }

    /**
     * Reads and decrypts a snapshot's manifest, whole: for a version 2 manifest, with the records and
     * archives of the pieces its listing names (read from this target, in order), so that it reads as
     * a version 1 manifest does.
     *
     * @throws io.backuprouter.crypto.Age.WrongKeyException when the identity is not one it (or a piece) was
     *     encrypted to
     * @throws IOException naming the object when it, or a piece it names, is missing, damaged or not what it
     *     should be
     */
    public Snapshot manifest(String id, AgeIdentity identity) throws IOException {
        Snapshot stored = storedManifest(id, identity);
        return stored.inPieces() ? new ListingReader(this, identity).assemble(stored, Optional.empty()) : stored;
    }

    /**
     * Reads a snapshot's manifest for a restore of these include globs ({@link PathFilter}'s, as
     * restore's {@code --include}): for a version 2 manifest, only the pieces that can hold a path the
     * includes take or a folder above one (docs/format.md, "Reading part of a listing"); every piece
     * when an include can take a path anywhere ({@code *.md}) or there are none. The snapshot holds
     * the records and archives of the pieces read, which are judged exactly as in a whole read: every
     * record the includes take, and the folders above them, perhaps others beside them. A version 1
     * manifest is read whole.
     *
     * @throws IOException as {@link #manifest(String, AgeIdentity)}, for the pieces it reads
     */
    public Snapshot manifest(String id, AgeIdentity identity, List<String> includes) throws IOException {
        Snapshot stored = storedManifest(id, identity);
        if (!stored.inPieces()) {
            return stored;
        }
        return new ListingReader(this, identity).assemble(stored, new PathFilter(includes, List.of(), false).includedPrefixes());
    }

    /**
     * Reads and decrypts a snapshot's manifest as it is stored: a version 2 manifest holds only the
     * {@link Snapshot#listing} of its pieces ({@link #piece} reads them).
     */
    public Snapshot storedManifest(String id, AgeIdentity identity) throws IOException {
        String key = Snapshot.keyOf(id);
        Snapshot snapshot;
        try (InputStream in = get(key)) {
            snapshot = Manifests.readEncrypted(in, identity, where(key));
        }
        if (!id.equals(snapshot.id()) || !job.equals(snapshot.job())) {
            // A manifest copied or forged under another name: its files are not that snapshot's.
            throw new IOException(where(key) + ": the manifest says it is snapshot " + snapshot.id() + " of job "
                    + snapshot.job() + ", not the snapshot " + id + " of job " + job + " its name says; it is not used");
        }
        return snapshot;
    }

    /**
     * Reads one listing piece a manifest names, checked against its id and its element of the listing.
     *
     * @throws IOException naming the piece's object when it is missing (not as
     *     {@link io.backuprouter.targets.NoSuchObjectException}: the manifest that names it is incomplete),
     *     damaged, or not what the listing says
     */
    public ListingPiece piece(ListedPiece listed, AgeIdentity identity) throws IOException {
        return new ListingReader(this, identity).piece(listed);
    }

    /** An object's size and time, or empty when the target does not hold it. */
    public java.util.Optional<ObjectInfo> stat(String relative) throws IOException {
        return store.stat(path(relative));
    }

    /** Opens an object of the job; the caller closes the stream. */
    public InputStream get(String relative) throws IOException {
        return counted(store.get(path(relative)));
    }

    /** The bytes [offset, offset+length) of an object of the job (fewer where it ends first). */
    public InputStream get(String relative, long offset, long length) throws IOException {
        return counted(store.get(path(relative), offset, length));
    }

    /** The bytes read from the target through this repository so far (objects whole, and ranges). */
    public long bytesFetched() {
        return fetched.get();
    }

    private InputStream counted(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    fetched.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    fetched.addAndGet(n);
                }
                return n;
            }
        };
    }

    /**
     * Stores a file as an object of the job, and checks that the target now holds an object of the
     * file's size: a server that kept what it was sent in another shape (the AWS SDK's aws-chunked
     * framing, on a server that does not decode it) answers the upload as a success, and only this
     * tells.
     */
    public void put(String relative, Path file) throws IOException {
        long size = java.nio.file.Files.size(file);
        store.put(path(relative), file);
        long stored = stat(relative).map(ObjectInfo::size).orElse(-1L);
        if (stored != size) {
            throw new IOException(where(relative) + ": the target " + (stored < 0 ? "does not list it after it accepted it"
                    : "stored " + stored + " bytes of the " + size + " sent") + ", so it is not taken as stored"
                    + "\n    hint: a server that keeps uploads in the AWS SDK's aws-chunked framing does this with the aws"
                    + " preset: set the target's provider to the server's preset, or to other; `targets check` tests it");
        }
    }

    /** Removes an object of the job; succeeds when it is already gone. */
    public void delete(String relative) throws IOException {
        store.delete(path(relative));
    }

    /** Removes what interrupted uploads left in the job's folder and started before {@code before}. */
    public int removeIncompleteUploads(Instant before) throws IOException {
        return store.removeIncompleteUploads(path(""), before);
    }

    /** Reads the job's archives with this identity, within this expansion bound. */
    public ArchiveReader archives(AgeIdentity identity, int maxExpansion) {
        return new ArchiveReader(this, identity, maxExpansion);
    }
}
