package io.backuprouter.restore;

import io.backuprouter.UserException;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.repository.JobRepository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the snapshot a restore request names on a job's targets, and reads its manifest. */
final class SnapshotLocator {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLocator.class);

    private final String job;
    private final Map<String, JobRepository> repositories;
    private final AgeIdentity identity;
    private final Set<String> expected;

    /**
     * @param expected snapshots this machine committed: when the newest of them that the request
     *     would pick is listed on no target, locating fails naming its manifest
     */
    SnapshotLocator(String job, Map<String, JobRepository> repositories, AgeIdentity identity, Set<String> expected) {
        this.job = job;
        this.repositories = repositories;
        this.identity = identity;
        this.expected = expected;
    }

    /**
     * The snapshot the request names (with {@code --include}, perhaps only the records that restoring
     * those needs), the target it was read from, and what failed on targets tried before.
     */
    record Located(Snapshot snapshot, String target, List<String> failures) {
    }

    /**
     * Finds the snapshot: the newest matching id listed on any reachable target of the job (so that a
     * manifest missing on the preferred target never silently yields an older snapshot), read from
     * the first target in order that lists it and whose copy reads cleanly.
     */
    Located locate(RestoreRequest request, List<String> order) throws IOException {
        List<String> failures = new ArrayList<>();
        Map<String, Set<String>> listed = new LinkedHashMap<>();
        java.util.SortedSet<String> all = new java.util.TreeSet<>();
        for (String target : order) {
            try {
                Set<String> ids = repositories.get(target).snapshots().keySet();
                listed.put(target, ids);
                all.addAll(ids);
            } catch (IOException e) {
                failures.add(target + ": " + e.getMessage());
            }
        }
        Optional<String> chosen = choose(List.copyOf(all), request);
        refuseMissingCommitted(request, order, listed, all, chosen, failures);
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
        return read(chosen.get(), request.includes(), order, listed, failures);
    }

    /**
     * A snapshot this machine committed that the request would pick and that no target lists: the
     * restore stops naming it when every target answered (rather than quietly taking an older one),
     * else it is noted.
     */
    private void refuseMissingCommitted(RestoreRequest request, List<String> order, Map<String, Set<String>> listed,
                                        Set<String> all, Optional<String> chosen, List<String> failures) {
        Optional<String> missing = expected.stream().filter(id -> !all.contains(id))
                .filter(id -> choose(List.of(id), request).isPresent())
                .filter(id -> chosen.isEmpty() || id.compareTo(chosen.get()) > 0).max(Comparator.naturalOrder());
        if (missing.isPresent() && listed.size() == order.size()) {
            throw new UserException("job " + job + ": snapshot " + missing.get() + ", which this machine committed, is"
                    + " listed on no target: its manifest " + repositories.get(order.get(0)).path(Snapshot.keyOf(missing.get()))
                    + " is missing on " + String.join(", ", order) + (chosen.isPresent() ? "\n    hint: restore --snapshot "
                    + chosen.get() + " (snapshot: " + chosen.get() + " in a request file) takes the newest snapshot that is still"
                    + " listed" : ""));
        }
        if (missing.isPresent() && chosen.isPresent()) {
            failures.add("snapshot " + missing.get() + ", which this machine committed, is listed on no reachable target;"
                    + " the newest listed is " + chosen.get());
        }
    }

    /**
     * The snapshot's manifest from the first target in order that lists it and whose copy reads cleanly:
     * of a version 2 snapshot, only the listing pieces a restore of these includes needs.
     */
    private Located read(String id, List<String> includes, List<String> order, Map<String, Set<String>> listed,
                         List<String> failures) {
        String key = repositories.get(order.get(0)).path(Snapshot.keyOf(id));
        List<String> wrongKeyOn = new ArrayList<>();
        for (String target : order) {
            if (!listed.getOrDefault(target, Set.of()).contains(id)) {
                if (listed.containsKey(target)) {
                    failures.add(target + ": manifest " + key + " is missing");
                }
                continue;
            }
            try {
                return new Located(repositories.get(target).manifest(id, identity, includes), target, List.copyOf(failures));
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

    /** The identity (or passphrase) given is not one the object was encrypted to. */
    UserException cannotDecrypt(String what) {
        if (identity.isPassphrase()) {
            return new UserException("job " + job + ": the passphrase cannot decrypt " + what + ": it was made with another "
                    + "passphrase, or encrypted to recipients\n    hint: check the variable the job's passphrase placeholder "
                    + "names; snapshots made before a backup --rekey need the passphrase they were made with");
        }
        return new UserException("job " + job + ": this identity (" + identity.recipient() + ") cannot decrypt " + what
                + ": it was encrypted to other recipients\n    hint: give the identity whose recipient the job encrypts to "
                + "(--identity FILE); snapshots made before the job's recipients changed need the identity they were made for");
    }
}
