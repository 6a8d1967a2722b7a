package io.backuprouter.backup;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.JobSettings;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.repository.ListingPieces;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Commits a run's snapshot in format version 2 (docs/format.md, "Snapshot manifests", "Version 2"): cuts its
 * records into listing pieces, sends each piece some target lacks (a piece every target holds, because
 * an earlier snapshot had the same records under the same key, is not even written), then the manifest,
 * naming the pieces, to every target that holds every archive and piece it names. What a target lacks
 * waits in the outbox, as archives do.
 */
final class SnapshotCommit {
    /**
     * The snapshot as committed (with its listing), the targets that hold it, and the bytes of the pieces
     * written this run and of the manifest.
     */
    record Committed(Snapshot snapshot, List<String> targets, long listingBytes) {
    }

    private final JobSettings job;
    private final JobState state;
    private final Outbox outbox;
    private final BackupProgress progress;

    SnapshotCommit(JobSettings job, JobState state, Outbox outbox, BackupProgress progress) {
        this.job = job;
        this.state = state;
        this.outbox = outbox;
        this.progress = progress;
    }

    /**
     * Sends the snapshot's pieces and then its manifest; saves what still waits.
     *
     * @param whole the snapshot with every record and archive, and its {@code encryptedTo}
     * @param parent the snapshot the run compared with, or null: only the pieces its listing names are taken as
     *     held where a target lists them (retention keeps the newest snapshot, so prune never removes them
     *     beside this run); any other piece a target lists is sent again, as prune may remove it meanwhile
     */
    Committed commit(Snapshot whole, Snapshot parent) throws IOException {
        List<ListingPieces.Encoded> pieces = ListingPieces.encode(whole.files(), whole.archives(), whole.encryptedTo(),
                parent == null ? null : new ListingPieces.Earlier(parent.listing(), parent.files(), parent.archives(),
                        parent.encryptedTo()));
        Snapshot snapshot = new Snapshot(whole.format(), whole.version(), whole.id(), whole.job(), whole.host(),
                whole.time(), whole.parent(), whole.source(), whole.stats(), whole.archives(), whole.files(),
                pieces.stream().map(ListingPieces.Encoded::listed).toList(), whole.encryptedTo());
        progress.step("sending the listing of snapshot " + snapshot.id() + " (" + pieces.size() + " piece(s))");
        Map<String, ListingPieces.Encoded> byKey = new ConcurrentHashMap<>();
        pieces.forEach(p -> byKey.put(p.key(), p));
        AtomicLong sealedBytes = new AtomicLong();
        List<String> keys = pieces.stream().map(ListingPieces.Encoded::key).distinct().toList();
        java.util.Set<String> parentKeys = new java.util.HashSet<>();
        if (parent != null && parent.listing() != null) {
            parent.listing().stream().filter(listed -> ListingPieces.isId(listed.piece()))
                    .forEach(listed -> parentKeys.add(io.backuprouter.catalog.ListingPiece.keyOf(listed.piece())));
        }
        outbox.sendAgain(keys.stream().filter(k -> !parentKeys.contains(k)).toList());
        uploadAll(keys, state.outbox(), (key, file) -> {
            byte[] sealed = ListingPieces.seal(byKey.get(key), job.encryption());
            Files.write(file, sealed);
            sealedBytes.addAndGet(sealed.length);
        });

        Path manifestFile = state.outbox().resolve(snapshot.id() + ".json.age");
        try (OutputStream out = Files.newOutputStream(manifestFile)) {
            Manifests.writeEncrypted(snapshot.stored(), out, job.encryption());
        }
        long manifestBytes = Files.size(manifestFile);
        List<String> requires = new ArrayList<>(snapshot.archives().stream().map(ArchiveInfo::key).toList());
        requires.addAll(keys);
        progress.step("committing snapshot " + snapshot.id());
        List<String> committed = outbox.commit(snapshot.key(), manifestFile, requires);
        // Pending first: a crash in between leaves extra pending entries (harmless), never lost ones.
        outbox.savePending();
        return new Committed(snapshot, committed, sealedBytes.get() + manifestBytes);
    }

    /**
     * Uploads objects that require nothing (listing pieces), several at once: {@code write} makes each
     * object's local copy, called only for objects some target lacks. The first failure to write one is thrown.
     */
    private void uploadAll(List<String> keys, Path folder, ObjectWriter write) throws IOException {
        int parallel = SMALL_UPLOADS;
        ExecutorService perObject = Executors.newFixedThreadPool(parallel);
        ExecutorService perTarget = Executors.newFixedThreadPool(parallel * Math.max(1, outbox.size()));
        try {
            List<Future<Object>> sent = new ArrayList<>();
            for (String key : keys) {
                if (outbox.someTargetLacks(key)) {
                    sent.add(perObject.submit(() -> {
                        Path file = folder.resolve(key.substring(key.lastIndexOf('/') + 1));
                        write.write(key, file);
                        outbox.upload(key, file, List.of(), perTarget);
                        return null;
                    }));
                }
            }
            for (Future<Object> one : sent) {
                one.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while uploading the listing", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            perObject.shutdownNow();
            perTarget.shutdownNow();
        }
    }

    /** Small objects uploaded at once by {@link #uploadAll}. */
    static final int SMALL_UPLOADS = 8;

    /** Writes the local copy of an object about to be uploaded. */
    @FunctionalInterface
    interface ObjectWriter {
        void write(String key, Path file) throws IOException;
    }

}
