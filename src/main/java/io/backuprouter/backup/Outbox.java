package io.backuprouter.backup;

import io.backuprouter.UserException;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's targets during one run, and its outbox: what each target holds, whether it still
 * works, and what some target lacks (kept in the job's state, sent on a later run). Sends archives
 * before the manifest that names them on every target: a target gets an object only once it holds
 * every object that object requires, so that a snapshot that is listed is complete.
 */
final class Outbox {
    // Said under the run's name, as the lines always were.
    private static final Logger LOG = LoggerFactory.getLogger(BackupRun.class);

    /** Interrupted uploads older than this are removed at the start of a run (a run of a job takes less). */
    static final Duration INCOMPLETE_UPLOAD_AGE = Duration.ofHours(24);

    /** One target during the run: what it holds, and whether it still works. */
    static final class TargetState {
        final String name;
        final JobRepository store;
        // Uploads of small objects (listing pieces) run several at once.
        final Set<String> have = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile String failure;

        TargetState(String name, JobRepository store) {
            this.name = name;
            this.store = store;
        }

        boolean alive() {
            return failure == null;
        }
    }

    private final JobSettings job;
    private final JobState state;
    private final Clock clock;
    private final Map<String, TargetState> targets = new LinkedHashMap<>();
    private final List<JobState.Pending> pending = new ArrayList<>();

    /** Opens the job's stores (building a store's client takes a few tenths of a second for the first). */
    Outbox(JobSettings job, Map<String, ObjectStore> stores, JobState state, Clock clock) {
        this.job = job;
        this.state = state;
        this.clock = clock;
        for (String name : job.targets()) {
            targets.put(name, new TargetState(name, new JobRepository(stores.get(name), job.name())));
        }
    }

    /** Lists every target at once; stops the run when none can be reached. */
    void list() {
        targets.values().parallelStream().forEach(this::listTarget);
        if (targets.values().stream().noneMatch(TargetState::alive)) {
            throw new UserException("job " + job.name() + ": no target is reachable, nothing was backed up: "
                    + failures());
        }
    }

    /** What each live target holds, for picking the parent snapshot. */
    List<ParentSnapshot.Listing> listings() {
        return targets.values().stream().filter(TargetState::alive)
                .map(t -> new ParentSnapshot.Listing(t.name, t.store, t.have)).toList();
    }

    /** The names of the job's targets, in the job's order. */
    List<String> names() {
        return List.copyOf(targets.keySet());
    }

    int size() {
        return targets.size();
    }

    JobRepository repository(String target) {
        return targets.get(target).store;
    }

    /** Whether nothing waits to be sent to any target. */
    boolean nothingWaiting() {
        return pending.isEmpty();
    }

    /**
     * Treats these objects as held by no target, so that they are sent again: an object a target lists
     * but no snapshot this run relies on may be pruned at any moment (by another machine), and a
     * manifest must never name what is gone.
     */
    void sendAgain(java.util.Collection<String> keys) {
        targets.values().forEach(t -> t.have.removeAll(keys));
    }

    /** Whether some target of the job, working or not, does not hold the object. */
    boolean someTargetLacks(String key) {
        return targets.values().stream().anyMatch(t -> !t.have.contains(key));
    }

    /** Whether every target works and holds the object. */
    boolean everyTargetHas(String key) {
        return targets.values().stream().allMatch(t -> t.alive() && t.have.contains(key));
    }

    /** The targets that hold the object, in the job's order. */
    List<String> holding(String key) {
        return targets.values().stream().filter(t -> t.have.contains(key)).map(t -> t.name).toList();
    }

    /** Why each target that lacks the object lacks it. */
    Map<String, String> lacking(String key) {
        Map<String, String> failed = new LinkedHashMap<>();
        targets.values().stream().filter(t -> !t.have.contains(key))
                .forEach(t -> failed.put(t.name, t.failure != null ? t.failure : "archives missing"));
        return failed;
    }

    /** Records in the job's state what still waits to be sent. */
    void savePending() throws IOException {
        state.savePending(pending);
    }

    /** Keys of archives some live target holds, or the outbox still has a copy of. */
    Set<String> available() {
        Set<String> keys = new HashSet<>();
        targets.values().stream().filter(TargetState::alive).forEach(t -> keys.addAll(t.have));
        pending.stream().filter(p -> Files.exists(state.dir().resolve(p.file()))).forEach(p -> keys.add(p.key()));
        return keys;
    }

    private void listTarget(TargetState target) {
        try {
            int removed = target.store.removeIncompleteUploads(clock.instant().minus(INCOMPLETE_UPLOAD_AGE));
            if (removed > 0) {
                LOG.info("Job {}: removed {} interrupted upload(s) older than {} h from target {}", job.name(), removed,
                        INCOMPLETE_UPLOAD_AGE.toHours(), target.name);
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a key without permission to list or abort uploads still backs up.
            LOG.warn("Job {}: cannot remove interrupted uploads from target {}: {}", job.name(), target.name, e.getMessage());
        }
        try {
            target.have.addAll(target.store.objects().keySet());
        } catch (IOException | RuntimeException e) {
            fail(target, e);
        }
    }

    /**
     * Reads what waits in the outbox from earlier runs, and sends what targets lacked, in the order
     * it was made (archives before manifests).
     */
    void catchUp() throws IOException {
        pending.addAll(state.pending());
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
                boolean sent = ensureArchives(target, item.requires())
                        && (Files.exists(local) ? put(target, item.key(), local)
                        : copyFromAnotherTarget(target, item.key()));
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
        recordCaughtUp(arrived);
    }

    private void recordCaughtUp(Map<String, List<String>> arrived) {
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
     * Sends the manifest last: first every archive it requires to each live target (from the
     * outbox, else copied from another target), then the manifest to every target that holds them
     * all. Returns the targets that hold the manifest.
     */
    List<String> commit(String key, Path manifest, List<String> requires) throws IOException {
        ExecutorService commits = Executors.newFixedThreadPool(Math.max(1, targets.size()));
        try {
            for (TargetState target : targets.values()) {
                if (target.alive()) {
                    ensureArchives(target, requires);
                }
            }
            upload(key, manifest, requires, commits);
        } finally {
            commits.shutdown();
        }
        return holding(key);
    }

    /**
     * Makes sure the target holds every archive: from the outbox, else copied from another target
     * that has it. Returns whether it now holds all of them.
     */
    private boolean ensureArchives(TargetState target, List<String> keys) {
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
            if (!copyFromAnotherTarget(target, key)) {
                return false;
            }
        }
        return target.alive();
    }

    private boolean copyFromAnotherTarget(TargetState target, String key) {
        for (TargetState source : targets.values()) {
            if (source == target || !source.alive() || !source.have.contains(key)) {
                continue;
            }
            Path temp = state.outbox().resolve("copy-" + SnapshotIds.newArchiveId());
            try {
                try (InputStream in = source.store.get(key)) {
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

    /**
     * Uploads one object to every live target that holds what it requires, in parallel; targets
     * that fail or are down get it later. The local copy goes once every target has it.
     */
    void upload(String key, Path file, List<String> requires, ExecutorService executor) throws IOException {
        Map<TargetState, Future<Boolean>> results = new LinkedHashMap<>();
        for (TargetState target : targets.values()) {
            if (target.alive() && !target.have.contains(key) && target.have.containsAll(requires)) {
                results.put(target, executor.submit(() -> put(target, key, file)));
            }
        }
        List<String> lacking = new ArrayList<>();
        for (TargetState target : targets.values()) {
            Future<Boolean> result = results.get(target);
            boolean done = target.have.contains(key);
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
            addPending(new JobState.Pending(key, state.dir().relativize(file).toString(), lacking, requires));
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

    /** Adds what waits for some targets; an object already waiting waits once, for all of them. */
    private synchronized void addPending(JobState.Pending item) {
        JobState.Pending before = pending.stream().filter(p -> p.key().equals(item.key())).findFirst().orElse(null);
        if (before == null) {
            pending.add(item);
            return;
        }
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(before.targets());
        all.addAll(item.targets());
        pending.set(pending.indexOf(before), new JobState.Pending(item.key(), item.file(), List.copyOf(all), item.requires()));
    }

    private boolean put(TargetState target, String key, Path file) {
        if (!Files.exists(file)) {
            // A local problem, not the target's: it stays usable for everything else.
            LOG.warn("Job {}: the local copy {} of {} is gone", job.name(), file, key);
            return false;
        }
        try {
            target.store.put(key, file);
            target.have.add(key);
            return true;
        } catch (IOException | RuntimeException e) {
            fail(target, e);
            return false;
        }
    }

    private synchronized void fail(TargetState target, Throwable e) {
        if (target.failure == null) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            // A store's messages start with its name: said once.
            target.failure = message.startsWith(target.name + ": ") ? message.substring(target.name.length() + 2) : message;
            LOG.warn("Job {}: target {} failed{}: {}", job.name(), target.name, job.targets().size() > 1
                    ? ", the others go on; it catches up on a later run" : "", target.failure);
        }
    }

    private String failures() {
        StringBuilder text = new StringBuilder();
        targets.values().forEach(t -> text.append("\n    ").append(t.name).append(": ").append(t.failure));
        return text.toString();
    }
}
