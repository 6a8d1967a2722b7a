package io.backuprouter.targets;

import io.backuprouter.config.Secrets;
import io.backuprouter.config.TargetSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Checks that a target works, step by step: reachable, credentials accepted, bucket exists, and
 * a probe object under the root path can be written, read back identical, and deleted. Stops at
 * the first failing step and explains it.
 */
public final class TargetCheck {
    /** Probe objects live here, under the target's root path. */
    public static final String PROBE_PREFIX = ".backup-router/probe-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TargetCheck() {
    }

    /**
     * The outcome for one target.
     *
     * @param target the target's name
     * @param location where it stores things (no credentials)
     * @param passed the steps that passed, in order
     * @param failure why the failing step failed, or {@code null} when all passed
     * @param hint what to change, or {@code null}
     * @param millis how long the check took
     */
    public record Result(String target, String location, List<String> passed, String failure, String hint,
                         long millis) {
        public boolean ok() {
            return failure == null;
        }
    }

    public static Result check(TargetSettings settings, ObjectStore store) {
        long start = System.nanoTime();
        List<String> passed = new ArrayList<>();
        String prefix = "backup.targets." + settings.name() + ".";
        boolean probing = false;
        try {
            if (store instanceof S3Store s3) {
                checkBucket(settings, s3, passed);
            } else if (store instanceof FolderStore folder) {
                folder.requireBase();
                passed.add("folder exists");
            }
            probing = true;
            probe(store);
            passed.add("write/read/delete ok");
            return result(settings, passed, null, null, start);
        } catch (Exception e) {
            S3Errors.Explanation why = S3Errors.explain(e, prefix);
            String reason = e instanceof NoSuchFileException missing
                    ? "folder " + missing.getFile() + " does not exist (is the disk or share mounted?)"
                    : why.reason();
            String hint = e instanceof NoSuchFileException
                    ? "mount it, or fix " + prefix + "path" : why.hint();
            if (hint == null && probing && sendsSdkChecksums(settings) && (isS3Error(e) || e instanceof ProbeMismatch)) {
                hint = "preset " + settings.preset().name() + " sends the AWS SDK's checksums (aws-chunked uploads with CRC "
                        + "trailers), which servers other than AWS often refuse, fail on or store as they came: if this "
                        + "server is not AWS, set " + prefix + "provider to its preset, or to other";
            }
            return result(settings, passed, reason, hint, start);
        }
    }

    private static boolean sendsSdkChecksums(TargetSettings settings) {
        return !settings.isFolder() && settings.preset() != null && settings.preset().sendsSdkChecksums();
    }

    /** An error the server answered (4xx or 5xx), as opposed to a network failure. */
    private static boolean isS3Error(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof S3Exception s3 && s3.statusCode() >= 400) {
                return true;
            }
        }
        return false;
    }

    /** The probe object read back is not what was written. */
    private static final class ProbeMismatch extends IOException {
        ProbeMismatch(String message) {
            super(message);
        }
    }

    private static void checkBucket(TargetSettings settings, S3Store store, List<String> passed) {
        try {
            String root = settings.rootPath().isEmpty() ? "" : settings.rootPath() + "/";
            if (settings.preset().listObjectsVersion() == 1) {
                store.client().listObjects(b -> b.bucket(settings.bucket()).prefix(root).maxKeys(1));
            } else {
                store.client().listObjectsV2(b -> b.bucket(settings.bucket()).prefix(root).maxKeys(1));
            }
            passed.add("reachable");
            passed.add("credentials accepted");
            passed.add("bucket \"" + settings.bucket() + "\" exists");
        } catch (S3Exception e) {
            passed.add("reachable");
            if (e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode())) {
                passed.add("credentials accepted");
            }
            throw e;
        }
    }

    private static void probe(ObjectStore store) throws IOException {
        byte[] content = new byte[256];
        RANDOM.nextBytes(content);
        String key = PROBE_PREFIX + HexFormat.of().formatHex(content, 0, 8);
        store.put(key, content);
        try (InputStream in = store.get(key)) {
            byte[] read = in.readAllBytes();
            if (!Arrays.equals(content, read)) {
                throw new ProbeMismatch("the probe object read back differs from what was written ("
                        + read.length + " bytes read, 256 written)");
            }
        } finally {
            store.delete(key);
        }
        if (store.stat(key).isPresent()) {
            throw new IOException("the probe object " + key + " is still there after delete");
        }
    }

    private static Result result(TargetSettings settings, List<String> passed, String failure, String hint,
                                 long start) {
        return new Result(settings.name(), settings.location(), List.copyOf(passed),
                Secrets.redact(failure), Secrets.redact(hint), (System.nanoTime() - start) / 1_000_000);
    }

    /** One line per target, as {@code targets check} prints it. */
    public static String render(Result result) {
        String status = result.ok() ? "ok  " : "FAIL";
        StringBuilder line = new StringBuilder(String.format("%-4s %-16s %s", status, result.target(), result.location()));
        line.append(String.format("%n     %s", result.ok()
                ? String.join(", ", result.passed()) + String.format(" (%.2f s)", result.millis() / 1000.0)
                : (result.passed().isEmpty() ? "" : String.join(", ", result.passed()) + "; then ") + result.failure()));
        if (result.hint() != null && !result.ok()) {
            line.append(String.format("%n     hint: %s", result.hint()));
        }
        return line.toString();
    }
}
