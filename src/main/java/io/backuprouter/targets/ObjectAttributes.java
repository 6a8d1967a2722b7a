package io.backuprouter.targets;

import java.util.Map;

/**
 * What an S3 object carries besides its bytes, which a mirror keeps.
 *
 * @param contentType Content-Type, or {@code null}
 * @param contentEncoding Content-Encoding, or {@code null}
 * @param cacheControl Cache-Control, or {@code null}
 * @param metadata user metadata ({@code x-amz-meta-*}), names in lower case
 */
public record ObjectAttributes(String contentType, String contentEncoding, String cacheControl, Map<String, String> metadata) {
    public static final ObjectAttributes NONE = new ObjectAttributes(null, null, null, Map.of());
}
