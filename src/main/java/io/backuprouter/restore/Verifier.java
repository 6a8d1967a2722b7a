package io.backuprouter.restore;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Manifests;
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
import java.io.InputStream;
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
        List<String> problems = new ArrayList<>();
        Map<String, ObjectInfo> objects = repository.objects();
        List<String> ids = objects.keySet().stream().map(SnapshotIds::fromKey).flatMap(Optional::stream).sorted()
                .filter(id -> snapshot == null || id.startsWith(snapshot) || ("latest".equals(snapshot))).toList();
        if ("latest".equals(snapshot) && !ids.isEmpty()) {
            ids = List.of(ids.get(ids.size() - 1));
        }
        for (String id : expected) {
            if (snapshot == null || id.startsWith(snapshot)) {
                if (!objects.containsKey(Snapshot.keyOf(id))) {
                    problems.add(repository.where(Snapshot.keyOf(id)) + ": manifest is missing (this machine"
                            + " committed snapshot " + id + " to " + repository.target() + "; restore it from another target)");
                }
            }
        }
        if (ids.isEmpty() && problems.isEmpty()) {
            problems.add(repository.target() + ": no snapshot " + (snapshot == null ? "" : "\"" + snapshot + "\" ") + "of job " + job
                    + (snapshot == null ? "" : " (`snapshots " + job + "` lists them)"));
        }
        Set<String> failed = new TreeSet<>();
        List<String> outsideLinks = new ArrayList<>();
        // Per archive and entry, each distinct record of its content (snapshots share entries and paths).
        Map<String, Map<String, Map<String, FileEntry>>> needed = new HashMap<>();
        Map<String, ArchiveInfo> archives = new HashMap<>();
        for (String id : ids) {
            String where = repository.where(Snapshot.keyOf(id));
            Snapshot manifest;
            try {
                manifest = repository.manifest(id, identity);
            } catch (Age.WrongKeyException e) {
                throw e;
            } catch (IOException e) {
                problems.add(where + ": manifest is damaged or unreadable: " + e.getMessage());
                continue;
            }
            SnapshotRules.Judged judged = SnapshotRules.judge(manifest);
            judged.refused().forEach(r -> {
                problems.add(where + ": " + r);
                failed.add(r.record().path());
            });
            archives.putAll(judged.archives());
            for (FileEntry file : judged.accepted()) {
                if (file.isFile()) {
                    needed.computeIfAbsent(file.archive(), a -> new HashMap<>()).computeIfAbsent(file.entry(),
                            e -> new HashMap<>()).putIfAbsent(file.sha256() + "/" + file.size() + "/" + file.path(), file);
                } else if (FileEntry.SYMLINK.equals(file.type()) && SnapshotRules.leadsOutside(file.path(), file.target())) {
                    outsideLinks.add(SnapshotRules.shown(file.path()) + " -> " + SnapshotRules.shown(file.target()));
                }
            }
        }
        for (ArchiveInfo archive : archives.values()) {
            Map<String, List<FileEntry>> entries = new HashMap<>();
            needed.getOrDefault(archive.id(), Map.of()).forEach((entry, records) -> entries.put(entry,
                    List.copyOf(records.values())));
            String where = repository.where(archive.key());
            ObjectInfo object = objects.get(archive.key());
            String problem = object == null ? "archive is missing" : object.size() != archive.size()
                    ? "archive is " + object.size() + " bytes, the manifest says " + archive.size() : null;
            if (problem != null) {
                problems.add(where + ": " + problem);
                entries.values().forEach(records -> records.forEach(r -> failed.add(r.path())));
            } else if (readData) {
                readArchive(archive, entries, problems, failed);
            }
        }
        List<String> notes = outsideLinks.isEmpty() ? List.of() : List.of(io.backuprouter.values.ByteSize.count(
                outsideLinks.size(), "link") + " lead outside the folder a snapshot is restored into, which restore refuses"
                + " unless --outside-links create or skip: " + String.join(", ", outsideLinks.subList(0,
                Math.min(10, outsideLinks.size()))) + (outsideLinks.size() > 10 ? ", ..." : ""));
        return new Result(ids.size(), archives.size(), problems, failed, notes);
    }

    /**
     * Reads a whole archive (so that age authenticates every chunk, to the end) through the reader
     * restore uses, and checks each entry a manifest uses against every record of it.
     */
    private void readArchive(ArchiveInfo archive, Map<String, List<FileEntry>> entries, List<String> problems,
                             Set<String> failed) {
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
                        problems.add(where + ": " + why);
                        failed.add(record.path());
                    });
                }
            });
            for (String entry : lacking) {
                problems.add(where + ": entry " + entry + " is missing");
                entries.get(entry).forEach(r -> failed.add(r.path()));
            }
        } catch (IOException e) {
            problems.add(where + ": archive " + (e instanceof ArchiveReader.ArchiveUnreadable unreadable
                    ? unreadable.reason() : "cannot be read: " + e.getMessage()));
            entries.values().forEach(records -> records.forEach(r -> failed.add(r.path())));
        }
    }
}
