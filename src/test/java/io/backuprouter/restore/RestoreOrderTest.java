package io.backuprouter.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.FileEntry;
import java.time.Instant;
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

        assertThat(Restorer.largestFirst(byArchive)).extracting(Map.Entry::getKey).containsExactly("a2", "a4", "a1", "a3");
    }
}
