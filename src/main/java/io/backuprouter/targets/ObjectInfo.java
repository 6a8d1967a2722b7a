package io.backuprouter.targets;

import java.time.Instant;

/**
 * An object in a store.
 *
 * @param key key relative to the target's root path
 * @param size size in bytes
 * @param lastModified when the store last wrote it
 * @param etag the store's entity tag (S3), or {@code null}
 */
public record ObjectInfo(String key, long size, Instant lastModified, String etag) {
    /**
     * Whether an ETag (quoted or not) has the form of a single-part MD5: 32 hex digits. A multipart
     * ETag ({@code <hex>-<parts>}) does not; whether the service made it from the content at all is
     * {@link ObjectAttributes#etagIsMd5()}.
     */
    public static boolean looksLikeMd5(String etag) {
        return etag != null && etag.replace("\"", "").matches("[0-9a-fA-F]{32}");
    }
}
