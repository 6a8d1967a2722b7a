package io.backuprouter.faults;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.StoredBackups;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What one target holds for a job, read through the real store code with the home's settings. */
record Stored(List<String> snapshotIds, Map<String, Snapshot> snapshots, Map<String, Long> archiveBytes) {
    static Stored read(CampaignHome home, String target, String job) throws IOException {
        try (Targets targets = new Targets(RouterSettings.read(ConfigFile.load(home.configFile())).targets())) {
            ObjectStore store = targets.store(target).orElseThrow();
            StoredBackups stored = new StoredBackups(store, job, home.identityFile());
            Map<String, Snapshot> snapshots = new LinkedHashMap<>();
            for (String id : stored.snapshotIds()) {
                snapshots.put(id, stored.snapshot(id));
            }
            Map<String, Long> archives = new HashMap<>();
            for (ObjectInfo info : store.list(job + "/archives/")) {
                archives.put(info.key().substring(job.length() + 1), info.size());
            }
            return new Stored(List.copyOf(snapshots.keySet()), snapshots, archives);
        }
    }

    /** Bytes of archives no snapshot references: uploads that were wasted or repeated. */
    long unreferencedBytes() {
        Set<String> referenced = new HashSet<>();
        snapshots.values().forEach(s -> s.archives().forEach(a -> referenced.add(a.key())));
        return archiveBytes.entrySet().stream().filter(e -> !referenced.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /** Contents (SHA-256) that the snapshots reference in more than one archive: packed and uploaded twice. */
    Set<String> contentsInSeveralArchives() {
        Map<String, Set<String>> archivesOf = new HashMap<>();
        for (Snapshot snapshot : snapshots.values()) {
            for (FileEntry file : snapshot.files()) {
                if (file.isFile() && file.size() > 0) {
                    archivesOf.computeIfAbsent(file.sha256(), h -> new HashSet<>()).add(file.archive());
                }
            }
        }
        Set<String> repeated = new HashSet<>();
        archivesOf.forEach((sha, archives) -> {
            if (archives.size() > 1) {
                repeated.add(sha);
            }
        });
        return repeated;
    }

    /** Archives a listed snapshot names that the target lacks: a listed snapshot that is not complete. */
    List<String> missingArchives() {
        return snapshots.values().stream().flatMap(s -> s.archives().stream()).map(ArchiveInfo::key).distinct()
                .filter(k -> !archiveBytes.containsKey(k)).toList();
    }

    static Map<String, String> expectedFiles(Snapshot snapshot) {
        Map<String, String> files = new java.util.TreeMap<>();
        snapshot.files().stream().filter(FileEntry::isFile).forEach(f -> files.put(f.path(), f.sha256()));
        return files;
    }

    static long differences(Map<String, String> expected, Map<String, String> actual) {
        return expected.entrySet().stream().filter(e -> !e.getValue().equals(actual.get(e.getKey()))).count();
    }

}
