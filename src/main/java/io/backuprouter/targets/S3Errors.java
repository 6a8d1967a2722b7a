package io.backuprouter.targets;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns AWS SDK exceptions into plain words: what happened, why it probably happened, and what to
 * change. Never includes credentials (the SDK's messages hold none; callers still redact).
 */
public final class S3Errors {
    private S3Errors() {
    }

    /** What went wrong, for people: a reason and a hint. */
    public record Explanation(String reason, String hint) {
    }

    /** A short description: the S3 error code and status, or the network cause. */
    public static String describe(SdkException e) {
        Explanation explanation = explain(e, null);
        return explanation.reason();
    }

    /**
     * Explains a failure of a request to a target.
     *
     * @param settingPrefix the target's settings prefix (e.g. {@code backup.targets.r2.}) for hints,
     *     or {@code null}
     */
    public static Explanation explain(Throwable e, String settingPrefix) {
        String p = settingPrefix == null ? "" : settingPrefix;
        S3Exception s3 = null;
        for (Throwable cause = e; cause != null && s3 == null; cause = cause.getCause()) {
            s3 = cause instanceof S3Exception found ? found : null;
        }
        if (s3 != null) {
            return explainS3(s3, p);
        }
        Explanation network = explainNetwork(e, p);
        if (network != null) {
            return network;
        }
        return new Explanation(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), null);
    }

    /** An error the server answered with: by its S3 error code, else its HTTP status. */
    private static Explanation explainS3(S3Exception s3, String p) {
        String code = s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : null;
        String message = s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorMessage() : null;
        String what = (code == null ? "HTTP " + s3.statusCode() : code + " (HTTP " + s3.statusCode() + ")")
                + (message == null || message.isBlank() ? "" : ": " + message);
        return switch (code == null ? "" : code) {
            case "InvalidAccessKeyId" -> new Explanation("credentials refused: the access key is not known to the server ("
                    + what + ")", "check " + p + "access-key and that the key is active at the provider");
            case "SignatureDoesNotMatch" -> new Explanation("credentials refused: the secret key does not match the access key ("
                    + what + ")", "check " + p + "secret-key (copy it again from the provider; no spaces or quotes)");
            case "NoSuchBucket" -> new Explanation("bucket does not exist (" + what + ")",
                    "create the bucket at the provider, or fix " + p + "bucket");
            case "AccessDenied" -> new Explanation("access denied (" + what + ")",
                    "the key needs list, read, write and delete permission on the bucket and root path");
            case "AuthorizationHeaderMalformed", "PermanentRedirect", "IllegalLocationConstraintException" ->
                    new Explanation("wrong region (" + what + ")", "set " + p + "region to the bucket's region"
                            + region(s3));
            case "SecondLevelDomainForbidden" -> new Explanation("path-style requests refused (" + what + ")",
                    "set " + p + "addressing = virtual-hosted");
            case "BadDigest" ->
                    new Explanation("the body arrived other than it was sent (" + what + "); nothing was stored",
                            "it was damaged on the way (a proxy or a network fault): if it keeps happening, check the "
                                    + "network path");
            case "XAmzContentSHA256Mismatch" ->
                    new Explanation("the server found another SHA-256 of the body than the one signed (" + what
                            + "); nothing was stored", "with the aws preset on a service that is not AWS, the server "
                            + "does not read its aws-chunked uploads: use a provider preset other than aws (" + p
                            + "provider); with any other, the body was damaged on the way: check the network path");
            case "NotImplemented", "InvalidArgument", "InvalidDigest" ->
                    new Explanation("the server refused the request's headers (" + what + ")",
                            "this usually means checksums or aws-chunked uploads it does not support: use a "
                                    + "provider preset other than aws (" + p + "provider)");
            default -> s3.statusCode() == 301
                    ? new Explanation("wrong region or endpoint (HTTP 301 redirect)", "set " + p + "region"
                            + region(s3) + ", or set " + p + "addressing = virtual-hosted")
                    : s3.statusCode() == 404
                    ? new Explanation("not found (" + what + ")", "check " + p + "bucket and " + p + "endpoint")
                    : new Explanation(what, null);
        };
    }

    /** A request that got no answer: the first network cause in the chain, or {@code null} if there is none. */
    private static Explanation explainNetwork(Throwable e, String p) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return new Explanation("host not found: " + cause.getMessage(),
                        "check " + p + "endpoint (and, for virtual-hosted addressing, that <bucket>.<host> resolves)");
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                return new Explanation("cannot connect: " + cause.getMessage(),
                        "is the server running and reachable? check " + p + "endpoint and its port");
            }
            if (cause instanceof SSLException) {
                return new Explanation("TLS failed: " + cause.getMessage(),
                        "check that " + p + "endpoint is https on a TLS port; for a self-signed certificate import its "
                                + "CA into the JVM trust store (or, not recommended, set " + p + "tls-verify = false)");
            }
            if (cause instanceof SocketTimeoutException) {
                return new Explanation("timed out: " + cause.getMessage(),
                        "check " + p + "endpoint and the network (a firewall may be dropping packets)");
            }
        }
        return null;
    }

    /**
     * A failed request to a target as an exception whose message names the target, the operation and
     * the key, with the explanation and its hint: {@code r2: get archives/a: access denied (...) (hint: ...)}.
     */
    static java.io.IOException failure(io.backuprouter.config.TargetSettings target, String operation, String key,
                                       SdkException e) {
        Explanation explanation = explain(e, "backup.targets." + target.name() + ".");
        return new java.io.IOException(target.name() + ": " + operation + " " + key + ": " + explanation.reason()
                + (explanation.hint() == null ? "" : " (hint: " + explanation.hint() + ")"), e);
    }

    private static String region(S3Exception s3) {
        return s3.awsErrorDetails() != null && s3.awsErrorDetails().sdkHttpResponse() != null
                ? s3.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region")
                        .map(r -> " (the server says \"" + r + "\")").orElse("")
                : "";
    }
}
