package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.testing.TestS3Server;
import java.io.IOException;
import org.junit.jupiter.api.Test;
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

    /**
     * A server that ignores the Range header sends the whole object: the ranged get says so rather
     * than read on through the rest. Played here by dropping the header (S3Mock checks no signature).
     */
    @Test
    void aServerThatIgnoresTheRangeIsAnErrorNotADownloadOfTheWholeObject() throws Exception {
        S3Store s3 = (S3Store) store;
        CountingHttpClient http = new CountingHttpClient();
        try (S3Store watched = new S3Store(s3.settings(), S3Clients.builder(s3.settings()).httpClient(http).build())) {
            watched.put("archives/large", randomFile("large.bin", LARGE, 13));
            http.dropRanges = true;

            assertThatThrownBy(() -> watched.get("archives/large", 1000, 10).close())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("archives/large")
                    .hasMessageContaining("the server answered with the whole object (" + LARGE + " bytes, no Content-Range)")
                    .hasMessageContaining("bytes=1000-1009");
            assertThat(http.gets).containsExactly("whole -> 200 " + LARGE);
            assertThat(http.bodyBytesRead).as("the body was not read").hasValue(0);
            assertThat(watched.bytesFetched()).isZero();
            http.dropRanges = false;
            try (var in = watched.get("archives/large", 1000, 10)) {
                assertThat(in.readAllBytes()).hasSize(10);
            }
        }
    }
}
