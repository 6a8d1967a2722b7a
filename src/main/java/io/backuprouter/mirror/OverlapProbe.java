package io.backuprouter.mirror;

import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.MirrorSettings;
import io.backuprouter.config.TargetSettings;
import io.backuprouter.targets.S3Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a pass that would copy into its own source (or sync away from it): the source and the
 * destination name one bucket, one prefix inside the other, and their endpoints, written
 * differently (a second DNS name of one server), reach the same storage. The settings check
 * catches endpoints written alike; this asks the storage: a small probe object is written where
 * the prefixes meet, through the destination, and looked for through the source. It is removed
 * at once. Targets on other buckets, or with prefixes apart, are never probed.
 */
final class OverlapProbe {
    /** MirrorPass's logger: what the probe says is logged as the pass's. */
    private static final Logger LOG = LoggerFactory.getLogger(MirrorPass.class);
    /** The name a probe object starts with. */
    static final String PROBE = ".backup-router-overlap-probe-";
    /** Source and destination pairs a probe found to be two storages (in this process), and when. */
    private static final Map<String, Instant> APART = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long a probe's "two storages" holds: a DNS name may be pointed elsewhere meanwhile. */
    static final Duration PROBE_AGAIN_AFTER = Duration.ofHours(24);

    private final MirrorSettings mirror;
    private final S3Store source;
    private final S3Store destination;
    private final Clock clock;

    OverlapProbe(MirrorSettings mirror, S3Store source, S3Store destination, Clock clock) {
        this.mirror = mirror;
        this.source = source;
        this.destination = destination;
        this.clock = clock;
    }

    /** Whether a key is a probe object (one whose removal failed): never copied, never deleted. */
    static boolean isProbe(String key) {
        return key.substring(key.lastIndexOf('/') + 1).startsWith(PROBE);
    }

    /** Throws a {@link io.backuprouter.UserException} when the two targets are one storage and the prefixes overlap. */
    void refuseOneStorage() throws IOException {
        TargetSettings from = source.settings();
        TargetSettings to = destination.settings();
        if (!MirrorCatalog.nested(from, mirror.fromPrefix(), to, mirror.toPrefix())) {
            return;
        }
        String fullFrom = MirrorCatalog.fullPrefix(from, mirror.fromPrefix());
        String fullTo = MirrorCatalog.fullPrefix(to, mirror.toPrefix());
        // Asked once a day in a process: a router's scheduled passes do not write a probe every time
        // (a versioned bucket would keep each one).
        String question = String.join("|", from.endpointText(), to.endpointText(), from.bucket(), fullFrom, fullTo);
        Instant asked = APART.get(question);
        if (asked != null && asked.isAfter(clock.instant().minus(PROBE_AGAIN_AFTER))) {
            return;
        }
        String probe = (fullFrom.length() >= fullTo.length() ? fullFrom : fullTo) + PROBE + java.util.UUID.randomUUID();
        String atDestination = inTarget(to, probe);
        destination.put(atDestination, "backup-router checks whether two targets are one storage; delete me"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        boolean seen;
        try {
            seen = source.stat(inTarget(from, probe)).isPresent();
        } finally {
            try {
                destination.delete(atDestination);
            } catch (IOException e) {
                LOG.warn("Mirror {}: cannot remove the probe object {} from target {}: {}; delete it by hand", mirror.name(),
                        atDestination, destination.name(), e.getMessage());
            }
        }
        if (!seen) {
            APART.put(question, clock.instant());
            return;
        }
        throw new io.backuprouter.UserException("mirror " + mirror.name() + ": the destination overlaps the source: targets "
                + source.name() + " and " + destination.name() + " reach the same storage (" + from.endpointText() + " and "
                + to.endpointText() + "), and " + source.name() + ":" + mirror.fromPrefix() + " and " + destination.name()
                + ":" + mirror.toPrefix() + " are one inside the other in bucket " + from.bucket() + "; nothing was copied"
                + "\n    hint: mirror to another bucket, or to a prefix outside the source's");
    }

    /** A key of the bucket as the target names it (below its root path). */
    private static String inTarget(TargetSettings target, String bucketKey) {
        return target.rootPath().isEmpty() ? bucketKey : bucketKey.substring(target.rootPath().length() + 1);
    }
}
