package io.backuprouter.backup;

import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.repository.JobRepository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot a backup run compares with (its parent): this machine's copy of the latest one
 * ({@code latest.json}), or the newest snapshot a target lists when
 * <ul>
 *   <li>the local state is lost (a new machine, a wiped disk), or</li>
 *   <li>a target lists a snapshot of this job, host and source newer than the local copy: a run
 *       stopped after its manifest landed and before it was recorded here. It is recorded now
 *       ({@code latest.json}, and the history with the targets that list it), so that the run reuses
 *       the archives it names instead of packing and uploading its files again.</li>
 * </ul>
 * Both need what reads the job's manifests (its identity, or its passphrase). A machine with only the
 * public recipient cannot read them, by design: it compares with its local copy, as before, and says
 * so. Whichever snapshot is picked, the run references only those of its archives that a reachable
 * target or the outbox holds and that are encrypted to the job's current key (see {@link BackupRun}).
 */
final class ParentSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(ParentSnapshot.class);

    /**
     * What one reachable target lists under the job's folder.
     *
     * @param target the target's name
     * @param keys object keys relative to the job's folder
     */
    record Listing(String target, JobRepository repository, Set<String> keys) {
    }

    private final JobSettings job;
    private final JobState state;

    ParentSnapshot(JobSettings job, JobState state) {
        this.job = job;
        this.state = state;
    }

    /**
     * The snapshot to compare with, or null (every file is packed).
     *
     * @param latest this machine's copy of the previous snapshot (its local state), or null
     * @param listings the reachable targets, in the job's order
     */
    Snapshot pick(Snapshot latest, List<Listing> listings) throws IOException {
        TreeSet<String> newer = newestOnEachTarget(listings);
        if (latest != null) {
            newer.headSet(latest.id(), true).clear();
        }
        Optional<AgeIdentity> reader = latest == null || !newer.isEmpty() ? job.reader() : Optional.empty();
        if (reader.isEmpty()) {
            if (latest == null) {
                LOG.info("Job {}: no local state in {}: backing up every file (set identity to rebuild state from a target)",
                        job.name(), state.dir());
            } else if (!newer.isEmpty()) {
                LOG.info("Job {}: snapshot {} on target(s) {} is newer than this machine's state ({}), most likely from a "
                        + "run stopped after committing it. Without an identity this machine cannot read it, so this run compares with {} and "
                        + "packs the files added since again (set the job's identity to reuse that snapshot's archives)",
                        job.name(), newer.last(), holders(newer.last(), listings), state.dir().resolve("latest.json"),
                        latest.id());
            }
            return latest;
        }
        for (String id : newer.descendingSet()) {
            Snapshot found = read(id, listings, reader.get(), latest == null);
            if (found == null) {
                continue;
            }
            if (latest == null) {
                return found;
            }
            if (madeByThisJobHere(found)) {
                recordFound(found, holders(id, listings), latest);
                return found;
            }
            LOG.info("Job {}: snapshot {} on target(s) {} was made on host {} from {}, not by this job here: this run "
                    + "compares with this machine's latest snapshot {} (check that no other machine backs up as job {})",
                    job.name(), id, holders(id, listings), found.host(), found.source(), latest.id(), job.name());
        }
        return latest;
    }

    /** The newest snapshot id each target lists. */
    private static TreeSet<String> newestOnEachTarget(List<Listing> listings) {
        TreeSet<String> ids = new TreeSet<>();
        for (Listing listing : listings) {
            listing.keys().stream().map(SnapshotIds::fromKey).flatMap(Optional::stream).max(Comparator.naturalOrder())
                    .ifPresent(ids::add);
        }
        return ids;
    }

    private static List<String> holders(String id, List<Listing> listings) {
        return listings.stream().filter(l -> l.keys().contains(Snapshot.keyOf(id))).map(Listing::target).toList();
    }

    /** The manifest, from the first target listing it that can serve and decrypt it; null when none can. */
    private Snapshot read(String id, List<Listing> listings, AgeIdentity identity, boolean rebuilding) {
        String key = Snapshot.keyOf(id);
        for (Listing listing : listings) {
            if (!listing.keys().contains(key)) {
                continue;
            }
            try {
                Snapshot snapshot = listing.repository().manifest(id, identity);
                if (rebuilding) {
                    LOG.info("Job {}: rebuilt local state from snapshot {} on target {}", job.name(), id, listing.target());
                }
                return snapshot;
            } catch (IOException e) {
                LOG.warn("Job {}: cannot read snapshot {} on target {}: {}; this run compares with another copy or an older "
                        + "snapshot instead, at worst packing its files again", job.name(), id, listing.target(), e.getMessage());
            }
        }
        return null;
    }

    /** Whether a snapshot is of this job's source on this machine (never another machine's files by the same path). */
    private boolean madeByThisJobHere(Snapshot snapshot) {
        return job.name().equals(snapshot.job()) && job.host().equals(snapshot.host())
                && job.source().toAbsolutePath().normalize().toString().equals(snapshot.source());
    }

    /** Records a snapshot a stopped run committed, as that run would have; a failure only costs this record. */
    private void recordFound(Snapshot found, List<String> targets, Snapshot latest) {
        LOG.info("Job {}: snapshot {} on target(s) {} is newer than this machine's state ({}): a run stopped after committing"
                + " it; this run compares with it and records it as committed there", job.name(), found.id(), targets,
                latest.id());
        try {
            state.saveLatest(found);
            state.recovered(found, new ArrayList<>(targets));
        } catch (IOException e) {
            LOG.warn("Job {}: cannot record snapshot {} in the local state {} ({}); this run compares with it all the same",
                    job.name(), found.id(), state.dir(), e.getMessage());
        }
    }
}
