package io.backuprouter.targets;

import io.backuprouter.config.TargetSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A multipart upload in progress, whose parts the caller sends from memory; see
 * {@link S3Store#startParts}. Nothing is visible under the key until {@link #complete()}; closing
 * without completing aborts the upload.
 */
public final class S3Parts implements AutoCloseable {
    private final TargetSettings target;
    private final S3Client client;
    /** The store's upload threads. */
    private final ExecutorService threads;
    private final String key;
    private final String fullKey;
    private final String uploadId;
    private final List<CompletedPart> completed = new ArrayList<>();
    private boolean done;

    S3Parts(TargetSettings target, S3Client client, ExecutorService threads, String key, String fullKey, String uploadId) {
        this.target = target;
        this.client = client;
        this.threads = threads;
        this.key = key;
        this.fullKey = fullKey;
        this.uploadId = uploadId;
    }

    /**
     * Uploads part {@code number} (from 1) from {@code content[0, length)} on this store's upload
     * threads, with its MD5 as {@code Content-MD5}, and checks the part's ETag where the service
     * gives an MD5 one. Parts may be sent in any order and at once; the buffer must stay untouched
     * until the returned future is done.
     */
    public Future<?> send(int number, byte[] content, int length) {
        return threads.submit(() -> {
            sendNow(number, content, length);
            return null;
        });
    }

    private void sendNow(int number, byte[] content, int length) throws IOException {
        byte[] md5 = S3Store.md5(content, length);
        try {
            var response = client.uploadPart(b -> b.bucket(target.bucket()).key(fullKey).uploadId(uploadId)
                    .partNumber(number).contentLength((long) length)
                    .contentMD5(Base64.getEncoder().encodeToString(md5)),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content, 0, length), length,
                            S3Store.CONTENT_TYPE));
            String etag = response.eTag();
            String tag = etag == null ? "" : etag.replace("\"", "");
            if (S3Store.etagIsContentMd5(response.serverSideEncryptionAsString(), response.sseCustomerAlgorithm())
                    && ObjectInfo.looksLikeMd5(tag) && !tag.equalsIgnoreCase(HexFormat.of().formatHex(md5))) {
                throw new IOException(target.name() + ": put " + key + ": part " + number
                        + " arrived other than it was sent (ETag " + tag + ")");
            }
            synchronized (completed) {
                completed.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
        } catch (SdkException e) {
            throw S3Errors.failure(target, "put part " + number + " of", key, e);
        }
    }

    /** Makes the object visible under its key, whole. */
    public void complete() throws IOException {
        List<CompletedPart> sorted;
        synchronized (completed) {
            sorted = completed.stream().sorted(Comparator.comparing(CompletedPart::partNumber)).toList();
        }
        try {
            client.completeMultipartUpload(b -> b.bucket(target.bucket()).key(fullKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(sorted)));
            done = true;
        } catch (SdkException e) {
            throw S3Errors.failure(target, "complete upload of", key, e);
        }
    }

    /** Aborts the upload unless it was completed: no part is left behind. */
    @Override
    public void close() {
        if (!done) {
            done = true;
            try {
                client.abortMultipartUpload(b -> b.bucket(target.bucket()).key(fullKey).uploadId(uploadId));
            } catch (SdkException ignored) {
                // left as an incomplete upload: never visible as an object; removeIncompleteUploads clears it
            }
        }
    }
}
