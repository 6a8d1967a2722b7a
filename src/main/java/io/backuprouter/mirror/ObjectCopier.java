package io.backuprouter.mirror;

import static io.backuprouter.mirror.MirrorPass.SHA256;
import static io.backuprouter.mirror.MirrorPass.SOURCE_ETAG;
import static io.backuprouter.mirror.MirrorPass.isMd5;
import static io.backuprouter.mirror.MirrorPass.unquote;

import io.backuprouter.config.MirrorSettings;
import io.backuprouter.targets.ObjectAttributes;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.S3Parts;
import io.backuprouter.targets.S3Store;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Copies one object of a pass at a time (from several threads at once), each with its
 * verification: server-side when both stores are the same service; else whole through memory, in
 * one streamed PUT the destination checks, or in parts. What arrived is checked before the copy
 * counts, and a copy that does not match is removed. Part buffers come from the pass's budget.
 */
final class ObjectCopier {
    /** Objects up to this size are read into a buffer of their own, outside the budget. */
    private static final long SMALL = 1024 * 1024;

    private final S3Store source;
    private final S3Store destination;
    /**
     * Part buffers a pass may hold at once (one part of the destination's part size each): memory
     * stays at {@code concurrency} parts however large and many the objects are.
     */
    private final Semaphore partBuffers;
    /** Buffers of finished objects, reused: no more of them exist than permits of {@link #partBuffers}. */
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> freeBuffers = new java.util.concurrent.ConcurrentLinkedQueue<>();

    ObjectCopier(MirrorSettings mirror, S3Store source, S3Store destination) {
        this.source = source;
        this.destination = destination;
        this.partBuffers = new Semaphore(mirror.concurrency());
    }

    /**
     * Copies one object to {@code target} (a key of the destination): server-side when both stores
     * are the same service, else streamed from the source to the destination through memory (one
     * part at a time, never a local file). Objects whose source ETag is their MD5 and up to
     * {@code streamedPutMax} bytes go in one streamed PUT.
     */
    void copy(ObjectInfo object, String target, long streamedPutMax) throws IOException {
        ObjectAttributes attributes = source.attributes(object.key())
                .orElseThrow(() -> new IOException(source.name() + ": " + object.key() + " vanished during the pass"));
        Map<String, String> metadata = new HashMap<>(attributes.metadata());
        metadata.put(SOURCE_ETAG, unquote(object.etag()));
        if (source.sameServiceAs(destination) && object.size() <= S3Store.MAX_SERVER_SIDE_COPY) {
            destination.copyFrom(source, object.key(), target, withMetadata(attributes, metadata));
            return;
        }
        // The source's ETag is checked against the content only where it is an MD5 (not SSE-KMS or SSE-C, not multipart).
        boolean sourceTagIsMd5 = attributes.etagIsMd5() && isMd5(unquote(object.etag()));
        String md5Hex;
        if (sourceTagIsMd5 && object.size() > destination.settings().partSize() && object.size() <= streamedPutMax) {
            putStreamed(object, target, withMetadata(attributes, metadata));
            md5Hex = unquote(object.etag()).toLowerCase(java.util.Locale.ROOT);
        } else {
            try (InputStream in = source.get(object.key())) {
                md5Hex = object.size() <= destination.settings().partSize()
                        ? putWhole(object, sourceTagIsMd5, in, target, attributes, metadata)
                        : putInParts(object, sourceTagIsMd5, in, target, withMetadata(attributes, metadata));
            }
        }
        ObjectInfo written = destination.stat(target)
                .orElseThrow(() -> new IOException(destination.name() + ": " + target + " is missing after the upload"));
        String writtenTag = unquote(written.etag());
        if (written.size() != object.size() || (md5Hex != null && isMd5(writtenTag) && !writtenTag.equalsIgnoreCase(md5Hex))) {
            // Never leave a copy that claims (br-source-etag) to be the source's when it is not.
            destination.delete(target);
            throw new IOException(destination.name() + ": " + target + " does not match what was uploaded");
        }
    }

    /**
     * An object up to the destination's part size: read whole into memory, checked against the
     * source's ETag and recorded with its SHA-256, then one PUT that the destination checks against
     * its MD5. Returns the MD5 (hex).
     */
    private String putWhole(ObjectInfo object, boolean sourceTagIsMd5, InputStream in, String target, ObjectAttributes attributes,
                            Map<String, String> metadata) throws IOException {
        boolean small = object.size() <= SMALL;
        if (!small) {
            acquire(partBuffers, 1);
        }
        byte[] content = small ? new byte[(int) object.size()] : buffer((int) object.size());
        try {
            int length = in.readNBytes(content, 0, (int) object.size());
            if (length != object.size() || in.read() != -1) {
                throw new IOException(source.name() + ": " + object.key() + " is no longer " + object.size()
                        + " bytes, as listed (changed during the pass?)");
            }
            MessageDigest md5 = io.backuprouter.crypto.Digests.md5();
            md5.update(content, 0, length);
            byte[] md5Bytes = md5.digest();
            String md5Hex = HexFormat.of().formatHex(md5Bytes);
            checkSourceTag(object, sourceTagIsMd5, md5Hex);
            MessageDigest sha = io.backuprouter.crypto.Digests.sha256();
            sha.update(content, 0, length);
            metadata.put(SHA256, HexFormat.of().formatHex(sha.digest()));
            destination.put(target, content, length, md5Bytes, withMetadata(attributes, metadata));
            return md5Hex;
        } finally {
            if (!small) {
                freeBuffers.offer(content);
                partBuffers.release();
            }
        }
    }

    /**
     * A larger object whose source ETag is its MD5 (up to {@link MirrorPass#streamedPutMax}): one PUT
     * that streams from the source's GET, held nowhere and not hashed here (the aws preset's CRC32
     * trailer aside). It is sent with
     * the source's ETag as its {@code Content-MD5}, so the destination itself checks, on arrival, that
     * what it received is what the source listed; one that is not is refused and nothing appears.
     * (Its metadata is sent before its content is read, so it carries no {@value MirrorPass#SHA256}.)
     */
    private void putStreamed(ObjectInfo object, String target, ObjectAttributes attributes) throws IOException {
        byte[] md5 = HexFormat.of().parseHex(unquote(object.etag()));
        List<SourceBody> opened = new ArrayList<>();
        try {
            destination.putStreamed(target, () -> {
                try {
                    synchronized (opened) {
                        // A retry: the attempt before it is over, and its GET must not hold a connection.
                        opened.forEach(SourceBody::close);
                        SourceBody body = new SourceBody(source.get(object.key()), object.size());
                        opened.add(body);
                        return body;
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, object.size(), md5, attributes);
        } catch (S3Store.DigestMismatchException e) {
            throw new IOException(source.name() + ": " + object.key() + " does not match its ETag, or was damaged on its way: "
                    + destination.name() + " refused what was read, which was not the listed content; nothing was stored", e);
        } finally {
            synchronized (opened) {
                opened.forEach(SourceBody::close);
            }
        }
    }

    /**
     * A larger object: a multipart upload fed part by part as the source streams in. Part buffers
     * come from the pass's budget ({@link #partBuffers}): each object holds one, and sends further
     * parts at once only while spare buffers are free. It is completed only when every byte has
     * arrived, the size is the listed one and the content matches the source's MD5 ETag; otherwise
     * it is aborted and nothing appears at the destination. Returns the MD5 (hex).
     */
    private String putInParts(ObjectInfo object, boolean sourceTagIsMd5, InputStream in, String target, ObjectAttributes attributes)
            throws IOException {
        long partSize = destination.partSizeFor(object.size());
        if (partSize > Integer.MAX_VALUE - 16) {
            throw new IOException(destination.name() + ": " + target + ": parts of " + partSize + " bytes do not fit in memory");
        }
        // The whole object's MD5 is worth its time only when the source's ETag is one to check it against
        // (each part is checked on its own on arrival: see S3Parts#send).
        MessageDigest md5 = sourceTagIsMd5 ? io.backuprouter.crypto.Digests.md5() : null;
        long total = 0;
        java.util.ArrayDeque<Sent> sent = new java.util.ArrayDeque<>();
        List<byte[]> owned = new ArrayList<>();
        boolean reusable = true;
        acquire(partBuffers, 1);
        owned.add(buffer((int) partSize));
        try (S3Parts parts = destination.startParts(target, attributes)) {
            try {
                byte[] buffer = owned.get(0);
                for (int number = 1, n; (n = in.readNBytes(buffer, 0, (int) partSize)) > 0; number++) {
                    total += n;
                    if (total > object.size()) {
                        break;
                    }
                    if (md5 != null) {
                        md5.update(buffer, 0, n);
                    }
                    sent.add(new Sent(parts.send(number, buffer, n), buffer));
                    if (partBuffers.tryAcquire()) {
                        buffer = buffer((int) partSize);
                        owned.add(buffer);
                    } else {
                        buffer = await(sent.poll());
                    }
                }
                while (!sent.isEmpty()) {
                    await(sent.poll());
                }
                if (total != object.size()) {
                    throw new IOException(source.name() + ": " + object.key() + " is no longer " + object.size()
                            + " bytes, as listed (changed during the pass?)");
                }
                String md5Hex = md5 == null ? null : HexFormat.of().formatHex(md5.digest());
                checkSourceTag(object, sourceTagIsMd5, md5Hex);
                parts.complete();
                return md5Hex;
            } catch (IOException | RuntimeException e) {
                reusable = settle(sent);
                throw e;
            }
        } finally {
            if (reusable) {
                freeBuffers.addAll(owned);
            }
            partBuffers.release(owned.size());
        }
    }

    /**
     * Waits for the parts still in flight of a failed upload to finish (or fail) before it is
     * aborted, so that none lands after it. Returns whether their buffers may be reused: not when
     * interrupted, as a part may still be reading its buffer.
     */
    private static boolean settle(Collection<Sent> sent) {
        for (Sent part : sent) {
            try {
                part.future().get();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            } catch (java.util.concurrent.ExecutionException ignored) {
                // the first failure is the one reported
            }
        }
        return true;
    }

    /** A buffer of at least {@code size} bytes, reused from earlier objects when one is free. */
    private byte[] buffer(int size) {
        byte[] free = freeBuffers.poll();
        return free != null && free.length >= size ? free : new byte[Math.max(size, (int) destination.settings().partSize())];
    }

    /** A part on its way, and the buffer it is sent from. */
    private record Sent(Future<?> future, byte[] buffer) {
    }

    private static byte[] await(Sent sent) throws IOException {
        MirrorPass.await(sent.future());
        return sent.buffer();
    }

    private static void acquire(Semaphore semaphore, int permits) throws IOException {
        try {
            semaphore.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Checks the content's MD5 (hex; null when not computed) against the source's ETag where that is an MD5. */
    private void checkSourceTag(ObjectInfo object, boolean sourceTagIsMd5, String md5Hex) throws IOException {
        String sourceTag = unquote(object.etag());
        if (sourceTagIsMd5 && !sourceTag.equalsIgnoreCase(md5Hex)) {
            throw new IOException(source.name() + ": " + object.key() + " does not match its ETag (read " + md5Hex + ")");
        }
    }

    private static ObjectAttributes withMetadata(ObjectAttributes attributes, Map<String, String> metadata) {
        return new ObjectAttributes(attributes.contentType(), attributes.contentEncoding(), attributes.cacheControl(), metadata,
                attributes.etagIsMd5());
    }

}
