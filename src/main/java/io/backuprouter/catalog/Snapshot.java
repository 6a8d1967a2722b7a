package io.backuprouter.catalog;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot manifest: the whole tree of a source folder at one time, and where each file's
 * content is stored. Stored encrypted as {@code snapshots/<id>.json.age}, uploaded to a target
 * only after every archive it names is on that target. See docs/format.md.
 *
 * @param format always {@value #FORMAT}
 * @param version format version, {@value #VERSION}
 * @param id snapshot id, {@code yyyyMMdd'T'HHmmss.SSS'Z'-<8 hex>}
 * @param job the job's name
 * @param host the machine that made it
 * @param time when the run started (UTC)
 * @param parent the previous snapshot's id, or {@code null}
 * @param source the source folder's absolute path at backup time
 * @param archives every archive the files need, sorted by id
 * @param files every entry, sorted by path
 * @param stats counts
 */
@JsonPropertyOrder({"format", "version", "id", "job", "host", "time", "parent", "source", "stats", "archives", "files"})
public record Snapshot(String format, int version, String id, String job, String host, Instant time, String parent,
                       String source, SnapshotStats stats, List<ArchiveInfo> archives, List<FileEntry> files) {
    public static final String FORMAT = "backup-router/snapshot";
    public static final int VERSION = 1;

    /** The object key of a snapshot, relative to the job's folder. */
    public static String keyOf(String id) {
        return "snapshots/" + id + ".json.age";
    }

    @JsonIgnore
    public String key() {
        return keyOf(id);
    }
}
