package io.backuprouter.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.crypto.AgeEncryption;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.targets.FolderStore;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one archive reader, on archives as the writer makes them: whole, and entry by entry from their places. */
class ArchiveReaderTest {
    @TempDir
    Path dir;

    @Test
    void zstdAndDeflateArchivesReadWholeAndByRangesWithTheirPlacesChecked() throws Exception {
        AgeKeys.AgeKeyPair keys = AgeKeys.generate();
        AgeIdentity identity = AgeIdentity.of(keys.identity(), "test");
        Map<String, byte[]> contents = ArchiveWriterTest.sample(); // one entry of 9 MB compresses a thousandfold
        for (int i = 0; i < 40; i++) {
            contents.put("many/" + i + ".txt", ArchiveWriterTest.text(3_000 + i, 100 + i));
        }
        for (ArchiveWriter.Method method : List.of(ArchiveWriter.Method.ZSTD, ArchiveWriter.Method.DEFLATE)) {
            String id = method == ArchiveWriter.Method.ZSTD ? "a".repeat(32) : "b".repeat(32);
            Path folder = Files.createDirectories(dir.resolve("target/job/archives/" + id.substring(0, 2)));
            Path object = folder.resolve(id + ".zip.age");
            Map<String, List<FileEntry>> wanted = new LinkedHashMap<>();
            try (ArchiveWriter writer = new ArchiveWriter(object, AgeEncryption.toRecipients(List.of(keys.recipient())), 3)) {
                for (var content : contents.entrySet()) {
                    Path file = dir.resolve("src-" + method + "-" + content.getKey().replace('/', '_'));
                    Files.write(file, content.getValue());
                    String sha = ArchiveWriterTest.sha(content.getValue());
                    ArchiveWriter.Placed placed = writer.add(content.getKey(), Instant.EPOCH, 0644,
                            content.getKey().endsWith(".bin") ? ArchiveWriter.Method.STORED : method, file,
                            content.getValue().length, sha, ArchiveWriterTest.crc(content.getValue()));
                    wanted.put(content.getKey(), List.of(new FileEntry(content.getKey(), "file", content.getValue().length,
                            Instant.EPOCH, "0644", sha, id, content.getKey(), placed.offset(), placed.csize(), null)));
                }
            }
            ArchiveInfo archive = new ArchiveInfo(id, ArchiveInfo.keyOf(id), Files.size(object), contents.size());
            try (FolderStore store = new FolderStore("t", dir.resolve("target"), "")) {
                JobRepository repository = new JobRepository(store, "job");
                ArchiveReader reader = repository.archives(identity, 1100);
                Map<String, byte[]> whole = new HashMap<>();
                assertThat(reader.read(archive, wanted, true, collecting(whole))).isEmpty();
                Map<String, byte[]> ranged = new HashMap<>();
                assertThat(reader.readPlaced(archive, wanted, collecting(ranged))).isEmpty();
                for (var content : contents.entrySet()) {
                    assertThat(whole.get(content.getKey())).as(method + " whole: " + content.getKey()).isEqualTo(content.getValue());
                    assertThat(ranged.get(content.getKey())).as(method + " ranged: " + content.getKey()).isEqualTo(content.getValue());
                }
            }
        }
    }

    /** A sink that keeps every entry whose records all match, and fails on any mismatch. */
    private static ArchiveReader.Sink collecting(Map<String, byte[]> into) {
        return new ArchiveReader.Sink() {
            private ByteArrayOutputStream current;

            @Override
            public OutputStream open(String entry, List<FileEntry> records) {
                current = new ByteArrayOutputStream();
                return current;
            }

            @Override
            @SuppressWarnings("removal")
            public void checked(String entry, List<FileEntry> matching, Map<FileEntry, String> mismatching) {
                assertThat(mismatching).as(entry).isEmpty();
                into.put(entry, current.toByteArray());
                // Finished entries' decoders are collected between entries: none may close the archive's stream.
                System.gc();
                System.runFinalization();
            }
        };
    }
}
