package io.backuprouter.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.FileEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The order restore workers take archives in. */
class RestoreOrderTest {
    private static FileEntry file(String path, long size, String archive) {
        return new FileEntry(path, "file", size, Instant.parse("2026-11-20T10:00:00Z"), "0644", "00", archive, path, null);
    }

    @Test
    void theArchivesWithTheMostContentGoFirstAndTiesKeepTheirOrder() {
        Map<String, List<FileEntry>> byArchive = new TreeMap<>();
        byArchive.put("a1", List.of(file("small/1", 10, "a1"), file("small/2", 20, "a1")));
        byArchive.put("a2", List.of(file("big.log", 300_000_000, "a2")));
        byArchive.put("a3", List.of(file("x", 15, "a3"), file("y", 15, "a3")));
        byArchive.put("a4", List.of(file("many/1", 40_000_000, "a4"), file("many/2", 40_000_000, "a4")));

        assertThat(Restorer.longestFirst(byArchive)).extracting(Map.Entry::getKey).containsExactly("a2", "a4", "a1", "a3");
    }

    @Test
    void thousandsOfSmallFilesCountForMoreThanTheirBytes() {
        // 5,000 notes of 25 KB (125 MB) take a worker longer than one 300 MB file: each file is
        // created, written, renamed and timestamped. Ordered by bytes alone, the notes came last and
        // ran alone while the other worker sat idle.
        List<FileEntry> notes = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            notes.add(file("notes/n" + i + ".md", 25_000, "notes"));
        }
        Map<String, List<FileEntry>> byArchive = new TreeMap<>();
        byArchive.put("disk", List.of(file("disk.img", 300_000_000, "disk")));
        byArchive.put("notes", notes);

        assertThat(Restorer.longestFirst(byArchive)).extracting(Map.Entry::getKey).containsExactly("notes", "disk");
    }
}
