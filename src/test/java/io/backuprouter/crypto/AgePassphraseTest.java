package io.backuprouter.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** age's passphrase (scrypt) recipient: our files and the age command's files read both ways. */
class AgePassphraseTest {
    static final String PASSPHRASE = "correct horse battery";

    @Test
    void aPassphraseEncryptsAndOnlyThatPassphraseDecrypts() throws Exception {
        ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(encrypted, AgeEncryption.withPassphrase(PASSPHRASE))) {
            out.write("the backup".getBytes(StandardCharsets.UTF_8));
        }
        String header = encrypted.toString(StandardCharsets.ISO_8859_1);
        assertThat(header).startsWith("age-encryption.org/v1\n-> scrypt ").contains(" 16\n");

        try (InputStream in = Age.decrypt(new ByteArrayInputStream(encrypted.toByteArray()),
                AgeIdentity.passphrase(PASSPHRASE, "test"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("the backup");
        }
        assertThatThrownBy(() -> Age.decrypt(new ByteArrayInputStream(encrypted.toByteArray()),
                AgeIdentity.passphrase("wrong horse", "test")).readAllBytes()).isInstanceOf(Age.WrongKeyException.class);
        assertThatThrownBy(() -> Age.decrypt(new ByteArrayInputStream(encrypted.toByteArray()),
                AgeIdentity.of(AgeKeys.generate().identity(), "test")).readAllBytes()).isInstanceOf(Age.WrongKeyException.class);
    }

    @Test
    void aFileTheAgeCommandEncryptedWithAPassphraseDecrypts() throws Exception {
        // Made with: age -p -o passphrase-by-age-cli.age plain.txt (age 1.1.1, passphrase above, work factor 18)
        try (InputStream in = Age.decrypt(Files.newInputStream(Path.of("src/test/resources/format/v1/passphrase-by-age-cli.age")),
                AgeIdentity.passphrase(PASSPHRASE, "test"))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("made by age\n");
        }
    }
}
