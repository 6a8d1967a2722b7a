package io.backuprouter.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SnapshotRulesTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final String ID = "0123456789abcdef0123456789abcdef";
    private static final ArchiveInfo ARCHIVE = new ArchiveInfo(ID, ArchiveInfo.keyOf(ID), 100, 1);
    private static final String SHA = "a".repeat(64);

    private static FileEntry file(String path) {
        return new FileEntry(path, "file", 3, T, "0644", SHA, ID, "e", null);
    }

    private static Map<String, String> refusals(List<ArchiveInfo> archives, FileEntry... records) {
        Snapshot snapshot = new Snapshot(Snapshot.FORMAT, 1, "s", "j", "h", T, null, "/", null, archives, List.of(records));
        return SnapshotRules.judge(snapshot).refused().stream()
                .collect(Collectors.toMap(r -> r.record().path() + "|" + r.record().type(), SnapshotRules.Refusal::reason, (a, b) -> a));
    }

    @Test
    void pathsThatCouldLeaveADestinationOrThatNoFileSystemStoresAreRefused() {
        for (String path : List.of("../up", "a/../../up", "/etc/passwd", "C:/x", "a\\b", "a\0b", "a//b", "./a", "a/.", "",
                "x".repeat(256), "d/" + "\u00e9".repeat(128))) {
            assertThat(SnapshotRules.pathProblem(path)).as(SnapshotRules.shown(path)).isNotNull();
        }
        for (String path : List.of("a", "a/b.txt", ".hidden/x", "x".repeat(255), "\u00e9".repeat(127), "a..b", "...")) {
            assertThat(SnapshotRules.pathProblem(path)).as(path).isNull();
        }
        assertThat(SnapshotRules.shown("a\0b\nc")).isEqualTo("a\\x00b\\x0ac");
    }

    @Test
    void eachDefectOfARecordIsNamedAndGoodRecordsPass() {
        Map<String, String> refused = refusals(List.of(ARCHIVE),
                file("ok.txt"),
                new FileEntry("pipe", "fifo", 0, T, null, null, null, null, null),
                new FileEntry("neg", "file", -1, T, "0644", SHA, ID, "e", null),
                new FileEntry("nosha", "file", 3, T, "0644", "ABC", ID, "e", null),
                new FileEntry("mode", "file", 3, T, "0999", SHA, ID, "e", null),
                new FileEntry("notime", "file", 3, null, "0644", SHA, ID, "e", null),
                new FileEntry("noentry", "file", 3, T, "0644", SHA, ID, null, null),
                new FileEntry("unlisted", "file", 3, T, "0644", SHA, "f".repeat(32), "e", null),
                new FileEntry("lnk", "symlink", 0, T, null, null, null, null, "."),
                file("lnk/below"),
                new FileEntry("empty-link", "symlink", 0, T, null, null, null, null, ""),
                file("twice"), file("twice"),
                file("ok.txt/below"));
        assertThat(refused).containsOnlyKeys("pipe|fifo", "neg|file", "nosha|file", "mode|file", "notime|file", "noentry|file",
                "unlisted|file", "lnk/below|file", "empty-link|symlink", "twice|file", "ok.txt/below|file");
        assertThat(refused.get("pipe|fifo")).startsWith("unknown type \"fifo\"");
        assertThat(refused.get("neg|file")).contains("negative size (-1)");
        assertThat(refused.get("lnk/below|file")).contains("lies below lnk, which the snapshot records as a link");
        assertThat(refused.get("ok.txt/below|file")).contains("lies below ok.txt, which the snapshot records as a file");
        assertThat(refused.get("unlisted|file")).contains("which the manifest does not list");
    }

    @Test
    void anArchiveRecordIsUsedOnlyWithTheKeyItsIdGives() {
        ArchiveInfo climbing = new ArchiveInfo(ID, "archives/../../elsewhere.zip.age", 100, 1);
        assertThat(refusals(List.of(climbing), file("a"))).containsExactly(Map.entry("a|file",
                "its content is in archive " + ID + ", whose record in the manifest is damaged (its key"
                        + " \"archives/../../elsewhere.zip.age\" is not " + ARCHIVE.key() + ")"));
        ArchiveInfo shortId = new ArchiveInfo("abc", "archives/ab/abc.zip.age", 100, 1);
        assertThat(refusals(List.of(shortId), new FileEntry("b", "file", 3, T, "0644", SHA, "abc", "e", null)))
                .containsKey("b|file");
    }

    @Test
    void linksLeadOutsideWhenTheirTextClimbsAboveTheTopOrIsAbsolute() {
        assertThat(SnapshotRules.leadsOutside("a/l", "../x")).isFalse();
        assertThat(SnapshotRules.leadsOutside("a/l", "../../x")).isTrue();
        assertThat(SnapshotRules.leadsOutside("l", "sub/../x")).isFalse();
        assertThat(SnapshotRules.leadsOutside("l", "sub/../../x")).isTrue();
        assertThat(SnapshotRules.leadsOutside("a/b/l", "./../.././x")).isFalse();
        assertThat(SnapshotRules.leadsOutside("l", "/etc")).isTrue();
        assertThat(SnapshotRules.leadsOutside("l", "C:/x")).isTrue();
        assertThat(SnapshotRules.leadsOutside("l", "..")).isTrue();
        assertThat(SnapshotRules.leadsOutside("d/l", "..")).isFalse();
    }
}
