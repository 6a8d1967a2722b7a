package io.backuprouter.targets;

import io.backuprouter.config.TargetSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Aborts the uploads in parts that were begun and never completed (a killed backup or mirror pass
 * leaves them): they are never objects, but their parts stay stored, and billed, until aborted.
 * Some S3 servers (s3rver, for one) do not implement listing them: that is said once per target in
 * a process, and nothing is removed there.
 */
final class IncompleteUploads {
    private static final Logger LOG = LoggerFactory.getLogger(IncompleteUploads.class);

    /** Targets (name and location) whose server was found not to list uploads in parts, in this process. */
    private static final Set<String> CANNOT_LIST = ConcurrentHashMap.newKeySet();

    private IncompleteUploads() {
    }

    /** Aborts the uploads under the full prefix begun before the instant; returns how many. */
    static int remove(TargetSettings target, S3Client client, String fullPrefix, Instant before) {
        List<MultipartUpload> stale = new ArrayList<>();
        try {
            for (MultipartUpload upload : client.listMultipartUploadsPaginator(b -> b.bucket(target.bucket())
                    .prefix(fullPrefix)).uploads()) {
                if (upload.initiated() != null && upload.initiated().isBefore(before)) {
                    stale.add(upload);
                }
            }
        } catch (S3Exception e) {
            if (!notImplemented(e)) {
                throw e;
            }
            if (CANNOT_LIST.add(target.name() + " " + target.location())) {
                sayCannotList(target, e);
            }
            return 0;
        }
        for (MultipartUpload upload : stale) {
            client.abortMultipartUpload(b -> b.bucket(target.bucket()).key(upload.key()).uploadId(upload.uploadId()));
        }
        return stale.size();
    }

    private static boolean notImplemented(S3Exception e) {
        return e.statusCode() == 501
                || e.awsErrorDetails() != null && "NotImplemented".equals(e.awsErrorDetails().errorCode());
    }

    private static String status(S3Exception e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code == null ? "HTTP " + e.statusCode() : code + ", HTTP " + e.statusCode();
    }

    /**
     * Harmless in itself. Only with a preset that sends the AWS SDK's checksums is there something to
     * change: AWS lists uploads, so the server is another one, and other servers often mishandle them.
     */
    private static void sayCannotList(TargetSettings target, S3Exception e) {
        String what = "Target " + target.name() + ": cannot list interrupted uploads: the server does not implement "
                + "listing uploads in parts (" + status(e) + ")";
        if (target.preset().sendsSdkChecksums()) {
            LOG.warn("{}; hint: AWS implements it, so this server is probably not AWS, and preset {} sends the AWS "
                    + "SDK's checksums, which other servers often refuse or store wrongly: set {} to the server's "
                    + "preset, or to other", what, target.preset().name(), target.key(TargetSettings.PROVIDER));
        } else {
            LOG.info("{}; harmless: backups, restores and mirrors work, but parts left by an upload that was killed "
                    + "half-way cannot be removed automatically (said once per target)", what);
        }
    }
}
