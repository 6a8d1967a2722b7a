package io.backuprouter.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where age's ChaCha20-Poly1305 comes from. Every byte backed up or restored goes through it, so it
 * is the hot path of both: the JDK's implementation is pure Java before Java 20 (about 130-400 MB/s
 * on one core, measured in bench/), and compiled to vector instructions from Java 20 on (1.5-3 GB/s).
 * Before Java 20, Conscrypt (Google's JCE provider on BoringSSL, native code) is used where its
 * library loads: 4-5x the JDK's speed there. The format does not change: it is the same cipher (RFC
 * 8439), checked against the JDK's output before first use, and any archive decrypts with either.
 *
 * <p>The system property {@value #PROPERTY} picks one: {@code auto} (the default, as above),
 * {@code jdk}, or {@code conscrypt} (falls back to the JDK, with a warning, where Conscrypt does not load).
 */
public final class ChaChaProvider {
    /** System property: auto, jdk or conscrypt. */
    public static final String PROPERTY = "backuprouter.chacha20";
    static final String ALGORITHM = "ChaCha20-Poly1305";
    private static final Logger LOG = LoggerFactory.getLogger(ChaChaProvider.class);
    private static volatile Choice choice;

    private ChaChaProvider() {
    }

    /**
     * The chosen implementation.
     *
     * @param provider the provider to hand to Jagged, or null for the JDK's own
     * @param name what it is, for the log
     */
    record Choice(Provider provider, String name) {
    }

    /** The provider to use, or null for the JDK's (chosen once, on first use). */
    static Provider provider() {
        return choice().provider();
    }

    /**
     * Chooses the provider now (loading Conscrypt's native library and testing it), so that a
     * run can do it on another thread while it waits on the network rather than at its first
     * encryption.
     */
    public static void prepare() {
        choice();
    }

    private static Choice choice() {
        Choice current = choice;
        if (current == null) {
            synchronized (ChaChaProvider.class) {
                current = choice;
                if (current == null) {
                    current = choose(System.getProperty(PROPERTY, "auto"), Runtime.version().feature());
                    choice = current;
                    LOG.debug("age ChaCha20-Poly1305: {}", current.name());
                }
            }
        }
        return current;
    }

    static Choice choose(String setting, int javaFeature) {
        String wanted = setting.trim().toLowerCase(Locale.ROOT);
        Choice jdk = new Choice(null, "JDK " + Runtime.version().feature());
        switch (wanted) {
            case "jdk":
                return jdk;
            case "conscrypt":
                break;
            case "auto":
                if (javaFeature >= 20) {
                    return jdk; // intrinsified: faster than a JNI call per 64 KiB chunk
                }
                break;
            default:
                LOG.warn("{}={} is not one of auto, jdk, conscrypt: using auto", PROPERTY, setting);
                return choose("auto", javaFeature);
        }
        try {
            Provider conscrypt = conscrypt();
            Provider wrapped = new ConscryptChaCha(conscrypt);
            selfTest(wrapped);
            return new Choice(wrapped, "Conscrypt " + conscryptVersion() + " (BoringSSL)");
        } catch (LinkageError | Exception e) {
            if (wanted.equals("conscrypt")) {
                LOG.warn("Conscrypt does not load here ({}): age uses the JDK's ChaCha20-Poly1305", e.toString());
            } else {
                LOG.debug("Conscrypt does not load here ({}): age uses the JDK's ChaCha20-Poly1305", e.toString());
            }
            return jdk;
        }
    }

    private static String conscryptVersion() {
        org.conscrypt.Conscrypt.Version version = org.conscrypt.Conscrypt.version();
        return version == null ? "(version unknown)" : version.major() + "." + version.minor() + "." + version.patch();
    }

    /** A new Conscrypt provider; fails where its native library does not load here. */
    static Provider conscrypt() {
        // Its native library loads here, on first use of age, not at start-up.
        if (!org.conscrypt.Conscrypt.isAvailable()) {
            throw new IllegalStateException("no native library for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch"));
        }
        return org.conscrypt.Conscrypt.newProvider();
    }

    /**
     * Encrypts the same plaintext with the JDK and with {@code candidate}, and decrypts the result
     * with the candidate: the two must agree byte for byte, and a flipped bit must be refused.
     */
    static void selfTest(Provider candidate) throws GeneralSecurityException {
        byte[] key = new byte[32];
        byte[] nonce = new byte[12];
        byte[] plain = new byte[1000];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) (i * 31 + 7);
        }
        key[0] = 1;
        nonce[11] = 1;
        SecretKeySpec secret = new SecretKeySpec(key, "ChaCha20");
        Cipher reference = Cipher.getInstance(ALGORITHM);
        reference.init(Cipher.ENCRYPT_MODE, secret, new IvParameterSpec(nonce));
        byte[] expected = reference.doFinal(plain);
        // Through heap ByteBuffers at offsets, as Jagged calls it.
        Cipher encrypt = Cipher.getInstance(ALGORITHM, candidate);
        encrypt.init(Cipher.ENCRYPT_MODE, secret, new IvParameterSpec(nonce));
        byte[] in = new byte[plain.length + 7];
        System.arraycopy(plain, 0, in, 3, plain.length);
        ByteBuffer input = ByteBuffer.wrap(in, 3, plain.length);
        ByteBuffer output = ByteBuffer.allocate(expected.length + 9);
        output.position(5);
        int written = encrypt.doFinal(input, output);
        byte[] sealed = Arrays.copyOfRange(output.array(), 5, 5 + written);
        if (input.hasRemaining() || output.position() != 5 + written || !Arrays.equals(expected, sealed)) {
            throw new GeneralSecurityException(candidate.getName() + " encrypts differently from the JDK");
        }
        // And back, from a slice (an array offset as well as a position) into a buffer at a position.
        Cipher decrypt = Cipher.getInstance(ALGORITHM, candidate);
        decrypt.init(Cipher.DECRYPT_MODE, secret, new IvParameterSpec(nonce));
        byte[] padded = new byte[sealed.length + 11];
        System.arraycopy(sealed, 0, padded, 4, sealed.length);
        ByteBuffer sealedSlice = ByteBuffer.wrap(padded, 2, sealed.length + 4).slice();
        sealedSlice.position(2).limit(2 + sealed.length);
        ByteBuffer opened = ByteBuffer.allocate(plain.length + 7);
        opened.position(3);
        int read = decrypt.doFinal(sealedSlice, opened);
        if (read != plain.length || sealedSlice.hasRemaining()
                || !Arrays.equals(plain, Arrays.copyOfRange(opened.array(), 3, 3 + read))) {
            throw new GeneralSecurityException(candidate.getName() + " does not decrypt what it encrypted");
        }
        sealed[5] ^= 1;
        Cipher tampered = Cipher.getInstance(ALGORITHM, candidate);
        tampered.init(Cipher.DECRYPT_MODE, secret, new IvParameterSpec(nonce));
        try {
            tampered.doFinal(sealed);
        } catch (javax.crypto.AEADBadTagException refused) {
            return;
        }
        throw new GeneralSecurityException(candidate.getName() + " accepted a tampered message");
    }

    /**
     * Conscrypt's ChaCha20-Poly1305 under the name Jagged asks for. Its cipher is given heap buffers
     * (Jagged's chunks) as arrays: Conscrypt's own ByteBuffer path copies each heap buffer into a new
     * direct buffer, which only the garbage collector frees: +200 MB of native memory in a restore.
     */
    static final class ConscryptChaCha extends Provider {
        private static final long serialVersionUID = 1L;

        ConscryptChaCha(Provider conscrypt) {
            super("backup-router-" + conscrypt.getName(), "1", ALGORITHM + " from " + conscrypt.getName());
            putService(new Provider.Service(this, "Cipher", ALGORITHM, HeapBufferCipher.class.getName(), null, null) {
                @Override
                public Object newInstance(Object parameter) {
                    return new HeapBufferCipher();
                }
            });
        }
    }

    /** Conscrypt's cipher, fed heap buffers through their arrays. */
    static final class HeapBufferCipher extends org.conscrypt.OpenSSLAeadCipherChaCha20 {
        @Override
        protected int engineDoFinal(ByteBuffer input, ByteBuffer output)
                throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
            if (!input.hasArray() || !output.hasArray() || output.isReadOnly()) {
                return super.engineDoFinal(input, output);
            }
            int length = input.remaining();
            if (output.remaining() < engineGetOutputSize(length)) {
                throw new ShortBufferException("output buffer too small: " + output.remaining() + " bytes for "
                        + engineGetOutputSize(length));
            }
            int written = engineDoFinal(input.array(), input.arrayOffset() + input.position(), length, output.array(),
                    output.arrayOffset() + output.position());
            input.position(input.limit());
            output.position(output.position() + written);
            return written;
        }
    }
}
