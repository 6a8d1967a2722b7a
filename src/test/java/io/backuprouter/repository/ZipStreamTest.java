package io.backuprouter.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.junit.jupiter.api.Test;

/**
 * The archive's zip stream closes each zstd entry's decoder: commons-compress never does, and a
 * decoder without a finalizer holds its native memory until it is closed (a restore of thousands of
 * entries grew by hundreds of MiB outside the heap).
 */
class ZipStreamTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void eachZstdDecoderIsClosedOnceTheNextEntryIsReadAndTheLastOneAtTheEnd() throws Exception {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            contents.put("note-" + i + ".md", ArchiveWriterTest.text(2_000 + i, i));
            if (i % 50 == 0) {
                contents.put("noise-" + i + ".bin", new byte[] {1, 2, 3}); // stored between zstd entries
            }
        }
        ArchiveWriterTest writer = new ArchiveWriterTest();
        writer.dir = dir;
        var written = writer.write(ArchiveWriter.Method.ZSTD, contents);

        int read = 0;
        ZipStream zip = new ZipStream(Files.newInputStream(written.plainZip()));
        try (zip) {
            for (ZipArchiveEntry entry; (entry = zip.getNextZipEntry()) != null; ) {
                assertThat(zip.readAllBytes()).isEqualTo(contents.get(entry.getName()));
                assertThat(zip.openDecoders()).as("after " + entry.getName()).isLessThanOrEqualTo(1);
                read++;
            }
        }
        assertThat(read).isEqualTo(contents.size());
        assertThat(zip.openDecoders()).isZero();
    }
}
