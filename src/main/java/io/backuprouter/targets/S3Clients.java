package io.backuprouter.targets;

import io.backuprouter.providers.ProviderPreset;
import io.backuprouter.config.TargetSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.apache.http.HttpHost;
import org.apache.http.conn.socket.LayeredConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.utils.AttributeMap;
import software.amazon.awssdk.utils.Lazy;

/**
 * Builds the AWS SDK client for an S3 target from its settings and provider preset. This is the
 * one place where preset quirks reach the SDK; camel-aws2-s3 endpoints get the same client by
 * name ({@code amazonS3Client=#s3-<target>}).
 */
public final class S3Clients {
    private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);

    private S3Clients() {
    }

    public static S3Client build(TargetSettings target) {
        return builder(target).httpClient(httpClient(target)).build();
    }

    private static boolean isPlainHttp(TargetSettings target) {
        return target.endpoint() != null && "http".equalsIgnoreCase(target.endpoint().getScheme());
    }

    /** Apache's default TLS socket factory, made when first asked for. */
    private static final class LazyTlsSocketFactory implements LayeredConnectionSocketFactory {
        private final Lazy<SSLConnectionSocketFactory> tls = new Lazy<>(SSLConnectionSocketFactory::getSocketFactory);

        @Override
        public Socket createSocket(HttpContext context) throws IOException {
            return tls.getValue().createSocket(context);
        }

        @Override
        public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
                                    InetSocketAddress localAddress, HttpContext context) throws IOException {
            return tls.getValue().connectSocket(connectTimeout, socket, host, remoteAddress, localAddress, context);
        }

        @Override
        public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
            return tls.getValue().createLayeredSocket(socket, target, port, context);
        }
    }

    /** The client's settings, without its HTTP client (tests put one of their own between it and the server). */
    static software.amazon.awssdk.services.s3.S3ClientBuilder builder(TargetSettings target) {
        ProviderPreset preset = target.preset();
        var builder = S3Client.builder()
                .region(Region.of(target.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(target.accessKey(), target.secretKey())))
                .forcePathStyle(target.pathStyle())
                // SDK 2.30+ adds CRC checksums to every request and validates them on responses;
                // R2, OSS, COS, OBS, MinIO and S3Proxy reject or lack them. Presets say which applies.
                .requestChecksumCalculation(preset.checksumsWhenRequired()
                        ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(preset.checksumsWhenRequired()
                        ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
                .serviceConfiguration(S3Configuration.builder()
                        .chunkedEncodingEnabled(preset.chunkedEncoding())
                        .build());
        if (target.endpoint() != null) {
            builder.endpointOverride(target.endpoint());
        }
        if (isPlainHttp(target)) {
            // Over http the SDK hashes every body into the signature; one that carries its MD5 need not be.
            builder.putAuthScheme(new PlainHttpSigning());
        }
        return builder;
    }

    private static SdkHttpClient httpClient(TargetSettings target) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder()
                .maxConnections(Math.max(8, target.concurrency() * 2))
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(120));
        if (isPlainHttp(target)) {
            // No TLS connection is ever made to an http endpoint: the trust store and the public-suffix
            // list the SDK would load for one (a tenth of a second of every command's start) are only
            // loaded if one is.
            return http.socketFactory(new LazyTlsSocketFactory()).build();
        }
        if (target.tlsVerify()) {
            return http.build();
        }
        LOG.warn("Target {}: TLS certificate verification is OFF ({} = false); anyone on the network path "
                + "can read and alter this traffic", target.name(), target.key(TargetSettings.TLS_VERIFY));
        return http.buildWithDefaults(AttributeMap.builder()
                .put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, Boolean.TRUE)
                .build());
    }
}
