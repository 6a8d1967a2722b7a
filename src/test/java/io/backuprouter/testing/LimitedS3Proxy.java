package io.backuprouter.testing;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * S3Proxy 4.1 in-process with the gaps of small S3 servers such as s3rver, answered on the wire as
 * S3 errors: it does not implement ListMultipartUploads (501 NotImplemented, as s3rver answers),
 * and, while {@link #refuseUploads} is on, it fails every upload (PutObject, UploadPart) with 500
 * InternalError, as s3rver was seen to fail uploads that carry the AWS SDK's checksums. Every other
 * request is served by S3Proxy as usual.
 */
final class LimitedS3Proxy implements TestS3Server.Running {
    private final S3Proxy proxy;
    private final Limited blobStore;

    private LimitedS3Proxy(S3Proxy proxy, Limited blobStore) {
        this.proxy = proxy;
        this.blobStore = blobStore;
    }

    static LimitedS3Proxy start(Path dataDir, int port, String accessKey, String secretKey) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dataDir.toString());
        Limited blobStore = new Limited(BlobStores.create("filesystem-nio2", properties));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        return new LimitedS3Proxy(proxy, blobStore);
    }

    void refuseUploads(boolean refuse) {
        blobStore.refuseUploads = refuse;
    }

    void storeFramed(boolean framed) {
        blobStore.storeFramed = framed;
    }

    private static final class Limited extends ForwardingBlobStore {
        volatile boolean refuseUploads;
        /** Keep each PutObject's body wrapped in aws-chunked framing, as s3rver did with the aws preset's uploads. */
        volatile boolean storeFramed;

        Limited(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(String container) {
            throw error(501, "NotImplemented", "A parameter you provided implies functionality that is not implemented");
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
            refuseIfAsked(input);
            if (storeFramed) {
                try {
                    byte[] body = input.readAllBytes();
                    byte[] framed = (Integer.toHexString(body.length) + ";chunk-signature=" + "0".repeat(64) + "\r\n"
                            + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1) + "\r\n0;chunk-signature="
                            + "0".repeat(64) + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                    PutObjectRequest longer = request.toBuilder().contentLength((long) framed.length).build();
                    return super.putBlob(longer, new java.io.ByteArrayInputStream(framed));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            return super.putBlob(request, input);
        }

        @Override
        public UploadPartResponse uploadMultipartPart(MultipartUpload upload, UploadPartRequest request, InputStream input) {
            refuseIfAsked(input);
            return super.uploadMultipartPart(upload, request, input);
        }

        /**
         * Reads the body before answering, as a server that fails after receiving it does: answering
         * first and closing made the client's send fail with a broken pipe, now and then, instead of
         * reading the error.
         */
        private void refuseIfAsked(InputStream body) {
            if (refuseUploads) {
                try {
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.io.IOException e) {
                    // the client went away: the error below is what it would have read
                }
                throw error(500, "InternalError", "We encountered an internal error. Please try again.");
            }
        }

        private static S3Exception error(int status, String code, String message) {
            return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
        }
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
