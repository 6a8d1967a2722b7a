package io.backuprouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** When two endpoints, written differently, are the same for the mirror's overlap check. */
class EndpointsTest {
    private static String n(String uri) {
        return MirrorCatalog.normalized(URI.create(uri));
    }

    @Test
    void caseDefaultPortsTrailingSlashesAndLoopbackNamesMakeNoDifference() {
        assertThat(n("HTTP://LocalHost:9000/")).isEqualTo(n("http://127.0.0.1:9000"));
        assertThat(n("http://[::1]:9000")).isEqualTo(n("http://127.0.0.1:9000"));
        assertThat(n("https://s3.example.com")).isEqualTo(n("https://S3.Example.com:443/"));
        assertThat(n("http://s3.example.com")).isEqualTo(n("http://s3.example.com:80"));
    }

    @Test
    void awsPartitionsNotRegionsDecideWhetherTwoAwsTargetsAreOneService() {
        assertThat(MirrorCatalog.partition("eu-west-1")).isEqualTo(MirrorCatalog.partition("us-east-1"));
        assertThat(MirrorCatalog.partition("cn-north-1")).isNotEqualTo(MirrorCatalog.partition("us-east-1"));
        assertThat(MirrorCatalog.partition("us-gov-west-1")).isNotEqualTo(MirrorCatalog.partition("us-east-1"));
    }

    @Test
    void otherServersPortsAndPathsStayDifferent() {
        assertThat(n("http://127.example.com:9000")).isNotEqualTo(n("http://127.0.0.1:9000"));
        assertThat(n("http://127.0.0.2:9000")).as("another local server").isNotEqualTo(n("http://127.0.0.1:9000"));
        assertThat(n("http://127.0.0.1:9000")).isNotEqualTo(n("http://127.0.0.1:9001"));
        assertThat(n("http://s3.example.com")).isNotEqualTo(n("https://s3.example.com"));
        assertThat(n("https://gateway.example.com/s3")).isNotEqualTo(n("https://gateway.example.com/other"));
    }
}
