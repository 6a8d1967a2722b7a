package io.backuprouter.testing;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server on 127.0.0.1 with a random port and random credentials, started
 * in-process for a test class ({@code @RegisterExtension static TestS3Server s3 = TestS3Server.lenient();}).
 *
 * <ul>
 *   <li>{@link #lenient()}: S3Proxy 4.1 (the one the router embeds). It accepts the AWS SDK's
 *       default checksums, as AWS does.</li>
 *   <li>{@link #strict()}: S3Proxy 2.6 in its own class loader. It rejects the SDK's default
 *       checksums and aws-chunked uploads the way R2, OSS, COS and MinIO do, which proves that
 *       the provider presets work rather than assuming it.</li>
 *   <li>{@link #s3mock()}: Adobe S3Mock in a JVM of its own, a third implementation of S3 that
 *       nobody here wrote (3-4 s to start, 8-13 s under load: one per test class at most).</li>
 *   <li>{@link #limited()}: S3Proxy 4.1 with the gaps of small servers such as s3rver.</li>
 * </ul>
 */
public final class TestS3Server implements BeforeAllCallback, AfterAllCallback {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A running server implementation. */
    interface Running extends AutoCloseable {
        int port();

        @Override
        void close() throws Exception;
    }

    private enum Kind { LENIENT, STRICT, S3MOCK, LIMITED }

    private final Kind kind;
    private final String accessKey = "AK" + hex(9).toUpperCase();
    private final String secretKey = hex(20);
    private Path dataDir;
    private Running running;
    private int pausedPort;

    private TestS3Server(Kind kind) {
        this.kind = kind;
    }

    public static TestS3Server lenient() {
        return new TestS3Server(Kind.LENIENT);
    }

    public static TestS3Server strict() {
        return new TestS3Server(Kind.STRICT);
    }

    /**
     * S3Proxy 4.1 with the gaps of small S3 servers such as s3rver: no ListMultipartUploads (501
     * NotImplemented), and, on request ({@link #refuseUploads}), 500 InternalError for every upload.
     */
    public static TestS3Server limited() {
        return new TestS3Server(Kind.LIMITED);
    }

    /** Adobe S3Mock, started as its own process; objects in its own layout (see {@link #bucketDir}). */
    public static TestS3Server s3mock() {
        return new TestS3Server(Kind.S3MOCK);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    public void start() throws Exception {
        dataDir = Files.createTempDirectory("s3-" + kind.name().toLowerCase() + "-");
        running = run(0);
    }

    private Running run(int port) throws Exception {
        return switch (kind) {
            case LENIENT -> LenientS3Proxy.start(dataDir, port, accessKey, secretKey);
            case STRICT -> StrictS3Proxy.start(dataDir, port, accessKey, secretKey);
            case LIMITED -> LimitedS3Proxy.start(dataDir, port, accessKey, secretKey);
            case S3MOCK -> S3MockProcess.start(dataDir.resolve("data"), port, dataDir.resolve("s3mock.log"));
        };
    }

    /** Stops serving, keeping the data, as a provider outage would. */
    public void pause() throws Exception {
        pausedPort = running.port();
        running.close();
    }

    /** On a {@link #limited()} server: whether each PutObject's body is stored wrapped in aws-chunked framing. */
    public void storeFramed(boolean framed) {
        if (!(running instanceof LimitedS3Proxy limited)) {
            throw new IllegalStateException("storeFramed: only a limited() server stores uploads framed on request");
        }
        limited.storeFramed(framed);
    }

    /** On a {@link #limited()} server: whether every upload is answered with 500 InternalError. */
    public void refuseUploads(boolean refuse) {
        if (!(running instanceof LimitedS3Proxy limited)) {
            throw new IllegalStateException("refuseUploads: only a limited() server refuses uploads on request");
        }
        limited.refuseUploads(refuse);
    }

    /** Serves again on the same port with the same data. */
    public void resume() throws Exception {
        running = run(pausedPort);
    }

    /**
     * The folder behind a bucket, to look at or damage stored objects directly. S3Proxy keeps an
     * object at its key below it; S3Mock keeps each object in a folder of its own.
     */
    public Path bucketDir(String bucket) {
        return kind == Kind.S3MOCK ? dataDir.resolve("data").resolve(bucket) : dataDir.resolve(bucket);
    }

    public void stop() throws Exception {
        if (running != null) {
            running.close();
            running = null;
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public boolean isStrict() {
        return kind == Kind.STRICT;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return running != null ? running.port() : pausedPort;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Creates a bucket with a fresh random name and returns the name. */
    public String createBucket() {
        String bucket = "test-" + hex(6);
        try (S3Client client = adminClient()) {
            client.createBucket(b -> b.bucket(bucket));
        }
        return bucket;
    }

    /** A plain SDK client for test set-up and inspection (classic checksums, path style). */
    public S3Client adminClient() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(c -> c.chunkedEncodingEnabled(false))
                .build();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
