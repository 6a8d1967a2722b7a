package io.backuprouter.targets;

import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;

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
}
