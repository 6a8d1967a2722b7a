package io.backuprouter.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DigestsTest {
    @Test
    void md5IsNativeWhereConscryptLoadsAndAgreesWithTheJdk() throws Exception {
        assertThat(HexFormat.of().formatHex(Digests.md5().digest("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII))))
                .isEqualTo("900150983cd24fb0d6963f7d28e17f72"); // RFC 1321's test suite
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        MessageDigest md5 = Digests.md5();
        md5.update(data, 0, 100);
        md5.update(data, 100, data.length - 100);
        assertThat(md5.digest()).isEqualTo(MessageDigest.getInstance("MD5").digest(data));
        if (org.conscrypt.Conscrypt.isAvailable()) {
            assertThat(Digests.md5().getProvider().getName()).isEqualTo("Conscrypt");
        }
    }
}
