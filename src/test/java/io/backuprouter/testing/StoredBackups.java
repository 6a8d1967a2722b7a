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
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.ListedPiece;
import io.backuprouter.catalog.ListingPiece;
import java.util.ArrayList;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/** Reads what a job stored on a target, the way a second implementation would: age, zstd for pieces, then a zip reader. */
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

    /**
     * A snapshot's manifest, whole: a version 2 manifest with the records and archives of its pieces, each
     * read here as docs/format.md says (age, then zstd, then JSON), not through the repository's reader.
     */
    public Snapshot snapshot(String id) throws IOException {
        Snapshot manifest;
        try (InputStream in = store.get(job + "/" + Snapshot.keyOf(id))) {
            manifest = Manifests.readEncrypted(in, identity, id);
        }
        if (manifest.listing() == null) {
            return manifest;
        }
        List<FileEntry> files = new ArrayList<>();
        Map<String, ArchiveInfo> archives = new TreeMap<>();
        for (ListedPiece listed : manifest.listing()) {
            ListingPiece piece;
            try (InputStream in = Age.decrypt(store.get(job + "/" + ListingPiece.keyOf(listed.piece())), identity);
                 InputStream json = new ZstdInputStreamNoFinalizer(in)) {
                piece = Manifests.json().readValue(json, ListingPiece.class);
            }
            files.addAll(piece.files());
            piece.archives().forEach(a -> archives.put(a.id(), a));
        }
        return manifest.withRecords(List.copyOf(archives.values()), files);
    }

    /** Every entry of an archive, decrypted with age and read with commons-compress's zip reader (zstd, deflate, stored). */
    public Map<String, byte[]> archive(String archiveKey) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        byte[] plain;
        try (InputStream in = Age.decrypt(store.get(job + "/" + archiveKey), identity)) {
            plain = in.readAllBytes();
        }
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(plain)).get()) {
            for (ZipArchiveEntry entry : java.util.Collections.list(zip.getEntries())) {
                try (InputStream content = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), content.readAllBytes());
                }
            }
        }
        return entries;
    }
}
