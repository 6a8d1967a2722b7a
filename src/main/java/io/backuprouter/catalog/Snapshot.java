package io.backuprouter.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot manifest: the whole tree of a source folder at one time, and where each file's
 * content is stored. Stored encrypted as {@code snapshots/<id>.json.age}, uploaded to a target
 * only after every archive it names is on that target. See docs/format.md.
 *
 * <p>A version 2 manifest stores its records in {@link ListingPiece pieces} and holds only their
 * {@code listing}; the repository reads those pieces and gives the snapshot whole, with
 * {@code archives} and {@code files} as a version 1 manifest holds them.
 *
 * @param format always {@value #FORMAT}
 * @param version format version: {@value #VERSION} as this program writes it, up to {@value #READ_VERSION} as
 *     it reads
 * @param id snapshot id, {@code yyyyMMdd'T'HHmmss.SSS'Z'-<8 hex>}
 * @param job the job's name
 * @param host the machine that made it
 * @param time when the run started (UTC)
 * @param parent the previous snapshot's id, or {@code null}
 * @param source the source folder's absolute path at backup time
 * @param archives every archive the files need, sorted by id (absent in a version 2 manifest as stored)
 * @param files every entry, sorted by path (absent in a version 2 manifest as stored)
 * @param stats counts
 * @param listing the pieces holding the records, in path order (version 2; absent in version 1)
 * @param encryptedTo what this manifest and the pieces its run wrote are encrypted to (version 2; absent in
 *     version 1): {@code recipients:<sha256>} as archives say it, or {@code passphrase:<snapshot id>}, the id naming
 *     the run that began using the passphrase, so that pieces written under another passphrase never share an id
 */
@JsonPropertyOrder({"format", "version", "id", "job", "host", "time", "parent", "source", "encryptedTo", "stats",
        "archives", "files", "listing"})
public record Snapshot(String format, int version, String id, String job, String host, Instant time, String parent,
                       String source, SnapshotStats stats,
                       @JsonInclude(JsonInclude.Include.NON_NULL) List<ArchiveInfo> archives,
                       @JsonInclude(JsonInclude.Include.NON_NULL) List<FileEntry> files,
                       @JsonInclude(JsonInclude.Include.NON_NULL) List<ListedPiece> listing,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String encryptedTo) {
    public static final String FORMAT = "backup-router/snapshot";
    /** The format version this program writes. */
    public static final int VERSION = 2;
    /** The highest format version this program reads. */
    public static final int READ_VERSION = 2;
    /** The first version whose manifests hold a {@code listing} of pieces instead of the records. */
    public static final int PIECES_VERSION = 2;

    /** A manifest that holds its records itself (version 1). */
    public Snapshot(String format, int version, String id, String job, String host, Instant time, String parent,
                    String source, SnapshotStats stats, List<ArchiveInfo> archives, List<FileEntry> files) {
        this(format, version, id, job, host, time, parent, source, stats, archives, files, null, null);
    }

    /** A manifest of either version, without {@link #encryptedTo}. */
    public Snapshot(String format, int version, String id, String job, String host, Instant time, String parent,
                    String source, SnapshotStats stats, List<ArchiveInfo> archives, List<FileEntry> files,
                    List<ListedPiece> listing) {
        this(format, version, id, job, host, time, parent, source, stats, archives, files, listing, null);
    }

    /** Whether the records are in pieces named by {@link #listing} rather than in the manifest. */
    @JsonIgnore
    public boolean inPieces() {
        return version >= PIECES_VERSION;
    }

    /** This manifest with the records and archives read from its pieces (its listing kept). */
    public Snapshot withRecords(List<ArchiveInfo> allArchives, List<FileEntry> allFiles) {
        return new Snapshot(format, version, id, job, host, time, parent, source, stats, allArchives, allFiles, listing,
                encryptedTo);
    }

    /** This manifest as stored in version 2: its listing instead of its records. */
    public Snapshot stored() {
        return new Snapshot(format, version, id, job, host, time, parent, source, stats, null, null, listing, encryptedTo);
    }

    /** The object key of a snapshot, relative to the job's folder. */
    public static String keyOf(String id) {
        return "snapshots/" + id + ".json.age";
    }

    @JsonIgnore
    public String key() {
        return keyOf(id);
    }
}
