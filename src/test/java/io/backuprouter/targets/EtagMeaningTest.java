package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When an ETag is the MD5 of the content. The S3 servers the tests run (S3Proxy) refuse SSE-KMS and
 * SSE-C ("Server-side encryption is not supported"), so the answers for those come from the
 * headers AWS documents, checked here alone.
 */
class EtagMeaningTest {
    @Test
    void unencryptedAndSseS3EtagsAreMd5sAndSseKmsAndSseCEtagsAreNot() {
        assertThat(S3Store.etagIsContentMd5(null, null)).isTrue();
        assertThat(S3Store.etagIsContentMd5("AES256", null)).isTrue();
        assertThat(S3Store.etagIsContentMd5("aws:kms", null)).isFalse();
        assertThat(S3Store.etagIsContentMd5("aws:kms:dsse", null)).isFalse();
        assertThat(S3Store.etagIsContentMd5(null, "AES256")).as("SSE-C").isFalse();
        assertThat(S3Store.etagIsContentMd5("SM4", null)).as("an encryption not known to change ETags keeps the checks")
                .isTrue();
    }
}
