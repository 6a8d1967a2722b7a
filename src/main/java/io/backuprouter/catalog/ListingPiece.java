package io.backuprouter.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A piece of a version 2 snapshot's listing: a run of its records, sorted by path, and the archives
 * they name. Stored once by content as {@code pieces/<id[0..2]>/<id>.json.zst.age} and referenced by
 * every snapshot whose listing holds the same run. See docs/format.md, "Listing pieces".
 *
 * @param format always {@value #FORMAT}
 * @param version {@value #VERSION}
 * @param encryptedTo what the piece is encrypted to, as its manifest's {@code encryptedTo} says it (so that the same
 *     records under another key are another piece, never one a later snapshot takes for its own); readers do not need
 *     it
 * @param archives the archives its files name, sorted by id
 * @param files its records, sorted by path
 */
@JsonPropertyOrder({"format", "version", "encryptedTo", "archives", "files"})
public record ListingPiece(String format, int version,
                           @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                           String encryptedTo, List<ArchiveInfo> archives, List<FileEntry> files) {
    public static final String FORMAT = "backup-router/listing";
    /** The format version that introduced pieces, and the only one this program reads. */
    public static final int VERSION = 2;

    /** The object key of a piece (a 64-digit lower-case hex id), relative to the job's folder. */
    public static String keyOf(String id) {
        return "pieces/" + id.substring(0, 2) + "/" + id + ".json.zst.age";
    }
}
