package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The store contract on an S3 server: each subclass names its server, a preset and a listing page size. */
abstract class S3StoreContract extends ObjectStoreContract {
    private String bucket;

    abstract TestS3Server server();

    abstract String preset();

    abstract int pageSize();

    @Override
    ObjectStore open(String rootPath) {
        if (bucket == null) {
            bucket = server().createBucket();
        }
        // TestTargets uses path-style, as 127.0.0.1 has no bucket subdomains.
        var settings = TestTargets.s3(preset(), server(), bucket, rootPath, preset());
        return new S3Store(settings, S3Clients.build(settings), pageSize());
    }

    @Override
    void interruptPut(String key) {
        S3Store s3 = (S3Store) store;
        String fullKey = s3.settings().rootPath() + "/" + key;
        String uploadId = s3.client().createMultipartUpload(b -> b.bucket(bucket).key(fullKey)).uploadId();
        s3.client().uploadPart(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId).partNumber(1),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[] {1, 2, 3}));
    }

    @Test
    void aRangedGetFetchesOnlyTheRangeFromAnObjectUploadedInParts() throws Exception {
        S3Store s3 = (S3Store) store;
        CountingHttpClient http = new CountingHttpClient();
        try (S3Store watched = new S3Store(s3.settings(), S3Clients.builder(s3.settings()).httpClient(http).build())) {
            Path file = randomFile("large.bin", LARGE, 11);
            byte[] content = Files.readAllBytes(file);
            watched.put("archives/large", file);
            // Not read from the ETag: S3Proxy 2.6 gives a multipart object a plain MD5 one.
            assertThat(http.partsSent).as("uploaded in three parts").hasValue(3);

            long offset = PART - 1000;
            try (InputStream in = watched.get("archives/large", offset, 70_000)) {
                assertThat(in.readAllBytes()).isEqualTo(slice(content, (int) offset, 70_000));
            }
            try (InputStream in = watched.get("archives/large", LARGE - 100, 1000)) {
                assertThat(in.readAllBytes()).isEqualTo(slice(content, LARGE - 100, 100));
            }

            // The server sent only the ranges (206 and their lengths), and only those were read.
            assertThat(http.gets).containsExactly(
                    "bytes=" + offset + "-" + (offset + 70_000 - 1) + " -> 206 70000",
                    "bytes=" + (LARGE - 100) + "-" + (LARGE + 900 - 1) + " -> 206 100");
            assertThat(http.bodyBytesRead).hasValue(70_100);
            assertThat(watched.bytesFetched()).isEqualTo(70_100);

            try (InputStream in = watched.get("archives/large")) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertThat(watched.bytesFetched()).as("whole gets count too").isEqualTo(70_100 + LARGE);
        }
    }
}
