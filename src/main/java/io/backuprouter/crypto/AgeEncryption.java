package io.backuprouter.crypto;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who can read what a job writes: X25519 recipients ({@code age1...}; only their identities can
 * decrypt, and the machine that backs up cannot), or a passphrase (whoever knows it can, the
 * backing-up machine included). age allows a passphrase only alone.
 */
public final class AgeEncryption {
    private final List<String> recipients;
    private final String passphrase;

    private AgeEncryption(List<String> recipients, String passphrase) {
        this.recipients = recipients;
        this.passphrase = passphrase;
    }

    public static AgeEncryption toRecipients(List<String> recipients) {
        return new AgeEncryption(List.copyOf(recipients), null);
    }

    public static AgeEncryption withPassphrase(String passphrase) {
        return new AgeEncryption(List.of(), passphrase);
    }

    public boolean usesPassphrase() {
        return passphrase != null;
    }

    /**
     * What tells this encryption from another without revealing a secret: {@code passphrase} (which
     * one only a passphrase can tell: see {@code JobState}'s passphrase check), or
     * {@code recipients:} and the SHA-256 of the recipients in order, one per line.
     */
    public String fingerprint() {
        if (passphrase != null) {
            return "passphrase";
        }
        String lines = String.join("\n", recipients.stream().map(String::trim).distinct().sorted().toList());
        return "recipients:" + java.util.HexFormat.of().formatHex(Digests.sha256().digest(lines.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
    }

    List<RecipientStanzaWriter> writers() throws IOException {
        if (passphrase != null) {
            return List.of(ScryptStanzas.writer(passphrase));
        }
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        for (String recipient : recipients) {
            if (AgeKeys.isIdentity(recipient)) {
                // Never repeated: it is the secret that reads every backup.
                throw new IOException("an age identity (a secret key, AGE-SECRET-KEY-...) is given where a recipient belongs:"
                        + " give its public key instead (age1..., which backup-router keygen prints beside the identity file)"
                        + ", and keep the identity off machines that only back up");
            }
            try {
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient.trim()));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("\"" + recipient + "\" is not an age X25519 recipient (age1...): " + e.getMessage(), e);
            }
        }
        return writers;
    }

    @Override
    public String toString() {
        return passphrase != null ? "a passphrase" : String.join(", ", recipients);
    }
}
