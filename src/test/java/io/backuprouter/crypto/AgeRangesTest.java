package io.backuprouter.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ranges of age files decrypt on their own, fetching the header and the chunks that hold them. */
class AgeRangesTest {
    static final int CHUNK = 65536;
    static final int SEALED = CHUNK + 16;
    static final AgeKeys.AgeKeyPair KEY = AgeKeys.generate();

    /** An object held in memory, read by ranges as a store's ranged GET reads it; it remembers what was asked. */
    static final class Stored implements AgeRanges.ByteRanges {
        final byte[] bytes;
        final List<long[]> asked = new ArrayList<>();

        Stored(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public InputStream read(long offset, long length) {
            asked.add(new long[] {offset, length});
            int from = (int) Math.min(offset, bytes.length);
            int to = (int) Math.min(offset + length, bytes.length);
            return new ByteArrayInputStream(bytes, from, to - from);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] encrypt(byte[] plain, AgeEncryption encryption) throws IOException {
        ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(encrypted, encryption)) {
            out.write(plain);
        }
        return encrypted.toByteArray();
    }

    static byte[] encrypt(byte[] plain) throws IOException {
        return encrypt(plain, AgeEncryption.toRecipients(List.of(KEY.recipient())));
    }

    static AgeIdentity identity() throws IOException {
        return AgeIdentity.of(KEY.identity(), "test");
    }

    static byte[] read(AgeRanges ranges, long offset, long length) throws IOException {
        try (InputStream in = ranges.read(offset, length)) {
            return in.readAllBytes();
        }
    }

    /** Every range asked for, of every kind, compared with the plaintext. */
    static void assertRangesMatch(byte[] plain, byte[] encrypted, AgeIdentity identity, long seed) throws IOException {
        try (AgeRanges ranges = AgeRanges.open(new Stored(encrypted), encrypted.length, identity)) {
            int size = plain.length;
            assertThat(ranges.plaintextSize()).isEqualTo(size);
            List<int[]> wanted = new ArrayList<>(List.of(new int[] {0, size}, new int[] {size, 0}, new int[] {0, 0}));
            if (size > 0) {
                wanted.add(new int[] {size - 1, 1});
                wanted.add(new int[] {0, 1});
            }
            for (int boundary = CHUNK; boundary < size; boundary += CHUNK) {
                wanted.add(new int[] {boundary - 1, 2});
                wanted.add(new int[] {boundary - 1000, Math.min(CHUNK + 2000, size - boundary + 1000)});
                wanted.add(new int[] {boundary, size - boundary});
            }
            Random random = new Random(seed);
            for (int i = 0; i < 30 && size > 0; i++) {
                int offset = random.nextInt(size);
                wanted.add(new int[] {offset, random.nextInt(Math.min(size - offset, 3 * CHUNK) + 1)});
            }
            for (int[] range : wanted) {
                assertThat(read(ranges, range[0], range[1])).as("%d bytes from %d of %d", range[1], range[0], size)
                        .isEqualTo(Arrays.copyOfRange(plain, range[0], range[0] + range[1]));
            }
        }
    }

    @Test
    void rangesOfContentOfEverySizeReadAsTheContent() throws IOException {
        for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 1_000_003, 16 * CHUNK}) {
            byte[] plain = random(size, size);
            assertRangesMatch(plain, encrypt(plain), identity(), size);
        }
    }

    @Test
    void aPassphraseFileReadsInRanges() throws IOException {
        byte[] plain = random(2 * CHUNK + 77, 5);
        byte[] encrypted = encrypt(plain, AgeEncryption.withPassphrase(AgePassphraseTest.PASSPHRASE));
        assertRangesMatch(plain, encrypted, AgeIdentity.passphrase(AgePassphraseTest.PASSPHRASE, "test"), 5);
        assertThatThrownBy(() -> AgeRanges.open(new Stored(encrypted), encrypted.length,
                AgeIdentity.passphrase("wrong horse", "test"))).isInstanceOf(Age.WrongKeyException.class);
    }

    @Test
    void theAgeCommandsPassphraseFileReadsInRanges() throws IOException {
        // Made with age 1.1.1 -p (work factor 18): see AgePassphraseTest.
        byte[] encrypted = Files.readAllBytes(Path.of("src/test/resources/format/v1/passphrase-by-age-cli.age"));
        try (AgeRanges ranges = AgeRanges.open(new Stored(encrypted), encrypted.length,
                AgeIdentity.passphrase(AgePassphraseTest.PASSPHRASE, "test"))) {
            assertThat(new String(read(ranges, 5, 3), StandardCharsets.UTF_8)).isEqualTo("by ");
            assertThat(new String(read(ranges, 0, ranges.plaintextSize()), StandardCharsets.UTF_8)).isEqualTo("made by age\n");
        }
    }

    @Test
    void aRangeFetchesTheHeaderSliceAndOnlyTheChunksThatHoldIt() throws IOException {
        byte[] plain = random(16 * CHUNK + 100, 7);
        byte[] encrypted = encrypt(plain);
        Stored stored = new Stored(encrypted);
        try (AgeRanges ranges = AgeRanges.open(stored, encrypted.length, identity())) {
            assertThat(ranges.bytesFetched()).isEqualTo(AgeRanges.HEADER_SLICE);
            long payloadStart = AgeRanges.headerEnd(encrypted, encrypted.length) + 16;

            assertThat(read(ranges, 3L * CHUNK + 10, CHUNK)).isEqualTo(Arrays.copyOfRange(plain, 3 * CHUNK + 10, 4 * CHUNK + 10));
            assertThat(ranges.bytesFetched()).isEqualTo(AgeRanges.HEADER_SLICE + 2L * SEALED);
            assertThat(stored.asked.get(stored.asked.size() - 1)).containsExactly(payloadStart + 3L * SEALED, 2L * SEALED);

            assertThat(read(ranges, plain.length - 1, 1)).containsExactly(plain[plain.length - 1]);
            assertThat(ranges.bytesFetched()).isEqualTo(AgeRanges.HEADER_SLICE + 2L * SEALED + 116);
            assertThat(stored.asked.get(stored.asked.size() - 1)).containsExactly(payloadStart + 16L * SEALED, 116L);

            assertThat(read(ranges, 5, 0)).isEmpty();
            assertThat(stored.asked).hasSize(3);
            assertThat(stored.asked).allSatisfy(asked -> assertThat(asked[0] + asked[1]).isLessThanOrEqualTo(encrypted.length));
        }
    }

    /** An X25519 recipient line takes 98 bytes: 41 end the header 8 bytes before the first slice ends, 61 after it. */
    @Test
    void aHeaderOrNonceReachingPastTheFirstSliceIsReadInFull() throws IOException {
        for (int count : new int[] {41, 61}) {
            List<String> recipients = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                recipients.add(AgeKeys.generate().recipient());
            }
            recipients.add(KEY.recipient());
            byte[] plain = random(CHUNK + 3, count);
            byte[] encrypted = encrypt(plain, AgeEncryption.toRecipients(recipients));
            assertThat(AgeRanges.headerEnd(encrypted, encrypted.length) + 16).isGreaterThan(AgeRanges.HEADER_SLICE);
            assertRangesMatch(plain, encrypted, identity(), count);
        }
    }

    @Test
    void aFlippedByteInAChunkOfTheRangeFailsAsDamageAndOneOutsideItDoesNotMatter() throws IOException {
        byte[] plain = random(5 * CHUNK + 9, 11);
        byte[] encrypted = encrypt(plain);
        int payloadStart = AgeRanges.headerEnd(encrypted, encrypted.length) + 16;
        encrypted[payloadStart + 2 * SEALED + 500] ^= 1;
        try (AgeRanges ranges = AgeRanges.open(new Stored(encrypted), encrypted.length, identity())) {
            assertThat(read(ranges, 0, 2 * CHUNK)).isEqualTo(Arrays.copyOf(plain, 2 * CHUNK));
            assertThat(read(ranges, 3 * CHUNK, plain.length - 3 * CHUNK))
                    .isEqualTo(Arrays.copyOfRange(plain, 3 * CHUNK, plain.length));
            for (long[] range : new long[][] {{2L * CHUNK + 7, 1}, {CHUNK, 2L * CHUNK}, {0, plain.length}}) {
                assertThatThrownBy(() -> read(ranges, range[0], range[1])).isInstanceOf(IOException.class)
                        .isNotInstanceOf(Age.WrongKeyException.class)
                        .hasMessageStartingWith("the encrypted content is damaged or cut short")
                        .hasMessageContaining("part 3 of 6").hasMessageContaining("fails its authentication check");
            }
        }
    }

    @Test
    void aDamagedLastChunkFailsOnlyTheRangesThatReachIt() throws IOException {
        byte[] plain = random(2 * CHUNK + 40, 13);
        byte[] encrypted = encrypt(plain);
        encrypted[encrypted.length - 1] ^= 0x40;
        try (AgeRanges ranges = AgeRanges.open(new Stored(encrypted), encrypted.length, identity())) {
            assertThat(read(ranges, 0, 2 * CHUNK)).isEqualTo(Arrays.copyOf(plain, 2 * CHUNK));
            assertThatThrownBy(() -> read(ranges, 2 * CHUNK, 1)).hasMessageContaining("part 3 of 3")
                    .hasMessageStartingWith("the encrypted content is damaged");
        }
    }

    @Test
    void aWrongIdentityIsAWrongKey() throws IOException {
        byte[] encrypted = encrypt(random(CHUNK + 1, 17));
        assertThatThrownBy(() -> AgeRanges.open(new Stored(encrypted), encrypted.length,
                AgeIdentity.of(AgeKeys.generate().identity(), "other"))).isInstanceOf(Age.WrongKeyException.class)
                .hasMessageContaining("cannot decrypt it").hasMessageNotContaining("AGE-SECRET-KEY");
    }

    @Test
    void anObjectShorterThanItsListingIsDamage() throws IOException {
        byte[] plain = random(3 * CHUNK + 5, 19);
        byte[] encrypted = encrypt(plain);
        byte[] cut = Arrays.copyOf(encrypted, encrypted.length - SEALED);
        try (AgeRanges ranges = AgeRanges.open(new Stored(cut), encrypted.length, identity())) {
            assertThat(read(ranges, 0, CHUNK)).isEqualTo(Arrays.copyOf(plain, CHUNK));
            assertThatThrownBy(() -> read(ranges, 2 * CHUNK, 10)).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("the encrypted content is damaged or cut short")
                    .hasMessageContaining("ends after " + cut.length + " bytes, where its listing says " + encrypted.length);
        }
        byte[] headerOnly = Arrays.copyOf(encrypted, 1000);
        assertThatThrownBy(() -> AgeRanges.open(new Stored(headerOnly), encrypted.length, identity()))
                .isInstanceOf(Age.DamagedException.class).hasMessageContaining("cut short");
        byte[] insideHeader = Arrays.copyOf(encrypted, 60);
        assertThatThrownBy(() -> AgeRanges.open(new Stored(insideHeader), encrypted.length, identity()))
                .isInstanceOf(Age.DamagedException.class).hasMessageContaining("its age header is damaged or cut short");
    }

    @Test
    void aListedSizeThatLeavesAnImpossibleLastChunkIsDamage() throws IOException {
        byte[] encrypted = encrypt(random(2 * CHUNK, 23));
        for (int extra : new int[] {5, 16}) {
            byte[] longer = Arrays.copyOf(encrypted, encrypted.length + extra);
            assertThatThrownBy(() -> AgeRanges.open(new Stored(longer), longer.length, identity()))
                    .hasMessageStartingWith("the encrypted content is damaged or cut short")
                    .hasMessageContaining("a last part of " + extra + " bytes");
        }
    }

    /** Cut at every byte of the header and a little after, and damaged in its lines: told apart as Age.decrypt tells them. */
    @Test
    void headerFailuresAreClassifiedAsAgeDecryptClassifiesThem() throws IOException {
        byte[] encrypted = encrypt(random(100, 29));
        int payloadStart = AgeRanges.headerEnd(encrypted, encrypted.length) + 16;
        List<byte[]> damaged = new ArrayList<>(List.of(new byte[0], "hello, not age".getBytes(StandardCharsets.US_ASCII)));
        for (int cut = 0; cut < payloadStart + 16; cut++) {
            damaged.add(Arrays.copyOf(encrypted, cut));
        }
        for (int at : new int[] {3, 30, 60, payloadStart - 30, payloadStart - 17, payloadStart - 10}) {
            byte[] flipped = encrypted.clone();
            flipped[at] ^= 1;
            damaged.add(flipped);
        }
        for (byte[] object : damaged) {
            Throwable byAge = catchThrowable(() -> Age.decrypt(new ByteArrayInputStream(object), identity()).readAllBytes());
            Throwable byRanges = catchThrowable(() -> {
                try (AgeRanges ranges = AgeRanges.open(new Stored(object), object.length, identity())) {
                    read(ranges, 0, ranges.plaintextSize());
                }
            });
            String what = object.length + " bytes, from " + new String(object, 0, Math.min(object.length, 40), StandardCharsets.ISO_8859_1);
            assertThat(byAge).as(what).isInstanceOf(IOException.class);
            assertThat(byRanges).as(what).isExactlyInstanceOf(byAge.getClass());
            if (byAge instanceof Age.DamagedException || byAge instanceof Age.WrongKeyException) {
                assertThat(byRanges).as(what).hasMessage(byAge.getMessage());
            }
        }
    }

    @Test
    void ageDecryptNamesAHeaderCutShortInsideItsLastLine() throws IOException {
        byte[] encrypted = encrypt(random(10, 31));
        byte[] cut = Arrays.copyOf(encrypted, AgeRanges.headerEnd(encrypted, encrypted.length) - 1);
        assertThatThrownBy(() -> Age.decrypt(new ByteArrayInputStream(cut), identity()))
                .isInstanceOf(Age.DamagedException.class).hasMessageContaining("its age header is damaged or cut short");
    }

    /** The JDK's ChaCha20-Poly1305 and Conscrypt's (where it loads: the default before Java 20) read the same. */
    @Test
    void eitherCipherProviderReadsRangesAndRefusesDamage() throws IOException {
        byte[] plain = random(3 * CHUNK + 5, 41);
        byte[] encrypted = encrypt(plain);
        encrypted[encrypted.length - 3] ^= 1;
        for (java.security.Provider provider : Arrays.asList(null, ChaChaProvider.choose("conscrypt", 17).provider())) {
            try (AgeRanges ranges = AgeRanges.open(new Stored(encrypted), encrypted.length, identity(), provider)) {
                assertThat(read(ranges, 100, 3 * CHUNK - 100)).as("%s", provider).isEqualTo(Arrays.copyOfRange(plain, 100, 3 * CHUNK));
                assertThatThrownBy(() -> read(ranges, 3 * CHUNK, 5)).as("%s", provider).hasMessageContaining("part 4 of 4");
            }
        }
    }

    @Test
    void chunkNoncesAreTheBigEndianCounterAndTheLastFlag() {
        assertThat(AgeRanges.nonce(0, false)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(AgeRanges.nonce(0x0102, true)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1);
        assertThat(AgeRanges.nonce(0x0A0B0C0D0E0F1011L, false)).containsExactly(0, 0, 0, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
                0x10, 0x11, 0);
    }

    @Test
    void rangesOutsideTheContentAreRefused() throws IOException {
        byte[] encrypted = encrypt(random(100, 37));
        try (AgeRanges ranges = AgeRanges.open(new Stored(encrypted), encrypted.length, identity())) {
            assertThatThrownBy(() -> ranges.read(90, 11)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not within the decrypted content (100 bytes)");
            assertThatThrownBy(() -> ranges.read(-1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ranges.read(1, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
