package io.backuprouter.targets;

import io.backuprouter.testing.TestS3Server;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on the strict server (S3Proxy 2.6, which refuses the SDK's default checksums
 * as R2 and OSS do), with a preset that lists with ListObjects v1 (huawei-obs), and small listing pages.
 */
class S3StoreStrictContractIT extends S3StoreContract {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.strict();

    @Override
    TestS3Server server() {
        return S3;
    }

    @Override
    String preset() {
        return "huawei-obs";
    }

    @Override
    int pageSize() {
        return 4;
    }
}
