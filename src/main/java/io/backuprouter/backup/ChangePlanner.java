package io.backuprouter.backup;

import io.backuprouter.files.PathFilter;
import io.backuprouter.UserException;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.JobSettings;
import io.backuprouter.repository.SnapshotRules;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * Scans the job's source and compares it with the parent snapshot: which files need reading, and
 * which archives of the parent snapshot this run may name again (those some reachable target or
 * the outbox holds, encrypted to the job's key now). Refuses a source that looks unmounted.
 */
final class ChangePlanner {
    /** The coarsest modification-time step of common file systems (FAT keeps 2 s). */
    static final Duration MTIME_GRANULARITY = Duration.ofSeconds(2);

    private final JobSettings job;
    private final boolean allowEmpty;

    /** {@code allowEmpty}: as asked for this run ({@link BackupRun#allowEmpty}). */
    ChangePlanner(JobSettings job, boolean allowEmpty) {
        this.job = job;
        this.allowEmpty = allowEmpty;
    }

    /**
     * Starts scanning the source on a thread of its own; cancelling the scan (or its ending
     * otherwise) stops the walk.
     */
    CompletableFuture<SourceScanner.Scan> startScan() {
        CompletableFuture<SourceScanner.Scan> scanning = new CompletableFuture<>();
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
        return scanning;
    }

    /**
     * The plan for this scan. {@code packAll}: no archive of the parent snapshot is named again;
     * {@code recorded}: the key this machine's state last recorded for the job.
     */
    ChangePlan plan(Snapshot previous, SourceScanner.Scan scan, boolean packAll, String recorded, Outbox outbox) {
        refuseSuddenlyEmpty(previous, scan);
        List<String> warnings = new ArrayList<>(scan.problems());
        linksLeadingOutside(scan).ifPresent(warnings::add);
        if (packAll) {
            warnings.add("every file is packed again, as asked (--rekey): this snapshot needs only the job's current key");
        }
        ChangePlan plan = new ChangePlan(new ArrayList<>(), new ArrayList<>(), new HashMap<>(), new HashMap<>(),
                new HashMap<>(), warnings);
        if (previous != null && !packAll) {
            reusable(previous, recorded, outbox, plan);
        }
        compare(previous, scan, plan);
        return plan;
    }

    /**
     * Only content that some reachable target or the outbox still holds can be referenced again;
     * files whose archive exists nowhere (a replaced target, lost objects) are packed anew. So are
     * files in archives encrypted to another key than the job's now: this snapshot must be readable
     * with the current key alone.
     */
    private void reusable(Snapshot previous, String recorded, Outbox outbox, ChangePlan plan) {
        Set<String> available = outbox.available();
        Predicate<ArchiveInfo> sameKey = sameKey(recorded);
        if (previous.archives().stream().anyMatch(sameKey.negate())) {
            plan.warnings().add("the job's recipients or passphrase changed since snapshot " + previous.id() + ": files stored "
                    + "for the earlier key are packed again, so that this snapshot is readable with the new key alone "
                    + "(earlier snapshots still need the key they were made with)");
        }
        Map<String, ArchiveInfo> knownArchives = plan.knownArchives();
        previous.archives().stream().filter(a -> available.contains(a.key())).filter(sameKey)
                .forEach(a -> knownArchives.put(a.id(), a));
        previous.files().stream().filter(f -> !f.isFile() || knownArchives.containsKey(f.archive()))
                .forEach(f -> plan.before().put(f.path(), f));
        previous.files().stream().filter(FileEntry::isFile).filter(f -> knownArchives.containsKey(f.archive()))
                .forEach(f -> plan.byContent().putIfAbsent(f.sha256(), f));
    }

    /** Sorts the scan's entries into those kept as the parent snapshot has them and those to read. */
    private static void compare(Snapshot previous, SourceScanner.Scan scan, ChangePlan plan) {
        // Times are only trusted when they are clearly older than the previous run: an edit in the same
        // clock tick (coarse on FAT, exFAT, SMB) that kept the size would otherwise go unnoticed.
        Instant trustedBefore = previous == null ? Instant.MIN : previous.time().minus(MTIME_GRANULARITY);
        for (FileEntry entry : scan.entries()) {
            FileEntry old = plan.before().get(entry.path());
            if (!entry.isFile()) {
                plan.entries().add(entry);
            } else if (old != null && old.isFile() && old.size() == entry.size() && old.mtime().equals(entry.mtime())
                    && entry.mtime().isBefore(trustedBefore)) {
                plan.entries().add(entry.withContentOf(old));
            } else {
                plan.changed().add(entry);
            }
        }
    }

    /**
     * Whether an archive is encrypted to the job's key now: as it records, or for an archive written
     * before archives recorded it, as this machine's state last recorded (the same, when unknown).
     */
    private Predicate<ArchiveInfo> sameKey(String recorded) {
        String current = job.encryption().fingerprint();
        return archive -> archive.encryptedTo() != null ? archive.encryptedTo().equals(current)
                : recorded == null || recorded.equals(current);
    }

    /**
     * Links that lead outside the folder (absolute, or up past its top) are recorded as they are, but
     * a restore does not create them (it never makes a link that leads outside its destination):
     * said once per run, so that it is not first learnt from a restore.
     */
    private static Optional<String> linksLeadingOutside(SourceScanner.Scan scan) {
        List<FileEntry> outside = scan.entries().stream().filter(e -> FileEntry.SYMLINK.equals(e.type()))
                .filter(e -> SnapshotRules.leadsOutside(e.path(), e.target()))
                .toList();
        if (outside.isEmpty()) {
            return Optional.empty();
        }
        FileEntry first = outside.get(0);
        return Optional.of(outside.size() + (outside.size() == 1 ? " link leads" : " links lead")
                + " outside the folder (" + first.path() + " -> " + first.target() + (outside.size() > 1 ? ", ..." : "")
                + "): recorded as they are; a restore reports them and does not create them unless told to with "
                + "--outside-links create (or skip)");
    }

    /** Refuses a source with no files where the previous snapshot had some, unless allowed to. */
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
}
