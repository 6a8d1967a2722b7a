package io.backuprouter.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeEncryption;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives whose entries carry their sizes in their local headers, and say where each entry lies. */
class ArchiveWriterTest {
    @TempDir
    Path dir;

    final AgeKeys.AgeKeyPair keys = AgeKeys.generate();

    record Written(Path plainZip, Map<String, ArchiveWriter.Placed> placed, Map<String, byte[]> contents) {
    }

    static byte[] text(int size, long seed) {
        Random random = new Random(seed);
        String[] words = {"backup ", "router ", "snapshot ", "archive ", "zstd ", "entry\n"};
        StringBuilder out = new StringBuilder();
        while (out.length() < size) {
            out.append(words[random.nextInt(words.length)]);
        }
        return out.substring(0, size).getBytes();
    }

    Written write(ArchiveWriter.Method method, Map<String, byte[]> contents) throws Exception {
        Path archive = dir.resolve(method + ".zip.age");
        Map<String, ArchiveWriter.Placed> placed = new LinkedHashMap<>();
        try (ArchiveWriter writer = new ArchiveWriter(archive, AgeEncryption.toRecipients(List.of(keys.recipient())), 3)) {
            for (var content : contents.entrySet()) {
                Path file = dir.resolve("src-" + content.getKey().replace('/', '_'));
                Files.write(file, content.getValue());
                placed.put(content.getKey(), writer.add(content.getKey(), Instant.parse("2026-12-06T10:00:00Z"), 0644,
                        content.getKey().endsWith(".bin") ? ArchiveWriter.Method.STORED : method, file,
                        content.getValue().length, sha(content.getValue()), crc(content.getValue())));
            }
        }
        Path plain = dir.resolve(method + ".zip");
        try (InputStream in = Age.decrypt(Files.newInputStream(archive), AgeIdentity.of(keys.identity(), "test"))) {
            Files.copy(in, plain);
        }
        return new Written(plain, placed, contents);
    }

    static Map<String, byte[]> sample() {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        contents.put("notes/a.txt", text(100_000, 1));
        contents.put("empty.txt", new byte[0]);
        byte[] noise = new byte[300_000];
        new Random(2).nextBytes(noise);
        contents.put("photo.bin", noise);
        contents.put("big/log.txt", text(ArchiveWriter.MEMORY_SPOOL + 1_000_000, 3)); // spooled on disk
        contents.put("caf\u00e9/\u00fcml\u00e4ut.txt", text(5_000, 4));
        return contents;
    }

    @Test
    void everyEntrySaysWhereItLiesAndStandardReadersAgree() throws Exception {
        for (ArchiveWriter.Method method : List.of(ArchiveWriter.Method.DEFLATE, ArchiveWriter.Method.ZSTD)) {
            Written written = write(method, sample());
            try (ZipFile zip = ZipFile.builder().setPath(written.plainZip()).get()) {
                for (var content : written.contents().entrySet()) {
                    ZipArchiveEntry entry = zip.getEntry(content.getKey());
                    ArchiveWriter.Placed placed = written.placed().get(content.getKey());
                    assertThat(placed.offset()).as(method + " " + content.getKey()).isEqualTo(entry.getLocalHeaderOffset());
                    assertThat(placed.csize()).as(method + " " + content.getKey()).isEqualTo(entry.getCompressedSize());
                    assertThat(entry.getSize()).isEqualTo(content.getValue().length);
                    assertThat(entry.getCrc()).isEqualTo(crc(content.getValue()));
                    assertThat(entry.getGeneralPurposeBit().usesDataDescriptor()).as("sizes precede the data").isFalse();
                    assertThat(entry.getMethod()).isEqualTo(content.getKey().endsWith(".bin") ? ZipArchiveEntry.STORED
                            : method == ArchiveWriter.Method.ZSTD ? 93 : ZipArchiveEntry.DEFLATED);
                    try (InputStream in = zip.getInputStream(entry)) {
                        assertThat(in.readAllBytes()).isEqualTo(content.getValue());
                    }
                }
            }
            // Streaming, as restore reads (through the reader's zip stream: commons-compress's own zstd decoder has
            // a finalizer that closes the archive's stream now and then): every entry, in order.
            try (ZipArchiveInputStream zip = new ZipStream(Files.newInputStream(written.plainZip()))) {
                for (var content : written.contents().entrySet()) {
                    assertThat(zip.getNextEntry().getName()).isEqualTo(content.getKey());
                    assertThat(zip.readAllBytes()).isEqualTo(content.getValue());
                }
            }
        }
    }

    @Test
    void contentThatChangedSinceItsFirstReadIsNotWrittenOrFailsTheArchive() throws Exception {
        Path file = dir.resolve("changing.txt");
        Files.write(file, text(10_000, 6));
        byte[] first = text(10_000, 7); // what the first read found; the file now holds other bytes
        try (ArchiveWriter writer = new ArchiveWriter(dir.resolve("a.zip.age"),
                AgeEncryption.toRecipients(List.of(keys.recipient())), 3)) {
            assertThat(writer.add("changing.txt", Instant.now(), 0644, ArchiveWriter.Method.ZSTD, file, first.length, sha(first),
                    crc(first))).isNull();
            assertThat(writer.entries()).isZero();
            assertThatThrownBy(() -> writer.add("changing.txt", Instant.now(), 0644, ArchiveWriter.Method.STORED, file,
                    first.length, sha(first), crc(first))).isInstanceOf(ArchiveWriter.ContentChanged.class);
        } catch (IOException e) {
            // the zip is left unfinished by the refused stored entry: the caller writes the archive again
        }
        Files.delete(file);
        try (ArchiveWriter writer = new ArchiveWriter(dir.resolve("b.zip.age"),
                AgeEncryption.toRecipients(List.of(keys.recipient())), 3)) {
            assertThat(writer.add("gone.txt", Instant.now(), 0644, ArchiveWriter.Method.DEFLATE, file, first.length, sha(first),
                    crc(first))).as("a file deleted since").isNull();
        }
    }

    static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
