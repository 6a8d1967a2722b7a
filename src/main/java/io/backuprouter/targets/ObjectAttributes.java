package io.backuprouter.targets;

import java.util.Map;

/**
 * What an S3 object carries besides its bytes, which a mirror keeps.
 *
 * @param contentType Content-Type, or {@code null}
 * @param contentEncoding Content-Encoding, or {@code null}
 * @param cacheControl Cache-Control, or {@code null}
 * @param metadata user metadata ({@code x-amz-meta-*}), names in lower case
 * @param etagIsMd5 whether the object's ETag can be the MD5 of its content: not when the service
 *     encrypted it with SSE-KMS or SSE-C, whose ETags are not (a multipart ETag never is, either)
 */
public record ObjectAttributes(String contentType, String contentEncoding, String cacheControl, Map<String, String> metadata,
                               boolean etagIsMd5) {
    public static final ObjectAttributes NONE = new ObjectAttributes(null, null, null, Map.of());

    public ObjectAttributes(String contentType, String contentEncoding, String cacheControl, Map<String, String> metadata) {
        this(contentType, contentEncoding, cacheControl, metadata, true);
    }
}
