package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Which plain-http requests go as {@code UNSIGNED-PAYLOAD}, and that the request comes back with its
 * own scheme and port and the {@code Host} header the SDK signs for the http request itself (no
 * port for http on 80, the port for any other). The end-to-end proof that servers accept these
 * signatures is TransitCorruptionIT's control uploads.
 */
class PlainHttpSigningTest {
    private static final byte[] BODY = "body".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @CsvSource({
            "http://example.com:80,   true,  UNSIGNED-PAYLOAD, example.com",
            // A header that is no MD5 does not count.
            "http://example.com:80,   garbage, sha256,         example.com",
            "http://example.com:9000, true,  UNSIGNED-PAYLOAD, example.com:9000",
            "http://example.com:80,   false, sha256,           example.com",
            "http://example.com:9000, false, sha256,           example.com:9000",
            // No https twin has the same Host header as http on 443: signed as it is.
            "http://example.com:443,  true,  sha256,           example.com:443",
            "https://example.com:443, true,  UNSIGNED-PAYLOAD, example.com",
            "https://example.com:443, false, UNSIGNED-PAYLOAD, example.com",
    })
    void bodiesWithAnMd5GoUnsignedOverHttp(String endpoint, String withMd5, String payloadHash, String host) {
        URI uri = URI.create(endpoint + "/bucket/key");
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(uri);
        if (withMd5.equals("true")) {
            request.putHeader("Content-MD5", "VsIO2Wm9eO9vnRxDBdmaTw==");
        } else if (withMd5.equals("garbage")) {
            request.putHeader("Content-MD5", "bm90IGFuIG1kNQ==");
        }
        SignedRequest signed = new PlainHttpSigning().signer().sign(
                SignRequest.builder(AwsCredentialsIdentity.create("AKIDEXAMPLE", "secret"))
                        .request(request.build())
                        .payload(() -> new ByteArrayInputStream(BODY))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                        // as the S3 client asks: the SDK signs bodies over http all the same
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                        .build());

        SdkHttpRequest out = signed.request();
        assertThat(out.protocol()).isEqualTo(uri.getScheme());
        assertThat(out.port()).isEqualTo(uri.getPort());
        assertThat(out.firstMatchingHeader("Host")).contains(host);
        assertThat(out.firstMatchingHeader("Authorization")).get().asString().startsWith("AWS4-HMAC-SHA256 ");
        String hash = out.firstMatchingHeader("x-amz-content-sha256").orElseThrow();
        if (payloadHash.equals("sha256")) {
            // SHA-256 of "body"
            assertThat(hash).isEqualTo("230d8358dc8e8890b4c58deeb62912ee2f20357ae92a5cc861b98e68fe31acb5");
        } else {
            assertThat(hash).isEqualTo(payloadHash);
        }
    }
}
