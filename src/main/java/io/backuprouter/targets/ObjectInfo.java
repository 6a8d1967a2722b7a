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
}
