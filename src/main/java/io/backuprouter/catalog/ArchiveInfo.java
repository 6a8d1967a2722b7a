package io.backuprouter.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An archive a snapshot needs: one encrypted zip on the target.
 *
 * @param id archive id (32 hex characters)
 * @param key object key relative to the job's folder: {@code archives/<id[0..2]>/<id>.zip.age}
 * @param size size of the encrypted object in bytes
 * @param entries number of zip entries
 * @param encryptedTo what the archive is encrypted to: {@code recipients:} and the SHA-256 of the
 *     recipients, sorted, one per line, or {@code passphrase}; absent in archives written before this
 *     field existed (a minor addition to version 1)
 */
@JsonPropertyOrder({"id", "key", "size", "entries", "encryptedTo"})
public record ArchiveInfo(String id, String key, long size, int entries,
                          @com.fasterxml.jackson.annotation.JsonInclude(
                                  com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String encryptedTo) {
    /** An archive whose encryption is not recorded. */
    public ArchiveInfo(String id, String key, long size, int entries) {
        this(id, key, size, entries, null);
    }

    public static String keyOf(String id) {
        return "archives/" + id.substring(0, 2) + "/" + id + ".zip.age";
    }
}
