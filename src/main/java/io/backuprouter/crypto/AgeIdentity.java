package io.backuprouter.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The age X25519 identities of a file in age-keygen's format (comments, then one or more
 * {@code AGE-SECRET-KEY-1...} lines), or a passphrase. As with {@code age -d -i}, every identity
 * in the file is tried: keep the old key beside the new one while snapshots made with it remain.
 * Its {@link #toString()} never shows a secret.
 */
public final class AgeIdentity {
    private final List<String> secrets;
    private final List<String> recipients;
    private final String source;

    private AgeIdentity(List<String> secrets, List<String> recipients, String source) {
        this.secrets = secrets;
        this.recipients = recipients;
        this.source = source;
    }

    /**
     * Reads every identity in the file.
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
        List<String> secrets = lines.stream().map(String::trim).filter(l -> l.startsWith("AGE-SECRET-KEY-1")).toList();
        if (secrets.isEmpty()) {
            throw new IOException("identity file " + file + " holds no age identity (a line starting with AGE-SECRET-KEY-1)");
        }
        return of(secrets, file.toString());
    }

    /** Every identity in these files, tried in order (as {@code age -d -i a -i b}). */
    public static AgeIdentity read(List<Path> files) throws IOException {
        if (files.size() == 1) {
            return read(files.get(0));
        }
        List<String> secrets = new java.util.ArrayList<>();
        for (Path file : files) {
            secrets.addAll(read(file).secrets);
        }
        return of(secrets, String.join(", ", files.stream().map(Path::toString).toList()));
    }

    /** An identity from its text ({@code AGE-SECRET-KEY-1...}); {@code source} names where it came from. */
    public static AgeIdentity of(String secret, String source) throws IOException {
        return of(List.of(secret), source);
    }

    private static AgeIdentity of(List<String> secrets, String source) throws IOException {
        List<String> recipients = new java.util.ArrayList<>();
        for (String secret : secrets) {
            try {
                recipients.add(AgeKeys.recipientOf(secret));
            } catch (IllegalArgumentException e) {
                throw new IOException(source + " holds no valid age identity: " + e.getMessage(), e);
            }
        }
        return new AgeIdentity(List.copyOf(secrets), List.copyOf(recipients), source);
    }

    /** An identity that is a passphrase (age's scrypt recipient). */
    public static AgeIdentity passphrase(String passphrase, String source) {
        return new AgeIdentity(List.of(passphrase), List.of(), source);
    }

    List<com.exceptionfactory.jagged.RecipientStanzaReader> readers() throws java.security.GeneralSecurityException {
        if (isPassphrase()) {
            return List.of(ScryptStanzas.reader(secrets.get(0)));
        }
        List<com.exceptionfactory.jagged.RecipientStanzaReader> readers = new java.util.ArrayList<>();
        for (String secret : secrets) {
            readers.add(com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(secret));
        }
        return readers;
    }

    /** Whether this is a passphrase rather than X25519 identities. */
    public boolean isPassphrase() {
        return recipients.isEmpty();
    }

    /** The matching recipients ({@code age1...}), comma-separated, or "a passphrase". */
    public String recipient() {
        return isPassphrase() ? "a passphrase" : String.join(", ", recipients);
    }

    /** The matching recipients ({@code age1...}); empty for a passphrase. */
    public List<String> recipients() {
        return recipients;
    }

    @Override
    public String toString() {
        return "age identity from " + source + " (" + (isPassphrase() ? "passphrase" : "recipient " + recipient()) + ")";
    }
}
