package io.backuprouter.targets;

import io.backuprouter.config.TargetSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.io.input.BoundedInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An {@link S3Store}'s uploads in parts, on its upload threads (up to {@code concurrency} parts in
 * flight): a file's parts read from disk side by side, or parts the caller sends from memory
 * ({@link S3Parts}). A failed upload of a file is aborted so that no partial object or orphaned
 * parts remain.
 */
final class S3Uploads implements AutoCloseable {
    private final TargetSettings target;
    private final S3Client client;
    private final ExecutorService threads;

    S3Uploads(TargetSettings target, S3Client client) {
        this.target = target;
        this.client = client;
        this.threads = Executors.newFixedThreadPool(target.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "upload-" + target.name());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The configured part size, raised when the object would need more parts than the provider allows. */
    static long partSizeFor(TargetSettings target, long size) {
        long partSize = target.partSize();
        int maxParts = target.preset().maxParts();
        if ((size + partSize - 1) / partSize > maxParts) {
            partSize = (size + maxParts - 1) / maxParts;
        }
        return partSize;
    }

    /** Uploads a file of {@code size} bytes in parts under {@code fullKey} (a key of the bucket). */
    void putFile(String fullKey, Path file, long size, ObjectAttributes attributes) throws IOException {
        String uploadId = client.createMultipartUpload(b -> b.bucket(target.bucket()).key(fullKey)
                .contentType(attributes.contentType() != null ? attributes.contentType() : S3Store.CONTENT_TYPE)
                .contentEncoding(attributes.contentEncoding()).cacheControl(attributes.cacheControl())
                .metadata(attributes.metadata())).uploadId();
        try {
            long partSize = partSizeFor(target, size);
            List<Future<CompletedPart>> futures = new ArrayList<>();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += partSize, partNumber++) {
                long start = offset;
                long length = Math.min(partSize, size - offset);
                int number = partNumber;
                futures.add(threads.submit(() -> uploadPart(fullKey, uploadId, number, file, start, length)));
            }
            List<CompletedPart> completed = new ArrayList<>();
            try {
                for (Future<CompletedPart> future : futures) {
                    completed.add(await(future));
                }
            } catch (IOException | RuntimeException e) {
                // Stop the other parts before the upload is aborted, so that none lands after it.
                futures.forEach(f -> f.cancel(true));
                throw e;
            }
            client.completeMultipartUpload(b -> b.bucket(target.bucket()).key(fullKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(completed)));
        } catch (IOException | RuntimeException e) {
            abort(fullKey, uploadId, e);
            throw e;
        }
    }

    /**
     * Starts an upload whose parts the caller sends from memory; {@code key} is the store's key
     * (for messages), {@code fullKey} the bucket's.
     */
    S3Parts start(String key, String fullKey, ObjectAttributes attributes) throws IOException {
        try {
            String uploadId = client.createMultipartUpload(b -> b.bucket(target.bucket()).key(fullKey)
                    .contentType(attributes.contentType() != null ? attributes.contentType() : S3Store.CONTENT_TYPE)
                    .contentEncoding(attributes.contentEncoding()).cacheControl(attributes.cacheControl())
                    .metadata(attributes.metadata())).uploadId();
            return new S3Parts(target, client, threads, key, fullKey, uploadId);
        } catch (SdkException e) {
            throw S3Errors.failure(target, "start upload of", key, e);
        }
    }

    private CompletedPart uploadPart(String fullKey, String uploadId, int number, Path file, long offset, long length) {
        RequestBody body = RequestBody.fromContentProvider(() -> openRange(file, offset, length), length,
                S3Store.CONTENT_TYPE);
        String etag = client.uploadPart(b -> b.bucket(target.bucket()).key(fullKey).uploadId(uploadId)
                .partNumber(number).contentLength(length), body).eTag();
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private static InputStream openRange(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return BoundedInputStream.builder().setInputStream(Channels.newInputStream(channel))
                    .setMaxCount(length).setPropagateClose(true).get();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CompletedPart await(Future<CompletedPart> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while uploading parts", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    private void abort(String fullKey, String uploadId, Exception cause) {
        try {
            client.abortMultipartUpload(b -> b.bucket(target.bucket()).key(fullKey).uploadId(uploadId));
        } catch (SdkException abortFailure) {
            cause.addSuppressed(abortFailure);
        }
    }

    /** Stops the upload threads (parts in flight are interrupted). */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
