package io.backuprouter.restore;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;

/**
 * Checks that a target holds everything its snapshots need: each manifest decrypts, each archive it
 * names exists with the recorded size, and with {@code readData} each archive decrypts and every
 * entry the manifest uses hashes to its recorded SHA-256 (like {@code restic check --read-data}).
 * Every problem names the object.
 */
public final class Verifier {
    private final String job;
    private final ObjectStore store;
    private final AgeIdentity identity;

    private java.util.Set<String> expected = java.util.Set.of();
    private int maxExpansion = io.backuprouter.config.RestoreSettings.DEFAULT_MAX_EXPANSION;

    public Verifier(String job, ObjectStore store, AgeIdentity identity) {
        this.job = job;
        this.store = store;
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
     */
    public record Result(int snapshots, int archives, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Checks one snapshot (an id or its start), or every snapshot when {@code snapshot} is null. */
    public Result verify(String snapshot, boolean readData) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, ObjectInfo> objects = new HashMap<>();
        store.list(job + "/").forEach(o -> objects.put(o.key().substring(job.length() + 1), o));
        List<String> ids = objects.keySet().stream().map(SnapshotIds::fromKey).flatMap(Optional::stream).sorted()
                .filter(id -> snapshot == null || id.startsWith(snapshot) || ("latest".equals(snapshot))).toList();
        if ("latest".equals(snapshot) && !ids.isEmpty()) {
            ids = List.of(ids.get(ids.size() - 1));
        }
        for (String id : expected) {
            if (snapshot == null || id.startsWith(snapshot)) {
                if (!objects.containsKey(Snapshot.keyOf(id))) {
                    problems.add(store.name() + ":" + job + "/" + Snapshot.keyOf(id) + ": manifest is missing (this machine"
                            + " committed snapshot " + id + " to " + store.name() + "; restore it from another target)");
                }
            }
        }
        if (ids.isEmpty() && problems.isEmpty()) {
            problems.add(store.name() + ": no snapshot " + (snapshot == null ? "" : "\"" + snapshot + "\" ") + "of job " + job
                    + (snapshot == null ? "" : " (`snapshots " + job + "` lists them)"));
        }
        // Per archive and entry, every distinct record of its content (snapshots may share an entry).
        Map<String, Map<String, Map<String, FileEntry>>> needed = new HashMap<>();
        Map<String, ArchiveInfo> archives = new HashMap<>();
        for (String id : ids) {
            String key = job + "/" + Snapshot.keyOf(id);
            Snapshot manifest;
            try (InputStream in = store.get(key)) {
                manifest = Manifests.readEncrypted(in, identity, store.name() + ":" + key);
            } catch (Age.WrongKeyException e) {
                throw e;
            } catch (IOException e) {
                problems.add(store.name() + ":" + key + ": manifest is damaged or unreadable: " + e.getMessage());
                continue;
            }
            manifest.archives().forEach(a -> archives.put(a.id(), a));
            for (FileEntry file : manifest.files()) {
                if (file.isFile()) {
                    needed.computeIfAbsent(file.archive(), a -> new HashMap<>()).computeIfAbsent(file.entry(), e -> new HashMap<>())
                            .putIfAbsent(file.sha256() + "/" + file.size(), file);
                }
            }
        }
        for (ArchiveInfo archive : archives.values()) {
            String key = job + "/" + archive.key();
            ObjectInfo object = objects.get(archive.key());
            if (object == null) {
                problems.add(store.name() + ":" + key + ": archive is missing");
            } else if (object.size() != archive.size()) {
                problems.add(store.name() + ":" + key + ": archive is " + object.size() + " bytes, the manifest says " + archive.size());
            } else if (readData) {
                readArchive(key, needed.getOrDefault(archive.id(), Map.of()), problems);
            }
        }
        return new Result(ids.size(), archives.size(), problems);
    }

    /**
     * Reads a whole archive (so that age authenticates every chunk, to the end) and hashes each entry
     * a manifest uses. Archives are untrusted: an entry is never read past the size its manifest
     * records, nor any entry past {@code maxExpansion} times the compressed bytes it has used; either
     * stops the reading of that archive with a problem naming the entry.
     */
    private void readArchive(String key, Map<String, Map<String, FileEntry>> entries, List<String> problems) {
        Map<String, Map<String, FileEntry>> remaining = new HashMap<>(entries);
        try (InputStream in = Age.decrypt(store.get(key), identity);
             ZipArchiveInputStream zip = new ZipArchiveInputStream(in, "UTF-8", true, true)) {
            byte[] buffer = new byte[256 * 1024];
            for (ZipArchiveEntry entry; (entry = zip.getNextEntry()) != null; ) {
                Map<String, FileEntry> records = remaining.remove(entry.getName());
                boolean named = records != null;
                // An entry no manifest names is still read to its end (age authenticates every chunk),
                // within the expansion bound.
                long limit = named ? records.values().stream().mapToLong(FileEntry::size).max().orElse(0) : Long.MAX_VALUE;
                MessageDigest sha = sha256();
                long total = 0;
                // Whole buffers: a zip entry stream returns a few hundred bytes per read.
                for (int n; (n = zip.readNBytes(buffer, 0, named ? (int) Math.min(buffer.length, limit - total + 1) : buffer.length)) > 0; ) {
                    total += n;
                    if (total > limit) {
                        problems.add(store.name() + ":" + key + ": entry " + entry.getName() + " is longer than the "
                                + limit + " bytes the manifest records; not read further");
                        return;
                    }
                    if (Restorer.expandsPast(zip, total, maxExpansion)) {
                        problems.add(store.name() + ":" + key + ": entry " + entry.getName() + " expands more than "
                                + maxExpansion + " times its compressed size; not read further as a zip bomb"
                                + " (backup.restore.max-expansion)");
                        return;
                    }
                    if (named) {
                        sha.update(buffer, 0, n);
                    }
                }
                if (named) {
                    String actual = HexFormat.of().formatHex(sha.digest());
                    for (FileEntry record : records.values()) {
                        if (!record.sha256().equals(actual) || record.size() != total) {
                            problems.add(store.name() + ":" + key + ": entry " + entry.getName() + " does not match its SHA-256"
                                    + " and size as recorded for " + record.path());
                        }
                    }
                }
            }
            remaining.keySet().forEach(e -> problems.add(store.name() + ":" + key + ": entry " + e + " is missing"));
        } catch (IOException | RuntimeException e) {
            problems.add(store.name() + ":" + key + ": archive is damaged or unreadable: " + e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
