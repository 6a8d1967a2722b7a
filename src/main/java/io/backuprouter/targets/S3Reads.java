package io.backuprouter.targets;

import io.backuprouter.config.TargetSettings;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An {@link S3Store}'s reads: whole objects, or a byte range with an HTTP Range GET, counting the
 * bytes of the bodies as callers read them. A ranged read takes only the body the server sends for
 * the range, and checks that it is that range: a server that ignored the {@code Range} header (a
 * whole object when only part of it was asked for) or answered another range is an error, never a
 * silent download of the rest of the object.
 */
final class S3Reads {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final TargetSettings target;
    private final S3Client client;
    private final AtomicLong fetched = new AtomicLong();

    S3Reads(TargetSettings target, S3Client client) {
        this.target = target;
        this.client = client;
    }

    /** The bytes callers have read from the bodies of this store's gets. */
    long bytesFetched() {
        return fetched.get();
    }

    InputStream get(String key, String fullKey) throws IOException {
        try {
            return new Counted(client.getObject(b -> b.bucket(target.bucket()).key(fullKey)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchObjectException(target.name(), key);
        } catch (SdkException e) {
            throw S3Errors.failure(target, "get", key, e);
        }
    }

    /** The range of the object, as {@link ObjectStore#get(String, long, long)} says. */
    InputStream get(String key, String fullKey, ByteRange range) throws IOException {
        if (range.length() == 0) {
            requireExists(key, fullKey); // HTTP has no empty range; a missing key is still an error
            return InputStream.nullInputStream();
        }
        ResponseInputStream<GetObjectResponse> body;
        try {
            body = client.getObject(b -> b.bucket(target.bucket()).key(fullKey).range(range.httpRange()));
        } catch (NoSuchKeyException e) {
            throw new NoSuchObjectException(target.name(), key);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                return InputStream.nullInputStream(); // InvalidRange: the object ends before the range starts
            }
            throw S3Errors.failure(target, "get " + range + " of", key, e);
        } catch (SdkException e) {
            throw S3Errors.failure(target, "get " + range + " of", key, e);
        }
        requireRange(key, range, body);
        return new Counted(body);
    }

    /** Fails, without reading the body, unless the response holds the range asked for (or the whole object within it). */
    private void requireRange(String key, ByteRange range, ResponseInputStream<GetObjectResponse> body)
            throws IOException {
        String contentRange = body.response().contentRange();
        Long size = body.response().contentLength();
        if (contentRange != null) {
            Matcher served = CONTENT_RANGE.matcher(contentRange);
            if (served.matches() && Long.parseLong(served.group(1)) == range.offset()
                    && (range.last() < 0 || Long.parseLong(served.group(2)) <= range.last())) {
                return;
            }
        } else if (range.offset() == 0 && size != null && size <= range.length()) {
            return; // the whole object, which the range covers: a server may answer so without a Content-Range
        }
        body.abort();
        throw new IOException(target.name() + ": get " + range + " of " + key + ": the server answered with "
                + (contentRange == null ? "the whole object (" + size + " bytes, no Content-Range)"
                        : "Content-Range \"" + contentRange + "\"")
                + " instead of the range asked for (" + range.httpRange() + ")");
    }

    private void requireExists(String key, String fullKey) throws IOException {
        try {
            client.headObject(b -> b.bucket(target.bucket()).key(fullKey));
        } catch (NoSuchKeyException e) {
            throw new NoSuchObjectException(target.name(), key);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchObjectException(target.name(), key);
            }
            throw S3Errors.failure(target, "head", key, e);
        } catch (SdkException e) {
            throw S3Errors.failure(target, "head", key, e);
        }
    }

    /** A body whose bytes count into {@link #fetched} as they are read (or skipped). */
    private final class Counted extends FilterInputStream {
        Counted(InputStream body) {
            super(body);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                fetched.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                fetched.addAndGet(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            fetched.addAndGet(Math.max(0, skipped));
            return skipped;
        }
    }
}
