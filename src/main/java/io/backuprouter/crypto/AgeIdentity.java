package io.backuprouter.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * An age X25519 identity read from a file in age-keygen's format (comments, then
 * {@code AGE-SECRET-KEY-1...}). Its {@link #toString()} never shows the secret.
 */
public final class AgeIdentity {
    private final String secret;
    private final String recipient;
    private final String source;

    private AgeIdentity(String secret, String recipient, String source) {
        this.secret = secret;
        this.recipient = recipient;
        this.source = source;
    }

    /**
     * Reads the first identity in the file.
     *
     * @throws IOException naming the file when it is missing or holds no identity
     */
    public static AgeIdentity read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException("identity file " + file + " does not exist", e);
        }
        String secret = lines.stream().map(String::trim).filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst()
                .orElseThrow(() -> new IOException("identity file " + file
                        + " holds no age identity (a line starting with AGE-SECRET-KEY-1)"));
        return of(secret, file.toString());
    }

    /** An identity from its text ({@code AGE-SECRET-KEY-1...}); {@code source} names where it came from. */
    public static AgeIdentity of(String secret, String source) throws IOException {
        try {
            return new AgeIdentity(secret, AgeKeys.recipientOf(secret), source);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + " holds no valid age identity: " + e.getMessage(), e);
        }
    }

    /** An identity that is a passphrase (age's scrypt recipient). */
    public static AgeIdentity passphrase(String passphrase, String source) {
        return new AgeIdentity(passphrase, null, source);
    }

    com.exceptionfactory.jagged.RecipientStanzaReader reader() throws java.security.GeneralSecurityException {
        return recipient == null ? ScryptStanzas.reader(secret)
                : com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(secret);
    }

    /** Whether this is a passphrase rather than an X25519 identity. */
    public boolean isPassphrase() {
        return recipient == null;
    }

    /** The matching recipient ({@code age1...}), or "a passphrase". */
    public String recipient() {
        return recipient == null ? "a passphrase" : recipient;
    }

    @Override
    public String toString() {
        return "age identity from " + source + " (" + (recipient == null ? "passphrase" : "recipient " + recipient) + ")";
    }
}
