package io.backuprouter.testing;

import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.targets.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Reads what a job stored on a target, the way a second implementation would: age, then a zip reader. */
public final class StoredBackups {
    private final ObjectStore store;
    private final String job;
    private final AgeIdentity identity;

    public StoredBackups(ObjectStore store, String job, Path identityFile) throws IOException {
        this.store = store;
        this.job = job;
        this.identity = AgeIdentity.read(identityFile);
    }

    public List<String> snapshotIds() throws IOException {
        return List.copyOf(new io.backuprouter.repository.JobRepository(store, job).snapshots().keySet());
    }

    public List<String> archiveKeys() throws IOException {
        return store.list(job + "/archives/").stream().map(ObjectInfo::key).map(k -> k.substring(job.length() + 1)).toList();
    }

    public Snapshot snapshot(String id) throws IOException {
        try (InputStream in = store.get(job + "/" + Snapshot.keyOf(id))) {
            return Manifests.readEncrypted(in, identity, id);
        }
    }

    /** Every entry of an archive, decrypted with age and read with java.util.zip. */
    public Map<String, byte[]> archive(String archiveKey) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = Age.decrypt(store.get(job + "/" + archiveKey), identity);
             ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                entries.put(entry.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }
}
