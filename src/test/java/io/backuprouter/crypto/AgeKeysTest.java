package io.backuprouter.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgeKeysTest {
    @Test
    void aGeneratedRecipientEncryptsForItsIdentityOnly() throws Exception {
        AgeKeys.AgeKeyPair pair = AgeKeys.generate();
        AgeKeys.AgeKeyPair other = AgeKeys.generate();
        assertThat(pair.recipient()).startsWith("age1").hasSize(62);
        assertThat(pair.identity()).startsWith("AGE-SECRET-KEY-1");
        assertThat(pair.toString()).doesNotContain(pair.identity());

        byte[] plain = "the backup".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
        try (WritableByteChannel channel = new StandardEncryptingChannelFactory().newEncryptingChannel(
                Channels.newChannel(encrypted),
                List.of(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(pair.recipient())))) {
            channel.write(ByteBuffer.wrap(plain));
        }
        assertThat(new String(encrypted.toByteArray(), 0, 21, StandardCharsets.US_ASCII)).isEqualTo("age-encryption.org/v1");

        try (ReadableByteChannel channel = new StandardDecryptingChannelFactory().newDecryptingChannel(
                Channels.newChannel(new ByteArrayInputStream(encrypted.toByteArray())),
                List.of(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(pair.identity())))) {
            assertThat(Channels.newInputStream(channel).readAllBytes()).isEqualTo(plain);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            try (ReadableByteChannel channel = new StandardDecryptingChannelFactory().newDecryptingChannel(
                    Channels.newChannel(new ByteArrayInputStream(encrypted.toByteArray())),
                    List.of(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(other.identity())))) {
                Channels.newInputStream(channel).readAllBytes();
            }
        }).isInstanceOf(Exception.class);
    }

    @Test
    void theIdentityFileIsLaidOutLikeAgeKeygens() {
        AgeKeys.AgeKeyPair pair = AgeKeys.generate();
        List<String> lines = pair.identityFile().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("# created: ");
        assertThat(lines.get(1)).isEqualTo("# public key: " + pair.recipient());
        assertThat(lines.get(2)).isEqualTo(pair.identity());
    }
}
