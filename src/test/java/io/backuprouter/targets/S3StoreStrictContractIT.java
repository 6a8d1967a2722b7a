package io.backuprouter.targets;

import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on the strict server (S3Proxy 2.6, which refuses the SDK's default checksums
 * as R2 and OSS do), with a preset that lists with ListObjects v1, and small listing pages.
 */
class S3StoreStrictContractIT extends ObjectStoreContract {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.strict();
    static String bucket;

    @Override
    void interruptPut(String key) {
        var s3 = ((S3Store) store).client();
        String fullKey = rootOf(store) + "/" + key;
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(fullKey)).uploadId();
        s3.uploadPart(b -> b.bucket(bucket).key(fullKey).uploadId(uploadId).partNumber(1),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[] {1, 2, 3}));
    }

    @Override
    ObjectStore open(String rootPath) {
        if (bucket == null) {
            bucket = S3.createBucket();
        }
        // huawei-obs lists with v1; TestTargets uses path-style, as 127.0.0.1 has no bucket subdomains.
        var settings = TestTargets.s3("strict", S3, bucket, rootPath, "huawei-obs");
        return new S3Store(settings, S3Clients.build(settings), 4);
    }
}
