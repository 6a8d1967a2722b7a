package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.config.TargetSettings;
import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * A body altered on its way to the service (after the SDK signed the request) is refused, on both
 * the lenient and the strict server. The in-memory uploads a mirror makes carry their MD5 as
 * Content-MD5, which catches it, and go over plain http as {@code UNSIGNED-PAYLOAD} (no SHA-256 of
 * the body in the signature: see {@link PlainHttpSigning}); file uploads (a backup's archives) carry
 * no MD5, and the signed SHA-256 of the body catches it. A control upload through the same stack,
 * unaltered, lands.
 */
class TransitCorruptionIT {
    @RegisterExtension
    static final TestS3Server LENIENT = TestS3Server.lenient();
    @RegisterExtension
    static final TestS3Server STRICT = TestS3Server.strict();

    /** Flips one bit of every PUT body while it is sent, when armed. */
    static final class FlippingHttpClient implements SdkHttpClient {
        private final SdkHttpClient delegate = ApacheHttpClient.create();
        volatile boolean armed;
        final AtomicInteger flipped = new AtomicInteger();
        /** Each PUT with a body, by path: its x-amz-content-sha256 and whether it had a Content-MD5. */
        final Map<String, String> payloadHashes = new ConcurrentHashMap<>();

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            if (request.httpRequest().method() == SdkHttpMethod.PUT && request.contentStreamProvider().isPresent()) {
                var http = request.httpRequest();
                payloadHashes.put(http.encodedPath().substring(http.encodedPath().lastIndexOf('/') + 1),
                        http.firstMatchingHeader("x-amz-content-sha256").orElse("none")
                                + (http.firstMatchingHeader("Content-MD5").isPresent() ? " +md5" : ""));
            }
            if (armed && request.httpRequest().method() == SdkHttpMethod.PUT && request.contentStreamProvider().isPresent()) {
                var original = request.contentStreamProvider().get();
                request = HttpExecuteRequest.builder().request(request.httpRequest())
                        .contentStreamProvider(() -> flipping(original.newStream())).build();
            }
            return delegate.prepareRequest(request);
        }

        private InputStream flipping(InputStream in) {
            return new FilterInputStream(in) {
                private long position;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    return b < 0 ? b : alter(b, position++);
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    for (int i = 0; i < n; i++) {
                        buffer[offset + i] = (byte) alter(buffer[offset + i] & 0xff, position++);
                    }
                    return n;
                }

                private int alter(int b, long at) {
                    if (at == 1000) {
                        flipped.incrementAndGet();
                        return b ^ 0x01;
                    }
                    return b;
                }
            };
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"lenient minio", "strict minio", "lenient aws"})
    void anAlteredBodyIsRefusedAndNothingLands(String serverAndPreset) throws Exception {
        String[] words = serverAndPreset.split(" ");
        TestS3Server server = words[0].equals("lenient") ? LENIENT : STRICT;
        String bucket = server.createBucket();
        // minio: whole bodies; aws: aws-chunked bodies. In-memory uploads with Content-MD5 in both.
        TargetSettings settings = TestTargets.s3("t", server, bucket, "root", words[1]);
        assertThat(settings.endpoint().getScheme()).isEqualTo("http");
        FlippingHttpClient http = new FlippingHttpClient();
        byte[] content = new byte[6 * 1024 * 1024];
        new Random(3).nextBytes(content);
        Path file = Files.write(dir.resolve("archive"), content);
        boolean chunked = words[1].equals("aws");
        try (S3Store store = new S3Store(settings, S3Clients.builder(settings).httpClient(http).build())) {
            // Control: the same stack, unaltered, stores both kinds of upload.
            store.put("whole-ok", content, content.length, ObjectAttributes.NONE);
            try (S3Parts parts = store.startParts("parts-ok", ObjectAttributes.NONE)) {
                parts.send(1, content, content.length).get();
                parts.complete();
            }
            store.put("file-ok", file);
            assertThat(store.stat("whole-ok")).get().extracting(ObjectInfo::size).isEqualTo((long) content.length);
            assertThat(store.stat("parts-ok")).get().extracting(ObjectInfo::size).isEqualTo((long) content.length);
            assertThat(store.stat("file-ok")).get().extracting(ObjectInfo::size).isEqualTo((long) content.length);
            // Over plain http, a body with its MD5 goes unsigned; one without (a file) is signed with its SHA-256.
            String unsigned = chunked ? "STREAMING-UNSIGNED-PAYLOAD-TRAILER +md5" : "UNSIGNED-PAYLOAD +md5";
            assertThat(http.payloadHashes.get("whole-ok")).isEqualTo(unsigned);
            assertThat(http.payloadHashes.get("parts-ok")).isEqualTo(unsigned);
            assertThat(http.payloadHashes.get("file-ok")).matches(chunked ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD.*" : "[0-9a-f]{64}");

            http.armed = true;
            // Refused for the body's digest (Content-MD5), by each server and in both upload shapes; nothing lands.
            String refused = "(?s).*the body arrived other than it was sent \\(BadDigest\\b.*";
            assertThatThrownBy(() -> store.put("whole", content, content.length, ObjectAttributes.NONE))
                    .isInstanceOf(IOException.class).hasMessageMatching(refused);
            try (S3Parts parts = store.startParts("parts", ObjectAttributes.NONE)) {
                assertThatThrownBy(() -> parts.send(1, content, content.length).get())
                        .isInstanceOf(ExecutionException.class).cause().hasMessageMatching(refused);
            }
            // The altered requests went unsigned too: the MD5 is what caught them.
            assertThat(http.payloadHashes.get("whole")).isEqualTo(unsigned);
            assertThat(http.payloadHashes.get("parts")).isEqualTo(unsigned);
            if (!chunked) {
                assertThatThrownBy(() -> store.put("file", file)).isInstanceOf(IOException.class)
                        .hasMessageMatching("(?s).*the server found another SHA-256 of the body than the one signed \\(XAmzContentSHA256Mismatch\\b.*");
            }
            http.armed = false;
            assertThat(http.flipped.get()).isPositive();
            assertThat(store.stat("whole")).isEmpty();
            assertThat(store.stat("parts")).isEmpty();
            assertThat(store.stat("file")).isEmpty();
            assertThat(store.list("")).extracting(ObjectInfo::key).containsExactlyInAnyOrder("whole-ok", "parts-ok", "file-ok");
        }
    }
}
