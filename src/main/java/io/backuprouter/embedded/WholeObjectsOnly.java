package io.backuprouter.embedded;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The embedded endpoint's store, listing whole objects only, as S3 does. S3Proxy's file-system
 * store writes an object being uploaded to {@code <key>-<uuid>} beside it and renames it when the
 * upload ends; listings showed that file meanwhile as an object of its own, so a mirror pass (or any
 * client) listing during an upload could copy a half-written object, or a sync pass delete it from
 * under the upload. A listed name of that shape is left out when an upload of {@code <key>} is in
 * progress and the file was written since that upload began (give or take the file system's clock:
 * {@link #CLOCK_SLACK}), or when it has gone by the time it is listed. An object a client named that
 * way itself, written before, is listed as ever; pages keep
 * the store's own continuation (a page left without keys is not the last one).
 */
final class WholeObjectsOnly extends ForwardingBlobStore {
    private static final Pattern IN_PROGRESS = Pattern.compile(
            "(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** An upload in progress: how many, and when the earliest of them began. */
    private record Uploads(int count, Instant since) {
    }

    static final java.time.Duration CLOCK_SLACK = java.time.Duration.ofSeconds(2);

    /** Uploads in progress, by bucket and key. */
    private final Map<String, Uploads> writing = new ConcurrentHashMap<>();

    WholeObjectsOnly(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
        return whileWriting(request.bucket(), request.key(), () -> super.putBlob(request, input));
    }

    @Override
    public CopyObjectResponse copyBlob(CopyObjectRequest request) {
        return whileWriting(request.destinationBucket(), request.destinationKey(), () -> super.copyBlob(request));
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload,
                                                                   CompleteMultipartUploadRequest request) {
        return whileWriting(upload.containerName(), upload.blobName(), () -> super.completeMultipartUpload(upload, request));
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        ListObjectsV2Response response = super.list(request);
        List<S3Object> whole = whole(request.bucket(), response.contents());
        if (whole.size() == response.contents().size()) {
            return response;
        }
        return response.toBuilder().contents(whole)
                .keyCount(response.keyCount() == null ? null : response.keyCount() - (response.contents().size() - whole.size()))
                .build();
    }

    @Override
    public ListObjectsResponse listV1(ListObjectsRequest request) {
        // The store's own V1 page, filtered: its marker stays the last key the store listed, so a page
        // whose keys were all left out still says there is more.
        ListObjectsResponse response = delegate().listV1(request);
        List<S3Object> whole = whole(request.bucket(), response.contents());
        if (whole.size() == response.contents().size()) {
            return response;
        }
        String marker = response.nextMarker() != null || !Boolean.TRUE.equals(response.isTruncated())
                || response.contents().isEmpty() ? response.nextMarker()
                : response.contents().get(response.contents().size() - 1).key();
        return response.toBuilder().contents(whole).nextMarker(marker).build();
    }

    private List<S3Object> whole(String bucket, List<S3Object> listed) {
        List<S3Object> whole = new ArrayList<>(listed.size());
        for (S3Object object : listed) {
            if (!partial(bucket, object)) {
                whole.add(object);
            }
        }
        return whole;
    }

    /** Whether a listed object is the file of an upload: written since an upload of its key began, or gone since. */
    private boolean partial(String bucket, S3Object object) {
        Matcher m = IN_PROGRESS.matcher(object.key());
        if (!m.matches()) {
            return false;
        }
        Uploads uploads = writing.get(id(bucket, m.group(1)));
        if (uploads != null && (object.lastModified() == null || !object.lastModified().isBefore(uploads.since()))) {
            return true;
        }
        return !delegate().blobExists(bucket, object.key());
    }

    private <T> T whileWriting(String bucket, String key, Supplier<T> write) {
        String id = id(bucket, key);
        // A file's time comes from the file system's coarser clock (a few milliseconds behind; whole
        // seconds on some, two on FAT): an upload counts from a little before it began.
        Instant now = Instant.now().minus(CLOCK_SLACK);
        writing.merge(id, new Uploads(1, now), (a, b) -> new Uploads(a.count() + 1, a.since()));
        try {
            return write.get();
        } finally {
            writing.computeIfPresent(id, (k, u) -> u.count() == 1 ? null : new Uploads(u.count() - 1, u.since()));
        }
    }

    private static String id(String bucket, String key) {
        return bucket + "/" + key;
    }
}
