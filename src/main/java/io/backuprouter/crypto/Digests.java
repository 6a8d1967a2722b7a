package io.backuprouter.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message digests for the hot paths. MD5 (what S3 checks a body against, and what a single-part
 * ETag is) comes from Conscrypt's BoringSSL where its native library loads: as fast as the JDK's
 * compiled intrinsic, and fast from the first byte, where the JDK's runs as plain Java until the
 * JIT compiler gets to it (on two busy cores, a large share of a mirror's MD5 time). Same
 * algorithm, same output.
 */
public final class Digests {
    private static final Logger LOG = LoggerFactory.getLogger(Digests.class);

    private Digests() {
    }

    private static final class Native {
        static final Provider PROVIDER = load();

        private static Provider load() {
            try {
                Provider provider = ChaChaProvider.conscrypt();
                MessageDigest.getInstance("MD5", provider);
                return provider;
            } catch (LinkageError | Exception e) {
                LOG.debug("Conscrypt does not load here ({}): MD5 from the JDK", e.toString());
                return null;
            }
        }
    }

    /** A new SHA-256 digest (the JDK's, a compiled intrinsic): the one place every file and object hash comes from. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new MD5 digest. */
    public static MessageDigest md5() {
        try {
            Provider provider = Native.PROVIDER;
            return provider == null ? MessageDigest.getInstance("MD5") : MessageDigest.getInstance("MD5", provider);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
