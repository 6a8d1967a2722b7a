package io.backuprouter.backup;

import io.backuprouter.files.BackupProgress;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.config.JobSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the new and changed files of a {@link ChangePlan} and packs them into encrypted archives.
 * The first read hashes a file: content already stored is not packed again. Each batch is packed
 * (second read, zip, age) on one thread per core as soon as it is full, while hashing goes on, and
 * uploaded through the {@link Outbox} as soon as it is written (one upload at a time, to every live
 * target at once). At most one archive per packing thread, plus one, is written and not yet
 * uploaded, and an archive every target has leaves the outbox at once: the outbox holds a few
 * archives, not the whole backup (unless a target is down: then it keeps what that target lacks).
 * A packing is used for one run.
 */
final class Packing {
    // Said under the run's name, as the lines always were.
    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);

    /** What packing added: the archives written, in order, the bytes of content they hold, and their size. */
    record Outcome(List<ArchiveInfo> newArchives, long addedBytes, long uploadedBytes) {
    }

    /** One batch's outcome: its archive (null when every file dropped out), and what it changed. */
    private record Result(ArchiveWriter.Written written, List<String> warnings, List<FileEntry> kept, Future<?> upload) {
    }

    private final JobSettings job;
    private final BackupProgress progress;
    private final JobState state;
    private final Outbox outbox;
    private final int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private final Semaphore unsent = new Semaphore(threads + 1);
    private final ExecutorService packers;
    // One upload at a time: uploads update the pending list and what each target holds.
    private final ExecutorService uploader;
    private final ExecutorService uploads;

    Packing(JobSettings job, BackupProgress progress, JobState state, Outbox outbox) {
        this.job = job;
        this.progress = progress;
        this.state = state;
        this.outbox = outbox;
        this.packers = Executors.newFixedThreadPool(threads, daemon("archive-packer-" + job.name()));
        this.uploader = Executors.newSingleThreadExecutor(daemon("archive-uploader-" + job.name()));
        this.uploads = Executors.newFixedThreadPool(Math.max(1, outbox.size()));
    }

    /**
     * Reads, packs and uploads the plan's changed files, and adds to the plan what it found: the
     * files' entries, the archives written, and warnings. The first failure is thrown.
     */
    Outcome pack(ChangePlan plan) throws IOException {
        List<FileEntry> sameContentAsPacked = new ArrayList<>();
        List<Future<Result>> packed;
        try {
            packed = readChanged(plan, sameContentAsPacked);
            progress.step("packing and uploading " + packed.size() + " archive(s)");
            awaitAll(packed);
        } finally {
            packers.shutdownNow();
            uploader.shutdownNow();
            uploads.shutdown();
        }
        return collect(plan, packed, sameContentAsPacked);
    }

    /**
     * First read of the changed files: hashes them, refers to content the plan already stores, and
     * submits the rest in batches. Files with the content of one being packed wait in {@code sameContentAsPacked}.
     */
    private List<Future<Result>> readChanged(ChangePlan plan, List<FileEntry> sameContentAsPacked) throws IOException {
        Map<String, ArchiveWriter.Packed> packedByContent = new HashMap<>();
        List<Future<Result>> packed = new ArrayList<>();
        List<ArchiveWriter.Packed> batch = new ArrayList<>();
        long batchBytes = 0;
        for (FileEntry entry : plan.changed()) {
            Path file;
            ContentHasher.Hashed hashed;
            try {
                file = job.source().resolve(entry.path());
                hashed = ContentHasher.hash(file, entry.path());
            } catch (IOException | java.nio.file.InvalidPathException e) {
                // InvalidPathException: a name the locale's character set cannot hold (LANG=C on Java 17)
                plan.warnings().add(entry.path() + ": cannot be read (" + e.getMessage() + "); kept as in the previous snapshot"
                        + (e instanceof java.nio.file.InvalidPathException ? "; run with a UTF-8 locale (LANG=C.UTF-8)" : ""));
                plan.keepPrevious(entry.path());
                continue;
            }
            progress.read(hashed.size());
            if (!unchangedSince(file, entry) || hashed.size() != entry.size()) {
                plan.warnings().add(entry.path() + ": changed while it was read; it is backed up on the next run");
                plan.keepPrevious(entry.path());
                continue;
            }
            FileEntry hashedEntry = entry.withSha256(hashed.sha256());
            FileEntry stored = plan.byContent().get(hashed.sha256());
            if (stored != null) {
                plan.entries().add(hashedEntry.withContentOf(stored));
            } else if (packedByContent.containsKey(hashed.sha256())) {
                sameContentAsPacked.add(hashedEntry);
            } else {
                ArchiveWriter.Packed toPack = new ArchiveWriter.Packed(hashedEntry, file, hashed);
                packedByContent.put(hashed.sha256(), toPack);
                if (!batch.isEmpty() && (batchBytes + hashed.size() > job.batchSize() || batch.size() >= job.batchFiles())) {
                    packed.add(submit(batch, plan.before()));
                    batch = new ArrayList<>();
                    batchBytes = 0;
                }
                batch.add(toPack);
                batchBytes += hashed.size();
            }
        }
        if (!batch.isEmpty()) {
            packed.add(submit(batch, plan.before()));
        }
        return packed;
    }

    /** The results, in the order the batches were made, added to the plan. */
    private static Outcome collect(ChangePlan plan, List<Future<Result>> packed, List<FileEntry> sameContentAsPacked)
            throws IOException {
        List<ArchiveInfo> newArchives = new ArrayList<>();
        Map<String, FileEntry> storedByContent = new HashMap<>();
        long addedBytes = 0;
        long uploadedBytes = 0;
        for (Future<Result> future : packed) {
            Result result = await(future);
            plan.warnings().addAll(result.warnings());
            plan.entries().addAll(result.kept());
            ArchiveWriter.Written written = result.written();
            if (written == null) {
                continue;
            }
            for (FileEntry stored : written.stored()) {
                plan.entries().add(stored);
                storedByContent.put(stored.sha256(), stored);
            }
            newArchives.add(written.info());
            plan.knownArchives().put(written.info().id(), written.info());
            addedBytes += written.contentBytes();
            uploadedBytes += written.info().size();
        }
        for (FileEntry duplicate : sameContentAsPacked) {
            FileEntry stored = storedByContent.get(duplicate.sha256());
            if (stored != null) {
                plan.entries().add(duplicate.withContentOf(stored));
            } else {
                plan.keepPrevious(duplicate.path());
            }
        }
        return new Outcome(newArchives, addedBytes, uploadedBytes);
    }

    /** Packs the batch, then queues its upload; waits while too many archives wait for upload. */
    private Future<Result> submit(List<ArchiveWriter.Packed> batch, Map<String, FileEntry> before) throws IOException {
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
                ArchiveWriter.Written written = writeArchive(batch, warnings, before, kept);
                Future<?> upload = null;
                if (written != null) {
                    upload = uploader.submit(() -> {
                        try {
                            outbox.upload(written.info().key(), written.file(), List.of(), uploads);
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

    /** Writes a batch; a stored file that changed between the reads is dropped and the batch written again. */
    private ArchiveWriter.Written writeArchive(List<ArchiveWriter.Packed> batch, List<String> warnings,
                                               Map<String, FileEntry> before, List<FileEntry> entries) throws IOException {
        List<ArchiveWriter.Packed> files = new ArrayList<>(batch);
        while (!files.isEmpty()) {
            String archiveId = SnapshotIds.newArchiveId();
            Path out = state.outbox().resolve(archiveId + ".zip.age");
            try {
                long packStarted = System.nanoTime();
                ArchiveWriter.Written written = ArchiveWriter.write(archiveId, files, out, job.encryption(),
                        entryMethod(job.compression()), job.compressionLevel());
                LOG.debug("Job {}: archive {} packed: {} files, {} bytes of content, {} bytes stored, {} ms", job.name(),
                        archiveId, written.stored().size(), written.contentBytes(), written.info().size(),
                        (System.nanoTime() - packStarted) / 1_000_000);
                for (String path : written.changed()) {
                    warnings.add(path + ": changed while it was archived; it is backed up on the next run");
                    ChangePlan.keepPrevious(before.get(path), entries);
                }
                progress.read(written.contentBytes());
                return written;
            } catch (ArchiveWriter.ChangedWhileArchiving e) {
                Files.deleteIfExists(out);
                warnings.add(e.path + ": changed while it was archived; it is backed up on the next run");
                ChangePlan.keepPrevious(before.get(e.path), entries);
                files.removeIf(p -> p.entry().path().equals(e.path));
            }
        }
        return null;
    }

    /** Waits for every batch to be packed and uploaded (or given up on a target); the first failure is thrown. */
    private static void awaitAll(List<Future<Result>> results) throws IOException {
        for (Future<Result> result : results) {
            awaitUpload(await(result).upload());
        }
    }

    private static Result await(Future<Result> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while packing", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
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

    /** The zip method a job's {@code compression} gives content that shrinks. */
    static io.backuprouter.repository.ArchiveWriter.Method entryMethod(String compression) {
        return switch (compression == null ? "zstd" : compression) {
            case "deflate" -> io.backuprouter.repository.ArchiveWriter.Method.DEFLATE;
            case "none" -> io.backuprouter.repository.ArchiveWriter.Method.STORED;
            default -> io.backuprouter.repository.ArchiveWriter.Method.ZSTD;
        };
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

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
