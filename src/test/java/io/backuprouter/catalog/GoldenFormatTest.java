package io.backuprouter.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Golden files guard the stored format (docs/format.md, version 1): what this version writes must
 * not drift, and what earlier builds wrote must stay readable. Files under
 * src/test/resources/format/v1: a manifest's JSON, and a manifest and an archive that a build of
 * version 1 encrypted to the test identity there (a key used for nothing else).
 */
class GoldenFormatTest {
    static final Path GOLDEN = Path.of("src/test/resources/format/v1");

    static Snapshot example() {
        return new Snapshot(Snapshot.FORMAT, 1, "20261122T051500.123Z-3fa9c2d1", "notes", "laptop",
                Instant.parse("2026-11-22T05:15:00.123456789Z"), "20261121T051500.000Z-00c0ffee", "/home/me/notes",
                new SnapshotStats(2, 1, 1, 17, 1, 6, 412),
                List.of(new ArchiveInfo("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "archives/0a/0a1b2c3d4e5f60718293a4b5c6d7e8f9.zip.age", 412, 2)),
                List.of(new FileEntry("a.txt", "file", 6, Instant.parse("2026-11-20T10:00:00Z"), "0644",
                                "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
                                "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "a.txt", null),
                        new FileEntry("docs", "dir", 0, Instant.parse("2026-11-20T10:00:01Z"), "0755", null, null, null, null),
                        new FileEntry("docs/b.sh", "file", 11, Instant.parse("2026-11-21T11:30:00.5Z"), "0755",
                                "5dbad7dd0b9b122dcd9956884390f4aac4738caba8ff53498a7ab6718b176c30",
                                "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "docs/b.sh", null),
                        new FileEntry("latest", "symlink", 0, Instant.parse("2026-11-21T11:30:01Z"), null, null, null, null,
                                "docs/b.sh")));
    }

    @Test
    void aManifestIsWrittenExactlyAsTheGoldenFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Manifests.writeJson(example(), out);
        assertThat(out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"))
                .isEqualTo(Files.readString(GOLDEN.resolve("snapshot.json")).replace("\r\n", "\n").stripTrailing());
    }

    @Test
    void anArchiveRecordsWhatItIsEncryptedToAsAnAddedField() throws IOException {
        ArchiveInfo archive = new ArchiveInfo("0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "archives/0a/0a1b2c3d4e5f60718293a4b5c6d7e8f9.zip.age", 412, 2, "recipients:" + "ab".repeat(32));
        String json = Manifests.json().writeValueAsString(archive);
        assertThat(json).contains("\"entries\" : 2,\n  \"encryptedTo\" : \"recipients:abab");
        assertThat(Manifests.json().readValue(json, ArchiveInfo.class)).isEqualTo(archive);
        // Without it (archives written before the field), nothing is written: the golden file above.
        assertThat(Manifests.json().writeValueAsString(example().archives().get(0))).doesNotContain("encryptedTo");
    }

    @Test
    void theGoldenManifestReadsBackToTheSameSnapshot() throws IOException {
        try (InputStream in = Files.newInputStream(GOLDEN.resolve("snapshot.json"))) {
            assertThat(Manifests.readJson(in, "snapshot.json")).isEqualTo(example());
        }
    }

    @Test
    void objectsEncryptedByVersion1StayReadable() throws IOException {
        AgeIdentity identity = AgeIdentity.read(GOLDEN.resolve("identity.txt"));
        Snapshot snapshot;
        try (InputStream in = Files.newInputStream(GOLDEN.resolve("snapshot.json.age"))) {
            snapshot = Manifests.readEncrypted(in, identity, "snapshot.json.age");
        }
        assertThat(snapshot).isEqualTo(example());

        Map<String, String> entries = new HashMap<>();
        try (InputStream in = Age.decrypt(Files.newInputStream(GOLDEN.resolve("archive.zip.age")), identity);
             ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                entries.put(entry.getName(), new String(zip.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(entries).containsEntry("a.txt", "hello\n").containsEntry("docs/b.sh", "echo hello\n");
    }

    @Test
    void aNewerVersionIsRefusedNotMisread() {
        String newer = "{\"format\":\"backup-router/snapshot\",\"version\":3,\"id\":\"x\",\"files\":[],\"archives\":[]}";
        assertThatThrownBy(() -> Manifests.readJson(new ByteArrayInputStream(newer.getBytes(StandardCharsets.UTF_8)), "m"))
                .hasMessageContaining("format version 3 is newer than this program reads (2)");
    }
}
