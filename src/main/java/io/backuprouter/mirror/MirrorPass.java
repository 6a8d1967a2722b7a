package io.backuprouter.mirror;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.config.MirrorSettings;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.S3Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of a mirror: lists both sides, decides per object (new, changed, unchanged, extra), copies
 * what is new or changed with bounded memory and concurrency, and in sync mode deletes extras — never
 * when the source listing failed, and never more than the configured share of the destination.
 *
 * <p>An object is unchanged when the sizes match and either both ETags are single-part MD5s and
 * equal, or the destination records ({@value #SOURCE_ETAG}) the source ETag it was copied from,
 * that ETag is still the source's, and the two ETags are not contents' MD5s that differ. Never
 * "same size, so same".
 *
 * <p>A pass plans with {@link MirrorPlanner} (once {@link OverlapProbe} has made sure that the
 * targets are not one storage), copies each object with {@link ObjectCopier}, and deletes here.
 */
public final class MirrorPass {
    /** Destination metadata: the source object's ETag at copy time. */
    public static final String SOURCE_ETAG = "br-source-etag";
    /** Destination metadata: the SHA-256 of the content, when it went through this machine. */
    public static final String SHA256 = "br-sha256";
    /**
     * The largest object sent in one streamed PUT when its source ETag is its MD5 (rclone's default
     * upload cutoff): larger ones go in parts, which upload side by side and retry one part at a time.
     */
    static final long STREAMED_PUT_MAX = 200L * 1024 * 1024;
    /** {@link #STREAMED_PUT_MAX}, lowered by tests to reach the parts path with small objects. */
    long streamedPutMax = STREAMED_PUT_MAX;
    private static final Logger LOG = LoggerFactory.getLogger(MirrorPass.class);

    private final MirrorSettings mirror;
    private final S3Store source;
    private final S3Store destination;
    private final Clock clock;
    private final BackupProgress progress;
    private final RetryPolicy<Object> retry;
    private final MirrorPlanner planner;
    private final ObjectCopier copier;

    public MirrorPass(MirrorSettings mirror, S3Store source, S3Store destination, Clock clock,
                      BackupProgress progress, Duration firstRetryDelay) {
        this.mirror = mirror;
        this.source = source;
        this.destination = destination;
        this.clock = clock;
        this.progress = progress;
        this.planner = new MirrorPlanner(mirror, source, destination, new OverlapProbe(mirror, source, destination, clock));
        this.copier = new ObjectCopier(mirror, source, destination);
        this.retry = RetryPolicy.builder().handle(IOException.class, RuntimeException.class).withMaxAttempts(3)
                .withBackoff(firstRetryDelay, firstRetryDelay.multipliedBy(8)).build();
    }

    /**
     * What a pass will do.
     *
     * @param destinationObjects the destination's objects the mirror keeps: below its prefix and
     *     matched by its filters (what a sync may delete, so what the deletion ceiling counts)
     */
    public record Plan(List<ObjectInfo> copy, int unchanged, List<ObjectInfo> delete, int destinationObjects) {
    }

    /**
     * Lists both sides and decides. A failed listing of either side is thrown: no plan, so nothing
     * is copied or deleted on partial knowledge.
     */
    public Plan plan() throws IOException {
        return planner.plan();
    }

    /** Uploads in parts older than this were left by a pass that was killed (a pass takes less). */
    static final Duration STALE_UPLOAD_AGE = Duration.ofHours(24);

    /**
     * Aborts the uploads in parts a killed pass left below the mirror's prefix: they are never
     * objects, but their parts are stored (and billed) until someone aborts them. Best effort.
     */
    private void removeStaleUploads() {
        try {
            int removed = destination.removeIncompleteUploads(mirror.toPrefix(), clock.instant().minus(STALE_UPLOAD_AGE));
            if (removed > 0) {
                LOG.info("Mirror {}: removed {} interrupted upload(s) older than {} h from {}", mirror.name(), removed,
                        STALE_UPLOAD_AGE.toHours(), destination.name());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Mirror {}: cannot remove interrupted uploads from {}: {}", mirror.name(), destination.name(), e.getMessage());
        }
    }

    /** Runs the pass; with {@code dryRun} only reports, through {@code report}, what it would do. */
    public MirrorSummary run(boolean dryRun, Consumer<String> report) throws IOException {
        Instant started = clock.instant();
        return run(plan(), started, dryRun, report);
    }

    /** The smallest delete ceiling that lets the plan's deletions through. */
    static long neededPercent(Plan plan) {
        return plan.destinationObjects() == 0 ? 100
                : Math.min(100, (plan.delete().size() * 100L + plan.destinationObjects() - 1) / plan.destinationObjects());
    }

    /** Carries out a plan made by {@link #plan()}. */
    public MirrorSummary run(Plan plan, Instant started, boolean dryRun, Consumer<String> report) throws IOException {
        long bytes = plan.copy().stream().mapToLong(ObjectInfo::size).sum();
        String blocked = !plan.delete().isEmpty()
                && plan.delete().size() * 100L > (long) mirror.maxDeletePercent() * plan.destinationObjects()
                ? "the pass would delete " + plan.delete().size() + " of the " + plan.destinationObjects()
                    + " objects it keeps on the destination, more than maxDeletePercent (" + mirror.maxDeletePercent()
                    + " %); if the source really lost"
                    + " them, run one pass with `mirror " + mirror.name() + " --max-delete-percent "
                    + neededPercent(plan) + "`, or raise maxDeletePercent in " + mirror.file() : null;
        if (dryRun) {
            // Each line names the target its key is on: copies read from the source, deletions happen at the destination.
            plan.copy().forEach(o -> report.accept("copy   " + source.name() + ":" + o.key() + " -> " + destination.name() + ":"
                    + mirror.toPrefix() + o.key().substring(mirror.fromPrefix().length()) + " (" + o.size() + " bytes)"));
            plan.delete().forEach(o -> report.accept((blocked == null ? "delete " : "KEEP (ceiling) ") + destination.name() + ":"
                    + o.key()));
            return new MirrorSummary(mirror.name(), true, plan.copy().size(), bytes, plan.unchanged(),
                    blocked == null ? plan.delete().size() : 0, List.of(), blocked, Duration.between(started, clock.instant()), null);
        }
        progress.toRead(plan.copy().size(), bytes / 2);
        removeStaleUploads();
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        long[] copied = {0, 0};
        // Backup manifests go last, and only when everything else arrived: a mirror never lists a
        // snapshot whose archives it lacks.
        // The largest first: a large object streams part after part, and started last it would run alone at the end.
        List<ObjectInfo> data = plan.copy().stream().filter(o -> !isManifest(o.key()))
                .sorted(java.util.Comparator.comparingLong(ObjectInfo::size).reversed()).toList();
        List<ObjectInfo> manifests = plan.copy().stream().filter(o -> isManifest(o.key())).toList();
        copyAll(data, failed, copied);
        if (failed.isEmpty()) {
            copyAll(manifests, failed, copied);
        } else {
            manifests.forEach(m -> failed.add(m.key() + ": not copied: other objects failed, and a snapshot manifest goes only"
                    + " after everything it may need"));
        }
        long deleted = 0;
        if (blocked == null) {
            List<ObjectInfo> extras = new ArrayList<>(plan.delete());
            extras.sort(java.util.Comparator.comparing((ObjectInfo o) -> !isManifest(o.key())));
            for (ObjectInfo extra : extras) {
                try {
                    Failsafe.with(retry).run(() -> destination.delete(extra.key()));
                    deleted++;
                } catch (FailsafeException e) {
                    failed.add(extra.key() + ": delete failed: " + (e.getCause() == null ? e : e.getCause()).getMessage());
                }
            }
        } else {
            LOG.warn("Mirror {}: {}", mirror.name(), blocked);
        }
        return new MirrorSummary(mirror.name(), false, copied[0], copied[1], plan.unchanged(), deleted, List.copyOf(failed),
                blocked, Duration.between(started, clock.instant()), null);
    }

    /** A backup's snapshot manifest ({@code <job>/snapshots/<id>.json.age}). */
    static boolean isManifest(String key) {
        return key.matches("(.*/)?snapshots/[^/]+\\.json\\.age");
    }

    private void copyAll(List<ObjectInfo> objects, List<String> failed, long[] copied) throws IOException {
        ExecutorService workers = Executors.newFixedThreadPool(mirror.concurrency());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (ObjectInfo object : objects) {
                futures.add(workers.submit(() -> {
                    try {
                        Failsafe.with(retry).run(() -> copy(object));
                        synchronized (copied) {
                            copied[0]++;
                            copied[1] += object.size();
                        }
                        progress.read(object.size());
                    } catch (FailsafeException e) {
                        Throwable cause = e.getCause() == null ? e : e.getCause();
                        failed.add(object.key() + ": " + cause.getMessage());
                    } catch (RuntimeException e) {
                        failed.add(object.key() + ": " + e.getMessage());
                    }
                }));
            }
            for (Future<?> future : futures) {
                await(future);
            }
        } finally {
            workers.shutdown();
        }
    }

    /** Copies one object to its place below the destination's prefix; see {@link ObjectCopier}. */
    private void copy(ObjectInfo object) throws IOException {
        String relative = object.key().substring(mirror.fromPrefix().length());
        copier.copy(object, mirror.toPrefix() + relative, streamedPutMax);
    }

    static void await(Future<?> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        }
    }

    static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }

    static boolean isMd5(String etag) {
        return ObjectInfo.looksLikeMd5(etag);
    }
}
