package io.backuprouter.targets;

import io.backuprouter.config.TargetSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * An {@link ObjectStore} in an S3 bucket, under the target's root path. Objects larger than the
 * part size are uploaded as multipart uploads with up to {@code concurrency} parts in flight;
 * a failed multipart upload is aborted so that no partial object or orphaned parts remain.
 */
public final class S3Store implements ObjectStore {
    static final String CONTENT_TYPE = "application/octet-stream";

    /** S3's own maximum page of a listing. */
    static final int MAX_PAGE = 1000;

    private final TargetSettings target;
    private final S3Client client;
    private final int pageSize;
    private final S3Uploads uploads;
    private final S3Reads reads;

    public S3Store(TargetSettings target, S3Client client) {
        this(target, client, MAX_PAGE);
    }

    /** With a smaller listing page, so that tests exercise paging without thousands of objects. */
    S3Store(TargetSettings target, S3Client client, int pageSize) {
        this.target = target;
        this.client = client;
        this.pageSize = pageSize;
        this.reads = new S3Reads(target, client);
        this.uploads = new S3Uploads(target, client);
    }

    @Override
    public String name() {
        return target.name();
    }

    public S3Client client() {
        return client;
    }

    /** The target's settings (bucket, root path...). */
    public TargetSettings settings() {
        return target;
    }

    @Override
    public void put(String key, Path file) throws IOException {
        put(key, file, ObjectAttributes.NONE);
    }

    /** Like {@link #put(String, Path)}, with content type, encoding, cache control and user metadata. */
    public void put(String key, Path file, ObjectAttributes attributes) throws IOException {
        String fullKey = fullKey(key);
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new IOException(target.name() + ": put " + key + ": source file " + file + " does not exist", e);
        }
        try {
            String type = attributes.contentType() != null ? attributes.contentType() : CONTENT_TYPE;
            if (size <= target.partSize()) {
                client.putObject(b -> b.bucket(target.bucket()).key(fullKey).contentType(type)
                        .contentEncoding(attributes.contentEncoding()).cacheControl(attributes.cacheControl())
                        .metadata(attributes.metadata()), RequestBody.fromFile(file));
            } else {
                uploads.putFile(fullKey, file, size, attributes);
            }
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        String fullKey = fullKey(key);
        try {
            client.putObject(b -> b.bucket(target.bucket()).key(fullKey).contentType(CONTENT_TYPE),
                    RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    /** The configured part size, raised when the object would need more parts than the provider allows. */
    public long partSizeFor(long size) {
        return S3Uploads.partSizeFor(target, size);
    }

    /**
     * Stores content held in memory in one PUT, with its MD5 as {@code Content-MD5}: the service refuses
     * a body that arrived other than it was sent. Returns the ETag the service gave it.
     */
    public String put(String key, byte[] content, int length, ObjectAttributes attributes) throws IOException {
        return put(key, content, length, md5(content, length), attributes);
    }

    /**
     * Like {@link #put(String, byte[], int, ObjectAttributes)}, with the content's MD5 already computed
     * (never null: over plain http, the body is checked against it instead of a signed SHA-256; see
     * {@link PlainHttpSigning}).
     */
    public String put(String key, byte[] content, int length, byte[] contentMd5, ObjectAttributes attributes)
            throws IOException {
        try {
            return putWithMd5(key, () -> new ByteArrayInputStream(content, 0, length), length, contentMd5, attributes);
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
    }

    /** One PUT of {@code length} bytes with their MD5 as Content-MD5; returns the ETag. */
    private String putWithMd5(String key, ContentStreamProvider content, long length, byte[] contentMd5,
                              ObjectAttributes attributes) {
        String md5 = Base64.getEncoder().encodeToString(java.util.Objects.requireNonNull(contentMd5, "contentMd5"));
        return client.putObject(b -> b.bucket(target.bucket()).key(fullKey(key))
                .contentType(attributes.contentType() != null ? attributes.contentType() : CONTENT_TYPE)
                .contentEncoding(attributes.contentEncoding()).cacheControl(attributes.cacheControl())
                .metadata(attributes.metadata()).contentLength(length).contentMD5(md5),
                RequestBody.fromContentProvider(content, length, CONTENT_TYPE)).eTag();
    }

    /**
     * Stores content that streams from elsewhere in one PUT, without holding it in memory:
     * {@code content} opens it (again, should the SDK retry the request). The caller knows its MD5
     * beforehand (a mirror: the source's single-part ETag) and the service checks the body against
     * it on arrival; a body that does not match is refused with {@link DigestMismatchException} and
     * nothing is stored. Returns the ETag the service gave it.
     */
    public String putStreamed(String key, ContentStreamProvider content, long length, byte[] contentMd5,
                              ObjectAttributes attributes) throws IOException {
        try {
            return putWithMd5(key, content, length, contentMd5, attributes);
        } catch (S3Exception e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if ("BadDigest".equals(code)) {
                throw new DigestMismatchException(target.name() + ": put " + key + ": refused, the body did not match its "
                        + "MD5 (" + code + "); nothing was stored", e);
            }
            throw failure("put", key, e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (SdkException e) {
            if (e.getCause() instanceof UncheckedIOException unchecked) {
                throw unchecked.getCause();
            }
            throw failure("put", key, e);
        }
    }

    /** The service refused a body because it did not match the MD5 it was sent with. */
    public static final class DigestMismatchException extends IOException {
        DigestMismatchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Starts a multipart upload whose parts the caller sends one after the other from memory, for
     * content that streams from elsewhere (a mirror). Nothing is visible under the key until
     * {@link S3Parts#complete()}; closing without completing aborts the upload.
     */
    public S3Parts startParts(String key, ObjectAttributes attributes) throws IOException {
        return uploads.start(key, fullKey(key), attributes);
    }

    /**
     * Whether the service's ETag for an object (or part) it encrypted this way is the MD5 of the
     * content: yes unencrypted and with SSE-S3 ({@code AES256}); no with SSE-KMS ({@code aws:kms},
     * {@code aws:kms:dsse}) or SSE-C (a customer algorithm is named).
     */
    static boolean etagIsContentMd5(String serverSideEncryption, String sseCustomerAlgorithm) {
        // Only the encryptions known to change the ETag: any other value keeps the checks (a mismatch then fails loudly).
        boolean kms = serverSideEncryption != null && serverSideEncryption.toLowerCase(java.util.Locale.ROOT).startsWith("aws:kms");
        return !kms && (sseCustomerAlgorithm == null || sseCustomerAlgorithm.isEmpty());
    }

    static byte[] md5(byte[] content, int length) {
        MessageDigest md5 = io.backuprouter.crypto.Digests.md5();
        md5.update(content, 0, length);
        return md5.digest();
    }

    /** The object's attributes (type, encoding, cache control, user metadata), or empty when it does not exist. */
    public Optional<ObjectAttributes> attributes(String key) throws IOException {
        try {
            var head = client.headObject(b -> b.bucket(target.bucket()).key(fullKey(key)));
            return Optional.of(new ObjectAttributes(head.contentType(), head.contentEncoding(), head.cacheControl(),
                    head.metadata(), etagIsContentMd5(head.serverSideEncryptionAsString(), head.sseCustomerAlgorithm())));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("head", key, e);
        } catch (SdkException e) {
            throw failure("head", key, e);
        }
    }

    /** Whether both stores reach the same service with the same credentials, so that copies can stay server-side. */
    public boolean sameServiceAs(S3Store other) {
        return java.util.Objects.equals(target.endpoint(), other.target.endpoint())
                && java.util.Objects.equals(target.region(), other.target.region())
                && target.accessKey().equals(other.target.accessKey()) && target.secretKey().equals(other.target.secretKey());
    }

    /** The largest object a single server-side copy may create (S3's CopyObject limit). */
    public static final long MAX_SERVER_SIDE_COPY = 5L * 1024 * 1024 * 1024;

    /** Copies an object of another store on the same service without downloading it, replacing its attributes. */
    public void copyFrom(S3Store source, String sourceKey, String key, ObjectAttributes attributes) throws IOException {
        String from = source.fullKey(sourceKey);
        String to = fullKey(key);
        try {
            client.copyObject(b -> b.sourceBucket(source.target.bucket()).sourceKey(from)
                    .destinationBucket(target.bucket()).destinationKey(to)
                    .metadataDirective(software.amazon.awssdk.services.s3.model.MetadataDirective.REPLACE)
                    .contentType(attributes.contentType() != null ? attributes.contentType() : CONTENT_TYPE)
                    .contentEncoding(attributes.contentEncoding()).cacheControl(attributes.cacheControl())
                    .metadata(attributes.metadata()));
        } catch (SdkException e) {
            throw failure("copy from " + source.name() + ":" + sourceKey + " to", key, e);
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        return reads.get(key, fullKey(key));
    }

    /** Fetches only the range, with an HTTP Range GET; see {@link S3Reads}. */
    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        ByteRange range = new ByteRange(offset, length);
        return reads.get(key, fullKey(key), range);
    }

    /**
     * How many bytes of objects' bodies this store has fetched since it was opened, for a restore's
     * summary: what callers read from the streams of {@link #get(String)} and
     * {@link #get(String, long, long)}. What a caller closes a stream on without reading is not counted.
     */
    public long bytesFetched() {
        return reads.bytesFetched();
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        try {
            var head = client.headObject(b -> b.bucket(target.bucket()).key(fullKey(key)));
            // An ETag that is not the content's MD5 is not given as one (see ObjectInfo's callers' MD5 checks).
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified(),
                    etagIsContentMd5(head.serverSideEncryptionAsString(), head.sseCustomerAlgorithm()) ? head.eTag() : null));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("stat", key, e);
        } catch (SdkException e) {
            throw failure("stat", key, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        String fullPrefix = target.rootPath().isEmpty() ? prefix
                : target.rootPath() + "/" + prefix;
        List<ObjectInfo> objects = new ArrayList<>();
        try {
            if (target.preset().listObjectsVersion() == 1) {
                listV1(fullPrefix, objects);
            } else {
                client.listObjectsV2Paginator(b -> b.bucket(target.bucket()).prefix(fullPrefix).maxKeys(pageSize))
                        .contents().forEach(o -> objects.add(info(o)));
            }
        } catch (SdkException e) {
            throw failure("list", prefix.isEmpty() ? "(all)" : prefix + "*", e);
        }
        objects.sort(Comparator.comparing(ObjectInfo::key));
        return objects;
    }

    private void listV1(String fullPrefix, List<ObjectInfo> objects) {
        String marker = null;
        while (true) {
            String from = marker;
            var page = client.listObjects(b -> b.bucket(target.bucket()).prefix(fullPrefix).marker(from)
                    .maxKeys(pageSize));
            page.contents().forEach(o -> objects.add(info(o)));
            if (!Boolean.TRUE.equals(page.isTruncated()) || page.contents().isEmpty()) {
                return;
            }
            marker = page.nextMarker() != null ? page.nextMarker()
                    : page.contents().get(page.contents().size() - 1).key();
        }
    }

    private ObjectInfo info(S3Object object) {
        String key = target.rootPath().isEmpty() ? object.key()
                : object.key().substring(target.rootPath().length() + 1);
        return new ObjectInfo(key, object.size(), object.lastModified(), object.eTag());
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            client.deleteObject(b -> b.bucket(target.bucket()).key(fullKey(key)));
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public int removeIncompleteUploads(String prefix, java.time.Instant before) throws IOException {
        String fullPrefix = target.rootPath().isEmpty() ? prefix : target.rootPath() + "/" + prefix;
        try {
            return IncompleteUploads.remove(target, client, fullPrefix, before);
        } catch (SdkException e) {
            throw failure("remove incomplete uploads under", prefix, e);
        }
    }

    private String fullKey(String key) {
        return Keys.under(target.rootPath(), Keys.check(key));
    }

    private IOException failure(String operation, String key, SdkException e) {
        return S3Errors.failure(target, operation, key, e);
    }

    @Override
    public void close() {
        uploads.close();
        client.close();
    }
}
