package io.backuprouter.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathFilterTest {
    @Test
    void patternsWithoutASlashMatchNamesAtAnyDepth() {
        PathFilter filter = new PathFilter(List.of(), List.of("*.log", "cache"), false);
        assertThat(filter.includesFile("app.log")).isFalse();
        assertThat(filter.includesFile("a/b/app.log")).isFalse();
        assertThat(filter.excludes("x/cache")).isTrue();
        assertThat(filter.includesFile("x/cache/data.bin")).isFalse();
        assertThat(filter.includesFile("notes/cache.md")).isTrue();
    }

    @Test
    void patternsWithASlashMatchTheRelativePathAndEverythingUnderIt() {
        PathFilter filter = new PathFilter(List.of(), List.of("data/tmp/**", "build"), false);
        assertThat(filter.includesFile("data/tmp/x/y.txt")).isFalse();
        assertThat(filter.includesFile("other/data/tmp/y.txt")).isTrue();
    }

    @Test
    void includesLimitFilesButExcludesWin() {
        PathFilter filter = new PathFilter(List.of("*.md", "docs/**"), List.of("secret.md"), false);
        assertThat(filter.includesFile("a/b/readme.md")).isTrue();
        assertThat(filter.includesFile("docs/x.pdf")).isTrue();
        assertThat(filter.includesFile("x.pdf")).isFalse();
        assertThat(filter.includesFile("secret.md")).isFalse();
    }

    @Test
    void defaultExcludesLeaveOutLitterButKeepHiddenFiles() {
        PathFilter filter = new PathFilter(List.of(), List.of(), true);
        for (String litter : List.of("a/.DS_Store", "doc.docx~", "x/.#lock", "~$report.docx", "big.iso.part", "f.crdownload",
                "x.tmp", ".file.swp")) {
            assertThat(filter.includesFile(litter)).as(litter).isFalse();
        }
        assertThat(filter.includesFile(".siyuan/conf.json")).isTrue();
        assertThat(new PathFilter(List.of(), List.of(), false).includesFile("x.tmp")).isTrue();
    }

    @Test
    void aBrokenGlobIsNamed() {
        assertThatThrownBy(() -> PathFilter.check("a[b")).hasMessageContaining("\"a[b\" is not a valid glob");
    }
}
