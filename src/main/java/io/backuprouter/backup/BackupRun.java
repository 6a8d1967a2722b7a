package io.backuprouter.backup;

import io.backuprouter.UserException;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.catalog.SnapshotStats;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backup run of a job: finds what changed since the last snapshot, packs it into encrypted
 * archives, uploads them to every target, and commits the snapshot manifest on each target that
 * holds every archive it names. A target that is down or failing does not stop the others: what
 * it lacks waits in the job's outbox and is sent on a later run.
 *
 * <p>Order of operations on each target (the crash-safety contract in docs/format.md): archives
 * first, the manifest last. A run killed at any point leaves at most unreferenced archives; no
 * manifest is ever uploaded before its archives.
 */
public final class BackupRun {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);

    private final JobSettings job;
    private final Map<String, ObjectStore> stores;
    private final Clock clock;
    private final BackupProgress progress;

    /** One target during the run: what it holds, and whether it still works. */
    private static final class TargetState {
        final String name;
        final ObjectStore store;
        final Set<String> have = new HashSet<>();
        String failure;

        TargetState(String name, ObjectStore store) {
            this.name = name;
            this.store = store;
        }

        boolean alive() {
            return failure == null;
        }
    }

    public BackupRun(JobSettings job, Map<String, ObjectStore> stores, Clock clock, BackupProgress progress) {
        this.job = job;
        this.stores = stores;
        this.clock = clock;
        this.progress = progress;
    }

    private boolean allowEmpty;

    /**
     * Lets this run record a source that holds no files where the previous snapshot held some (an
     * unmounted disk looks just like that, and retention would then forget the snapshots that still
     * have the files): for a folder emptied on purpose, once.
     */
    public BackupRun allowEmpty(boolean allow) {
        this.allowEmpty = allow;
        return this;
    }

    private boolean rekey;

    /**
     * Packs every file again, under the job's current recipients or passphrase, so that this
     * snapshot needs no older key; also how a changed passphrase is accepted (a run with another
     * passphrase than the job's earlier snapshots otherwise stops: it is most often mistyped).
     */
    public BackupRun rekey(boolean rekey) {
        this.rekey = rekey;
        return this;
    }

    private boolean skipIfUnchanged;

    /**
     * Makes no new snapshot when the source is exactly as the previous snapshot recorded it (every
     * file, folder and link, with its size, time and permissions) and every target of the job holds
     * that snapshot, with nothing waiting to be sent: the run is then a check, recorded in the job's
     * history, and retention forgets nothing. A router restart or a change to excluded files would
     * otherwise add snapshots that are copies of the previous one, and with {@code keepLast} push
     * out older snapshots that differ.
     */
    public BackupRun skipIfUnchanged(boolean skip) {
        this.skipIfUnchanged = skip;
        return this;
    }

    public BackupSummary run() throws IOException {
        Instant started = clock.instant();
        try (JobState state = JobState.open(job.jobStateDir(), job.name())) {
            try {
                BackupSummary summary = run(state, started);
                if (!summary.committed().isEmpty()) {
                    state.succeeded();
                } else {
                    state.failed(clock.instant(), io.backuprouter.config.Secrets.redact("no target committed the snapshot: "
                            + String.join("; ", summary.failed().entrySet().stream().map(f -> f.getKey() + ": " + f.getValue())
                            .toList())));
                }
                return summary;
            } catch (IOException | RuntimeException e) {
                try {
                    state.failed(clock.instant(), io.backuprouter.config.Secrets.redact(e.getMessage() == null ? e.toString()
                            : e.getMessage()));
                } catch (IOException | RuntimeException ignored) {
                    e.addSuppressed(ignored);
                }
                throw e;
            } finally {
                // A run that failed early: the scan stops walking the source (a router would otherwise
                // have one walk on for each failed run), and the reader (which may move a damaged
                // latest.json aside) ends before the state is unlocked.
                if (scanning != null) {
                    scanning.cancel(false);
                }
                joinLocalStateReader();
            }
        }
    }

    private Thread localStateReader;
    private java.util.concurrent.CompletableFuture<SourceScanner.Scan> scanning;

    private void joinLocalStateReader() {
        Thread reader = localStateReader;
        if (reader == null) {
            return;
        }
        try {
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private BackupSummary run(JobState state, Instant started) throws IOException {
        // The source is scanned while the targets are listed: both mostly wait (on the disk, on the network).
        java.util.concurrent.CompletableFuture<SourceScanner.Scan> scanning = new java.util.concurrent.CompletableFuture<>();
        this.scanning = scanning;
        Thread scanner = new Thread(() -> {
            try {
                if (!Files.isDirectory(job.source())) {
                    throw new UserException("job " + job.name() + ": the source folder " + job.source() + " does not exist or is "
                            + "not a folder (parameter source, declared at " + job.declaredAt() + "); nothing was backed up"
                            + "\n    hint: fix the job's source, or mount the disk it is on");
                }
                scanning.complete(SourceScanner.scan(job.source(),
                        new PathFilter(job.includes(), job.excludes(), job.defaultExcludes()), scanning::isDone));
            } catch (Throwable e) {
                scanning.completeExceptionally(e);
            }
        }, "source-scan-" + job.name());
        scanner.setDaemon(true);
        scanner.start();
        // This machine's copy of the previous snapshot is parsed (thousands of entries) and the cipher
        // made ready on another thread too: the first requests wait on the network and on the SDK's
        // start, and a run with little to do is mostly that wait.
        java.util.concurrent.CompletableFuture<Snapshot> latest = new java.util.concurrent.CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                latest.complete(state.latest());
                io.backuprouter.crypto.ChaChaProvider.prepare();
            } catch (Throwable e) {
                latest.completeExceptionally(e);
            }
        }, "local-state-" + job.name());
        reader.setDaemon(true);
        reader.start();
        localStateReader = reader;
        // Opening a store builds its SDK client, a few tenths of a second for the first one: done after the
        // two threads above have started, so that their work overlaps it.
        Map<String, TargetState> targets = new LinkedHashMap<>();
        for (String name : job.targets()) {
            targets.put(name, new TargetState(name, stores.get(name)));
        }
        progress.step("listing targets");
        targets.values().parallelStream().forEach(this::listTarget);
        if (targets.values().stream().noneMatch(TargetState::alive)) {
            throw new UserException("job " + job.name() + ": no target is reachable, nothing was backed up: "
                    + failures(targets));
        }
        List<JobState.Pending> pending = new ArrayList<>(state.pending());
        catchUp(state, pending, targets);

        Snapshot previous = new ParentSnapshot(job, state).pick(await(latest, "reading the local state"),
                targets.values().stream().filter(TargetState::alive)
                        .map(t -> new ParentSnapshot.Listing(t.name, t.store, t.have)).toList());
        String recorded = state.encryption();
        boolean packAll = packAllAgain(state, recorded, previous);
        progress.step("scanning " + job.source());
        SourceScanner.Scan scan = await(scanning, "scanning");
        refuseSuddenlyEmpty(previous, scan);
        List<String> warnings = new ArrayList<>(scan.problems());
        linksLeadingOutside(scan).ifPresent(warnings::add);
        if (packAll) {
            warnings.add("every file is packed again, as asked (--rekey): this snapshot needs only the job's current key");
        }

        Map<String, FileEntry> before = new HashMap<>();
        Map<String, FileEntry> byContent = new HashMap<>();
        Map<String, ArchiveInfo> knownArchives = new HashMap<>();
        if (previous != null && !packAll) {
            // Only content that some reachable target or the outbox still holds can be referenced again;
            // files whose archive exists nowhere (a replaced target, lost objects) are packed anew. So are
            // files in archives encrypted to another key than the job's now: this snapshot must be readable
            // with the current key alone.
            Set<String> available = available(state, pending, targets);
            java.util.function.Predicate<ArchiveInfo> sameKey = sameKey(recorded);
            if (previous.archives().stream().anyMatch(sameKey.negate())) {
                warnings.add("the job's recipients or passphrase changed since snapshot " + previous.id() + ": files stored "
                        + "for the earlier key are packed again, so that this snapshot is readable with the new key alone "
                        + "(earlier snapshots still need the key they were made with)");
            }
            previous.archives().stream().filter(a -> available.contains(a.key())).filter(sameKey)
                    .forEach(a -> knownArchives.put(a.id(), a));
            previous.files().stream().filter(f -> !f.isFile() || knownArchives.containsKey(f.archive()))
                    .forEach(f -> before.put(f.path(), f));
            previous.files().stream().filter(FileEntry::isFile).filter(f -> knownArchives.containsKey(f.archive()))
                    .forEach(f -> byContent.putIfAbsent(f.sha256(), f));
        }
        // Times are only trusted when they are clearly older than the previous run: an edit in the same
        // clock tick (coarse on FAT, exFAT, SMB) that kept the size would otherwise go unnoticed.
        Instant trustedBefore = previous == null ? Instant.MIN : previous.time().minus(MTIME_GRANULARITY);

        List<FileEntry> entries = new ArrayList<>();
        List<FileEntry> changed = new ArrayList<>();
        for (FileEntry entry : scan.entries()) {
            FileEntry old = before.get(entry.path());
            if (!entry.isFile()) {
                entries.add(entry);
            } else if (old != null && old.isFile() && old.size() == entry.size() && old.mtime().equals(entry.mtime())
                    && entry.mtime().isBefore(trustedBefore)) {
                entries.add(entry.withContentOf(old));
            } else {
                changed.add(entry);
            }
        }
        progress.toRead(changed.size(), changed.stream().mapToLong(FileEntry::size).sum());

        // First read of new and changed files: hash them; content already stored is not packed again.
        // Each batch is packed (second read, zip, age) on the packing threads as soon as it is full,
        // while hashing goes on, and uploaded to every live target as soon as it is written.
        String snapshotId = SnapshotIds.newSnapshotId(started);
        Map<String, ArchiveWriter.Packed> packedByContent = new HashMap<>();
        List<FileEntry> sameContentAsPacked = new ArrayList<>();
        Packing packing = new Packing(state, pending, targets);
        List<Future<Packing.Result>> packed = new ArrayList<>();
        List<ArchiveWriter.Packed> batch = new ArrayList<>();
        long batchBytes = 0;
        try {
            for (FileEntry entry : changed) {
                Path file = job.source().resolve(entry.path());
                ContentHasher.Hashed hashed;
                try {
                    hashed = ContentHasher.hash(file, entry.path());
                } catch (IOException e) {
                    warnings.add(entry.path() + ": cannot be read (" + e.getMessage() + "); kept as in the previous snapshot");
                    keepPrevious(before.get(entry.path()), entries);
                    continue;
                }
                progress.read(hashed.size());
                if (!unchangedSince(file, entry) || hashed.size() != entry.size()) {
                    warnings.add(entry.path() + ": changed while it was read; it is backed up on the next run");
                    keepPrevious(before.get(entry.path()), entries);
                    continue;
                }
                FileEntry hashedEntry = entry.withSha256(hashed.sha256());
                FileEntry stored = byContent.get(hashed.sha256());
                if (stored != null) {
                    entries.add(hashedEntry.storedIn(stored.archive(), stored.entry()));
                } else if (packedByContent.containsKey(hashed.sha256())) {
                    sameContentAsPacked.add(hashedEntry);
                } else {
                    ArchiveWriter.Packed toPack = new ArchiveWriter.Packed(hashedEntry, file, hashed);
                    packedByContent.put(hashed.sha256(), toPack);
                    if (!batch.isEmpty() && (batchBytes + hashed.size() > job.batchSize() || batch.size() >= job.batchFiles())) {
                        packed.add(packing.submit(batch, before));
                        batch = new ArrayList<>();
                        batchBytes = 0;
                    }
                    batch.add(toPack);
                    batchBytes += hashed.size();
                }
            }
            if (!batch.isEmpty()) {
                packed.add(packing.submit(batch, before));
            }
            progress.step("packing and uploading " + packed.size() + " archive(s)");
            packing.awaitAll(packed);
        } finally {
            packing.close();
        }

        // The results, in the order the batches were made.
        List<ArchiveInfo> newArchives = new ArrayList<>();
        Map<String, FileEntry> storedByContent = new HashMap<>();
        long addedBytes = 0;
        long uploadedBytes = 0;
        for (Future<Packing.Result> future : packed) {
            Packing.Result result = Packing.await(future);
            warnings.addAll(result.warnings());
            entries.addAll(result.kept());
            ArchiveWriter.Written written = result.written();
            if (written == null) {
                continue;
            }
            for (FileEntry stored : written.stored()) {
                entries.add(stored);
                storedByContent.put(stored.sha256(), stored);
            }
            newArchives.add(written.info());
            knownArchives.put(written.info().id(), written.info());
            addedBytes += written.contentBytes();
            uploadedBytes += written.info().size();
        }
        for (FileEntry duplicate : sameContentAsPacked) {
            FileEntry stored = storedByContent.get(duplicate.sha256());
            if (stored != null) {
                entries.add(duplicate.storedIn(stored.archive(), stored.entry()));
            } else {
                keepPrevious(before.get(duplicate.path()), entries);
            }
        }

        // The manifest: every entry, and every archive the files need.
        entries.sort(Comparator.comparing(FileEntry::path));
        if (skipIfUnchanged && newArchives.isEmpty() && pending.isEmpty() && sameAs(previous, entries)
                && targets.values().stream().allMatch(t -> t.alive() && t.have.contains(previous.key()))) {
            state.checkedUnchanged(previous, List.copyOf(targets.keySet()), clock.instant());
            return new BackupSummary(job.name(), previous.id(), entries.stream().filter(FileEntry::isFile).count(),
                    entries.stream().filter(FileEntry::isFile).mapToLong(FileEntry::size).sum(), 0, 0, 0, 0,
                    List.copyOf(targets.keySet()), Map.of(), warnings, Duration.between(started, clock.instant()), true, 0);
        }
        Map<String, ArchiveInfo> needed = new TreeMap<>();
        entries.stream().filter(FileEntry::isFile).forEach(f -> needed.put(f.archive(), knownArchives.get(f.archive())));
        long addedFiles = entries.stream().filter(FileEntry::isFile).filter(f -> newArchivesHave(newArchives, f)).count();
        SnapshotStats stats = new SnapshotStats(
                entries.stream().filter(FileEntry::isFile).count(),
                entries.stream().filter(e -> FileEntry.DIR.equals(e.type())).count(),
                entries.stream().filter(e -> FileEntry.SYMLINK.equals(e.type())).count(),
                entries.stream().filter(FileEntry::isFile).mapToLong(FileEntry::size).sum(),
                addedFiles, addedBytes, uploadedBytes);
        Snapshot snapshot = new Snapshot(Snapshot.FORMAT, Snapshot.VERSION, snapshotId, job.name(), job.host(), started,
                previous == null ? null : previous.id(), job.source().toAbsolutePath().normalize().toString(), stats,
                List.copyOf(needed.values()), entries);
        Path manifestFile = state.outbox().resolve(snapshotId + ".json.age");
        try (OutputStream out = Files.newOutputStream(manifestFile)) {
            Manifests.writeEncrypted(snapshot, out, job.encryption());
        }
        List<String> requires = needed.values().stream().map(ArchiveInfo::key).toList();
        progress.step("committing snapshot " + snapshotId);
        ExecutorService commits = Executors.newFixedThreadPool(Math.max(1, targets.size()));
        try {
            for (TargetState target : targets.values()) {
                if (target.alive()) {
                    ensureArchives(state, pending, target, requires, targets);
                }
            }
            upload(state, pending, targets, snapshot.key(), manifestFile, requires, commits);
        } finally {
            commits.shutdown();
        }
        List<String> committed = targets.values().stream().filter(t -> t.have.contains(snapshot.key()))
                .map(t -> t.name).toList();
        // Pending first: a crash in between leaves extra pending entries (harmless), never lost ones.
        state.savePending(pending);
        if (!committed.isEmpty()) {
            state.saveLatest(snapshot);
            // A new passphrase check when the passphrase is new to the state (accepted with --rekey, or the
            // job moved to a passphrase), so that a check made for an earlier one never stops the next run.
            boolean newCheck = job.encryption().usesPassphrase() && (packAll || !Files.exists(state.passphraseCheck())
                    || !job.encryption().fingerprint().equals(recorded));
            state.saveEncryption(job.encryption().fingerprint(), newCheck ? passphraseCheck() : null);
        }
        // Recorded even when no target has it yet (its manifest waits in pending.json): when a target
        // catches up with it, the entry says so, and verify expects it there.
        state.appendHistory(new JobState.HistoryEntry(snapshotId, started, stats.files(), stats.bytes(),
                stats.addedBytes(), committed, null));
        int forgotten = 0;
        if (!committed.isEmpty() && !job.retention().isEmpty()) {
            forgotten = applyRetention(state, targets, committed, warnings);
        }
        Map<String, String> failed = new LinkedHashMap<>();
        targets.values().stream().filter(t -> !t.have.contains(snapshot.key()))
                .forEach(t -> failed.put(t.name, t.failure != null ? t.failure : "archives missing"));
        return new BackupSummary(job.name(), committed.isEmpty() ? null : snapshotId, stats.files(), stats.bytes(),
                addedFiles, addedBytes, uploadedBytes, newArchives.size(), committed, failed, warnings,
                Duration.between(started, clock.instant()), false, forgotten);
    }

    /** Forgets, on each target that committed this run, the snapshots the job's policy does not keep. */
    private int applyRetention(JobState state, Map<String, TargetState> targets, List<String> committed,
                               List<String> warnings) {
        int most = 0;
        for (String name : committed) {
            try {
                io.backuprouter.catalog.Retention.Outcome outcome = new io.backuprouter.catalog.Retention(job.name(),
                        targets.get(name).store).forget(job.retention(), false);
                state.forgotten(name, outcome.removed());
                most = Math.max(most, outcome.removed().size());
                if (!outcome.removed().isEmpty()) {
                    LOG.info("Job {}: forgot {} snapshot(s) on target {} ({}); their archives go with prune",
                            job.name(), outcome.removed().size(), name, job.retention());
                }
            } catch (IOException e) {
                warnings.add("retention on target " + name + " failed: " + e.getMessage());
            }
        }
        return most;
    }

    /** The result of work done on another thread, its failure thrown as it was. */
    private static <T> T await(java.util.concurrent.CompletableFuture<T> work, String what) throws IOException {
        try {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IOException(e.getCause());
        }
    }

    private static void awaitUpload(Future<?> upload) throws IOException {
        if (upload == null) {
            return;
        }
        try {
            upload.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while uploading", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private static final String PASSPHRASE_CHECK = "backup-router passphrase check";

    /**
     * Whether no archive of the previous snapshot may be used again, because {@link #rekey} asks (a
     * changed recipients list is handled archive by archive: see {@link #sameKey}). A passphrase
     * other than the one the previous snapshots were made with is refused: all passphrases have one
     * fingerprint, the snapshot it would make names archives its passphrase cannot read, and it is
     * most often a typing mistake.
     */
    private boolean packAllAgain(JobState state, String recorded, Snapshot previous) throws IOException {
        if (previous == null) {
            return false;
        }
        boolean checked = job.encryption().usesPassphrase() && job.encryption().fingerprint().equals(recorded);
        if (checked && Files.exists(state.passphraseCheck()) && !rekey) {
            try (InputStream in = io.backuprouter.crypto.Age.decrypt(Files.newInputStream(state.passphraseCheck()),
                    io.backuprouter.crypto.AgeIdentity.passphrase(job.passphrase(), "job " + job.name()))) {
                in.readAllBytes();
            } catch (io.backuprouter.crypto.Age.WrongKeyException e) {
                throw new UserException("job " + job.name() + ": the passphrase is not the one snapshot " + previous.id()
                        + " and the job's earlier snapshots were made with (checked against " + state.passphraseCheck()
                        + "); nothing was backed up\n    hint: check the variable the passphrase placeholder names; if you "
                        + "changed the passphrase on purpose, run backup-router backup " + job.name() + " --rekey once: every"
                        + " file is packed again under the new one (earlier snapshots still need the old one)");
            } catch (IOException e) {
                LOG.warn("Job {}: the passphrase check {} cannot be read ({}); it is written again", job.name(),
                        state.passphraseCheck(), e.getMessage());
                Files.deleteIfExists(state.passphraseCheck());
            }
        }
        return rekey;
    }

    /**
     * Whether an archive is encrypted to the job's key now: as it records, or for an archive written
     * before archives recorded it, as this machine's state last recorded (the same, when unknown).
     */
    private java.util.function.Predicate<ArchiveInfo> sameKey(String recorded) {
        String current = job.encryption().fingerprint();
        return archive -> archive.encryptedTo() != null ? archive.encryptedTo().equals(current)
                : recorded == null || recorded.equals(current);
    }

    /** A short text encrypted with the job's passphrase, to tell a later run's passphrase from another. */
    private byte[] passphraseCheck() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (OutputStream out = io.backuprouter.crypto.Age.encrypt(bytes, job.encryption())) {
            out.write(PASSPHRASE_CHECK.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** Whether these entries, of this machine and source, are the previous snapshot's. */
    private boolean sameAs(Snapshot previous, List<FileEntry> entries) {
        return previous != null && previous.files().equals(entries) && job.host().equals(previous.host())
                && job.source().toAbsolutePath().normalize().toString().equals(previous.source());
    }

    private static boolean newArchivesHave(List<ArchiveInfo> newArchives, FileEntry file) {
        return newArchives.stream().anyMatch(a -> a.id().equals(file.archive()));
    }

    /**
     * Links that lead outside the folder (absolute, or up past its top) are recorded as they are, but
     * a restore does not create them (it never makes a link that leads outside its destination):
     * said once per run, so that it is not first learnt from a restore.
     */
    private java.util.Optional<String> linksLeadingOutside(SourceScanner.Scan scan) {
        List<FileEntry> outside = scan.entries().stream().filter(e -> FileEntry.SYMLINK.equals(e.type()))
                .filter(e -> io.backuprouter.repository.SnapshotRules.leadsOutside(e.path(), e.target()))
                .toList();
        if (outside.isEmpty()) {
            return java.util.Optional.empty();
        }
        FileEntry first = outside.get(0);
        return java.util.Optional.of(outside.size() + (outside.size() == 1 ? " link leads" : " links lead")
                + " outside the folder (" + first.path() + " -> " + first.target() + (outside.size() > 1 ? ", ..." : "")
                + "): recorded as they are; a restore reports them and does not create them unless told to with "
                + "--outside-links create (or skip)");
    }

    /** Refuses a source with no files where the previous snapshot had some, unless {@link #allowEmpty}. */
    private void refuseSuddenlyEmpty(Snapshot previous, SourceScanner.Scan scan) {
        if (allowEmpty || job.allowEmpty() || previous == null || scan.entries().stream().anyMatch(FileEntry::isFile)) {
            return;
        }
        long files = previous.files().stream().filter(FileEntry::isFile).count();
        if (files > 0 && !scan.problems().isEmpty()) {
            throw new UserException("job " + job.name() + ": no file of the source " + job.source() + " could be read ("
                    + String.join("; ", scan.problems().subList(0, Math.min(3, scan.problems().size())))
                    + "), where the previous snapshot (" + previous.id() + ") holds " + files + ": nothing was backed up and "
                    + "no snapshot was forgotten\n    hint: check the folder's permissions for the user this runs as");
        }
        if (files > 0) {
            throw new UserException("job " + job.name() + ": the source " + job.source() + " holds no files, where the "
                    + "previous snapshot (" + previous.id() + ") holds " + files + ": is a disk unmounted, or the folder "
                    + "moved? Nothing was backed up and no snapshot was forgotten"
                    + "\n    hint: if the folder is empty on purpose, run `backup-router backup " + job.name()
                    + " --allow-empty` once (or set the job's allowEmpty parameter, at " + job.declaredAt() + ")");
        }
    }

    private static void keepPrevious(FileEntry previous, List<FileEntry> entries) {
        if (previous != null && previous.isFile()) {
            entries.add(previous);
        }
    }

    /** Whether size and time are still what the scan saw. */
    private static boolean unchangedSince(Path file, FileEntry entry) {
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            return now.size() == entry.size() && now.lastModifiedTime().toInstant().equals(entry.mtime());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Packs batches on one thread per core and uploads each archive as soon as it is written (one
     * upload at a time, to every live target at once). At most one archive per packing thread, plus
     * one, is written and not yet uploaded, and an archive every target has leaves the outbox at once:
     * the outbox holds a few archives, not the whole backup (unless a target is down: then it keeps
     * what that target lacks).
     */
    private final class Packing implements AutoCloseable {
        /** One batch's outcome: its archive (null when every file dropped out), and what it changed. */
        record Result(ArchiveWriter.Written written, List<String> warnings, List<FileEntry> kept, Future<?> upload) {
        }

        private final JobState state;
        private final List<JobState.Pending> pending;
        private final Map<String, TargetState> targets;
        private final int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private final java.util.concurrent.Semaphore unsent = new java.util.concurrent.Semaphore(threads + 1);
        private final ExecutorService packers = Executors.newFixedThreadPool(threads, daemon("archive-packer-" + job.name()));
        // One upload at a time: uploads update the pending list and what each target holds.
        private final ExecutorService uploader = Executors.newSingleThreadExecutor(daemon("archive-uploader-" + job.name()));
        private final ExecutorService uploads;

        Packing(JobState state, List<JobState.Pending> pending, Map<String, TargetState> targets) {
            this.state = state;
            this.pending = pending;
            this.targets = targets;
            this.uploads = Executors.newFixedThreadPool(Math.max(1, targets.size()));
        }

        /** Packs the batch, then queues its upload; waits while too many archives wait for upload. */
        Future<Result> submit(List<ArchiveWriter.Packed> batch, Map<String, FileEntry> before) throws IOException {
            try {
                unsent.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while packing", e);
            }
            return packers.submit(() -> {
                boolean queued = false;
                try {
                    List<String> warnings = new ArrayList<>();
                    List<FileEntry> kept = new ArrayList<>();
                    ArchiveWriter.Written written = writeArchive(state, batch, warnings, before, kept);
                    Future<?> upload = null;
                    if (written != null) {
                        upload = uploader.submit(() -> {
                            try {
                                upload(state, pending, targets, written.info().key(), written.file(), List.of(), uploads);
                            } finally {
                                unsent.release();
                            }
                            return null;
                        });
                        queued = true;
                    }
                    return new Result(written, warnings, kept, upload);
                } finally {
                    if (!queued) {
                        unsent.release();
                    }
                }
            });
        }

        /** Waits for every batch to be packed and uploaded (or given up on a target); the first failure is thrown. */
        void awaitAll(List<Future<Result>> results) throws IOException {
            for (Future<Result> result : results) {
                awaitUpload(await(result).upload());
            }
        }

        static Result await(Future<Result> future) throws IOException {
            try {
                return future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while packing", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }

        @Override
        public void close() {
            packers.shutdownNow();
            uploader.shutdownNow();
            uploads.shutdown();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Writes a batch; a stored file that changed between the reads is dropped and the batch written again. */
    private ArchiveWriter.Written writeArchive(JobState state, List<ArchiveWriter.Packed> batch, List<String> warnings,
                                               Map<String, FileEntry> before, List<FileEntry> entries) throws IOException {
        List<ArchiveWriter.Packed> files = new ArrayList<>(batch);
        while (!files.isEmpty()) {
            String archiveId = SnapshotIds.newArchiveId();
            Path out = state.outbox().resolve(archiveId + ".zip.age");
            try {
                long packStarted = System.nanoTime();
                ArchiveWriter.Written written = ArchiveWriter.write(archiveId, files, out, job.encryption(), job.compressionLevel());
                LOG.debug("Job {}: archive {} packed: {} files, {} bytes of content, {} bytes stored, {} ms", job.name(),
                        archiveId, written.stored().size(), written.contentBytes(), written.info().size(),
                        (System.nanoTime() - packStarted) / 1_000_000);
                for (String path : written.changed()) {
                    warnings.add(path + ": changed while it was archived; it is backed up on the next run");
                    keepPrevious(before.get(path), entries);
                }
                progress.read(written.contentBytes());
                return written;
            } catch (ArchiveWriter.ChangedWhileArchiving e) {
                Files.deleteIfExists(out);
                warnings.add(e.path + ": changed while it was archived; it is backed up on the next run");
                keepPrevious(before.get(e.path), entries);
                files.removeIf(p -> p.entry().path().equals(e.path));
            }
        }
        return null;
    }

    /** The coarsest modification-time step of common file systems (FAT keeps 2 s). */
    static final Duration MTIME_GRANULARITY = Duration.ofSeconds(2);

    /** Keys of archives some live target holds, or the outbox still has a copy of. */
    private static Set<String> available(JobState state, List<JobState.Pending> pending, Map<String, TargetState> targets) {
        Set<String> keys = new HashSet<>();
        targets.values().stream().filter(TargetState::alive).forEach(t -> keys.addAll(t.have));
        pending.stream().filter(p -> Files.exists(state.dir().resolve(p.file()))).forEach(p -> keys.add(p.key()));
        return keys;
    }

    /** Interrupted uploads older than this are removed at the start of a run (a run of a job takes less). */
    static final Duration INCOMPLETE_UPLOAD_AGE = Duration.ofHours(24);

    private void listTarget(TargetState target) {
        try {
            int removed = target.store.removeIncompleteUploads(job.name() + "/", clock.instant().minus(INCOMPLETE_UPLOAD_AGE));
            if (removed > 0) {
                LOG.info("Job {}: removed {} interrupted upload(s) older than {} h from target {}", job.name(), removed,
                        INCOMPLETE_UPLOAD_AGE.toHours(), target.name);
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a key without permission to list or abort uploads still backs up.
            LOG.warn("Job {}: cannot remove interrupted uploads from target {}: {}", job.name(), target.name, e.getMessage());
        }
        try {
            for (ObjectInfo object : target.store.list(job.name() + "/")) {
                target.have.add(object.key().substring(job.name().length() + 1));
            }
        } catch (IOException | RuntimeException e) {
            fail(target, e);
        }
    }

    /** Sends what targets lacked after earlier runs, in the order it was made (archives before manifests). */
    private void catchUp(JobState state, List<JobState.Pending> pending, Map<String, TargetState> targets) {
        List<JobState.Pending> remaining = new ArrayList<>();
        Map<String, List<String>> arrived = new LinkedHashMap<>();
        for (JobState.Pending item : pending) {
            List<String> still = new ArrayList<>();
            for (String name : item.targets()) {
                TargetState target = targets.get(name);
                if (target == null) {
                    continue; // no longer a target of the job
                }
                if (target.have.contains(item.key())) {
                    arrived.computeIfAbsent(name, n -> new ArrayList<>()).add(item.key()); // it got there after all
                    continue;
                }
                if (!target.alive()) {
                    still.add(name);
                    continue;
                }
                Path local = state.dir().resolve(item.file());
                boolean sent = ensureArchives(state, pending, target, item.requires(), targets)
                        && (Files.exists(local) ? put(target, item.key(), local)
                        : copyFromAnotherTarget(state, target, item.key(), targets));
                if (sent) {
                    LOG.info("Job {}: target {} caught up with {}", job.name(), name, item.key());
                    arrived.computeIfAbsent(name, n -> new ArrayList<>()).add(item.key());
                } else if (target.alive() && !Files.exists(local)) {
                    LOG.warn("Job {}: target {} cannot get {}: the local copy is gone and no other target has it;"
                            + " it is dropped (a later snapshot covers the same files)", job.name(), name, item.key());
                } else {
                    still.add(name);
                }
            }
            if (!still.isEmpty()) {
                remaining.add(new JobState.Pending(item.key(), item.file(), still, item.requires()));
            }
        }
        pending.clear();
        pending.addAll(remaining);
        for (Map.Entry<String, List<String>> caughtUp : arrived.entrySet()) {
            try {
                state.caughtUp(caughtUp.getKey(), caughtUp.getValue());
            } catch (IOException e) {
                // This machine's record only: the objects are on the target, and the run goes on.
                LOG.warn("Job {}: cannot record in the local history that target {} caught up: {}", job.name(),
                        caughtUp.getKey(), e.getMessage());
            }
        }
    }

    /**
     * Makes sure the target holds every archive: from the outbox, else copied from another target
     * that has it. Returns whether it now holds all of them.
     */
    private boolean ensureArchives(JobState state, List<JobState.Pending> pending, TargetState target, List<String> keys,
                                   Map<String, TargetState> targets) {
        for (String key : keys) {
            if (!target.alive()) {
                return false;
            }
            if (target.have.contains(key)) {
                continue;
            }
            Path local = pending.stream().filter(p -> p.key().equals(key)).map(p -> state.dir().resolve(p.file()))
                    .filter(Files::exists).findFirst().orElse(null);
            if (local == null) {
                local = state.outbox().resolve(key.substring(key.lastIndexOf('/') + 1));
                local = Files.exists(local) ? local : null;
            }
            if (local != null && put(target, key, local)) {
                continue;
            }
            if (!copyFromAnotherTarget(state, target, key, targets)) {
                return false;
            }
        }
        return target.alive();
    }

    private boolean copyFromAnotherTarget(JobState state, TargetState target, String key, Map<String, TargetState> targets) {
        for (TargetState source : targets.values()) {
            if (source == target || !source.alive() || !source.have.contains(key)) {
                continue;
            }
            Path temp = state.outbox().resolve("copy-" + SnapshotIds.newArchiveId());
            try {
                try (InputStream in = source.store.get(job.name() + "/" + key)) {
                    Files.copy(in, temp);
                }
                if (put(target, key, temp)) {
                    LOG.info("Job {}: copied {} from target {} to target {}", job.name(), key, source.name, target.name);
                    return true;
                }
                return false;
            } catch (IOException e) {
                LOG.warn("Job {}: cannot copy {} from target {}: {}", job.name(), key, source.name, e.getMessage());
            } finally {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the outbox is cleaned at the end of the run
                }
            }
        }
        return false;
    }

    /** Uploads one object to every live target in parallel; targets that fail or are down get it later. */
    private void upload(JobState state, List<JobState.Pending> pending, Map<String, TargetState> targets, String key,
                        Path file, List<String> requires, ExecutorService executor) throws IOException {
        Map<TargetState, Future<Boolean>> results = new LinkedHashMap<>();
        for (TargetState target : targets.values()) {
            if (target.alive() && target.have.containsAll(requires)) {
                results.put(target, executor.submit(() -> put(target, key, file)));
            }
        }
        List<String> lacking = new ArrayList<>();
        for (TargetState target : targets.values()) {
            Future<Boolean> result = results.get(target);
            boolean done = false;
            if (result != null) {
                try {
                    done = result.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while uploading " + key, e);
                } catch (ExecutionException e) {
                    fail(target, e.getCause());
                }
            }
            if (!done) {
                lacking.add(target.name);
            }
        }
        if (!lacking.isEmpty()) {
            pending.add(new JobState.Pending(key, state.dir().relativize(file).toString(), lacking, requires));
        } else {
            // Every target has it: the local copy goes now, so that a large backup needs local disk for a
            // few archives, not for all of them (a crash before the commit leaves them on the targets,
            // unreferenced, and the next run packs their files again).
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.debug("Job {}: cannot delete {} yet (deleted when the run ends): {}", job.name(), file, e.getMessage());
            }
        }
    }

    private boolean put(TargetState target, String key, Path file) {
        if (!Files.exists(file)) {
            // A local problem, not the target's: it stays usable for everything else.
            LOG.warn("Job {}: the local copy {} of {} is gone", job.name(), file, key);
            return false;
        }
        try {
            target.store.put(job.name() + "/" + key, file);
            target.have.add(key);
            return true;
        } catch (IOException | RuntimeException e) {
            fail(target, e);
            return false;
        }
    }

    private void fail(TargetState target, Throwable e) {
        if (target.failure == null) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            // A store's messages start with its name: said once.
            target.failure = message.startsWith(target.name + ": ") ? message.substring(target.name.length() + 2) : message;
            LOG.warn("Job {}: target {} failed{}: {}", job.name(), target.name, job.targets().size() > 1
                    ? ", the others go on; it catches up on a later run" : "", target.failure);
        }
    }

    private static String failures(Map<String, TargetState> targets) {
        StringBuilder text = new StringBuilder();
        targets.values().forEach(t -> text.append("\n    ").append(t.name).append(": ").append(t.failure));
        return text.toString();
    }
}
