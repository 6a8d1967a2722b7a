package io.backuprouter.restore;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.repository.ArchiveReader;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.repository.SnapshotRules;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks that a target holds everything its snapshots need: each manifest decrypts, each archive it
 * names exists with the recorded size, and with {@code readData} each archive decrypts and every
 * entry the manifest uses hashes to its recorded SHA-256 (like {@code restic check --read-data}).
 * Every problem names the object.
 */
public final class Verifier {
    private final String job;
    private final JobRepository repository;
    private final AgeIdentity identity;

    private java.util.Set<String> expected = java.util.Set.of();
    private int maxExpansion = io.backuprouter.config.RestoreSettings.DEFAULT_MAX_EXPANSION;

    public Verifier(String job, ObjectStore store, AgeIdentity identity) {
        this.job = job;
        this.repository = new JobRepository(store, job);
        this.identity = identity;
    }

    /**
     * Snapshots that must be listed on this target (this machine committed them there and
     * retention did not remove them): a missing manifest is then reported, not just unnoticed.
     */
    public Verifier expecting(java.util.Set<String> snapshotIds) {
        this.expected = snapshotIds;
        return this;
    }

    /**
     * Entries that grow more than this many times their compressed size are reported as zip bombs and
     * not read further (backup.restore.max-expansion, as for restore).
     */
    public Verifier maxExpansion(int ratio) {
        this.maxExpansion = ratio;
        return this;
    }

    private RestoreRequest.OutsideLinks outsideLinks = RestoreRequest.OutsideLinks.REFUSE;

    /**
     * What the restore this verify vouches for does with links that lead outside its destination, as
     * {@code --outside-links} says: refused ones are failures here too (the default, as for restore);
     * skipped or created ones are listed in a note.
     */
    public Verifier outsideLinks(RestoreRequest.OutsideLinks policy) {
        this.outsideLinks = policy;
        return this;
    }

    /**
     * The outcome.
     *
     * @param snapshots snapshots checked
     * @param archives archives checked
     * @param problems each problem, naming the object
     * @param failedPaths the paths of the checked snapshots' records that a restore would not restore
     *     (refused by the manifest rules, or whose content is missing, damaged or unreadable)
     * @param notes what is worth knowing and not a failure (links a default restore leaves out)
     */
    public record Result(int snapshots, int archives, List<String> problems, Set<String> failedPaths, List<String> notes) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Checks one snapshot (an id or its start), or every snapshot when {@code snapshot} is null. */
    public Result verify(String snapshot, boolean readData) throws IOException {
        Findings found = new Findings();
        Map<String, ObjectInfo> objects = repository.objects();
        List<String> ids = chosen(objects, snapshot, found);
        // Per archive and entry, each distinct record of its content (snapshots share entries and paths).
        Map<String, Map<String, Map<String, FileEntry>>> needed = new HashMap<>();
        Map<String, ArchiveInfo> archives = new HashMap<>();
        for (String id : ids) {
            judge(id, found, archives, needed);
        }
        for (ArchiveInfo archive : archives.values()) {
            Map<String, List<FileEntry>> entries = new HashMap<>();
            needed.getOrDefault(archive.id(), Map.of()).forEach((entry, records) -> entries.put(entry,
                    List.copyOf(records.values())));
            if (readData) {
                readArchive(archive, entries, found);
                continue;
            }
            ObjectInfo object = objects.get(archive.key());
            String problem = object == null ? "archive is missing" : object.size() != archive.size()
                    ? "archive is " + object.size() + " bytes, the manifest records " + archive.size() : null;
            if (problem != null) {
                found.fail(repository.where(archive.key()) + ": " + problem, entries);
            }
        }
        return new Result(ids.size(), archives.size(), found.problems, found.failed, found.notes());
    }

    /** What a verify found: problems, the paths a restore would not restore, links left out. */
    private static final class Findings {
        final List<String> problems = new ArrayList<>();
        final Set<String> failed = new TreeSet<>();
        final List<String> outsideLinks = new ArrayList<>();

        void fail(String problem, Map<String, List<FileEntry>> entries) {
            problems.add(problem);
            entries.values().forEach(records -> records.forEach(r -> failed.add(r.path())));
        }

        List<String> notes() {
            return outsideLinks.isEmpty() ? List.of() : List.of(io.backuprouter.values.ByteSize.count(outsideLinks.size(),
                    "link") + " lead" + (outsideLinks.size() == 1 ? "s" : "") + " outside the folder a snapshot is restored"
                    + " into, left out as asked (--outside-links): " + String.join(", ", outsideLinks.subList(0,
                    Math.min(10, outsideLinks.size()))) + (outsideLinks.size() > 10 ? ", ..." : ""));
        }
    }

    /** The snapshots to check; a snapshot this machine committed that the target does not list is a problem. */
    private List<String> chosen(Map<String, ObjectInfo> objects, String snapshot, Findings found) {
        List<String> ids = objects.keySet().stream().map(SnapshotIds::fromKey).flatMap(Optional::stream).sorted()
                .filter(id -> snapshot == null || id.startsWith(snapshot) || ("latest".equals(snapshot))).toList();
        if ("latest".equals(snapshot) && !ids.isEmpty()) {
            ids = List.of(ids.get(ids.size() - 1));
        }
        for (String id : expected) {
            if ((snapshot == null || id.startsWith(snapshot)) && !objects.containsKey(Snapshot.keyOf(id))) {
                found.problems.add(repository.where(Snapshot.keyOf(id)) + ": manifest is missing (this machine"
                        + " committed snapshot " + id + " to " + repository.target() + "; restore it from another target)");
            }
        }
        if (ids.isEmpty() && found.problems.isEmpty()) {
            found.problems.add(repository.target() + ": no snapshot " + (snapshot == null ? "" : "\"" + snapshot + "\" ")
                    + "of job " + job + (snapshot == null ? "" : " (`snapshots " + job + "` lists them)"));
        }
        return ids;
    }

    /** Reads one manifest and judges its records by the rules restore applies; gathers the content they need. */
    private void judge(String id, Findings found, Map<String, ArchiveInfo> archives,
                       Map<String, Map<String, Map<String, FileEntry>>> needed) throws IOException {
        String where = repository.where(Snapshot.keyOf(id));
        Snapshot manifest;
        try {
            manifest = repository.manifest(id, identity);
        } catch (Age.WrongKeyException e) {
            throw e;
        } catch (IOException e) {
            found.problems.add(where + ": manifest is damaged or unreadable: " + e.getMessage());
            return;
        }
        SnapshotRules.Judged judged = SnapshotRules.judge(manifest);
        judged.refused().forEach(r -> {
            found.problems.add(where + ": " + r);
            found.failed.add(SnapshotRules.shownOrPath(r.record().path()));
        });
        archives.putAll(judged.archives());
        for (FileEntry file : judged.accepted()) {
            if (file.isFile()) {
                needed.computeIfAbsent(file.archive(), a -> new HashMap<>()).computeIfAbsent(file.entry(),
                        e -> new HashMap<>()).putIfAbsent(file.sha256() + "/" + file.size() + "/" + file.path(), file);
            } else if (FileEntry.SYMLINK.equals(file.type()) && SnapshotRules.leadsOutside(file.path(), file.target())) {
                if (outsideLinks == RestoreRequest.OutsideLinks.REFUSE) {
                    found.problems.add(where + ": " + FoldersAndLinks.outsideLinkRefused(file));
                    found.failed.add(file.path());
                } else {
                    found.outsideLinks.add(SnapshotRules.shown(file.path()) + " -> " + SnapshotRules.shown(file.target()));
                }
            }
        }
    }

    /**
     * Reads a whole archive (so that age authenticates every chunk, to the end) through the reader
     * restore uses, and checks each entry a manifest uses against every record of it.
     */
    private void readArchive(ArchiveInfo archive, Map<String, List<FileEntry>> entries, Findings found) {
        String where = repository.where(archive.key());
        ArchiveReader reader = repository.archives(identity, maxExpansion);
        try {
            Set<String> lacking = reader.read(archive, entries, true, new ArchiveReader.Sink() {
                @Override
                public java.io.OutputStream open(String entry, List<FileEntry> records) {
                    return null;
                }

                @Override
                public void checked(String entry, List<FileEntry> matching, Map<FileEntry, String> mismatching) {
                    mismatching.forEach((record, why) -> {
                        found.problems.add(where + ": " + why);
                        found.failed.add(record.path());
                    });
                }
            });
            for (String entry : lacking) {
                found.fail(where + ": entry " + entry + " is missing", Map.of(entry, entries.get(entry)));
            }
        } catch (IOException e) {
            found.fail(where + ": archive " + (e instanceof ArchiveReader.ArchiveUnreadable unreadable ? unreadable.reason()
                    : "cannot be read: " + e.getMessage()), entries);
        }
    }
}
