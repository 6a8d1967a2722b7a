package io.backuprouter.embedded;

import java.io.InputStream;
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
 * under the upload. Such a name is left out of listings while an upload of {@code <key>} is in
 * progress, or when it has gone by the time it is listed. An object a client named that way itself
 * is listed as ever.
 */
final class WholeObjectsOnly extends ForwardingBlobStore {
    private static final Pattern IN_PROGRESS = Pattern.compile(
            "(.+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** Uploads in progress, by bucket and key. */
    private final Map<String, Integer> writing = new ConcurrentHashMap<>();

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
        List<S3Object> whole = new ArrayList<>(response.contents().size());
        for (S3Object object : response.contents()) {
            if (!partial(request.bucket(), object.key())) {
                whole.add(object);
            }
        }
        if (whole.size() == response.contents().size()) {
            return response;
        }
        return response.toBuilder().contents(whole)
                .keyCount(response.keyCount() == null ? null : response.keyCount() - (response.contents().size() - whole.size()))
                .build();
    }

    /** Whether a listed key is the file of an upload: its key's upload is in progress, or it has gone since. */
    private boolean partial(String bucket, String key) {
        Matcher m = IN_PROGRESS.matcher(key);
        if (!m.matches()) {
            return false;
        }
        return writing.containsKey(id(bucket, m.group(1))) || !delegate().blobExists(bucket, key);
    }

    private <T> T whileWriting(String bucket, String key, Supplier<T> write) {
        String id = id(bucket, key);
        writing.merge(id, 1, Integer::sum);
        try {
            return write.get();
        } finally {
            writing.computeIfPresent(id, (k, count) -> count == 1 ? null : count - 1);
        }
    }

    private static String id(String bucket, String key) {
        return bucket + "/" + key;
    }
}
