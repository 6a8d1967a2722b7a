package io.backuprouter.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An archive a snapshot needs: one encrypted zip on the target.
 *
 * @param id archive id (32 hex characters)
 * @param key object key relative to the job's folder: {@code archives/<id[0..2]>/<id>.zip.age}
 * @param size size of the encrypted object in bytes
 * @param entries number of zip entries
 */
@JsonPropertyOrder({"id", "key", "size", "entries"})
public record ArchiveInfo(String id, String key, long size, int entries) {
    public static String keyOf(String id) {
        return "archives/" + id.substring(0, 2) + "/" + id + ".zip.age";
    }
}
