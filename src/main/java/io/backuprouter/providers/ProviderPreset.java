package io.backuprouter.providers;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.backuprouter.values.ByteSize;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider's defaults and quirks, read from {@code providers/<name>.yaml}. Quirks are data:
 * code never branches on a provider's name, only on these fields.
 *
 * @param name preset id used in {@code backup.targets.<t>.provider}
 * @param title the provider's name for people
 * @param endpoint endpoint template, e.g. {@code https://{account}.r2.cloudflarestorage.com};
 *     {@code null} when the user must give the endpoint (or the SDK derives it)
 * @param sdkEndpoint whether the AWS SDK derives the endpoint from the region when none is given
 * @param region default signing region, or {@code null} when the user must give one
 * @param addressing {@code path} or {@code virtual-hosted}
 * @param checksums {@code when-required} (send checksums only where the API demands them) or
 *     {@code when-supported} (the AWS SDK's default since 2.30)
 * @param chunkedEncoding whether uploads may use aws-chunked bodies
 * @param listObjectsVersion 1 or 2
 * @param multipartEtagMd5 whether the ETag of a multipart upload is an MD5 of the content
 * @param minPartSize smallest part but the last, e.g. {@code 5MiB}
 * @param maxPartSize largest part
 * @param defaultPartSize part size used when the target sets none
 * @param maxParts most parts in one upload
 * @param docs the provider's S3-compatibility documentation
 * @param notes known limits, for the documentation
 */
public record ProviderPreset(
        String name,
        String title,
        String endpoint,
        @JsonProperty("sdk-endpoint") boolean sdkEndpoint,
        String region,
        String addressing,
        String checksums,
        @JsonProperty("chunked-encoding") boolean chunkedEncoding,
        @JsonProperty("list-objects-version") int listObjectsVersion,
        @JsonProperty("multipart-etag-md5") boolean multipartEtagMd5,
        @JsonProperty("min-part-size") String minPartSize,
        @JsonProperty("max-part-size") String maxPartSize,
        @JsonProperty("default-part-size") String defaultPartSize,
        @JsonProperty("max-parts") int maxParts,
        String docs,
        List<String> notes) {

    private static final Pattern VARIABLE = Pattern.compile("\\{([a-z-]+)}");

    public boolean pathStyle() {
        return "path".equals(addressing);
    }

    public boolean checksumsWhenRequired() {
        return "when-required".equals(checksums);
    }

    /**
     * Whether uploads carry the AWS SDK's default checksums (CRC trailers on aws-chunked bodies),
     * which AWS checks and many other servers refuse, fail on, or store as they came.
     */
    public boolean sendsSdkChecksums() {
        return !checksumsWhenRequired() || chunkedEncoding;
    }

    public long minPartBytes() {
        return ByteSize.parse(minPartSize);
    }

    public long maxPartBytes() {
        return ByteSize.parse(maxPartSize);
    }

    public long defaultPartBytes() {
        return ByteSize.parse(defaultPartSize);
    }

    /** The names in the endpoint template, e.g. {@code account} or {@code region}. */
    public Set<String> endpointVariables() {
        Set<String> names = new TreeSet<>();
        if (endpoint != null) {
            Matcher m = VARIABLE.matcher(endpoint);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
