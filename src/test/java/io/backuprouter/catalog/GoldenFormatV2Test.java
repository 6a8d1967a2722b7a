package io.backuprouter.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.crypto.AgeEncryption;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.repository.ArchiveWriter;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.repository.ListingPieces;
import io.backuprouter.restore.RestoreRequest;
import io.backuprouter.restore.RestoreSummary;
import io.backuprouter.restore.Restorer;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestJobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden files of format version 2 (docs/format.md, "Version 2"): src/test/resources/format/v2 holds
 * a job's folder as a target stores it ({@code notes/}: a manifest, three listing pieces and one archive
 * of a {@code compression: zstd} job (zstd and stored entries, places recorded), encrypted to the test identity there, a key used for nothing else) and the plain JSON of
 * the manifest and of each piece ({@code plain/}). The piece codec must keep giving these exact texts
 * (their SHA-256s are the pieces' ids, and a changed text would stop later snapshots reusing pieces),
 * and the stored objects must keep restoring byte for byte. {@link #writeTheGoldenFiles} wrote them
 * ({@code -Dgolden.write=true}); run it again only for a deliberate format change.
 */
class GoldenFormatV2Test {
    static final Path GOLDEN = Path.of("src/test/resources/format/v2");
    static final String SNAPSHOT = "20261215T051500.123Z-4eb7d2a0";
    static final String ARCHIVE = "0b1c2d3e4f5061728394a5b6c7d8e9f0";
    static final Instant TIME = Instant.parse("2026-12-10T08:00:00Z");
    /** What the golden objects are encrypted to: the test identity's recipient. */
    static final String KEY = "recipients:" + sha(recipient().getBytes(StandardCharsets.UTF_8));
    static final long ARCHIVE_SIZE = 1077;
    /** Each file's content, in path order; {@code zz.txt} has a.txt's content (its entry). */
    static final Map<String, String> CONTENT = new LinkedHashMap<>(Map.of());

    static {
        CONTENT.put("a.txt", "hello\n");
        CONTENT.put("docs/b.sh", "echo hello\n");
        CONTENT.put("docs/note-974.md", "plan: back up the notes, then the photos\n".repeat(8));
        CONTENT.put("photos/img-122.jpg", "\u00ff\u00d8\u00ff\u00e0 not really a jpeg");
    }

    /** The records, with the places the archive writer gave their entries (see the golden archive). */
    static List<FileEntry> records() {
        return List.of(
                file("a.txt", "0644", "a.txt", 0, 6),
                new FileEntry("docs", FileEntry.DIR, 0, TIME, "0755", null, null, null, null),
                file("docs/b.sh", "0755", "docs/b.sh", 86, 11),
                file("docs/note-974.md", "0644", "docs/note-974.md", 181, 56),
                new FileEntry("latest", FileEntry.SYMLINK, 0, TIME, null, null, null, null, "docs/b.sh"),
                new FileEntry("photos", FileEntry.DIR, 0, TIME, "0755", null, null, null, null),
                file("photos/img-122.jpg", "0644", "photos/img-122.jpg", 328, 22),
                file("zz.txt", "0644", "a.txt", 0, 6));
    }

    static FileEntry file(String path, String mode, String entry, long offset, long csize) {
        byte[] content = bytes(entry);
        return new FileEntry(path, FileEntry.FILE, content.length, TIME, mode, sha(content), ARCHIVE, entry,
                offset, csize, null);
    }

    static byte[] bytes(String entry) {
        return CONTENT.get(entry).getBytes(StandardCharsets.ISO_8859_1);
    }

    static ArchiveInfo archive() {
        return new ArchiveInfo(ARCHIVE, ArchiveInfo.keyOf(ARCHIVE), ARCHIVE_SIZE, 4, KEY);
    }

    static Snapshot manifest(List<ListedPiece> listing) {
        return new Snapshot(Snapshot.FORMAT, 2, SNAPSHOT, "notes", "laptop", Instant.parse("2026-12-15T05:15:00.123Z"),
                null, "/home/me/notes", new SnapshotStats(5, 2, 1, 373, 4, 367, ARCHIVE_SIZE), null, null, listing, KEY);
    }

    static String recipient() {
        try {
            return AgeIdentity.read(GOLDEN.resolve("identity.txt")).recipient();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @EnabledIfSystemProperty(named = "golden.write", matches = "true")
    void writeTheGoldenFiles() throws IOException {
        AgeIdentity identity = AgeIdentity.read(GOLDEN.resolve("identity.txt"));
        AgeEncryption to = AgeEncryption.toRecipients(List.of(identity.recipient()));
        Path job = Files.createDirectories(GOLDEN.resolve("notes"));
        Path plain = Files.createDirectories(GOLDEN.resolve("plain"));
        Path archiveFile = job.resolve(ArchiveInfo.keyOf(ARCHIVE));
        Files.createDirectories(archiveFile.getParent());
        Path scratch = Files.createTempDirectory("golden");
        try (ArchiveWriter writer = new ArchiveWriter(archiveFile, to, 3)) {
            for (String entry : CONTENT.keySet()) {
                Path content = Files.write(scratch.resolve("content"), bytes(entry));
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(bytes(entry));
                ArchiveWriter.Placed placed = writer.add(entry, TIME, 0644, entry.endsWith(".md")
                        ? ArchiveWriter.Method.ZSTD : ArchiveWriter.Method.STORED, content, bytes(entry).length,
                        sha(bytes(entry)), crc.getValue());
                System.out.println(entry + ": offset " + placed.offset() + ", csize " + placed.csize());
            }
        }
        System.out.println("archive size " + Files.size(archiveFile));
        List<ListingPieces.Encoded> pieces = ListingPieces.encode(records(), List.of(archive()), KEY);
        for (int i = 0; i < pieces.size(); i++) {
            Files.write(plain.resolve("piece-" + (i + 1) + ".json"), pieces.get(i).json());
            Path stored = job.resolve(pieces.get(i).key());
            Files.createDirectories(stored.getParent());
            Files.write(stored, ListingPieces.seal(pieces.get(i), to));
        }
        Snapshot manifest = manifest(pieces.stream().map(ListingPieces.Encoded::listed).toList());
        try (var out = Files.newOutputStream(plain.resolve("snapshot.json"))) {
            Manifests.writeJson(manifest, out);
        }
        Files.createDirectories(job.resolve("snapshots"));
        try (var out = Files.newOutputStream(job.resolve(manifest.key()))) {
            Manifests.writeEncrypted(manifest, out, to);
        }
    }

    @Test
    void theCodecCutsAndWritesTheRecordsExactlyAsTheGoldenPieces() throws IOException {
        List<ListingPieces.Encoded> pieces = ListingPieces.encode(records(), List.of(archive()), KEY);

        assertThat(pieces).hasSize(3);
        for (int i = 0; i < pieces.size(); i++) {
            String golden = Files.readString(GOLDEN.resolve("plain/piece-" + (i + 1) + ".json"));
            assertThat(new String(pieces.get(i).json(), StandardCharsets.UTF_8)).isEqualTo(golden);
            assertThat(pieces.get(i).id()).isEqualTo(sha(golden.getBytes(StandardCharsets.UTF_8)));
            assertThat(GOLDEN.resolve("notes").resolve(pieces.get(i).key())).exists();
        }
        assertThat(pieces.stream().map(p -> p.listed().first()))
                .containsExactly("a.txt", "latest", "zz.txt");
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        Manifests.writeJson(manifest(pieces.stream().map(ListingPieces.Encoded::listed).toList()), manifest);
        assertThat(manifest.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"))
                .isEqualTo(Files.readString(GOLDEN.resolve("plain/snapshot.json")).replace("\r\n", "\n").stripTrailing());
    }

    @Test
    void theStoredManifestReadsWholeFromItsPieces() throws IOException {
        AgeIdentity identity = AgeIdentity.read(GOLDEN.resolve("identity.txt"));
        JobRepository repository = new JobRepository(new io.backuprouter.targets.FolderStore("golden", GOLDEN, ""), "notes");

        Snapshot stored = repository.storedManifest(SNAPSHOT, identity);
        Snapshot whole = repository.manifest(SNAPSHOT, identity);

        assertThat(stored.files()).isNull();
        assertThat(stored.listing()).extracting(ListedPiece::records).containsExactly(4, 3, 1);
        assertThat(whole.version()).isEqualTo(2);
        assertThat(whole.files()).extracting(FileEntry::path).containsExactlyElementsOf(
                records().stream().map(FileEntry::path).toList());
        assertThat(whole.archives()).extracting(ArchiveInfo::id).containsExactly(ARCHIVE);
        try (InputStream in = Files.newInputStream(GOLDEN.resolve("plain/snapshot.json"))) {
            assertThat(Manifests.readJson(in, "snapshot.json")).isEqualTo(stored);
        }
    }

    @Test
    void theGoldenObjectsRestoreByteForByteThroughTheRestorer(@TempDir Path dir) throws IOException {
        Path target = Files.createDirectories(dir.resolve("target"));
        copyTree(GOLDEN.resolve("notes"), target.resolve("notes"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("a", target);
        jobs.job("notes", Files.createDirectories(dir.resolve("source")), "a");
        Path to = dir.resolve("to");

        RestoreSummary summary;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            summary = new Restorer("notes", List.of("a"), targets.stores(), AgeIdentity.read(GOLDEN.resolve("identity.txt")),
                    Clock.systemUTC(), BackupProgress.NONE).restore(new RestoreRequest("notes", SNAPSHOT, null, "a", to,
                    List.of(), RestoreRequest.Overwrite.IF_OLDER));
        }

        assertThat(summary.complete()).as(summary.problems().toString()).isTrue();
        assertThat(summary.files()).isEqualTo(5);
        for (FileEntry record : records()) {
            if (record.isFile()) {
                assertThat(to.resolve(record.path())).hasBinaryContent(bytes(record.entry()));
            }
        }
        assertThat(Files.readSymbolicLink(to.resolve("latest"))).isEqualTo(Path.of("docs/b.sh"));
        assertThat(to.resolve("photos")).isDirectory();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path source : all.toList()) {
                Path copy = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy);
                }
            }
        }
    }
}
