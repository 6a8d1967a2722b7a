package io.backuprouter.targets;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import javax.net.ssl.SSLContextSpi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class S3ClientsIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    /**
     * A client for an http endpoint makes no TLS connection, so building one sets up no TLS context
     * (which loads the JVM's trust store, a good part of a short command's start). A provider that
     * refuses to make TLS contexts is put first while it is built and used.
     */
    @Test
    void aClientForAnHttpEndpointSetsUpNoTls() {
        String bucket = S3.createBucket();
        var settings = TestTargets.s3("minio", S3, bucket, "root", "minio");
        Security.insertProviderAt(new NoTls(), 1);
        try (S3Client client = S3Clients.build(settings)) {
            client.putObject(b -> b.bucket(bucket).key("root/x"), RequestBody.fromString("hello"));
            assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("root/x")).asString(StandardCharsets.UTF_8))
                    .isEqualTo("hello");
        } finally {
            Security.removeProvider(NoTls.NAME);
        }
    }

    /** Makes TLS contexts that fail as soon as they are set up. */
    public static final class NoTls extends Provider {
        static final String NAME = "backup-router-test-no-tls";

        public NoTls() {
            super(NAME, "1", "refuses TLS");
            put("SSLContext.TLS", Refusing.class.getName());
            put("SSLContext.Default", Refusing.class.getName());
        }
    }

    public static final class Refusing extends SSLContextSpi {
        @Override
        protected void engineInit(javax.net.ssl.KeyManager[] km, javax.net.ssl.TrustManager[] tm, java.security.SecureRandom sr) {
            throw new IllegalStateException("a TLS context was set up for an http endpoint");
        }

        @Override
        protected javax.net.ssl.SSLSocketFactory engineGetSocketFactory() {
            throw new IllegalStateException("TLS used for an http endpoint");
        }

        @Override
        protected javax.net.ssl.SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new IllegalStateException("TLS used for an http endpoint");
        }

        @Override
        protected javax.net.ssl.SSLEngine engineCreateSSLEngine() {
            throw new IllegalStateException("TLS used for an http endpoint");
        }

        @Override
        protected javax.net.ssl.SSLEngine engineCreateSSLEngine(String host, int port) {
            throw new IllegalStateException("TLS used for an http endpoint");
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetServerSessionContext() {
            throw new IllegalStateException("TLS used for an http endpoint");
        }

        @Override
        protected javax.net.ssl.SSLSessionContext engineGetClientSessionContext() {
            throw new IllegalStateException("TLS used for an http endpoint");
        }
    }
}
