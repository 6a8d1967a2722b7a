package io.backuprouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.FileEntry;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveWriterTest {
    @TempDir
    Path dir;

    @Test
    void compressedFormatsAndRandomDataAreStoredTextIsDeflated() throws IOException {
        byte[] random = new byte[200_000];
        new Random(1).nextBytes(random);
        Files.write(dir.resolve("photo.jpg"), "x".repeat(100_000).getBytes());
        Files.write(dir.resolve("noise.bin"), random);
        Files.writeString(dir.resolve("notes.txt"), "the same line again\n".repeat(5_000));
        Files.write(dir.resolve("small-noise.bin"), java.util.Arrays.copyOf(random, 20_000));
        AgeKeys.AgeKeyPair keys = AgeKeys.generate();
        List<ArchiveWriter.Packed> files = List.of(packed("photo.jpg"), packed("noise.bin"), packed("notes.txt"),
                packed("small-noise.bin"));

        ArchiveWriter.Written written = ArchiveWriter.write("00112233445566778899aabbccddeeff", files,
                dir.resolve("out.zip.age"), io.backuprouter.crypto.AgeEncryption.toRecipients(List.of(keys.recipient())),
                io.backuprouter.repository.ArchiveWriter.Method.DEFLATE, 1);

        assertThat(written.stored()).hasSize(4).allSatisfy(e -> assertThat(e.archive()).isEqualTo("00112233445566778899aabbccddeeff"));
        assertThat(written.changed()).isEmpty();
        Map<String, Integer> methods = new HashMap<>();
        try (InputStream in = Age.decrypt(Files.newInputStream(dir.resolve("out.zip.age")),
                AgeIdentity.of(keys.identity(), "test")); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                methods.put(entry.getName(), entry.getMethod());
                assertThat(zip.readAllBytes()).isEqualTo(Files.readAllBytes(dir.resolve(entry.getName())));
            }
        }
        assertThat(methods).containsEntry("photo.jpg", ZipEntry.STORED).containsEntry("noise.bin", ZipEntry.STORED)
                .containsEntry("notes.txt", ZipEntry.DEFLATED)
                // Up to 64 KiB, content is compressed without a trial (which would cost as much).
                .containsEntry("small-noise.bin", ZipEntry.DEFLATED);
        assertThat(Files.size(dir.resolve("out.zip.age"))).isLessThan(100_000 + 200_000 + 20_000 + 20_100);
    }

    @Test
    void aFileThatChangedAfterItWasHashedIsLeftOut() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "original content\n".repeat(20)); // compressed: written whole or not at all
        Files.writeString(dir.resolve("b.txt"), "stays the same");
        ArchiveWriter.Packed a = packed("a.txt");
        ArchiveWriter.Packed b = packed("b.txt");
        Files.writeString(dir.resolve("a.txt"), "CHANGED content\n".repeat(22));

        ArchiveWriter.Written written = ArchiveWriter.write("ffeeddccbbaa99887766554433221100", List.of(a, b),
                dir.resolve("out.zip.age"), io.backuprouter.crypto.AgeEncryption.toRecipients(List.of(AgeKeys.generate().recipient())),
                io.backuprouter.repository.ArchiveWriter.Method.DEFLATE, 1);

        assertThat(written.changed()).containsExactly("a.txt");
        assertThat(written.stored()).extracting(FileEntry::path).containsExactly("b.txt");
    }

    @Test
    void aFileDeletedAfterItWasHashedIsLeftOutAndTheArchiveIsStillWritten() throws IOException {
        Files.writeString(dir.resolve("gone.txt"), "soon deleted\n".repeat(20));
        Files.writeString(dir.resolve("stays.txt"), "stays");
        ArchiveWriter.Packed gone = packed("gone.txt");
        ArchiveWriter.Packed stays = packed("stays.txt");
        Files.delete(dir.resolve("gone.txt"));

        ArchiveWriter.Written written = ArchiveWriter.write("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", List.of(gone, stays),
                dir.resolve("out.zip.age"), io.backuprouter.crypto.AgeEncryption.toRecipients(List.of(AgeKeys.generate().recipient())),
                io.backuprouter.repository.ArchiveWriter.Method.DEFLATE, 1);

        assertThat(written.changed()).containsExactly("gone.txt");
        assertThat(written.stored()).extracting(FileEntry::path).containsExactly("stays.txt");
    }

    private ArchiveWriter.Packed packed(String name) throws IOException {
        Path file = dir.resolve(name);
        ContentHasher.Hashed hashed = ContentHasher.hash(file, name);
        FileEntry entry = new FileEntry(name, FileEntry.FILE, hashed.size(), Instant.now(), "0644", hashed.sha256(),
                null, null, null);
        return new ArchiveWriter.Packed(entry, file, hashed);
    }
}
