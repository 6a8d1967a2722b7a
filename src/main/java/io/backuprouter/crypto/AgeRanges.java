package io.backuprouter.crypto;

import com.exceptionfactory.jagged.framework.crypto.CipherKey;
import com.exceptionfactory.jagged.framework.format.StandardPayloadKeyReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * Reads parts of an age-encrypted object without fetching all of it, so that a restore of a few
 * files fetches only the ranges it needs. age's payload is 64 KiB chunks, each sealed on its own
 * with ChaCha20-Poly1305 under a counter nonce (https://age-encryption.org/v1, "Payload"): a range
 * of the plaintext is read by fetching the header (recipient lines, MAC and payload nonce) once,
 * and then only the encrypted chunks that hold the range. Every chunk read is authenticated, as
 * {@link Age#decrypt} does; chunks outside the range are not read at all, so damage there is not
 * seen. Failures are told apart as {@link Age#decrypt} tells them apart.
 *
 * <p>Ranges may be read one after another or at the same time; {@link #close()} forgets the key.
 */
public final class AgeRanges implements Closeable {
    /** Plaintext bytes in each chunk but the last (which holds 0 to this many). */
    static final int CHUNK = 64 * 1024;
    private static final int TAG = 16;
    /** A chunk as stored: its plaintext and its authentication tag. */
    static final int SEALED_CHUNK = CHUNK + TAG;
    private static final int NONCE = 16;
    /** The first slice fetched for the header: one X25519 recipient line takes about 150 bytes. */
    static final int HEADER_SLICE = 4 * 1024;
    /** Header and payload nonce must fit in the first chunk-sized read, as in the age library. */
    private static final int HEADER_LIMIT = SEALED_CHUNK;
    private static final byte[] MAC_LINE = "\n---".getBytes(StandardCharsets.US_ASCII);

    /** Byte ranges of one stored object, as an object store's ranged GET gives them. */
    @FunctionalInterface
    public interface ByteRanges {
        /**
         * The {@code length} bytes of the object from {@code offset} on. A stream that ends early
         * means the object is shorter than it was said to be.
         */
        InputStream read(long offset, long length) throws IOException;
    }

    private final ByteRanges object;
    private final long encryptedSize;
    private final CipherKey payloadKey;
    private final long payloadStart;
    private final long chunks;
    private final java.security.Provider provider;
    private final AtomicLong fetched;

    private AgeRanges(ByteRanges object, long encryptedSize, Header header, java.security.Provider provider) {
        this.object = object;
        this.encryptedSize = encryptedSize;
        this.payloadKey = header.payloadKey();
        this.payloadStart = header.payloadStart();
        this.chunks = (encryptedSize - payloadStart + SEALED_CHUNK - 1) / SEALED_CHUNK;
        this.provider = provider;
        this.fetched = new AtomicLong(header.fetched());
    }

    /**
     * Reads the header of the object and opens it with the identity. Fetches the first
     * {@value #HEADER_SLICE} bytes (more only for a longer header).
     *
     * @param object reads byte ranges of the encrypted object
     * @param encryptedSize the object's size as stored (from the listing or manifest): it tells
     *        which chunk is the last
     * @throws Age.WrongKeyException when none of the identity's keys opens the header
     * @throws Age.DamagedException when the object is empty, not age, its header damaged, or it is
     *         cut short
     * @throws IOException when its size leaves a last chunk that cannot be, or the fetch fails
     */
    public static AgeRanges open(ByteRanges object, long encryptedSize, AgeIdentity identity) throws IOException {
        return open(object, encryptedSize, identity, ChaChaProvider.provider());
    }

    /** Like {@link #open(ByteRanges, long, AgeIdentity)}, with this ChaCha20-Poly1305 provider (null: the JDK's). */
    static AgeRanges open(ByteRanges object, long encryptedSize, AgeIdentity identity, java.security.Provider provider)
            throws IOException {
        if (encryptedSize < 0) {
            throw new IllegalArgumentException("an object cannot have a size of " + encryptedSize + " bytes");
        }
        Header header = readHeader(object, encryptedSize, identity);
        AgeRanges ranges = new AgeRanges(object, encryptedSize, header, provider);
        ranges.checkLastChunk();
        return ranges;
    }

    private record Header(CipherKey payloadKey, long payloadStart, long fetched) {
    }

    private static Header readHeader(ByteRanges object, long encryptedSize, AgeIdentity identity) throws IOException {
        int wanted = (int) Math.min(HEADER_SLICE, encryptedSize);
        byte[] bytes = new byte[wanted];
        int have = fetch(object, 0, bytes, 0, wanted);
        Age.DamagedException notAge = Age.startFailure(bytes, have);
        if (notAge != null) {
            throw notAge;
        }
        int end = headerEnd(bytes, have);
        int most = (int) Math.min(HEADER_LIMIT, encryptedSize);
        while ((end < 0 || have < end + NONCE) && have == wanted && wanted < most) {
            wanted = (int) Math.min(most, (long) wanted * 4);
            bytes = Arrays.copyOf(bytes, wanted);
            have += fetch(object, have, bytes, have, wanted - have);
            end = headerEnd(bytes, have);
        }
        ByteBuffer headerAndNonce = ByteBuffer.wrap(bytes, 0, end < 0 ? have : Math.min(have, end + NONCE));
        CipherKey key = payloadKey(headerAndNonce, identity);
        long payloadStart = headerAndNonce.position();
        if (have < wanted) {
            key.destroy();
            throw new Age.DamagedException("it is cut short: it ends after " + have + " bytes, where its listing says "
                    + encryptedSize, null);
        }
        if (payloadStart == encryptedSize) {
            key.destroy();
            throw Age.noPayload(null);
        }
        return new Header(key, payloadStart, have);
    }

    /** The payload key, or the failure classified as {@link Age#decrypt} classifies it. */
    private static CipherKey payloadKey(ByteBuffer headerAndNonce, AgeIdentity identity) throws IOException {
        try {
            return new StandardPayloadKeyReader().getPayloadKey(headerAndNonce, identity.readers());
        } catch (GeneralSecurityException e) {
            throw Age.headerFailure(e, identity);
        } catch (java.nio.BufferUnderflowException e) {
            throw Age.headerCutShort(e);
        }
    }

    /** Where the header ends: just after the newline of its MAC line ({@code --- ...}), or -1. */
    static int headerEnd(byte[] bytes, int length) {
        for (int i = 0; i + MAC_LINE.length <= length; i++) {
            if (Arrays.equals(bytes, i, i + MAC_LINE.length, MAC_LINE, 0, MAC_LINE.length)) {
                for (int j = i + MAC_LINE.length; j < length; j++) {
                    if (bytes[j] == '\n') {
                        return j + 1;
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    private void checkLastChunk() throws IOException {
        long sealed = lastSealedLength();
        if (sealed < TAG || (sealed == TAG && chunks > 1)) {
            payloadKey.destroy();
            throw Age.contentDamaged("its size of " + encryptedSize + " bytes leaves a last part of " + sealed
                    + " bytes, which age never writes (" + (sealed < TAG ? "shorter than its " + TAG
                    + "-byte authentication tag" : "an empty part after full ones") + ")", null);
        }
    }

    private long lastSealedLength() {
        return encryptedSize - payloadStart - (chunks - 1) * SEALED_CHUNK;
    }

    /** The size of the decrypted content. */
    public long plaintextSize() {
        return (chunks - 1) * CHUNK + lastSealedLength() - TAG;
    }

    /** The encrypted bytes fetched so far: the header, and the chunks read for every range. */
    public long bytesFetched() {
        return fetched.get();
    }

    /**
     * The decrypted bytes {@code [offset, offset + length)}, read chunk by chunk as the stream is
     * read (one ranged fetch, opened on the first read, for all the chunks that hold them). A chunk
     * that fails its authentication fails the read with an {@link IOException} that says the
     * encrypted content is damaged.
     *
     * @throws IllegalArgumentException when the range is not within {@link #plaintextSize()}
     */
    public InputStream read(long offset, long length) {
        if (offset < 0 || length < 0 || offset > plaintextSize() - length) {
            throw new IllegalArgumentException("the range of " + length + " bytes from " + offset
                    + " is not within the decrypted content (" + plaintextSize() + " bytes)");
        }
        return new RangeStream(offset, length);
    }

    /** Forgets the payload key: ranges still being read fail. */
    @Override
    public void close() {
        payloadKey.destroy();
    }

    private long sealedStart(long chunk) {
        return payloadStart + chunk * SEALED_CHUNK;
    }

    private int sealedLength(long chunk) {
        return chunk == chunks - 1 ? (int) lastSealedLength() : SEALED_CHUNK;
    }

    /** Reads {@code length} bytes of the object into {@code into}; fewer only where the object ends early. */
    private static int fetch(ByteRanges object, long offset, byte[] into, int at, int length) throws IOException {
        try (InputStream in = object.read(offset, length)) {
            return in.readNBytes(into, at, length);
        }
    }

    /** The plaintext of one range: one chunk decrypted at a time. */
    private final class RangeStream extends InputStream {
        private final long firstChunk;
        private final long endChunk;
        private long next;
        private long skip;
        private long remaining;
        private InputStream sealed;
        private byte[] sealedBuffer;
        private byte[] plain;
        private int position;
        private int limit;
        private Cipher cipher;

        RangeStream(long offset, long length) {
            this.firstChunk = offset / CHUNK;
            this.endChunk = length == 0 ? firstChunk : (offset + length - 1) / CHUNK + 1;
            this.next = firstChunk;
            this.skip = offset % CHUNK;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (remaining == 0) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (position == limit) {
                decryptNext();
            }
            int n = (int) Math.min(Math.min(len, limit - position), remaining);
            System.arraycopy(plain, position, b, off, n);
            position += n;
            remaining -= n;
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(limit - position, remaining);
        }

        private void decryptNext() throws IOException {
            if (sealed == null) {
                long from = sealedStart(firstChunk);
                long to = endChunk == chunks ? encryptedSize : sealedStart(endChunk);
                sealed = object.read(from, to - from);
                sealedBuffer = new byte[SEALED_CHUNK];
                plain = new byte[CHUNK];
            }
            long chunk = next++;
            int length = sealedLength(chunk);
            int got = sealed.readNBytes(sealedBuffer, 0, length);
            fetched.addAndGet(got);
            if (got < length) {
                throw Age.contentDamaged("the object ends after " + (sealedStart(chunk) + got) + " bytes, where its"
                        + " listing says " + encryptedSize + " (in its part " + (chunk + 1) + " of " + chunks + ")", null);
            }
            limit = open(chunk, length);
            position = (int) skip;
            skip = 0;
        }

        private int open(long chunk, int length) throws IOException {
            try {
                if (cipher == null) {
                    cipher = provider == null ? Cipher.getInstance(ChaChaProvider.ALGORITHM)
                            : Cipher.getInstance(ChaChaProvider.ALGORITHM, provider);
                }
                cipher.init(Cipher.DECRYPT_MODE, payloadKey, new IvParameterSpec(nonce(chunk, chunk == chunks - 1)));
                return cipher.doFinal(sealedBuffer, 0, length, plain, 0);
            } catch (javax.crypto.AEADBadTagException e) {
                throw Age.contentDamaged("its part " + (chunk + 1) + " of " + chunks + " (bytes " + sealedStart(chunk)
                        + " to " + (sealedStart(chunk) + length) + " of the object) fails its authentication check", e);
            } catch (GeneralSecurityException | IllegalStateException e) {
                throw new IOException("age: cannot decrypt part " + (chunk + 1) + " of " + chunks + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            remaining = 0;
            if (sealed != null) {
                sealed.close();
            }
        }
    }

    /** age's chunk nonce: the chunk's number as 11 big-endian bytes, then 1 for the last chunk, else 0. */
    static byte[] nonce(long chunk, boolean last) {
        byte[] nonce = new byte[12];
        for (int i = 10; i >= 3; i--) {
            nonce[i] = (byte) (chunk >>> (8 * (10 - i)));
        }
        nonce[11] = (byte) (last ? 1 : 0);
        return nonce;
    }
}
