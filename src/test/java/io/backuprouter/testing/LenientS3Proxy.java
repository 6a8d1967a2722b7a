package io.backuprouter.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/** S3Proxy 4.1 in-process, on the test classpath. */
final class LenientS3Proxy implements TestS3Server.Running {
    private final S3Proxy proxy;
    private final BlobStore blobStore;

    private LenientS3Proxy(S3Proxy proxy, BlobStore blobStore) {
        this.proxy = proxy;
        this.blobStore = blobStore;
    }

    static LenientS3Proxy start(Path dataDir, int port, String accessKey, String secretKey) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dataDir.toString());
        BlobStore blobStore = BlobStores.create("filesystem-nio2", properties);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        return new LenientS3Proxy(proxy, blobStore);
    }

    @Override
    public int port() {
        return proxy.getPort();
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        blobStore.close();
    }
}
