package io.backuprouter.mirror;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.files.PathFilter;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.MirrorSettings;
import io.backuprouter.config.TargetSettings;
import io.backuprouter.targets.ObjectAttributes;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.S3Parts;
import io.backuprouter.targets.S3Store;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
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
    /**
     * Part buffers a pass may hold at once (one part of the destination's part size each): memory
     * stays at {@code concurrency} parts however large and many the objects are.
     */
    private final Semaphore partBuffers;
    /** Buffers of finished objects, reused: no more of them exist than permits of {@link #partBuffers}. */
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> freeBuffers = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Objects up to this size are read into a buffer of their own, outside the budget. */
    private static final long SMALL = 1024 * 1024;

    public MirrorPass(MirrorSettings mirror, S3Store source, S3Store destination, Clock clock,
                      BackupProgress progress, Duration firstRetryDelay) {
        this.mirror = mirror;
        this.source = source;
        this.destination = destination;
        this.clock = clock;
        this.progress = progress;
        this.partBuffers = new Semaphore(mirror.concurrency());
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
        refuseOneStorage();
        PathFilter filter = new PathFilter(mirror.includes(), mirror.excludes(), false);
        Map<String, ObjectInfo> from = new LinkedHashMap<>();
        for (ObjectInfo object : source.list(mirror.fromPrefix())) {
            String relative = object.key().substring(mirror.fromPrefix().length());
            if (!relative.isEmpty() && !isProbe(relative) && filter.includesFile(relative)) {
                from.put(relative, object);
            }
        }
        Map<String, ObjectInfo> to = new HashMap<>();
        for (ObjectInfo object : destination.list(mirror.toPrefix())) {
            if (!isProbe(object.key())) {
                to.put(object.key().substring(mirror.toPrefix().length()), object);
            }
        }
        List<ObjectInfo> copy = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<String, ObjectInfo> entry : from.entrySet()) {
            ObjectInfo there = to.get(entry.getKey());
            if (there != null && sameContent(entry.getValue(), there)) {
                unchanged++;
            } else {
                copy.add(entry.getValue());
            }
        }
        List<ObjectInfo> delete = new ArrayList<>();
        // The ceiling is a share of what the mirror keeps there: objects its filters leave out would
        // otherwise dilute it until emptying everything the mirror keeps passed as a small share.
        int kept = 0;
        for (Map.Entry<String, ObjectInfo> entry : to.entrySet()) {
            if (filter.includesFile(entry.getKey())) {
                kept++;
                if (mirror.sync() && !from.containsKey(entry.getKey())) {
                    delete.add(entry.getValue());
                }
            }
        }
        return new Plan(copy, unchanged, delete, kept);
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

    /** The name a probe object of {@link #refuseOneStorage()} starts with. */
    static final String PROBE = ".backup-router-overlap-probe-";
    /** Source and destination pairs a probe found to be two storages (in this process), and when. */
    private static final Map<String, Instant> APART = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long a probe's "two storages" holds: a DNS name may be pointed elsewhere meanwhile. */
    static final Duration PROBE_AGAIN_AFTER = Duration.ofHours(24);

    /** Whether a key is a probe object (one whose removal failed): never copied, never deleted. */
    static boolean isProbe(String key) {
        return key.substring(key.lastIndexOf('/') + 1).startsWith(PROBE);
    }

    /**
     * Refuses a pass that would copy into its own source (or sync away from it): the source and the
     * destination name one bucket, one prefix inside the other, and their endpoints, written
     * differently (a second DNS name of one server), reach the same storage. The settings check
     * catches endpoints written alike; this asks the storage: a small probe object is written where
     * the prefixes meet, through the destination, and looked for through the source. It is removed
     * at once. Targets on other buckets, or with prefixes apart, are never probed.
     */
    private void refuseOneStorage() throws IOException {
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

    private boolean sameContent(ObjectInfo from, ObjectInfo to) throws IOException {
        if (from.size() != to.size()) {
            return false;
        }
        String fromTag = unquote(from.etag());
        String toTag = unquote(to.etag());
        if (isMd5(fromTag) && fromTag.equalsIgnoreCase(toTag)) {
            return true;
        }
        ObjectAttributes copy = destination.attributes(to.key()).orElse(null);
        String recorded = copy == null ? null : copy.metadata().get(SOURCE_ETAG);
        if (recorded == null || !recorded.equals(fromTag)) {
            return false;
        }
        // The copy names this source version. Where both ETags are their contents' MD5s they must agree as
        // well (they do not, or the test above held): a copy that arrived damaged, on a server that did not
        // check its Content-MD5, and that a crash kept from being removed, is copied again. Only then is
        // the source asked whether its ETag is an MD5 (SSE-KMS ETags look like one).
        if (copy.etagIsMd5() && isMd5(fromTag) && isMd5(toTag)) {
            return !source.attributes(from.key()).map(ObjectAttributes::etagIsMd5).orElse(false);
        }
        return true;
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

    /**
     * Copies one object: server-side when both stores are the same service, else streamed from the
     * source to the destination through memory (one part at a time, never a local file).
     */
    private void copy(ObjectInfo object) throws IOException {
        String relative = object.key().substring(mirror.fromPrefix().length());
        String target = mirror.toPrefix() + relative;
        ObjectAttributes attributes = source.attributes(object.key())
                .orElseThrow(() -> new IOException(source.name() + ": " + object.key() + " vanished during the pass"));
        Map<String, String> metadata = new HashMap<>(attributes.metadata());
        metadata.put(SOURCE_ETAG, unquote(object.etag()));
        if (source.sameServiceAs(destination) && object.size() <= S3Store.MAX_SERVER_SIDE_COPY) {
            destination.copyFrom(source, object.key(), target, withMetadata(attributes, metadata));
            return;
        }
        // The source's ETag is checked against the content only where it is an MD5 (not SSE-KMS or SSE-C, not multipart).
        boolean sourceTagIsMd5 = attributes.etagIsMd5() && isMd5(unquote(object.etag()));
        String md5Hex;
        if (sourceTagIsMd5 && object.size() > destination.settings().partSize() && object.size() <= streamedPutMax) {
            putStreamed(object, target, withMetadata(attributes, metadata));
            md5Hex = unquote(object.etag()).toLowerCase(java.util.Locale.ROOT);
        } else {
            try (InputStream in = source.get(object.key())) {
                md5Hex = object.size() <= destination.settings().partSize()
                        ? putWhole(object, sourceTagIsMd5, in, target, attributes, metadata)
                        : putInParts(object, sourceTagIsMd5, in, target, withMetadata(attributes, metadata));
            }
        }
        ObjectInfo written = destination.stat(target)
                .orElseThrow(() -> new IOException(destination.name() + ": " + target + " is missing after the upload"));
        String writtenTag = unquote(written.etag());
        if (written.size() != object.size() || (md5Hex != null && isMd5(writtenTag) && !writtenTag.equalsIgnoreCase(md5Hex))) {
            // Never leave a copy that claims (br-source-etag) to be the source's when it is not.
            destination.delete(target);
            throw new IOException(destination.name() + ": " + target + " does not match what was uploaded");
        }
    }

    /**
     * An object up to the destination's part size: read whole into memory, checked against the
     * source's ETag and recorded with its SHA-256, then one PUT that the destination checks against
     * its MD5. Returns the MD5 (hex).
     */
    private String putWhole(ObjectInfo object, boolean sourceTagIsMd5, InputStream in, String target, ObjectAttributes attributes,
                            Map<String, String> metadata) throws IOException {
        boolean small = object.size() <= SMALL;
        if (!small) {
            acquire(partBuffers, 1);
        }
        byte[] content = small ? new byte[(int) object.size()] : buffer((int) object.size());
        try {
            int length = in.readNBytes(content, 0, (int) object.size());
            if (length != object.size() || in.read() != -1) {
                throw new IOException(source.name() + ": " + object.key() + " is no longer " + object.size()
                        + " bytes, as listed (changed during the pass?)");
            }
            MessageDigest md5 = io.backuprouter.crypto.Digests.md5();
            md5.update(content, 0, length);
            byte[] md5Bytes = md5.digest();
            String md5Hex = HexFormat.of().formatHex(md5Bytes);
            checkSourceTag(object, sourceTagIsMd5, md5Hex);
            MessageDigest sha = digest("SHA-256");
            sha.update(content, 0, length);
            metadata.put(SHA256, HexFormat.of().formatHex(sha.digest()));
            destination.put(target, content, length, md5Bytes, withMetadata(attributes, metadata));
            return md5Hex;
        } finally {
            if (!small) {
                freeBuffers.offer(content);
                partBuffers.release();
            }
        }
    }

    /**
     * A larger object whose source ETag is its MD5 (up to {@link #streamedPutMax}): one PUT that
     * streams from the source's GET, held nowhere and not hashed here (the aws preset's CRC32 trailer
     * aside). It is sent with
     * the source's ETag as its {@code Content-MD5}, so the destination itself checks, on arrival, that
     * what it received is what the source listed; one that is not is refused and nothing appears.
     * (Its metadata is sent before its content is read, so it carries no {@value #SHA256}.)
     */
    private void putStreamed(ObjectInfo object, String target, ObjectAttributes attributes) throws IOException {
        byte[] md5 = HexFormat.of().parseHex(unquote(object.etag()));
        List<SourceBody> opened = new ArrayList<>();
        try {
            destination.putStreamed(target, () -> {
                try {
                    synchronized (opened) {
                        // A retry: the attempt before it is over, and its GET must not hold a connection.
                        opened.forEach(SourceBody::close);
                        SourceBody body = new SourceBody(source.get(object.key()), object.size());
                        opened.add(body);
                        return body;
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, object.size(), md5, attributes);
        } catch (S3Store.DigestMismatchException e) {
            throw new IOException(source.name() + ": " + object.key() + " does not match its ETag, or was damaged on its way: "
                    + destination.name() + " refused what was read, which was not the listed content; nothing was stored", e);
        } finally {
            synchronized (opened) {
                opened.forEach(SourceBody::close);
            }
        }
    }

    /**
     * A source GET fed to a streamed PUT. Closed after it was read to its end, its connection goes
     * back to the pool; closed before (the PUT failed, or is retried), it is aborted, so that closing
     * does not download the rest of the object (up to {@link #STREAMED_PUT_MAX}) only to discard it.
     */
    static final class SourceBody extends java.io.FilterInputStream {
        private final long length;
        private long read;
        private boolean closed;
        /** Whether it was aborted rather than closed (for tests). */
        boolean aborted;

        SourceBody(InputStream in, long length) {
            super(in);
            this.length = length;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                read++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) throws IOException {
            int n = super.read(buffer, offset, count);
            if (n > 0) {
                read += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            read += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (read < length && in instanceof software.amazon.awssdk.http.Abortable abortable) {
                abortable.abort();
                aborted = true;
            }
            try {
                in.close();
            } catch (IOException ignored) {
                // the upload's outcome is what counts
            }
        }
    }

    /**
     * A larger object: a multipart upload fed part by part as the source streams in. Part buffers
     * come from the pass's budget ({@link #partBuffers}): each object holds one, and sends further
     * parts at once only while spare buffers are free. It is completed only when every byte has
     * arrived, the size is the listed one and the content matches the source's MD5 ETag; otherwise
     * it is aborted and nothing appears at the destination. Returns the MD5 (hex).
     */
    private String putInParts(ObjectInfo object, boolean sourceTagIsMd5, InputStream in, String target, ObjectAttributes attributes)
            throws IOException {
        long partSize = destination.partSizeFor(object.size());
        if (partSize > Integer.MAX_VALUE - 16) {
            throw new IOException(destination.name() + ": " + target + ": parts of " + partSize + " bytes do not fit in memory");
        }
        // The whole object's MD5 is worth its time only when the source's ETag is one to check it against
        // (each part is checked on its own on arrival: see S3Parts#send).
        MessageDigest md5 = sourceTagIsMd5 ? io.backuprouter.crypto.Digests.md5() : null;
        long total = 0;
        java.util.ArrayDeque<Sent> sent = new java.util.ArrayDeque<>();
        List<byte[]> owned = new ArrayList<>();
        boolean reusable = true;
        acquire(partBuffers, 1);
        owned.add(buffer((int) partSize));
        try (S3Parts parts = destination.startParts(target, attributes)) {
            try {
                byte[] buffer = owned.get(0);
                for (int number = 1, n; (n = in.readNBytes(buffer, 0, (int) partSize)) > 0; number++) {
                    total += n;
                    if (total > object.size()) {
                        break;
                    }
                    if (md5 != null) {
                        md5.update(buffer, 0, n);
                    }
                    sent.add(new Sent(parts.send(number, buffer, n), buffer));
                    if (partBuffers.tryAcquire()) {
                        buffer = buffer((int) partSize);
                        owned.add(buffer);
                    } else {
                        buffer = await(sent.poll());
                    }
                }
                while (!sent.isEmpty()) {
                    await(sent.poll());
                }
                if (total != object.size()) {
                    throw new IOException(source.name() + ": " + object.key() + " is no longer " + object.size()
                            + " bytes, as listed (changed during the pass?)");
                }
                String md5Hex = md5 == null ? null : HexFormat.of().formatHex(md5.digest());
                checkSourceTag(object, sourceTagIsMd5, md5Hex);
                parts.complete();
                return md5Hex;
            } catch (IOException | RuntimeException e) {
                // Parts still in flight finish (or fail) before the upload is aborted, so that none lands after it.
                for (Sent part : sent) {
                    try {
                        part.future().get();
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        reusable = false; // a part may still be reading its buffer
                        break;
                    } catch (java.util.concurrent.ExecutionException ignored) {
                        // the first failure is the one reported
                    }
                }
                throw e;
            }
        } finally {
            if (reusable) {
                freeBuffers.addAll(owned);
            }
            partBuffers.release(owned.size());
        }
    }

    /** A buffer of at least {@code size} bytes, reused from earlier objects when one is free. */
    private byte[] buffer(int size) {
        byte[] free = freeBuffers.poll();
        return free != null && free.length >= size ? free : new byte[Math.max(size, (int) destination.settings().partSize())];
    }

    /** A part on its way, and the buffer it is sent from. */
    private record Sent(Future<?> future, byte[] buffer) {
    }

    private static byte[] await(Sent sent) throws IOException {
        await(sent.future());
        return sent.buffer();
    }

    private static void acquire(Semaphore semaphore, int permits) throws IOException {
        try {
            semaphore.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Checks the content's MD5 (hex; null when not computed) against the source's ETag where that is an MD5. */
    private void checkSourceTag(ObjectInfo object, boolean sourceTagIsMd5, String md5Hex) throws IOException {
        String sourceTag = unquote(object.etag());
        if (sourceTagIsMd5 && !sourceTag.equalsIgnoreCase(md5Hex)) {
            throw new IOException(source.name() + ": " + object.key() + " does not match its ETag (read " + md5Hex + ")");
        }
    }

    private static ObjectAttributes withMetadata(ObjectAttributes attributes, Map<String, String> metadata) {
        return new ObjectAttributes(attributes.contentType(), attributes.contentEncoding(), attributes.cacheControl(), metadata,
                attributes.etagIsMd5());
    }

    private static void await(Future<?> future) throws IOException {
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

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
