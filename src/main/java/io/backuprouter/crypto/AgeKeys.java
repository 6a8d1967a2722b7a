package io.backuprouter.crypto;

import com.exceptionfactory.jagged.x25519.X25519KeyFactory;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import java.nio.charset.StandardCharsets;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * age X25519 key pairs. The identity ({@code AGE-SECRET-KEY-1...}) decrypts and stays on the
 * machines that restore; the recipient ({@code age1...}) encrypts and is all a backup needs.
 * Both are the formats of {@code age-keygen}, so the age command-line tool reads them.
 */
public final class AgeKeys {
    private AgeKeys() {
    }

    /**
     * A new key pair.
     *
     * @param identity the secret key, {@code AGE-SECRET-KEY-1...}
     * @param recipient the public key, {@code age1...}
     */
    public record AgeKeyPair(String identity, String recipient) {
        /** The identity file's text, laid out as age-keygen writes it. */
        public String identityFile() {
            String created = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                    .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return "# created: " + created + "\n# public key: " + recipient + "\n" + identity + "\n";
        }

        @Override
        public String toString() {
            return "AgeKeyPair[recipient=" + recipient + "]";
        }
    }

    /** Whether the text is an age identity (a secret key, {@code AGE-SECRET-KEY-1...}), in any letter case. */
    public static boolean isIdentity(String text) {
        return text.trim().toUpperCase(java.util.Locale.ROOT).startsWith("AGE-SECRET-KEY-");
    }

    /**
     * The recipient ({@code age1...}) of an identity ({@code AGE-SECRET-KEY-1...}).
     *
     * @throws IllegalArgumentException when the text is not an age X25519 identity
     */
    public static String recipientOf(String identity) {
        try {
            return new X25519KeyFactory().translateKey(
                    new SecretKeySpec(identity.trim().getBytes(StandardCharsets.US_ASCII), "X25519")).toString();
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("not an age identity (AGE-SECRET-KEY-1...)", e);
        }
    }

    public static AgeKeyPair generate() {
        try {
            KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
            return new AgeKeyPair(pair.getPrivate().toString(), pair.getPublic().toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("X25519 key generation is not available in this JVM", e);
        }
    }
}
