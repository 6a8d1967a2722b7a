package io.backuprouter.restore;

import io.backuprouter.UserException;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.files.PathFilter;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.repository.SnapshotRules;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a snapshot into a folder: reads the manifest, fetches each archive it needs once
 * (from another target of the job when one copy is missing or damaged), streams decrypt and unzip,
 * checks every file's SHA-256 against the manifest, writes to a temporary name and renames it into
 * place with its time and permissions, then recreates folders and the links that stay inside the
 * destination. Nothing is written outside the destination; nothing wrong is skipped silently.
 */
public final class Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(Restorer.class);

    private final String job;
    private final List<String> jobTargets;
    private final Map<String, JobRepository> repositories = new LinkedHashMap<>();
    private final AgeIdentity identity;
    private final Clock clock;
    private final BackupProgress progress;
    private int maxExpansion = io.backuprouter.config.RestoreSettings.DEFAULT_MAX_EXPANSION;
    private Path source;
    private Set<String> expected = Set.of();
    private Function<Path, CaseTwins.NameRules> nameRules = CaseTwins::probeNameRules;

    public Restorer(String job, List<String> jobTargets, Map<String, ObjectStore> stores, AgeIdentity identity, Clock clock,
                    BackupProgress progress) {
        this.job = job;
        this.jobTargets = jobTargets;
        stores.forEach((name, store) -> repositories.put(name, new JobRepository(store, job)));
        this.identity = identity;
        this.clock = clock;
        this.progress = progress;
    }

    /**
     * Snapshots this machine committed (its job history): when the newest of them that a request
     * would pick is listed on no target, the restore fails naming its manifest instead of quietly
     * taking an older snapshot.
     */
    public Restorer expecting(Set<String> snapshotIds) {
        this.expected = snapshotIds;
        return this;
    }

    /** Entries that grow more than this many times their compressed size are refused (backup.restore.max-expansion). */
    public Restorer maxExpansion(int ratio) {
        this.maxExpansion = ratio;
        return this;
    }

    /**
     * The job's source folder: a restore into a folder inside it (not the folder itself, a restore in
     * place) says that the job's next backup takes the restored files in as new ones.
     */
    public Restorer source(Path source) {
        this.source = source;
        return this;
    }

    /** For tests: how a destination folder's file system treats names. */
    Restorer nameRulesWhen(Function<Path, CaseTwins.NameRules> probe) {
        this.nameRules = probe;
        return this;
    }

    /**
     * Whether a record has no path the include patterns could take: none, or one no path can be (a NUL,
     * or a name the locale cannot hold). The patterns take no such record (PathFilter matches none);
     * the rules refuse it by name, and a restore with includes still names it.
     */
    private static boolean unnamable(io.backuprouter.catalog.FileEntry record) {
        if (record == null || record.path() == null) {
            return true;
        }
        try {
            Path.of(record.path());
            return false;
        } catch (IllegalArgumentException e) { // InvalidPathException
            return true;
        }
    }

    public RestoreSummary restore(RestoreRequest request) throws IOException {
        Instant started = clock.instant();
        long fetchedBefore = repositories.values().stream().mapToLong(JobRepository::bytesFetched).sum();
        List<String> order = targetOrder(request.target());
        SnapshotLocator.Located located = new SnapshotLocator(job, repositories, identity, expected).locate(request, order);
        Snapshot snapshot = located.snapshot();
        PathFilter filter = new PathFilter(request.includes(), List.of(), false);
        if (!request.includes().isEmpty() && snapshot.files().stream()
                .noneMatch(e -> e != null && e.path() != null && filter.includesFile(e.path()))) {
            // Most likely a mistyped pattern: say so, rather than "0 files restored" and an empty folder.
            throw new UserException("job " + job + ": nothing in snapshot " + snapshot.id() + " matches --include "
                    + String.join(", ", request.includes()) + "; nothing was restored"
                    + "\n    hint: patterns are relative to the backed-up folder, like notes/** or **/*.pdf");
        }
        Path destination = request.destination().toAbsolutePath().normalize();
        FilePlacer placer = new FilePlacer(destination, makeDestination(destination), request.overwrite(), () -> stopping);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        located.failures().forEach(f -> notes.add("snapshot read from target " + located.target() + " after: " + f));
        noteInsideSource(destination, notes);
        // One judge of the manifest's records for restore and verify: what it refuses is never written.
        SnapshotRules.Judged judged = SnapshotRules.judge(snapshot);
        judged.refused().stream().filter(r -> unnamable(r.record()) || filter.includesFile(r.record().path())).forEach(r -> problems.add(r.toString()));
        List<String> kept = Collections.synchronizedList(new ArrayList<>());
        Map<String, List<FileEntry>> byArchive = new TreeMap<>();
        Map<FileEntry, Path> placeAt = new LinkedHashMap<>();
        java.util.Set<Path> noLinks = new java.util.HashSet<>();
        long totalBytes = 0;
        for (FileEntry entry : judged.accepted()) {
            if (!entry.isFile() || !filter.includesFile(entry.path())) {
                continue;
            }
            try {
                placeAt.put(entry, SafePaths.resolve(destination, entry.path(), noLinks));
                byArchive.computeIfAbsent(entry.archive(), a -> new ArrayList<>()).add(entry);
                totalBytes += entry.size();
            } catch (SafePaths.Refused e) {
                problems.add(entry.path() + ": refused: " + e.getMessage());
            }
        }
        totalBytes -= CaseTwins.refuse(placeAt, byArchive, destination, problems, nameRules);
        progress.toRead(placeAt.size(), totalBytes / 2);
        long[] done = {0, 0};
        ArchiveRestore.Shared shared = new ArchiveRestore.Shared(job, repositories, identity, maxExpansion, placer, placeAt, kept,
                problems, notes, progress, done);
        restoreArchives(shared, byArchive, judged, orderFrom(located.target(), order));
        FoldersAndLinks.finish(judged.accepted(), filter, destination, request.outsideLinks(), placer, problems, notes);
        return new RestoreSummary(job, snapshot.id(), located.target(), done[0], done[1], kept, problems, notes,
                Duration.between(started, clock.instant()), request.overwrite() == RestoreRequest.Overwrite.NEVER,
                repositories.values().stream().mapToLong(JobRepository::bytesFetched).sum() - fetchedBefore);
    }

    private Path makeDestination(Path destination) {
        try {
            Files.createDirectories(destination);
            return destination.toRealPath();
        } catch (IOException e) {
            throw new UserException("job " + job + ": cannot make the destination " + destination + ": "
                    + io.backuprouter.files.LocalErrors.describe(e) + "; nothing was restored"
                    + "\n    hint: restore into a folder that exists or can be made", e);
        }
    }

    private void noteInsideSource(Path destination, List<String> notes) throws IOException {
        if (source != null && Files.isDirectory(source)) {
            Path realSource = source.toRealPath();
            Path realDestination = destination.toRealPath();
            if (realDestination.startsWith(realSource) && !realDestination.equals(realSource)) {
                notes.add("the destination is inside the job's source folder " + source + ": the job's next backup "
                        + "takes the restored files in as new files");
            }
        }
    }

    /** Archives are independent (each file's content is in one): restores several at once. */
    private void restoreArchives(ArchiveRestore.Shared shared, Map<String, List<FileEntry>> byArchive,
                                 SnapshotRules.Judged judged, List<String> order) throws IOException {
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        stopping = false;
        AtomicBoolean finished = new AtomicBoolean();
        Thread onExit = stopOnExit ? new Thread(() -> stop(workers, finished, shared.done(), shared.placer()), "restore-stop-" + job)
                : null;
        try {
            if (onExit != null) {
                Runtime.getRuntime().addShutdownHook(onExit);
            }
            List<Future<?>> futures = new ArrayList<>();
            for (Map.Entry<String, List<FileEntry>> group : longestFirst(byArchive)) {
                futures.add(workers.submit(() -> {
                    new ArchiveRestore(shared, judged.archives().get(group.getKey()), group.getValue()).run(order);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                await(future);
            }
            finished.set(true);
        } finally {
            workers.shutdownNow();
            try {
                // Workers stopped by a failure may still be writing a temporary file: cleaning up waits for them.
                workers.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            shared.placer().cleanTemps();
            try {
                if (onExit != null) {
                    Runtime.getRuntime().removeShutdownHook(onExit);
                }
            } catch (IllegalStateException e) {
                // The JVM is exiting: the hook cleans up. The command halts the JVM as soon as this
                // returns with a failure, so the hook must have finished first.
                joinQuietly(onExit);
            }
        }
    }

    private void await(Future<?> future) throws IOException {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UserException user) {
                throw user;
            }
            if (e.getCause() instanceof Stopped) {
                throw new UserException("job " + job + ": restore stopped before it finished: the program is exiting",
                        e.getCause());
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * What one file costs a restore worker besides its bytes (creating, writing, renaming and
     * timestamping a file, reading its zip entry's header), in bytes of content: measured on the
     * benchmark's notes at 0.25-0.4 ms a file, which is what reading and inflating 30-60 KB of text
     * takes.
     */
    static final long COST_PER_FILE = 64 * 1024;

    /**
     * The archives' groups of files, the longest to restore first: the workers start with the archives
     * that take longest (one with a large file, or one with thousands of small ones), so that none is
     * left running alone at the end while the other workers are idle. An archive's cost is its files'
     * content plus {@link #COST_PER_FILE} for each file. Ties keep the archives' order.
     */
    static List<Map.Entry<String, List<FileEntry>>> longestFirst(Map<String, List<FileEntry>> byArchive) {
        List<Map.Entry<String, List<FileEntry>>> groups = new ArrayList<>(byArchive.entrySet());
        groups.sort(Comparator.comparingLong((Map.Entry<String, List<FileEntry>> group) -> group.getValue().stream()
                .mapToLong(f -> f.size() + COST_PER_FILE).sum()).reversed());
        return groups;
    }

    /** Set when the JVM exits during a restore: workers stop at their next read or file. */
    private volatile boolean stopping;

    private boolean stopOnExit;

    /**
     * For a restore that is the whole program (the {@code restore} command): when the JVM exits
     * during it (Ctrl-C, a TERM signal), it stops at once and removes its temporary files. The
     * router does not ask for this: its shutdown lets a running restore finish first.
     */
    public Restorer stopOnExit() {
        this.stopOnExit = true;
        return this;
    }

    /** The restore was stopped because the JVM is exiting. */
    static final class Stopped extends IOException {
        Stopped() {
            super("restore stopped: the program is exiting");
        }
    }

    /**
     * The JVM is exiting during a restore command (Ctrl-C, a TERM signal): the workers stop at their
     * next read, and the temporary files are removed once they have. Files already in place stay;
     * nothing unverified is left behind, not even hidden. Nothing happens when the restore has
     * already finished.
     */
    private void stop(java.util.concurrent.ExecutorService workers, java.util.concurrent.atomic.AtomicBoolean finished,
                      long[] done, FilePlacer placer) {
        if (finished.get()) {
            return;
        }
        stopping = true;
        // Not shutdownNow: an interrupt would make a worker's read fail as if the archive were damaged.
        workers.shutdown();
        boolean stopped;
        try {
            stopped = workers.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        placer.cleanTemps();
        synchronized (done) {
            LOG.warn("Job {}: restore stopped before it finished: {} file(s) were placed, the others were not; {}."
                    + " Run the restore again to finish it", job, done[0], stopped ? "its temporary files were removed"
                    : "a worker still reading after " + STOP_WAIT_SECONDS
                    + " s may leave a temporary file (.restore-tmp-*)");
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS + 5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long a stopping restore waits for its workers before it removes the temporary files anyway. */
    private static final int STOP_WAIT_SECONDS = 10;

    /** Writing the destination failed: a local problem, not damage to the archive. */
    static final class LocalWriteException extends IOException {
        LocalWriteException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private List<String> targetOrder(String preferred) {
        if (preferred == null) {
            return jobTargets;
        }
        if (!repositories.containsKey(preferred)) {
            throw new UserException("unknown target \"" + preferred + "\"; configured: " + String.join(", ", repositories.keySet()));
        }
        List<String> order = new ArrayList<>(List.of(preferred));
        jobTargets.stream().filter(t -> !t.equals(preferred)).forEach(order::add);
        return order;
    }

    private static List<String> orderFrom(String first, List<String> order) {
        List<String> result = new ArrayList<>(List.of(first));
        order.stream().filter(t -> !t.equals(first)).forEach(result::add);
        return result;
    }
}
