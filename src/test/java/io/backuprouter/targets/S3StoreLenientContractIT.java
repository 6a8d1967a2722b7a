package io.backuprouter.targets;

import io.backuprouter.testing.TestS3Server;
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
}
