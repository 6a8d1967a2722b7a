package io.backuprouter.targets;

import io.backuprouter.testing.TestS3Server;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store contract on Adobe S3Mock, an S3 implementation nobody here wrote, with the preset a
 * user picks for a server of their own ({@code other}: ListObjects v2, no SDK checksums) and small
 * listing pages.
 */
class S3StoreS3MockContractIT extends S3StoreContract {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.s3mock();

    @Override
    TestS3Server server() {
        return S3;
    }

    @Override
    String preset() {
        return "other";
    }

    @Override
    int pageSize() {
        return 3;
    }
}
