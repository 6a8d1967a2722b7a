package io.backuprouter.targets;

import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contract on S3Proxy 4.1 with ListObjects v2 and small listing pages. */
class S3StoreLenientContractIT extends ObjectStoreContract {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();
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
        var settings = TestTargets.s3("lenient", S3, bucket, rootPath, "minio");
        return new S3Store(settings, S3Clients.build(settings), 5);
    }
}
