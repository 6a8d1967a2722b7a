package io.backuprouter.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.security.Provider;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native ChaCha20-Poly1305 (Conscrypt) used before Java 20: chosen where it loads, the same
 * cipher as the JDK's byte for byte in both directions, damage refused, and no native memory left
 * behind per chunk.
 */
class ChaChaProviderTest {
    private static final String LINUX_X86_64 = "linux-x86_64";
    private static Provider conscrypt;
    private static AgeKeys.AgeKeyPair keys;

    @BeforeAll
    static void setUp() {
        keys = AgeKeys.generate();
        ChaChaProvider.Choice choice = ChaChaProvider.choose("conscrypt", 17);
        conscrypt = choice.provider();
    }

    private static boolean conscryptShipsForThisMachine() {
        String os = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch");
        return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    @Test
    void beforeJava20ConscryptIsChosenWhereItLoadsAndFromJava20TheJdk() {
        assumeTrue(conscryptShipsForThisMachine(), "Conscrypt's jar has a native library for " + LINUX_X86_64);
        assertThat(ChaChaProvider.choose("auto", 17).name()).startsWith("Conscrypt ").endsWith("(BoringSSL)");
        assertThat(ChaChaProvider.choose("auto", 17).provider()).isNotNull();
        assertThat(ChaChaProvider.choose("auto", 21).provider()).isNull();
        assertThat(ChaChaProvider.choose("jdk", 17).provider()).isNull();
        assertThat(ChaChaProvider.choose(" JDK ", 11).name()).startsWith("JDK ");
        assertThat(ChaChaProvider.choose("sideways", 17).name()).startsWith("Conscrypt ");
    }

    /** Sizes around age's 64 KiB chunk: empty, one partial chunk, exactly one, several plus a partial one. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65535, 65536, 65537, 3 * 65536 + 123})
    void whatOneEncryptsTheOtherDecrypts(int size) throws IOException {
        assumeTrue(conscrypt != null, "Conscrypt loads here");
        byte[] plain = new byte[size];
        new Random(size).nextBytes(plain);
        AgeEncryption to = AgeEncryption.toRecipients(List.of(keys.recipient()));
        AgeIdentity identity = AgeIdentity.of(keys.identity(), "test");

        byte[] byConscrypt = encrypt(plain, to, conscrypt);
        byte[] byJdk = encrypt(plain, to, null);
        assertThat(decrypt(byConscrypt, identity, null)).isEqualTo(plain);
        assertThat(decrypt(byJdk, identity, conscrypt)).isEqualTo(plain);
        assertThat(decrypt(byConscrypt, identity, conscrypt)).isEqualTo(plain);
        // The header (random file key and ephemeral share) differs; the payload's length does not.
        assertThat(byConscrypt).hasSameSizeAs(byJdk);
    }

    @Test
    void aDamagedChunkIsRefusedNotSkipped() throws IOException {
        assumeTrue(conscrypt != null, "Conscrypt loads here");
        byte[] plain = new byte[200_000];
        new Random(7).nextBytes(plain);
        byte[] sealed = encrypt(plain, AgeEncryption.toRecipients(List.of(keys.recipient())), conscrypt);
        sealed[sealed.length - 70_000] ^= 0x10; // inside the second chunk
        AgeIdentity identity = AgeIdentity.of(keys.identity(), "test");
        assertThatThrownBy(() -> decrypt(sealed, identity, conscrypt)).isInstanceOf(IOException.class);
    }

    @Test
    void aWrongIdentityIsReportedAsSuch() throws IOException {
        assumeTrue(conscrypt != null, "Conscrypt loads here");
        byte[] sealed = encrypt(new byte[100], AgeEncryption.toRecipients(List.of(keys.recipient())), conscrypt);
        AgeIdentity other = AgeIdentity.of(AgeKeys.generate().identity(), "test");
        assertThatThrownBy(() -> decrypt(sealed, other, conscrypt)).isInstanceOf(Age.WrongKeyException.class);
    }

    @Test
    void chunksLeaveNoDirectBuffersBehind() throws IOException {
        assumeTrue(conscrypt != null, "Conscrypt loads here");
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        AgeEncryption to = AgeEncryption.toRecipients(List.of(keys.recipient()));
        encrypt(new byte[70_000], to, conscrypt); // loads what a first use loads
        long before = direct.getTotalCapacity();
        byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Age.encrypt(OutputStream.nullOutputStream(), to, conscrypt)) {
            for (int i = 0; i < 16; i++) {
                out.write(chunk);
            }
        }
        // Conscrypt's own ByteBuffer path copies each 64 KiB chunk into a new direct buffer (32 MiB here),
        // freed only by a garbage collection.
        assertThat(direct.getTotalCapacity() - before).isLessThan(1024 * 1024);
    }

    private static byte[] encrypt(byte[] plain, AgeEncryption to, Provider provider) throws IOException {
        ByteArrayOutputStream sealed = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(sealed, to, provider)) {
            out.write(plain);
        }
        return sealed.toByteArray();
    }

    private static byte[] decrypt(byte[] sealed, AgeIdentity identity, Provider provider) throws IOException {
        try (InputStream in = Age.decrypt(new ByteArrayInputStream(sealed), identity, provider)) {
            return in.readAllBytes();
        }
    }
}
