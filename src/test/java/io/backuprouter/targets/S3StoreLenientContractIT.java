package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import java.io.InputStream;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on S3Proxy 4.1 with ListObjects v2 (minio preset) and small listing pages. */
class S3StoreLenientContractIT extends S3StoreContract {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @Override
    TestS3Server server() {
        return S3;
    }

    @Override
    String preset() {
        return "minio";
    }

    @Override
    int pageSize() {
        return 5;
    }

    /**
     * The aws preset validates checksums on GETs where the object has them (the SDK asks with
     * {@code x-amz-checksum-mode}); a range is not the whole object, and must read all the same,
     * from a single-part object and from one uploaded in parts.
     */
    @Test
    void aRangedGetWorksWithTheAwsPresetsChecksums() throws Exception {
        var settings = TestTargets.s3("aws", S3, S3.createBucket(), "root", "aws");
        byte[] large = Files.readAllBytes(randomFile("large.bin", LARGE, 5));
        try (S3Store aws = new S3Store(settings, S3Clients.build(settings))) {
            aws.put("large", temp.resolve("large.bin"));
            aws.put("small", "0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8));

            try (InputStream in = aws.get("large", PART - 10, 20)) {
                assertThat(in.readAllBytes()).isEqualTo(slice(large, PART - 10, 20));
            }
            try (InputStream in = aws.get("small", 2, 3)) {
                assertThat(in.readAllBytes()).asString(java.nio.charset.StandardCharsets.UTF_8).isEqualTo("234");
            }
            try (InputStream in = aws.get("small", 0, 10)) {
                assertThat(in.readAllBytes()).asString(java.nio.charset.StandardCharsets.UTF_8).isEqualTo("0123456789");
            }
        }
    }
}
