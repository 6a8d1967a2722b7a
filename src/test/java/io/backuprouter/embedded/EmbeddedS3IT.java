package io.backuprouter.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.config.EmbeddedS3Settings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** The embedded endpoint, as clients see it over HTTP. */
class EmbeddedS3IT {
    @TempDir
    Path dir;

    @Test
    void anObjectBeingUploadedIsNotListedUntilItIsWhole() throws Exception {
        EmbeddedS3Settings settings = new EmbeddedS3Settings(true, "127.0.0.1", 0, dir.resolve("s3"), dir.resolve("keys"),
                "backups");
        try (EmbeddedS3 embedded = EmbeddedS3.start(settings);
             S3Client client = client(embedded, settings)) {
            client.putObject(b -> b.bucket("backups").key("report-0f8fad5b-d9cb-469f-a165-70867728950e"),
                    RequestBody.fromString("a name of the same shape, given by a client"));
            CountDownLatch release = new CountDownLatch(1);
            long size = 4L * 1024 * 1024;
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> embedded.blobStore().putBlob(
                    PutObjectRequest.builder().bucket("backups").key("data/big.bin").contentLength(size).build(),
                    new HeldStream(size, 1024 * 1024, release)));
            try {
                Path folder = settings.dataDir().resolve("backups/data");
                await().atMost(Duration.ofSeconds(30)).until(() -> partialFiles(folder).size() == 1);

                assertThat(keys(client, "")).as("V2 listing during the upload")
                        .containsExactly("report-0f8fad5b-d9cb-469f-a165-70867728950e");
                assertThat(client.listObjects(b -> b.bucket("backups").prefix("data/")).contents())
                        .as("V1 listing during the upload").isEmpty();
            } finally {
                release.countDown();
            }
            upload.get(30, TimeUnit.SECONDS);
            assertThat(keys(client, "")).containsExactly("data/big.bin", "report-0f8fad5b-d9cb-469f-a165-70867728950e");
            assertThat(client.headObject(b -> b.bucket("backups").key("data/big.bin")).contentLength()).isEqualTo(size);
        }
    }

    private static List<Path> partialFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith("big.bin-")).toList();
        }
    }

    private static List<String> keys(S3Client client, String prefix) {
        return client.listObjectsV2(b -> b.bucket("backups").prefix(prefix)).contents().stream().map(o -> o.key()).sorted()
                .toList();
    }

    private static S3Client client(EmbeddedS3 embedded, EmbeddedS3Settings settings) throws IOException {
        String access = Files.readString(settings.accessKeyFile()).trim();
        String secret = Files.readString(settings.secretKeyFile()).trim();
        return S3Client.builder().endpointOverride(URI.create(embedded.endpoint().toString())).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret))).build();
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
