package io.backuprouter.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.config.EmbeddedS3Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** The embedded endpoint, as clients see it over HTTP. */
class EmbeddedS3IT {
    /** A whole object a client named like the file of an upload of data/big.bin. */
    static final String LOOKALIKE = "data/big.bin-0f8fad5b-d9cb-469f-a165-70867728950e";

    @TempDir
    Path dir;

    @Test
    void anObjectBeingUploadedIsNotListedUntilItIsWholeAndNoWholeObjectIsHidden() throws Exception {
        EmbeddedS3Settings settings = new EmbeddedS3Settings(true, "127.0.0.1", 0, dir.resolve("s3"), dir.resolve("keys"),
                "backups");
        try (EmbeddedS3 embedded = EmbeddedS3.start(settings);
             S3Client client = client(embedded, settings);
             S3Presigner presigner = presigner(embedded, settings)) {
            for (String key : List.of("data/a", LOOKALIKE, "data/c")) {
                client.putObject(b -> b.bucket("backups").key(key), RequestBody.fromString("whole: " + key));
            }
            List<String> whole = List.of("data/a", LOOKALIKE, "data/c");
            // Written well before the upload (an upload counts from a little before it began: file times are coarse).
            Files.setLastModifiedTime(settings.dataDir().resolve("backups").resolve(LOOKALIKE),
                    java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(1))));

            // An upload over HTTP held open half-way: the store is writing data/big.bin-<uuid>.
            long size = 4L * 1024 * 1024;
            CountDownLatch release = new CountDownLatch(1);
            URI url = presigner.presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                    .putObjectRequest(b -> b.bucket("backups").key("data/big.bin"))).url().toURI();
            HttpRequest put = HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new HeldStream(size, 1024 * 1024, release)), size)).build();
            CompletableFuture<HttpResponse<String>> upload = HttpClient.newHttpClient()
                    .sendAsync(put, HttpResponse.BodyHandlers.ofString());
            try {
                Path folder = settings.dataDir().resolve("backups/data");
                await().atMost(Duration.ofSeconds(30)).until(() -> partialFiles(folder).size() == 1);

                assertThat(keysV2(client)).as("V2 listing during the upload").isEqualTo(whole);
                assertThat(keysV1OnePerPage(client)).as("V1 listing, one key per page, during the upload").isEqualTo(whole);
            } finally {
                release.countDown();
            }
            HttpResponse<String> done = upload.get(60, TimeUnit.SECONDS);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(keysV2(client)).containsExactly("data/a", "data/big.bin", LOOKALIKE, "data/c");
            assertThat(client.headObject(b -> b.bucket("backups").key("data/big.bin")).contentLength()).isEqualTo(size);
        }
    }

    /**
     * A one-shot command's endpoint stops at once, though a client keeps an idle keep-alive connection
     * open (the SDK's pool does, after the command's requests); a shared one waits for Jetty to close it.
     */
    @Test
    void aPrivateEndpointStopsAtOnceWhileAClientKeepsAnIdleConnectionOpen() throws Exception {
        EmbeddedS3Settings settings = new EmbeddedS3Settings(true, "127.0.0.1", 0, dir.resolve("s3"), dir.resolve("keys"),
                "backups");
        for (boolean shared : List.of(false, true)) {
            EmbeddedS3 embedded = EmbeddedS3.start(settings, shared);
            try (java.net.Socket idle = new java.net.Socket("127.0.0.1", embedded.port())) {
                idle.getOutputStream().write("GET /backups HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(idle.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine()).as("answered, and kept alive").startsWith("HTTP/1.1 ");
                long start = System.nanoTime();
                embedded.close();
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (shared) {
                    assertThat(millis).as("a shared endpoint's graceful stop waits for the idle connection").isGreaterThan(500);
                } else {
                    assertThat(millis).as("a private endpoint's stop").isLessThan(500);
                }
            }
        }
    }

    /** Upload files beside data/big.bin, not the whole object named like one. */
    private static List<Path> partialFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith("big.bin-")
                    && !f.getFileName().toString().equals(Path.of(LOOKALIKE).getFileName().toString())).toList();
        }
    }

    private static List<String> keysV2(S3Client client) {
        return client.listObjectsV2Paginator(b -> b.bucket("backups").prefix("data/").maxKeys(1)).contents().stream()
                .map(o -> o.key()).toList();
    }

    private static List<String> keysV1OnePerPage(S3Client client) {
        List<String> keys = new ArrayList<>();
        String marker = null;
        for (int page = 0; page < 20; page++) {
            String from = marker;
            ListObjectsResponse response = client.listObjects(b -> b.bucket("backups").prefix("data/").maxKeys(1).marker(from));
            response.contents().forEach(o -> keys.add(o.key()));
            if (!Boolean.TRUE.equals(response.isTruncated())) {
                return keys;
            }
            marker = response.nextMarker() != null ? response.nextMarker()
                    : response.contents().get(response.contents().size() - 1).key();
        }
        throw new AssertionError("V1 listing does not end: " + keys);
    }

    private static S3Client client(EmbeddedS3 embedded, EmbeddedS3Settings settings) throws IOException {
        return S3Client.builder().endpointOverride(embedded.endpoint()).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(credentials(settings)).build();
    }

    private static S3Presigner presigner(EmbeddedS3 embedded, EmbeddedS3Settings settings) throws IOException {
        return S3Presigner.builder().endpointOverride(embedded.endpoint()).region(Region.US_EAST_1)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .credentialsProvider(credentials(settings)).build();
    }

    private static StaticCredentialsProvider credentials(EmbeddedS3Settings settings) throws IOException {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(Files.readString(settings.accessKeyFile()).trim(),
                Files.readString(settings.secretKeyFile()).trim()));
    }

    /** {@code size} bytes of zeros, of which the first {@code before} come at once and the rest once released. */
    private static final class HeldStream extends InputStream {
        private final long size;
        private final long before;
        private final CountDownLatch release;
        private long position;

        HeldStream(long size, long before, CountDownLatch release) {
            this.size = size;
            this.before = before;
            this.release = release;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= size) {
                return -1;
            }
            if (position >= before) {
                try {
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IOException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            long limit = position < before ? before : size;
            int n = (int) Math.min(length, limit - position);
            java.util.Arrays.fill(buffer, offset, offset + n, (byte) 0);
            position += n;
            return n;
        }
    }
}
