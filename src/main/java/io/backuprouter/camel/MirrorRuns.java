package io.backuprouter.camel;

import io.backuprouter.UserException;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.MirrorSettings;
import io.backuprouter.mirror.MirrorSummary;
import io.backuprouter.mirror.Mirrors;
import io.backuprouter.targets.Targets;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The mirrors of the running router, as the bean the mirror kamelets call ({@code mirrors}); passes of one mirror never overlap. */
public final class MirrorRuns {
    public static final String MIRROR_HEADER = "Mirror";
    private static final Logger LOG = LoggerFactory.getLogger(MirrorRuns.class);

    private final MirrorCatalog catalog;
    private final Targets targets;
    private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();

    private final RouterMetrics metrics;

    public MirrorRuns(MirrorCatalog catalog, Targets targets, RouterMetrics metrics) {
        this.metrics = metrics;
        this.catalog = catalog;
        this.targets = targets;
    }

    /** One pass; its summary is logged as one line and returned as the body. */
    public MirrorSummary run(@Header(MIRROR_HEADER) String name) throws IOException {
        MirrorSettings mirror = catalog.mirror(name).orElseThrow(() -> new UserException("unknown mirror \"" + name
                + "\"; mirrors: " + String.join(", ", catalog.mirrors().keySet())));
        ReentrantLock lock = running.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            MirrorSummary summary;
            try {
                summary = Mirrors.pass(mirror, targets.stores(), Clock.systemUTC(), BackupProgress.NONE, false, line -> { });
            } catch (Mirrors.Busy busy) {
                // A mirror command is making a pass already: nothing is lost by skipping this one, and
                // it is neither a success nor a failure for the health and metrics.
                MirrorSummary skipped = MirrorSummary.skipped(name, busy.getMessage());
                LOG.warn("{}", skipped);
                return skipped;
            } catch (IOException | RuntimeException e) {
                metrics.mirrorFailed(name, mirror.to(), e.getMessage());
                throw e;
            }
            metrics.mirror(name, mirror.to(), summary);
            if (summary.ok()) {
                LOG.info("{}", summary);
            } else {
                LOG.warn("{}", summary);
                summary.failed().forEach(f -> LOG.warn("Mirror {}: {}", name, f));
            }
            return summary;
        } finally {
            lock.unlock();
        }
    }
}
