package io.backuprouter.retention;

import io.backuprouter.catalog.ListedPiece;
import io.backuprouter.catalog.ListingPiece;
import io.backuprouter.catalog.RetentionPolicy;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.targets.ObjectInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code forget} and {@code prune} on one target.
 *
 * <p>Order of operations, safe beside a running backup (docs/format.md, "Retention"): forget
 * deletes only manifests the policy does not keep, and never the newest; prune reads every
 * remaining manifest, and deletes an archive only when no listed manifest names it <em>and</em> it
 * was written more than {@link #GRACE} ago; listing pieces (format version 2) likewise. A backup uploads archives before its manifest and only
 * reuses archives of its job's newest snapshot, which is always kept, so an archive a running
 * backup needs is either referenced or younger than the grace period. On one machine, forget and
 * prune also hold the job's lock, so they never overlap a backup of the job there.
 */
public final class Retention {
    /** Unreferenced archives younger than this are left alone: a backup may be about to reference them. */
    public static final Duration GRACE = Duration.ofHours(24);

    private final JobRepository repository;

    public Retention(JobRepository repository) {
        this.repository = repository;
    }

    /**
     * What forget or prune removed (or would remove, in a dry run).
     *
     * @param removed object keys (below the target's root path: {@code job/snapshots/...})
     * @param bytes their size
     * @param kept snapshot ids kept (forget) or archives and listing pieces kept (prune)
     */
    public record Outcome(List<String> removed, long bytes, int kept, Waiting waiting) {
        public Outcome(List<String> removed, long bytes, int kept) {
            this(removed, bytes, kept, new Waiting(0, 0, null));
        }
    }

    /**
     * Archives (and listing pieces) no listed snapshot needs that are still within the grace period: a prune after
     * {@code from} deletes them.
     */
    public record Waiting(int archives, long bytes, Instant from) {
    }

    public Outcome forget(RetentionPolicy policy, boolean dryRun) throws IOException {
        java.util.SortedMap<String, ObjectInfo> snapshots = repository.snapshots();
        Set<String> keep = policy.keep(List.copyOf(snapshots.keySet()));
        List<String> removed = new ArrayList<>();
        long bytes = 0;
        for (var snapshot : snapshots.entrySet()) {
            if (!keep.contains(snapshot.getKey())) {
                if (!dryRun) {
                    repository.delete(snapshot.getValue().key());
                }
                removed.add(repository.path(snapshot.getValue().key()));
                bytes += snapshot.getValue().size();
            }
        }
        return new Outcome(removed, bytes, keep.size());
    }

    /**
     * Deletes archives and listing pieces no listed snapshot needs and that are older than the grace
     * period. Needs a reader.
     */
    public Outcome prune(AgeIdentity reader, Instant now, boolean dryRun) throws IOException {
        List<ObjectInfo> objects = List.copyOf(repository.objects().values());
        Set<String> referenced = referenced(objects, reader);
        refuseWithoutManifests(objects);
        return sweep(objects, referenced, now, dryRun);
    }

    /** The keys every listed manifest needs; an unreadable manifest stops prune. */
    private Set<String> referenced(List<ObjectInfo> objects, AgeIdentity reader) throws IOException {
        Set<String> referenced = new HashSet<>();
        Set<String> piecesRead = new HashSet<>();
        for (ObjectInfo object : objects) {
            java.util.Optional<String> id = SnapshotIds.fromKey(object.key());
            if (id.isEmpty()) {
                continue;
            }
            try {
                referenced.addAll(needs(repository.storedManifest(id.get(), reader), reader, piecesRead));
            } catch (io.backuprouter.targets.NoSuchObjectException forgotten) {
                // forgotten since the listing (by a backup's retention): it no longer needs anything
            } catch (IOException e) {
                // An unreadable manifest (or piece of one) may need any archive: prune nothing rather than guess.
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                throw new IOException("prune stopped, nothing deleted: " + (message.contains(repository.path(object.key()))
                        ? message : "manifest " + repository.where(object.key()) + ": " + message), e);
            }
        }
        return referenced;
    }

    /** Archives or listing pieces on a target that lists no snapshot stop prune: it cannot tell which are needed. */
    private void refuseWithoutManifests(List<ObjectInfo> objects) throws IOException {
        boolean manifests = objects.stream().anyMatch(o -> SnapshotIds.fromKey(o.key()).isPresent());
        String job = repository.job();
        String store = repository.target();
        if (!manifests && objects.stream().anyMatch(o -> prunable(o.key()))) {
            // Retention always keeps the newest snapshot: archives without any is a target that lost its
            // manifests (or holds another copy's archives), not archives nobody needs.
            throw new IOException("prune stopped, nothing deleted: target " + store + " holds archives of job " + job
                    + " but lists no snapshot of it, so it cannot tell which are needed (its manifests lost, or it is not "
                    + "where the job's snapshots are); check it with: verify " + job + " --target " + store);
        }
    }

    /** Deletes (unless a dry run) the prunable objects nothing references that are older than the grace period. */
    private Outcome sweep(List<ObjectInfo> objects, Set<String> referenced, Instant now, boolean dryRun) throws IOException {
        List<String> removed = new ArrayList<>();
        long bytes = 0;
        int kept = 0;
        int waiting = 0;
        long waitingBytes = 0;
        Instant waitingFrom = null;
        for (ObjectInfo object : objects) {
            String relative = object.key();
            if (!prunable(relative)) {
                continue;
            }
            boolean old = object.lastModified() != null && object.lastModified().isBefore(now.minus(GRACE));
            if (referenced.contains(relative) || !old) {
                kept++;
                if (!referenced.contains(relative) && object.lastModified() != null) {
                    waiting++;
                    waitingBytes += object.size();
                    Instant from = object.lastModified().plus(GRACE);
                    waitingFrom = waitingFrom == null || from.isAfter(waitingFrom) ? from : waitingFrom;
                }
                continue;
            }
            if (!dryRun) {
                repository.delete(relative);
            }
            removed.add(repository.path(relative));
            bytes += object.size();
        }
        return new Outcome(removed, bytes, kept, new Waiting(waiting, waitingBytes, waitingFrom));
    }

    /**
     * The keys of the objects a manifest needs: its archives, or (version 2) its pieces and their
     * archives. A piece named by an earlier manifest is not read again: the same id is the same text.
     */
    private Set<String> needs(Snapshot manifest, AgeIdentity reader, Set<String> piecesRead) throws IOException {
        Set<String> needs = new HashSet<>();
        if (!manifest.inPieces()) {
            manifest.archives().forEach(a -> needs.add(a.key()));
            return needs;
        }
        for (ListedPiece listed : manifest.listing()) {
            if (piecesRead.add(listed.piece())) {
                ListingPiece piece = repository.piece(listed, reader);
                needs.add(ListingPiece.keyOf(listed.piece()));
                piece.archives().forEach(a -> needs.add(a.key()));
            }
        }
        return needs;
    }

    /** Objects prune may delete when nothing needs them: archives and listing pieces. */
    private static boolean prunable(String relative) {
        return relative.startsWith("archives/") || relative.startsWith("pieces/");
    }
}
