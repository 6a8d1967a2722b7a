package io.backuprouter.targets;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.scheme.AuthScheme;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;

/**
 * SigV4 for plain-http endpoints that does not hash a body into the signature when the service
 * checks it against its {@code Content-MD5} anyway.
 *
 * <p>Over http the SDK always signs a body's SHA-256 ({@code x-amz-content-sha256}), whatever the
 * client asks; over https it sends {@code UNSIGNED-PAYLOAD}. Where the caller has the body's MD5
 * already (a mirror checks every object against its source's MD5 ETag), the SHA-256 is a second
 * check of the same thing: a pass over every byte on the client, and on a server that verifies it
 * (S3Proxy, the embedded endpoint) the whole body held in memory and hashed again before it is
 * stored. Presigned URLs (what rclone uploads with) carry {@code UNSIGNED-PAYLOAD} over http too,
 * and S3-compatible servers accept it. This relies on the service checking {@code Content-MD5},
 * as S3's API specifies (over https the same uploads relied on it already); the mirror also checks the stored object's or part's ETag against
 * the MD5 afterwards, where the ETag is one.
 *
 * <p>A request's scheme is not part of a SigV4 signature (method, path, query, headers and the
 * payload hash are), so this signer signs such a request as its https twin and gives it back with
 * its own scheme and port. {@code Content-MD5} is a signed header: the body cannot be swapped
 * without failing the MD5 check, nor the MD5 without failing the signature. A request without one
 * is signed as the SDK signs it, body hash included.
 *
 * <p>Port 80 maps to 443, so that the signed {@code Host} header is the one the SDK signs for the
 * http request itself (no port for http on 80, the port for any other). An http endpoint on port
 * 443 has no twin with that property: its requests are signed as the SDK signs them, body hash
 * included.
 */
final class PlainHttpSigning implements AuthScheme<AwsCredentialsIdentity> {
    private final AwsV4AuthScheme standard = AwsV4AuthScheme.create();
    private final HttpSigner<AwsCredentialsIdentity> signer = new Signer(standard.signer());

    @Override
    public String schemeId() {
        return AwsV4AuthScheme.SCHEME_ID;
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
        return standard.identityProvider(providers);
    }

    @Override
    public HttpSigner<AwsCredentialsIdentity> signer() {
        return signer;
    }

    /**
     * Whether a request is signed as its https twin: a plain-http request, on any port but 443, whose
     * body the service checks against its {@code Content-MD5} (an MD5: 16 bytes in base64).
     */
    static boolean signedAsHttps(SdkHttpRequest request) {
        return "http".equalsIgnoreCase(request.protocol()) && request.port() != 443
                && request.firstMatchingHeader("Content-MD5").filter(PlainHttpSigning::isMd5).isPresent();
    }

    private static boolean isMd5(String base64) {
        try {
            return java.util.Base64.getDecoder().decode(base64.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The https twin of a plain-http request: same host, path, query and headers. */
    static SdkHttpRequest httpsTwin(SdkHttpRequest request) {
        return request.toBuilder().protocol("https").port(request.port() == 80 ? 443 : request.port()).build();
    }

    private static final class Signer implements HttpSigner<AwsCredentialsIdentity> {
        private final AwsV4HttpSigner delegate;

        Signer(AwsV4HttpSigner delegate) {
            this.delegate = delegate;
        }

        @Override
        public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest original = request.request();
            if (!signedAsHttps(original)) {
                return delegate.sign(request);
            }
            SignRequest<? extends AwsCredentialsIdentity> twin = request.copy(b -> b.request(httpsTwin(original)));
            SignedRequest signed = delegate.sign(twin);
            return signed.copy(b -> b.request(backToHttp(signed.request(), original)));
        }

        @Override
        public CompletableFuture<AsyncSignedRequest> signAsync(AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
            SdkHttpRequest original = request.request();
            if (!signedAsHttps(original)) {
                return delegate.signAsync(request);
            }
            AsyncSignRequest<? extends AwsCredentialsIdentity> twin = request.copy(b -> b.request(httpsTwin(original)));
            return delegate.signAsync(twin)
                    .thenApply(signed -> signed.copy(b -> b.request(backToHttp(signed.request(), original))));
        }

        private static SdkHttpRequest backToHttp(SdkHttpRequest signed, SdkHttpRequest original) {
            return signed.toBuilder().protocol(original.protocol()).port(original.port()).build();
        }
    }
}
