package io.backuprouter.backup;

import io.backuprouter.files.PathFilter;
import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.FileEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceScannerTest {
    @TempDir
    Path dir;

    @Test
    void recordsFilesFoldersAndLinksWithoutFollowingLinksOutOfTheFolder() throws IOException {
        Path source = Files.createDirectories(dir.resolve("source"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "not to be backed up");
        Files.createDirectories(source.resolve("a/empty"));
        Files.writeString(source.resolve("a/f.txt"), "x");
        Files.createSymbolicLink(source.resolve("out"), outside);
        Files.createSymbolicLink(source.resolve("a/rel"), Path.of("f.txt"));
        Files.writeString(source.resolve("skip.tmp"), "tmp");

        SourceScanner.Scan scan = SourceScanner.scan(source, new PathFilter(List.of(), List.of(), true));

        assertThat(scan.entries()).extracting(FileEntry::path, FileEntry::type).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", "dir"),
                org.assertj.core.groups.Tuple.tuple("a/empty", "dir"),
                org.assertj.core.groups.Tuple.tuple("a/f.txt", "file"),
                org.assertj.core.groups.Tuple.tuple("a/rel", "symlink"),
                org.assertj.core.groups.Tuple.tuple("out", "symlink"));
        assertThat(scan.entries().get(4).target()).isEqualTo(outside.toString());
        assertThat(scan.problems()).isEmpty();
    }

    @Test
    void aScanNobodyWillUseAnyMoreStopsWalking() throws IOException {
        Path source = Files.createDirectories(dir.resolve("many"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(Files.createDirectories(source.resolve("d" + i)).resolve("f.txt"), "x");
        }
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        SourceScanner.Scan scan = SourceScanner.scan(source, new PathFilter(List.of(), List.of(), true),
                () -> asked.incrementAndGet() > 10);

        assertThat(asked.get()).isEqualTo(11);
        assertThat(scan.entries()).hasSizeLessThanOrEqualTo(10);
        assertThat(SourceScanner.scan(source, new PathFilter(List.of(), List.of(), true)).entries()).hasSize(100);
    }

    @Test
    void aMissingSourceIsAnErrorNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SourceScanner.scan(dir.resolve("gone"),
                new PathFilter(List.of(), List.of(), true))).hasMessageContaining("gone").hasMessageContaining("does not exist");
    }
}
