package io.backuprouter.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.files.PathFilter;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which folders a restore with include patterns recreates besides the ones the patterns name. */
class RestoreFoldersTest {
    private static final Instant TIME = Instant.parse("2026-11-20T10:00:00Z");

    private static FileEntry entry(String path, String type) {
        return new FileEntry(path, type, 0, TIME, "0644", FileEntry.DIR.equals(type) ? null : "00",
                FileEntry.FILE.equals(type) ? "a1" : null, FileEntry.FILE.equals(type) ? path : null,
                FileEntry.SYMLINK.equals(type) ? "elsewhere" : null);
    }

    private static Snapshot snapshot(List<FileEntry> files) {
        return new Snapshot(Snapshot.FORMAT, Snapshot.VERSION, "s1", "docs", "host", TIME, null, "/data", null, List.of(),
                files);
    }

    @Test
    void everyFolderAboveAnIncludedFileOrLinkAndNoOther() {
        Snapshot snapshot = snapshot(List.of(entry("a", "dir"), entry("a/b", "dir"), entry("a/b/report.pdf", "file"),
                entry("a/c", "dir"), entry("a/c/notes.md", "file"), entry("d", "dir"), entry("d/e", "dir"),
                entry("d/e/scan.pdf", "symlink"), entry("f", "dir"), entry("f/g.pdf", "dir"), entry("top.pdf", "file")));

        assertThat(FoldersAndLinks.foldersHoldingRestored(snapshot.files(), new PathFilter(List.of("**/*.pdf"), List.of(), false)))
                .containsExactlyInAnyOrder("a", "a/b", "d", "d/e");
    }

    @Test
    void agreesWithAskingEachFolderAboutEveryEntryOnRandomTrees() {
        Random random = new Random(42);
        String[] names = {"a", "b", "docs", "x.pdf", "y.md", "Z.PDF"};
        for (int round = 0; round < 200; round++) {
            Set<String> paths = new TreeSet<>();
            List<FileEntry> files = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                StringBuilder path = new StringBuilder();
                int depth = 1 + random.nextInt(4);
                for (int d = 0; d < depth; d++) {
                    path.append(d == 0 ? "" : "/").append(names[random.nextInt(names.length)]);
                    String type = d < depth - 1 ? FileEntry.DIR
                            : List.of(FileEntry.FILE, FileEntry.DIR, FileEntry.SYMLINK).get(random.nextInt(3));
                    if (paths.add(path.toString())) {
                        files.add(entry(path.toString(), type));
                    }
                }
            }
            List<String> includes = List.of(List.of("**/*.pdf"), List.of("docs/**"), List.of("a/*", "**/y.md"),
                    List.of("*.pdf")).get(round % 4);
            PathFilter filter = new PathFilter(includes, List.of(), false);
            Snapshot snapshot = snapshot(files);

            Set<String> expected = new HashSet<>();
            for (FileEntry dir : files) {
                String prefix = dir.path() + "/";
                if (files.stream().anyMatch(f -> f.path().startsWith(prefix) && !FileEntry.DIR.equals(f.type())
                        && filter.includesFile(f.path()))) {
                    expected.add(dir.path());
                }
            }
            assertThat(FoldersAndLinks.foldersHoldingRestored(snapshot.files(), filter)).as("round %d, %s, %s", round, includes, paths)
                    .containsAll(expected)
                    .allMatch(folder -> !paths.contains(folder) || expected.contains(folder));
        }
    }
}
