package io.backuprouter.backup;

import io.backuprouter.files.BackupProgress;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.retention.Retention;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.catalog.SnapshotStats;
import io.backuprouter.config.JobSettings;
import io.backuprouter.config.Secrets;
import io.backuprouter.crypto.ChaChaProvider;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 *
 * <p>The run's parts: {@link ChangePlanner} scans the source and compares it with the parent
 * snapshot; {@link PassphraseCheck} refuses a mistyped passphrase; {@link Packing} reads, packs and
 * uploads what changed; {@link Outbox} lists the targets, sends what they lack and commits the
 * manifest last. This class puts them in order, writes the manifest and applies retention.
 */
public final class BackupRun {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);

    private final JobSettings job;
    private final Map<String, ObjectStore> stores;
    private final Clock clock;
    private final BackupProgress progress;

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
                    state.failed(clock.instant(), Secrets.redact("no target committed the snapshot: "
                            + String.join("; ", summary.failed().entrySet().stream().map(f -> f.getKey() + ": " + f.getValue())
                            .toList())));
                }
                return summary;
            } catch (IOException | RuntimeException e) {
                try {
                    state.failed(clock.instant(), Secrets.redact(e.getMessage() == null ? e.toString()
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
    private CompletableFuture<SourceScanner.Scan> scanning;

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
        ChangePlanner planner = new ChangePlanner(job, allowEmpty);
        // The source is scanned while the targets are listed: both mostly wait (on the disk, on the network).
        CompletableFuture<SourceScanner.Scan> scanning = planner.startScan();
        this.scanning = scanning;
        CompletableFuture<Snapshot> latest = readLocalState(state);
        // Opening a store builds its SDK client, a few tenths of a second for the first one: done after the
        // two threads above have started, so that their work overlaps it.
        Outbox outbox = new Outbox(job, stores, state, clock);
        progress.step("listing targets");
        outbox.list();
        outbox.catchUp();

        Snapshot previous = new ParentSnapshot(job, state).pick(await(latest, "reading the local state"), outbox.listings());
        String recorded = state.encryption();
        PassphraseCheck passphraseCheck = new PassphraseCheck(job, state);
        boolean packAll = passphraseCheck.packAllAgain(recorded, previous, rekey);
        progress.step("scanning " + job.source());
        ChangePlan plan = planner.plan(previous, await(scanning, "scanning"), packAll, recorded, outbox);
        progress.toRead(plan.changed().size(), plan.changedBytes());

        String snapshotId = SnapshotIds.newSnapshotId(started);
        Packing.Outcome packed = new Packing(job, progress, state, outbox).pack(plan);

        // The manifest: every entry, and every archive the files need.
        List<FileEntry> entries = plan.entries();
        entries.sort(Comparator.comparing(FileEntry::path));
        if (skipIfUnchanged && packed.newArchives().isEmpty() && outbox.nothingWaiting() && sameAs(previous, entries)
                && outbox.everyTargetHas(previous.key())) {
            state.checkedUnchanged(previous, outbox.names(), clock.instant());
            return new BackupSummary(job.name(), previous.id(), entries.stream().filter(FileEntry::isFile).count(),
                    entries.stream().filter(FileEntry::isFile).mapToLong(FileEntry::size).sum(), 0, 0, 0, 0, 0,
                    outbox.names(), Map.of(), plan.warnings(), Duration.between(started, clock.instant()), true, 0);
        }
        Snapshot whole = snapshot(snapshotId, started, previous, plan, packed, piecesKey(previous, packAll, snapshotId));
        SnapshotCommit.Committed commit = new SnapshotCommit(job, state, outbox, progress).commit(whole);
        Snapshot snapshot = commit.snapshot();
        List<String> committed = commit.targets();
        if (!committed.isEmpty()) {
            state.saveLatest(snapshot);
            passphraseCheck.save(recorded, packAll);
        }
        SnapshotStats stats = snapshot.stats();
        // Recorded even when no target has it yet (its manifest waits in pending.json): when a target
        // catches up with it, the entry says so, and verify expects it there.
        state.appendHistory(new JobState.HistoryEntry(snapshotId, started, stats.files(), stats.bytes(),
                stats.addedBytes(), committed, null));
        int forgotten = 0;
        if (!committed.isEmpty() && !job.retention().isEmpty()) {
            forgotten = applyRetention(state, outbox, committed, plan.warnings());
        }
        return new BackupSummary(job.name(), committed.isEmpty() ? null : snapshotId, stats.files(), stats.bytes(),
                stats.addedFiles(), stats.addedBytes(), stats.uploadedBytes(), commit.listingBytes(), packed.newArchives().size(),
                committed,
                outbox.lacking(snapshot.key()), plan.warnings(), Duration.between(started, clock.instant()), false, forgotten);
    }

    /**
     * This machine's copy of the previous snapshot is parsed (thousands of entries) and the cipher
     * made ready on another thread: the first requests wait on the network and on the SDK's start,
     * and a run with little to do is mostly that wait.
     */
    private CompletableFuture<Snapshot> readLocalState(JobState state) {
        CompletableFuture<Snapshot> latest = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                latest.complete(state.latest());
                ChaChaProvider.prepare();
            } catch (Throwable e) {
                latest.completeExceptionally(e);
            }
        }, "local-state-" + job.name());
        reader.setDaemon(true);
        reader.start();
        localStateReader = reader;
        return latest;
    }

    /** The new snapshot's manifest: every entry, and every archive the files need. */
    private Snapshot snapshot(String snapshotId, Instant started, Snapshot previous, ChangePlan plan,
                              Packing.Outcome packed, String encryptedTo) {
        List<FileEntry> entries = plan.entries();
        Map<String, ArchiveInfo> needed = new TreeMap<>();
        entries.stream().filter(FileEntry::isFile).forEach(f -> needed.put(f.archive(), plan.knownArchives().get(f.archive())));
        long addedFiles = entries.stream().filter(FileEntry::isFile).filter(f -> newArchivesHave(packed.newArchives(), f))
                .count();
        SnapshotStats stats = new SnapshotStats(
                entries.stream().filter(FileEntry::isFile).count(),
                entries.stream().filter(e -> FileEntry.DIR.equals(e.type())).count(),
                entries.stream().filter(e -> FileEntry.SYMLINK.equals(e.type())).count(),
                entries.stream().filter(FileEntry::isFile).mapToLong(FileEntry::size).sum(),
                addedFiles, packed.addedBytes(), packed.uploadedBytes());
        return new Snapshot(Snapshot.FORMAT, Snapshot.VERSION, snapshotId, job.name(), job.host(), started,
                previous == null ? null : previous.id(), job.source().toAbsolutePath().normalize().toString(), stats,
                List.copyOf(needed.values()), entries, null, encryptedTo);
    }

    /**
     * What the snapshot's manifest and pieces say they are encrypted to: the recipients' fingerprint; for a
     * passphrase (whose fingerprint does not change with it), {@code passphrase:} and the id of the snapshot
     * that began this passphrase's pieces, carried from the parent while the passphrase stays (a run that
     * packs everything again, as after a change of passphrase, begins anew), so that a piece written under one
     * passphrase never has the id of a piece written under another.
     */
    private String piecesKey(Snapshot previous, boolean packAll, String snapshotId) {
        String fingerprint = job.encryption().fingerprint();
        if (!job.encryption().usesPassphrase()) {
            return fingerprint;
        }
        if (!packAll && previous != null && previous.encryptedTo() != null && previous.encryptedTo().startsWith("passphrase:")) {
            return previous.encryptedTo();
        }
        return "passphrase:" + snapshotId;
    }

    /** Forgets, on each target that committed this run, the snapshots the job's policy does not keep. */
    private int applyRetention(JobState state, Outbox outbox, List<String> committed, List<String> warnings) {
        int most = 0;
        for (String name : committed) {
            try {
                Retention.Outcome outcome = new Retention(outbox.repository(name)).forget(job.retention(), false);
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
    private static <T> T await(CompletableFuture<T> work, String what) throws IOException {
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

    /** Whether these entries, of this machine and source, are the previous snapshot's. */
    private boolean sameAs(Snapshot previous, List<FileEntry> entries) {
        return previous != null && previous.files().equals(entries) && job.host().equals(previous.host())
                && job.source().toAbsolutePath().normalize().toString().equals(previous.source());
    }

    private static boolean newArchivesHave(List<ArchiveInfo> newArchives, FileEntry file) {
        return newArchives.stream().anyMatch(a -> a.id().equals(file.archive()));
    }
}
