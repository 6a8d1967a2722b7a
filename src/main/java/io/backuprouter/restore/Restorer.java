package io.backuprouter.restore;

import io.backuprouter.UserException;
import io.backuprouter.backup.BackupProgress;
import io.backuprouter.backup.PathFilter;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.targets.NoSuchObjectException;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
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
    private static final String TEMP_PREFIX = ".restore-tmp-";

    private final String job;
    private final List<String> jobTargets;
    private final Map<String, ObjectStore> stores;
    private final AgeIdentity identity;
    private final Clock clock;
    private final BackupProgress progress;
    /** Temporary files this restore made, so that cleaning up never touches anything else. */
    private final Set<Path> temps = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int maxExpansion = io.backuprouter.config.RestoreSettings.DEFAULT_MAX_EXPANSION;
    private Path source;
    private final Map<Object, Boolean> posixByDevice = new java.util.concurrent.ConcurrentHashMap<>();

    public Restorer(String job, List<String> jobTargets, Map<String, ObjectStore> stores, AgeIdentity identity, Clock clock,
                    BackupProgress progress) {
        this.job = job;
        this.jobTargets = jobTargets;
        this.stores = stores;
        this.identity = identity;
        this.clock = clock;
        this.progress = progress;
    }

    private Set<String> expected = Set.of();

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

    /** The snapshot the request names, the target it was read from, and what failed on targets tried before. */
    public record Located(Snapshot snapshot, String target, List<String> failures) {
    }

    public RestoreSummary restore(RestoreRequest request) throws IOException {
        Instant started = clock.instant();
        List<String> order = targetOrder(request.target());
        Located located = locate(request, order);
        Snapshot snapshot = located.snapshot();
        PathFilter filter = new PathFilter(request.includes(), List.of(), false);
        if (!request.includes().isEmpty() && snapshot.files().stream().noneMatch(e -> filter.includesFile(e.path()))) {
            // Most likely a mistyped pattern: say so, rather than "0 files restored" and an empty folder.
            throw new UserException("job " + job + ": nothing in snapshot " + snapshot.id() + " matches --include "
                    + String.join(", ", request.includes()) + "; nothing was restored"
                    + "\n    hint: patterns are relative to the backed-up folder, like notes/** or **/*.pdf");
        }
        Path destination = request.destination().toAbsolutePath().normalize();
        try {
            Files.createDirectories(destination);
            realDestination = destination.toRealPath();
        } catch (IOException e) {
            throw new UserException("job " + job + ": cannot make the destination " + destination + ": "
                    + io.backuprouter.LocalErrors.describe(e) + "; nothing was restored"
                    + "\n    hint: restore into a folder that exists or can be made", e);
        }

        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
        located.failures().forEach(f -> notes.add("snapshot read from target " + located.target() + " after: " + f));
        if (source != null && Files.isDirectory(source)) {
            Path realSource = source.toRealPath();
            if (realDestination.startsWith(realSource) && !realDestination.equals(realSource)) {
                notes.add("the destination is inside the job's source folder " + source + ": the job's next backup "
                        + "takes the restored files in as new files");
            }
        }
        List<String> kept = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, List<FileEntry>> byArchive = new TreeMap<>();
        Map<FileEntry, Path> placeAt = new LinkedHashMap<>();
        long totalBytes = 0;
        for (FileEntry entry : snapshot.files()) {
            if (!entry.isFile() || !filter.includesFile(entry.path())) {
                continue;
            }
            try {
                Path target = SafePaths.resolve(destination, entry.path());
                placeAt.put(entry, target);
                byArchive.computeIfAbsent(entry.archive(), a -> new ArrayList<>()).add(entry);
                totalBytes += entry.size();
            } catch (SafePaths.Refused e) {
                problems.add(entry.path() + ": refused: " + e.getMessage());
            }
        }
        totalBytes -= refuseCaseTwins(placeAt, byArchive, destination, problems);
        progress.toRead(placeAt.size(), totalBytes / 2);
        Map<String, ArchiveInfo> archives = new LinkedHashMap<>();
        snapshot.archives().forEach(a -> archives.put(a.id(), a));

        long[] done = {0, 0};
        // Archives are independent (each file's content is in one): restore several at once.
        java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        stopping = false;
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        Thread onExit = stopOnExit ? new Thread(() -> stop(workers, finished, done), "restore-stop-" + job) : null;
        try {
            if (onExit != null) {
                Runtime.getRuntime().addShutdownHook(onExit);
            }
            List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
            for (Map.Entry<String, List<FileEntry>> group : longestFirst(byArchive)) {
                futures.add(workers.submit(() -> {
                    restoreArchive(group.getKey(), group.getValue(), archives, snapshot, located, order, placeAt, destination,
                            request.overwrite(), kept, problems, notes, done);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> future : futures) {
                try {
                    future.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
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
            finished.set(true);
        } finally {
            workers.shutdownNow();
            try {
                // Workers stopped by a failure may still be writing a temporary file: cleaning up waits for them.
                workers.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cleanTemps();
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
        finishFoldersAndLinks(snapshot, filter, destination, request.outsideLinks(), problems, notes);
        return new RestoreSummary(job, snapshot.id(), located.target(), done[0], done[1], kept, problems, notes,
                Duration.between(started, clock.instant()), request.overwrite() == RestoreRequest.Overwrite.NEVER);
    }

    /**
     * Files whose paths differ only in letter case or Unicode normalization ({@code README.md} and
     * {@code readme.md}) are one file on a file system that ignores case (macOS's and Windows's by
     * default) or normalization (APFS): restoring both would silently leave only the last. The file
     * system is probed where such twins would go; where it cannot tell them apart, the first of each
     * set (in path order) is restored and every other one is reported as not restored. Returns the
     * bytes left out.
     */
    private long refuseCaseTwins(Map<FileEntry, Path> placeAt, Map<String, List<FileEntry>> byArchive, Path destination,
                                 List<String> problems) {
        Map<String, List<FileEntry>> byFolded = new TreeMap<>();
        placeAt.keySet().forEach(f -> byFolded.computeIfAbsent(folded(f.path(), true, true), k -> new ArrayList<>()).add(f));
        Map<Path, NameRules> rulesByFolder = new HashMap<>();
        long left = 0;
        for (List<FileEntry> group : byFolded.values()) {
            if (group.stream().map(FileEntry::path).distinct().count() < 2) {
                continue;
            }
            Path folder = existingFolder(placeAt.get(group.get(0)).getParent(), destination);
            NameRules rules = rulesByFolder.computeIfAbsent(folder, this::nameRules);
            Map<String, String> firstByName = new HashMap<>();
            for (FileEntry file : group.stream().sorted(Comparator.comparing(FileEntry::path)).toList()) {
                String first = firstByName.putIfAbsent(folded(file.path(), rules.ignoresCase(), rules.ignoresNormalization()),
                        file.path());
                if (first == null || first.equals(file.path())) {
                    continue;
                }
                placeAt.remove(file);
                byArchive.get(file.archive()).remove(file);
                left += file.size();
                boolean sameLetters = folded(first, false, true).equals(folded(file.path(), false, true));
                problems.add(file.path() + ": not restored: " + (sameLetters
                        ? "its name is " + first + " in another Unicode normalization form (NFC/NFD)"
                        : "its name differs from " + first + " only in letter case")
                        + ", which the file system of " + folder + " does not tell apart"
                        + " (restore it into a case-sensitive folder, or alone with --include into another folder)");
            }
        }
        byArchive.values().removeIf(List::isEmpty);
        return left;
    }

    /** Whether a file system ignores letter case, and whether it ignores Unicode normalization, in names. */
    record NameRules(boolean ignoresCase, boolean ignoresNormalization) {
        static final NameRules BOTH = new NameRules(true, true);
    }

    /** The name as a file system with these rules sees it. */
    static String folded(String path, boolean ignoresCase, boolean ignoresNormalization) {
        String name = ignoresNormalization ? java.text.Normalizer.normalize(path, java.text.Normalizer.Form.NFC) : path;
        // Upper then lower: letters with several lower-case forms (Greek sigma) end up as one.
        return ignoresCase ? name.toUpperCase(java.util.Locale.ROOT).toLowerCase(java.util.Locale.ROOT) : name;
    }

    /** The nearest folder at or above {@code folder} that exists, within the destination. */
    private static Path existingFolder(Path folder, Path destination) {
        Path existing = folder;
        while (existing != null && existing.startsWith(destination) && !Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing != null && existing.startsWith(destination) ? existing : destination;
    }

    private java.util.function.Function<Path, NameRules> nameRules = Restorer::probeNameRules;

    /** For tests: how a destination folder's file system treats names. */
    Restorer nameRulesWhen(java.util.function.Function<Path, NameRules> probe) {
        this.nameRules = probe;
        return this;
    }

    private NameRules nameRules(Path folder) {
        return nameRules.apply(folder);
    }

    /**
     * Probes a folder's file system with a file of a lower-case, NFC name: is it found by its
     * upper-case name, and by its NFD name? When it cannot be probed, both are assumed: refusing a
     * twin is reported, while restoring it over the other would lose a file unseen.
     */
    static NameRules probeNameRules(Path folder) {
        String name = TEMP_PREFIX + "names-\u00e9-" + UUID.randomUUID();
        Path probe = folder.resolve(name);
        try {
            Files.createFile(probe);
        } catch (IOException | RuntimeException e) {
            return NameRules.BOTH;
        }
        try {
            boolean ignoresCase = Files.exists(folder.resolve(name.toUpperCase(java.util.Locale.ROOT)), LinkOption.NOFOLLOW_LINKS);
            boolean ignoresNormalization = Files.exists(
                    folder.resolve(java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)), LinkOption.NOFOLLOW_LINKS);
            return new NameRules(ignoresCase, ignoresNormalization);
        } catch (RuntimeException e) {
            return NameRules.BOTH;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                LOG.warn("Cannot remove the probe file {}: {}; delete it by hand", probe, io.backuprouter.LocalErrors.describe(e));
            }
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

    private void restoreArchive(String archiveId, List<FileEntry> files, Map<String, ArchiveInfo> archives, Snapshot snapshot,
                                Located located, List<String> order, Map<FileEntry, Path> placeAt, Path destination,
                                RestoreRequest.Overwrite overwrite, List<String> kept, List<String> problems,
                                List<String> notes, long[] done) throws IOException {
        ArchiveInfo archive = archives.get(archiveId);
        if (archive == null) {
            files.forEach(f -> problems.add(f.path() + ": the manifest names archive " + archiveId + " but does not list it"));
            return;
        }
        progress.step("archive " + archive.id());
        Set<FileEntry> remaining = new HashSet<>(files);
        List<String> failures = new ArrayList<>();
        int wrongKey = 0;
        for (String target : orderFrom(located.target(), order)) {
            if (remaining.isEmpty()) {
                break;
            }
            try {
                extract(target, archive, remaining, placeAt, destination, overwrite, kept, problems, done);
                if (!failures.isEmpty()) {
                    notes.add("archive " + archive.key() + " read from target " + target + " after: " + String.join("; ", failures));
                    LOG.warn("Job {}: archive {} read from target {} after: {}", job, archive.key(), target, String.join("; ", failures));
                }
            } catch (IOException e) {
                if (stopping) {
                    // Whatever the read or write failed with, the program is exiting: not damage.
                    throw e instanceof Stopped ? e : new Stopped();
                }
                if (e instanceof LocalWriteException) {
                    throw new UserException("job " + job + ": restore stopped: " + e.getMessage()
                            + "\n    hint: check free space and permissions in " + destination, e);
                }
                if (e instanceof Age.WrongKeyException) {
                    // A wrong identity fails on every target; a damaged header on one only: try the others.
                    wrongKey++;
                    failures.add(target + ": archive " + archive.key() + " cannot be decrypted (" + e.getMessage() + ")");
                } else {
                    failures.add(target + ": " + describe(archive, e));
                }
            }
        }
        if (!remaining.isEmpty() && wrongKey == failures.size() && wrongKey > 0) {
            throw cannotDecrypt("archive " + archive.key() + " of snapshot " + snapshot.id());
        }
        for (FileEntry file : remaining) {
            problems.add(file.path() + ": not restored: " + (failures.isEmpty() ? "no target has archive " + archive.key()
                    : String.join("; ", failures)));
        }
    }

    /** The identity (or passphrase) given is not one the object was encrypted to. */
    private UserException cannotDecrypt(String what) {
        if (identity.isPassphrase()) {
            return new UserException("job " + job + ": the passphrase cannot decrypt " + what + ": it was made with another "
                    + "passphrase, or encrypted to recipients\n    hint: check the variable the job's passphrase placeholder "
                    + "names; snapshots made before a backup --rekey need the passphrase they were made with");
        }
        return new UserException("job " + job + ": this identity (" + identity.recipient() + ") cannot decrypt " + what
                + ": it was encrypted to other recipients\n    hint: give the identity whose recipient the job encrypts to "
                + "(--identity FILE); snapshots made before the job's recipients changed need the identity they were made for");
    }

    private static String describe(ArchiveInfo archive, IOException e) {
        if (e instanceof NoSuchObjectException) {
            return "archive " + archive.key() + " is missing";
        }
        return "archive " + archive.key() + " is damaged or unreadable (" + e.getMessage() + ")";
    }

    /** Streams one archive and places every remaining file whose content it holds. */
    private void extract(String target, ArchiveInfo archive, Set<FileEntry> remaining, Map<FileEntry, Path> placeAt,
                         Path destination, RestoreRequest.Overwrite overwrite, List<String> kept, List<String> problems,
                         long[] done)
            throws IOException {
        Map<String, List<FileEntry>> byEntry = new LinkedHashMap<>();
        remaining.forEach(f -> byEntry.computeIfAbsent(f.entry(), e -> new ArrayList<>()).add(f));
        ObjectStore store = stores.get(target);
        try (InputStream encrypted = store.get(job + "/" + archive.key());
             InputStream plain = new java.io.BufferedInputStream(Age.decrypt(encrypted, identity), 64 * 1024);
             ZipArchiveInputStream zip = new ZipArchiveInputStream(plain, "UTF-8", true, true)) {
            for (ZipArchiveEntry entry; (entry = zip.getNextEntry()) != null && !byEntry.isEmpty(); ) {
                List<FileEntry> files = byEntry.remove(entry.getName());
                if (files == null) {
                    skipWithinBound(zip, entry.getName(), archive);
                    continue;
                }
                Temp opened = openTemp(placeAt.get(files.get(0)), destination);
                Path temp = opened.path();
                String sha256;
                try {
                    sha256 = copyAndHash(zip, opened, entry.getName(), files.get(0).size(), archive);
                    progress.read(Files.size(temp));
                    for (FileEntry file : files) {
                        if (!sha256.equals(file.sha256())) {
                            throw new IOException("entry " + entry.getName() + " does not match the manifest (SHA-256 "
                                    + sha256 + ", expected " + file.sha256() + ")");
                        }
                    }
                    for (int i = 0; i < files.size(); i++) {
                        FileEntry file = files.get(i);
                        try {
                            if (place(temp, file, placeAt.get(file), overwrite, kept, i == files.size() - 1)) {
                                synchronized (done) {
                                    done[0]++;
                                    done[1] += file.size();
                                }
                            }
                        } catch (IOException e) {
                            if (stopping) {
                                throw e instanceof Stopped ? e : new Stopped();
                            }
                            // A local problem (a folder in the way, permissions, a full disk): this file only.
                            problems.add(file.path() + ": not restored: " + io.backuprouter.LocalErrors.describe(e));
                        }
                        remaining.remove(file);
                    }
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
        }
        if (!byEntry.isEmpty()) {
            throw new IOException("archive " + archive.key() + " lacks entries " + String.join(", ", byEntry.keySet()));
        }
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

    private void checkNotStopping() throws Stopped {
        if (stopping) {
            throw new Stopped();
        }
    }

    /**
     * The JVM is exiting during a restore command (Ctrl-C, a TERM signal): the workers stop at their
     * next read, and the temporary files are removed once they have. Files already in place stay;
     * nothing unverified is left behind, not even hidden. Nothing happens when the restore has
     * already finished.
     */
    private void stop(java.util.concurrent.ExecutorService workers, java.util.concurrent.atomic.AtomicBoolean finished,
                      long[] done) {
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
        cleanTemps();
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

    private static final String OUTSIDE_LINKS_HINT = "; --outside-links create makes such links as stored, skip leaves them out";

    /** The destination of the restore in progress, links resolved. */
    private Path realDestination;

    /** A temporary file, created new and open for writing. */
    private record Temp(Path path, OutputStream out) {
    }

    /**
     * Where an entry's content is written while it is checked: a new file beside the file it
     * becomes, so that placing it is one rename within its folder (not a rename from the root into
     * the folder and another into place). In the destination itself when that folder cannot be made
     * or written (a file in its way, a read-only folder of an earlier restore); placing the file then
     * says why. Never opened through a link: nothing unverified is written through a link swapped in
     * since the paths were checked.
     */
    private Temp openTemp(Path target, Path destination) throws IOException {
        checkNotStopping();
        Path folder = target.getParent();
        try {
            Files.createDirectories(folder);
            if (folder.toRealPath().startsWith(realDestination)) {
                Path temp = folder.resolve(TEMP_PREFIX + UUID.randomUUID());
                temps.add(temp);
                return new Temp(temp, newFile(temp));
            }
        } catch (IOException e) {
            // the destination's root, below
        }
        Path temp = destination.resolve(TEMP_PREFIX + UUID.randomUUID());
        temps.add(temp);
        try {
            return new Temp(temp, newFile(temp));
        } catch (IOException e) {
            throw new LocalWriteException("cannot write in " + destination + ": " + io.backuprouter.LocalErrors.describe(e), e);
        }
    }

    private static OutputStream newFile(Path path) throws IOException {
        return Files.newOutputStream(path, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Reads past an entry no file needs. Skipping inflates it all the same, so it is held to the
     * same expansion bound as an entry that is extracted.
     */
    private void skipWithinBound(ZipArchiveInputStream in, String entryName, ArchiveInfo archive) throws IOException {
        byte[] buffer = BUFFERS.get();
        long total = 0;
        for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
            checkNotStopping();
            total += n;
            if (expandsPast(in, total, maxExpansion)) {
                throw new IOException(zipBomb(entryName, archive));
            }
        }
    }

    /**
     * Whether an entry that has given {@code total} bytes so far expands past {@code ratio} times the
     * compressed bytes it has used (checked past its first MiB: small entries compress well legitimately).
     */
    static boolean expandsPast(ZipArchiveInputStream in, long total, int ratio) {
        return total > 1024 * 1024 && total > Math.max(in.getCompressedCount(), 1) * (long) ratio;
    }

    private String zipBomb(String entryName, ArchiveInfo archive) {
        return "entry " + entryName + " of archive " + archive.key() + " expands more than " + maxExpansion
                + " times its compressed size; refused as a zip bomb (backup.restore.max-expansion)";
    }

    /** Writing the destination failed: a local problem, not damage to the archive. */
    static final class LocalWriteException extends IOException {
        LocalWriteException(String message, IOException cause) {
            super(message, cause);
        }
    }

    private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[256 * 1024]);

    /**
     * Extracts one entry to a temporary file, hashing it on the way. Hostile archives are stopped
     * while they are read, before they can fill the disk: an entry is never read past the size its
     * manifest records, nor past {@code maxExpansion} times the compressed bytes it has used.
     */
    private String copyAndHash(ZipArchiveInputStream in, Temp opened, String entryName, long expectedSize,
                               ArchiveInfo archive) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = BUFFERS.get();
        Path temp = opened.path();
        OutputStream out = opened.out();
        long total = 0;
        try (out) {
            // Whole buffers: a zip entry stream returns a few hundred bytes per read, and as many
            // small writes made restoring spend seconds in system calls.
            for (int n; (n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, expectedSize - total + 1))) > 0; ) {
                checkNotStopping();
                total += n;
                if (total > expectedSize) {
                    throw new IOException("entry " + entryName + " of archive " + archive.key() + " is longer than the "
                            + expectedSize + " bytes the manifest records; refused");
                }
                if (expandsPast(in, total, maxExpansion)) {
                    throw new IOException(zipBomb(entryName, archive));
                }
                sha.update(buffer, 0, n);
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw new LocalWriteException("cannot write " + temp + ": " + io.backuprouter.LocalErrors.describe(e), e);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Puts one verified file in place; false when the overwrite policy keeps the local file. */
    /**
     * @param lastUse whether no other file needs the verified content: it is then moved into place
     *     (a rename on the same file system) rather than copied
     */
    private boolean place(Path verified, FileEntry file, Path target, RestoreRequest.Overwrite overwrite, List<String> kept,
                          boolean lastUse) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(target)) {
                throw new SafePaths.Refused(file.path() + " exists in the destination as a symbolic link (a restore never "
                        + "writes through or over one, whatever --overwrite says): remove the link to restore the file there");
            }
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new SafePaths.Refused(file.path() + " exists in the destination as a folder: move it aside to restore "
                        + "the file there");
            }
            if (sameContent(target, file)) {
                applyAttributes(target, file);
                return true;
            }
            boolean older = Files.getLastModifiedTime(target).toInstant().isBefore(file.mtime());
            if (overwrite == RestoreRequest.Overwrite.NEVER || (overwrite == RestoreRequest.Overwrite.IF_OLDER && !older)) {
                kept.add(file.path() + ": the local file is " + (older ? "different" : "newer") + "; kept");
                return false;
            }
        }
        if (lastUse && verified.getParent().equals(target.getParent())) {
            applyAttributes(verified, file);
            moveIntoPlace(verified, target);
            return true;
        }
        Files.createDirectories(target.getParent());
        checkNotStopping();
        Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
        temps.add(temp);
        if (lastUse) {
            Files.move(verified, temp);
        } else {
            Files.copy(verified, temp);
        }
        applyAttributes(temp, file);
        moveIntoPlace(temp, target);
        return true;
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        io.backuprouter.AtomicMove.replace(temp, target);
    }

    private static boolean sameContent(Path local, FileEntry file) throws IOException {
        if (Files.size(local) != file.size()) {
            return false;
        }
        try (InputStream in = Files.newInputStream(local)) {
            MessageDigest sha = sha256();
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest()).equals(file.sha256());
        }
    }

    private void applyAttributes(Path path, FileEntry entry) throws IOException {
        if (entry.mode() != null && posix(path)) {
            Files.setPosixFilePermissions(path, permissions(entry.mode()));
        }
        Files.setLastModifiedTime(path, FileTime.from(entry.mtime()));
    }

    /**
     * Whether permissions can be set at the path: decided once per device (a cheap stat), since
     * asking the file store reads the mount table.
     */
    private boolean posix(Path path) throws IOException {
        Path dir = path.getParent() == null ? path : path.getParent();
        Object device;
        try {
            device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            device = dir;
        }
        Boolean known = posixByDevice.get(device);
        if (known == null) {
            known = Files.getFileStore(dir).supportsFileAttributeView("posix");
            posixByDevice.put(device, known);
        }
        return known;
    }

    private static Set<PosixFilePermission> permissions(String mode) {
        int bits = Integer.parseInt(mode, 8);
        Set<PosixFilePermission> permissions = new HashSet<>();
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++) {
            if ((bits & (1 << (8 - i))) != 0) {
                permissions.add(all[i]);
            }
        }
        return permissions;
    }

    /**
     * Creates folders (even empty ones) and links (those that lead outside only when asked), then
     * sets folder times, deepest first.
     */
    private void finishFoldersAndLinks(Snapshot snapshot, PathFilter filter, Path destination, RestoreRequest.OutsideLinks outside,
                                       List<String> problems, List<String> notes) {
        List<FileEntry> dirs = new ArrayList<>();
        List<FileEntry> createdLinks = new ArrayList<>();
        List<String> outsideLinks = new ArrayList<>();
        List<FileEntry> sameLinks = new ArrayList<>();
        Set<String> holdingRestored = foldersHoldingRestored(snapshot, filter);
        for (FileEntry entry : snapshot.files()) {
            boolean wanted = filter.includesFile(entry.path());
            try {
                if (FileEntry.DIR.equals(entry.type()) && (wanted || holdingRestored.contains(entry.path()))) {
                    Path dir = SafePaths.resolve(destination, entry.path());
                    if (SafePaths.existsNotAsFolder(dir)) {
                        problems.add(entry.path() + (Files.isSymbolicLink(dir)
                                ? ": exists in the destination as a symbolic link, which a restore never writes through:"
                                + " remove the link to restore the folder there"
                                : ": exists in the destination and is not a folder: move it aside to restore the folder there"));
                        continue;
                    }
                    Files.createDirectories(dir);
                    dirs.add(entry);
                } else if (FileEntry.SYMLINK.equals(entry.type()) && wanted) {
                    Path link = SafePaths.resolve(destination, entry.path());
                    if (!SafePaths.linkStaysInside(destination, link, entry.target())) {
                        if (outside == RestoreRequest.OutsideLinks.REFUSE) {
                            problems.add(entry.path() + ": refused: the link points outside the destination (" + entry.target() + ")"
                                    + OUTSIDE_LINKS_HINT);
                            continue;
                        }
                        outsideLinks.add(entry.path() + " -> " + entry.target());
                        if (outside == RestoreRequest.OutsideLinks.SKIP) {
                            continue;
                        }
                    }
                    if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                        if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().equals(entry.target())) {
                            sameLinks.add(entry); // already there: only its time may differ
                            continue;
                        }
                        problems.add(entry.path() + ": exists in the destination; the link was not created");
                        continue;
                    }
                    Files.createDirectories(link.getParent());
                    Files.createSymbolicLink(link, Path.of(entry.target()));
                    createdLinks.add(entry);
                }
            } catch (IOException e) {
                problems.add(entry.path() + ": " + io.backuprouter.LocalErrors.describe(e));
            }
        }
        // Links judged by their text may still escape through other links (made here or already there):
        // follow each one through the real file system, and remove those that end outside, until none do.
        boolean removed = outside != RestoreRequest.OutsideLinks.CREATE;
        while (removed) {
            removed = false;
            for (FileEntry entry : new ArrayList<>(createdLinks)) {
                try {
                    Path link = SafePaths.resolve(destination, entry.path());
                    if (!SafePaths.resolvesInside(destination, link)) {
                        Files.deleteIfExists(link);
                        createdLinks.remove(entry);
                        if (outside == RestoreRequest.OutsideLinks.SKIP) {
                            outsideLinks.add(entry.path() + " -> " + entry.target() + " (through other links)");
                        } else {
                            problems.add(entry.path() + ": refused: the link leads outside the destination through other links ("
                                    + entry.target() + ")" + OUTSIDE_LINKS_HINT);
                        }
                        removed = true;
                    }
                } catch (IOException e) {
                    problems.add(entry.path() + ": " + io.backuprouter.LocalErrors.describe(e));
                }
            }
        }
        if (!outsideLinks.isEmpty()) {
            notes.add(io.backuprouter.config.ByteSize.count(outsideLinks.size(), "link") + " leading outside the destination "
                    + (outside == RestoreRequest.OutsideLinks.CREATE ? "created as stored" : "left out, as asked") + ": "
                    + String.join(", ", outsideLinks.subList(0, Math.min(10, outsideLinks.size())))
                    + (outsideLinks.size() > 10 ? ", ..." : ""));
        }
        // The links' own times (never their targets'), before the folders' (making a link changes its folder's).
        for (FileEntry entry : java.util.stream.Stream.concat(createdLinks.stream(), sameLinks.stream()).toList()) {
            try {
                Files.getFileAttributeView(SafePaths.resolve(destination, entry.path()),
                        java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(entry.mtime()), null, null);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("{}: the link's time is not set: {}", entry.path(), e.toString());
            }
        }
        dirs.sort(Comparator.comparing(FileEntry::path).reversed());
        for (FileEntry dir : dirs) {
            try {
                applyAttributes(SafePaths.resolve(destination, dir.path()), dir);
            } catch (IOException e) {
                problems.add(dir.path() + ": cannot set time or permissions: " + io.backuprouter.LocalErrors.describe(e));
            }
        }
    }

    /**
     * The folders that hold, at any depth, a file or link the request includes: they are recreated
     * (with their times) even when the include patterns leave them out themselves. One pass over the
     * snapshot (asking each folder about every file took minutes on trees of a million files).
     */
    static Set<String> foldersHoldingRestored(Snapshot snapshot, PathFilter filter) {
        Set<String> folders = new HashSet<>();
        for (FileEntry entry : snapshot.files()) {
            if (FileEntry.DIR.equals(entry.type()) || !filter.includesFile(entry.path())) {
                continue;
            }
            String path = entry.path();
            for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
                if (!folders.add(path.substring(0, slash))) {
                    break; // its ancestors were added with it
                }
            }
        }
        return folders;
    }

    private void cleanTemps() {
        for (Path temp : temps) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.debug("Cleaning temporary file {}: {}", temp, e.getMessage());
            }
        }
        temps.clear();
    }

    private List<String> targetOrder(String preferred) {
        if (preferred == null) {
            return jobTargets;
        }
        if (!stores.containsKey(preferred)) {
            throw new UserException("unknown target \"" + preferred + "\"; configured: " + String.join(", ", stores.keySet()));
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

    /**
     * Finds the snapshot: the newest matching id listed on any reachable target of the job (so that a
     * manifest missing on the preferred target never silently yields an older snapshot), read from
     * the first target in order that lists it and whose copy reads cleanly.
     */
    public Located locate(RestoreRequest request, List<String> order) throws IOException {
        List<String> failures = new ArrayList<>();
        Map<String, Set<String>> listed = new LinkedHashMap<>();
        java.util.SortedSet<String> all = new java.util.TreeSet<>();
        for (String target : order) {
            try {
                Set<String> ids = SnapshotIds.on(stores.get(target), job).keySet();
                listed.put(target, ids);
                all.addAll(ids);
            } catch (IOException e) {
                failures.add(target + ": " + e.getMessage());
            }
        }
        Optional<String> chosen = choose(List.copyOf(all), request);
        Optional<String> missing = expected.stream().filter(id -> !all.contains(id))
                .filter(id -> choose(List.of(id), request).isPresent())
                .filter(id -> chosen.isEmpty() || id.compareTo(chosen.get()) > 0).max(Comparator.naturalOrder());
        if (missing.isPresent() && listed.size() == order.size()) {
            throw new UserException("job " + job + ": snapshot " + missing.get() + ", which this machine committed, is"
                    + " listed on no target: its manifest " + job + "/" + Snapshot.keyOf(missing.get()) + " is missing on "
                    + String.join(", ", order) + (chosen.isPresent() ? "\n    hint: restore --snapshot " + chosen.get()
                    + " (snapshot: " + chosen.get() + " in a request file) takes the newest snapshot that is still listed" : ""));
        }
        if (missing.isPresent() && chosen.isPresent()) {
            failures.add("snapshot " + missing.get() + ", which this machine committed, is listed on no reachable target;"
                    + " the newest listed is " + chosen.get());
        }
        if (chosen.isEmpty()) {
            listed.forEach((target, ids) -> failures.add(target + ": " + (ids.isEmpty() ? "no snapshots of job " + job
                    : "no snapshot " + (request.at() != null ? "at or before " + request.at() : request.snapshot()))));
            throw new UserException("job " + job + ": cannot find a snapshot " + (request.at() != null
                    ? "at or before " + request.at() : "\"" + request.snapshot() + "\"") + ":\n    "
                    + String.join("\n    ", failures)
                    + (listed.values().stream().anyMatch(ids -> !ids.isEmpty())
                    ? "\n    hint: `snapshots " + job + "` lists them; --snapshot (snapshot: in a request file) takes an id, its start,"
                    + " or latest" : ""));
        }
        String id = chosen.get();
        String key = job + "/" + Snapshot.keyOf(id);
        List<String> wrongKeyOn = new ArrayList<>();
        for (String target : order) {
            if (!listed.getOrDefault(target, Set.of()).contains(id)) {
                if (listed.containsKey(target)) {
                    failures.add(target + ": manifest " + key + " is missing");
                }
                continue;
            }
            try (InputStream in = stores.get(target).get(key)) {
                return new Located(Manifests.readEncrypted(in, identity, target + ":" + key), target, List.copyOf(failures));
            } catch (Age.WrongKeyException e) {
                wrongKeyOn.add(target);
                failures.add(target + ": manifest " + key + " cannot be decrypted (" + e.getMessage() + ")");
            } catch (IOException e) {
                failures.add(target + ": manifest " + key + " is damaged or unreadable (" + e.getMessage() + ")");
                LOG.warn("Job {}: {}", job, failures.get(failures.size() - 1));
            }
        }
        if (!wrongKeyOn.isEmpty() && wrongKeyOn.size() == listed.entrySet().stream().filter(e -> e.getValue().contains(id)).count()) {
            throw cannotDecrypt("snapshot " + id + " on " + String.join(", ", wrongKeyOn));
        }
        throw new UserException("job " + job + ": cannot read snapshot " + id + " on any target:\n    "
                + String.join("\n    ", failures));
    }

    private static Optional<String> choose(List<String> ids, RestoreRequest request) {
        if (request.snapshot() == null || request.snapshot().equals("latest")) {
            return ids.stream().filter(id -> request.at() == null || !SnapshotIds.timeOf(id).isAfter(request.at()))
                    .max(Comparator.naturalOrder());
        }
        if (ids.contains(request.snapshot())) {
            return Optional.of(request.snapshot());
        }
        List<String> matches = ids.stream().filter(id -> id.startsWith(request.snapshot())).toList();
        if (matches.size() > 1) {
            throw new UserException("snapshot \"" + request.snapshot() + "\" matches " + matches.size() + " snapshots ("
                    + String.join(", ", matches.subList(0, Math.min(5, matches.size()))) + (matches.size() > 5 ? ", ..." : "")
                    + ")\n    hint: give more of the id");
        }
        return matches.stream().findFirst();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
