package io.backuprouter.crypto;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * age encryption (https://age-encryption.org/v1) of streams, to X25519 recipients. Everything
 * streams in 64 KiB chunks: nothing is held whole in memory. Files written here decrypt with
 * {@code age -d -i identity.txt}. The cipher comes from {@link ChaChaProvider}.
 */
public final class Age {
    private static final int READ_BUFFER = 256 * 1024;
    private Age() {
    }

    /**
     * An output stream that encrypts to the recipients and writes to {@code out}; closing it
     * writes the final chunk and closes {@code out}.
     */
    public static OutputStream encrypt(OutputStream out, List<String> recipients) throws IOException {
        return encrypt(out, AgeEncryption.toRecipients(recipients));
    }

    /** Like {@link #encrypt(OutputStream, List)}, to recipients or to a passphrase. */
    public static OutputStream encrypt(OutputStream out, AgeEncryption encryption) throws IOException {
        return encrypt(out, encryption, ChaChaProvider.provider());
    }

    /** Like {@link #encrypt(OutputStream, AgeEncryption)}, with this ChaCha20-Poly1305 provider (null: the JDK's). */
    static OutputStream encrypt(OutputStream out, AgeEncryption encryption, java.security.Provider provider) throws IOException {
        List<RecipientStanzaWriter> writers = encryption.writers();
        try {
            StandardEncryptingChannelFactory factory = provider == null ? new StandardEncryptingChannelFactory()
                    : new StandardEncryptingChannelFactory(provider);
            return Channels.newOutputStream(factory.newEncryptingChannel(Channels.newChannel(out), writers));
        } catch (GeneralSecurityException e) {
            throw new IOException("age: cannot start encryption: " + e.getMessage(), e);
        }
    }

    /**
     * An input stream of the plaintext of {@code in}. A wrong identity fails here with
     * {@link WrongKeyException}; damage to the content fails while reading, with an
     * {@link IOException}.
     */
    public static InputStream decrypt(InputStream in, AgeIdentity identity) throws IOException {
        return decrypt(in, identity, ChaChaProvider.provider());
    }

    /** Like {@link #decrypt(InputStream, AgeIdentity)}, with this ChaCha20-Poly1305 provider (null: the JDK's). */
    static InputStream decrypt(InputStream in, AgeIdentity identity, java.security.Provider provider) throws IOException {
        // The channel adapter reads 8 KiB at a time: buffered, an object from a server arrives in
        // large reads instead of one system call per 8 KiB.
        java.io.BufferedInputStream buffered = new java.io.BufferedInputStream(in, READ_BUFFER);
        checkStartsAsAge(buffered);
        try {
            List<RecipientStanzaReader> readers = identity.readers();
            StandardDecryptingChannelFactory factory = provider == null ? new StandardDecryptingChannelFactory()
                    : new StandardDecryptingChannelFactory(provider);
            return new DamageNamed(Channels.newInputStream(factory.newDecryptingChannel(Channels.newChannel(buffered), readers)));
        } catch (com.exceptionfactory.jagged.PayloadException e) {
            throw noPayload(e);
        } catch (GeneralSecurityException e) {
            throw headerFailure(e, identity);
        } catch (java.nio.BufferUnderflowException e) {
            throw headerCutShort(e);
        }
    }

    private static final byte[] MAGIC = "age-encryption.org/v1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Tells an empty object and one that is not age at all from a wrong key, before the library reads it. */
    private static void checkStartsAsAge(java.io.BufferedInputStream in) throws IOException {
        in.mark(MAGIC.length);
        byte[] start = in.readNBytes(MAGIC.length);
        in.reset();
        DamagedException failure = startFailure(start, start.length);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Why an object whose first {@code length} bytes are these is not an age file (empty, not age
     * at all, or cut short inside its first line), or null when it starts as one.
     */
    static DamagedException startFailure(byte[] start, int length) {
        if (length == 0) {
            return new DamagedException("it is empty (0 bytes), not an age-encrypted file", null);
        }
        if (new String(start, 0, length, java.nio.charset.StandardCharsets.US_ASCII).startsWith("-----BEGIN AGE")) {
            return new DamagedException("it is ASCII-armored age (-----BEGIN AGE ENCRYPTED FILE-----), which backup-router"
                    + " never writes: it was replaced after it was stored", null);
        }
        int compared = Math.min(length, MAGIC.length);
        if (java.util.Arrays.equals(start, 0, compared, MAGIC, 0, compared)) {
            return compared < MAGIC.length ? new DamagedException("it is cut short inside its age header", null) : null;
        }
        return new DamagedException("it is not an age-encrypted file (it does not start with age-encryption.org/v1)", null);
    }

    /** An age file that ends after its header: even an empty plaintext has one encrypted part. */
    static DamagedException noPayload(Throwable cause) {
        return new DamagedException("it is cut short after its age header (no encrypted content follows)", cause);
    }

    /** Damage to the encrypted content after the header: {@code what} says where and how. */
    static IOException contentDamaged(String what, Throwable cause) {
        return new IOException("the encrypted content is damaged or cut short: " + what, cause);
    }

    /**
     * What a failure to open the header means. Only a header whose recipient lines none of the
     * identity's keys unwraps is a wrong key (another identity may help); a header that does not
     * parse, or whose MAC does not match the file key it gave, was damaged after it was written.
     */
    static IOException headerFailure(GeneralSecurityException e, AgeIdentity identity) {
        if (e instanceof java.security.spec.InvalidParameterSpecException) {
            return new DamagedException("it is cut short after its age header (no encrypted content follows: age: "
                    + e.getMessage() + ")", e);
        }
        boolean headerDamaged = e instanceof java.security.SignatureException
                || "HeaderDecodingException".equals(e.getClass().getSimpleName());
        if (headerDamaged) {
            return new DamagedException("its age header is damaged" + (e instanceof java.security.SignatureException
                    ? ": the header's MAC does not match the key its recipient line gave" : " or cut short")
                    + " (age: " + e.getMessage() + ")", e);
        }
        return new WrongKeyException("this identity (" + identity.recipient() + ") cannot decrypt it: it was encrypted to "
                + "other recipients, or with another passphrase (" + e.getMessage() + ")", e);
    }

    /** The age library runs off the end of a header whose last line (the MAC line) has no newline. */
    static DamagedException headerCutShort(java.nio.BufferUnderflowException e) {
        return new DamagedException("its age header is damaged or cut short (age: it ends inside its last line)", e);
    }

    /** Checks a recipient ({@code age1...}); the message says what is wrong with it. */
    public static void checkRecipient(String recipient) {
        try {
            AgeEncryption.toRecipients(List.of(recipient)).writers();
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Says what the age library's payload errors mean ("Read chunk failed: counter [0, 0, ...]"):
     * a chunk that fails its authentication was changed or cut short after it was written.
     */
    private static final class DamageNamed extends java.io.FilterInputStream {
        DamageNamed(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (com.exceptionfactory.jagged.PayloadException e) {
                throw damaged(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (com.exceptionfactory.jagged.PayloadException e) {
                throw damaged(e);
            }
        }

        private static IOException damaged(com.exceptionfactory.jagged.PayloadException e) {
            String detail = String.valueOf(e.getMessage()).replaceFirst(": counter \\[.*", "");
            return contentDamaged("a part of it fails its authentication check (age: " + detail + ")", e);
        }
    }

    /**
     * The object is not a readable age file: empty, not age at all, or its header damaged or cut
     * short. Another copy may be intact; another identity does not help.
     */
    public static final class DamagedException extends IOException {
        public DamagedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The identity cannot decrypt the object (it was encrypted to other recipients). */
    public static final class WrongKeyException extends IOException {
        public WrongKeyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
