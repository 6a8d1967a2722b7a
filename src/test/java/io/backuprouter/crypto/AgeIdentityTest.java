package io.backuprouter.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgeIdentityTest {
    @TempDir
    Path dir;

    @Test
    void aFileWithSeveralIdentitiesReadsWhatAnyOfThemCanAsAgeDoes() throws IOException {
        AgeKeys.AgeKeyPair old = AgeKeys.generate();
        AgeKeys.AgeKeyPair current = AgeKeys.generate();
        // Both keys kept in one file while snapshots made with the old one remain.
        Path both = Files.writeString(dir.resolve("identities.txt"), old.identityFile() + current.identityFile());

        AgeIdentity identity = AgeIdentity.read(both);

        assertThat(identity.recipients()).containsExactly(old.recipient(), current.recipient());
        assertThat(identity.toString()).doesNotContain("AGE-SECRET-KEY");
        assertThat(decrypt(encrypt("made with the old key", old.recipient()), identity)).isEqualTo("made with the old key");
        assertThat(decrypt(encrypt("made with the new key", current.recipient()), identity)).isEqualTo("made with the new key");
    }

    @Test
    void severalIdentityFilesAreTriedTogetherAsRepeatedIdentityOptionsAre() throws IOException {
        AgeKeys.AgeKeyPair old = AgeKeys.generate();
        AgeKeys.AgeKeyPair current = AgeKeys.generate();
        Path oldFile = Files.writeString(dir.resolve("old.txt"), old.identityFile());
        Path currentFile = Files.writeString(dir.resolve("current.txt"), current.identityFile());

        AgeIdentity identity = AgeIdentity.read(List.of(oldFile, currentFile));

        assertThat(identity.recipients()).containsExactly(old.recipient(), current.recipient());
        assertThat(decrypt(encrypt("old", old.recipient()), identity)).isEqualTo("old");
        assertThat(decrypt(encrypt("new", current.recipient()), identity)).isEqualTo("new");
    }

    static byte[] encrypt(String text, String recipient) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(bytes, List.of(recipient))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    static String decrypt(byte[] encrypted, AgeIdentity identity) throws IOException {
        try (InputStream in = Age.decrypt(new ByteArrayInputStream(encrypted), identity)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
