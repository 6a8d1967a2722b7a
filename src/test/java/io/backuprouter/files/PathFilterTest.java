package io.backuprouter.files;

import io.backuprouter.files.PathFilter;
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
    void aTrailingSlashIsDroppedAndALeadingOneTiesTheNameToTheTop() {
        PathFilter filter = new PathFilter(List.of(), List.of("node_modules/", "/build", "./dist/"), false);
        assertThat(filter.includesFile("web/node_modules/x.js")).isFalse();
        assertThat(filter.includesFile("build/out.o")).isFalse();
        assertThat(filter.includesFile("src/build/keep.txt")).isTrue();
        assertThat(filter.includesFile("dist/app.js")).isFalse();
        assertThat(filter.includesFile("web/dist/app.js")).isTrue();
        assertThat(new PathFilter(List.of("notes/"), List.of(), false).includesFile("notes/2026/plan.md")).isTrue();
    }

    @Test
    void aDoubleStarFolderAlsoMatchesNoFolderAsInGitignore() {
        PathFilter txt = new PathFilter(List.of("**/*.txt"), List.of(), false);
        assertThat(txt.includesFile("top.txt")).isTrue();
        assertThat(txt.includesFile("a/b/deep.txt")).isTrue();
        assertThat(txt.includesFile("a/b/deep.md")).isFalse();
        PathFilter inner = new PathFilter(List.of(), List.of("docs/**/draft.md"), false);
        assertThat(inner.includesFile("docs/draft.md")).isFalse();
        assertThat(inner.includesFile("docs/2026/11/draft.md")).isFalse();
        assertThat(inner.includesFile("docs/final.md")).isTrue();
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
    void aFolderAskedAboutBeforeIsStillCheckedAgainstEachFileUnderIt() {
        PathFilter filter = new PathFilter(List.of(), List.of("*.log", "a/b/cache/**"), false);
        assertThat(filter.includesFile("a/b/x.txt")).isTrue();
        assertThat(filter.includesFile("a/b/x.log")).isFalse();
        assertThat(filter.includesFile("a/b/cache/x.txt")).isFalse();
        assertThat(filter.includesFile("a/b/y.txt")).isTrue();
        assertThat(filter.excludes("a/b")).isFalse();
        assertThat(filter.excludes("a/b/cache")).isFalse();
        assertThat(filter.excludes("a/b/cache/deeper")).isTrue();
    }

    @Test
    void answersAreThoseOfCheckingEveryNameAndEveryFolderOfThePath() {
        List<String> patterns = List.of("*.log", "cache", "a/b/**", "b/*", "x?", "{c,d}/e", "[ab]", ".#*", "*", "**/", "*/", "",
                "/cache", "./a/b", "cache/", "/b/");
        List<String> names = List.of("a", "b", "c", "d", "e", "x1", "cache", "f.log", "g.txt", ".#h");
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 40; round++) {
            List<String> includes = patterns.stream().filter(p -> random.nextInt(4) == 0).toList();
            List<String> excludes = patterns.stream().filter(p -> random.nextInt(3) == 0).toList();
            PathFilter filter = new PathFilter(includes, excludes, false);
            for (int i = 0; i < 300; i++) {
                StringBuilder path = new StringBuilder(random.nextInt(10) == 0 ? "/" : "")
                        .append(names.get(random.nextInt(names.size())));
                for (int depth = random.nextInt(4); depth > 0; depth--) {
                    path.append(random.nextInt(10) == 0 ? "//" : "/").append(names.get(random.nextInt(names.size())));
                }
                if (random.nextInt(10) == 0) {
                    path.append('/');
                }
                if (random.nextInt(50) == 0) {
                    path.setLength(0);
                    path.append(random.nextBoolean() ? "/" : "//");
                }
                String p = path.toString();
                boolean excluded = anyMatches(excludes, p);
                assertThat(filter.excludes(p)).as("excludes %s, with %s", p, excludes).isEqualTo(excluded);
                assertThat(filter.includesFile(p)).as("includes %s, with %s and %s", p, includes, excludes)
                        .isEqualTo(!excluded && (includes.isEmpty() || anyMatches(includes, p)));
            }
        }
    }

    @Test
    void includedPrefixesAreTheIncludesTextUpToTheFirstWildcard() {
        assertThat(new PathFilter(List.of("docs/x/y.txt", "/notes", "./photos/2026/*.jpg", "src/**/Main.java", "/music/",
                "a/b?c", "a/{b,c}", "a/[bc]"), List.of("*.tmp"), false).includedPrefixes())
                .hasValue(java.util.Set.of("docs/x/y.txt", "notes", "photos/2026/", "src/", "music", "a/b", "a/"));
        assertThat(new PathFilter(List.of(), List.of("cache/**"), false).includedPrefixes()).as("no includes: every path").isEmpty();
        for (String anywhere : List.of("*.md", "notes", "notes/", "**/x.txt", "*/x.txt", "{a,b}/x", "[ab]/x", "?/x", "/", "")) {
            assertThat(new PathFilter(List.of("docs/x.txt", anywhere), List.of(), false).includedPrefixes()).as(anywhere).isEmpty();
        }
    }

    @Test
    void everyPathAnIncludeTakesStartsWithAnIncludedPrefix() {
        List<String> patterns = List.of("a/b/**", "b/*", "{c,d}/e", "/cache", "./a/b", "cache/", "/b/", "a/b?", "a/**/e",
                "a/[bc]/e", "a/b/e", "c/x1/*.log", "d/**", "a/b*", "/e/f.log/");
        List<String> names = List.of("a", "b", "c", "d", "e", "x1", "cache", "f.log", "b.", "bb", "a-");
        java.util.Random random = new java.util.Random(7);
        int taken = 0;
        for (int round = 0; round < 60; round++) {
            List<String> includes = patterns.stream().filter(p -> random.nextInt(4) == 0).toList();
            PathFilter filter = new PathFilter(includes, List.of(), false);
            java.util.Set<String> prefixes = filter.includedPrefixes().orElse(java.util.Set.of(""));
            for (int i = 0; i < 300; i++) {
                StringBuilder path = new StringBuilder(names.get(random.nextInt(names.size())));
                for (int depth = random.nextInt(4); depth > 0; depth--) {
                    path.append('/').append(names.get(random.nextInt(names.size())));
                }
                String p = path.toString();
                if (!includes.isEmpty() && filter.includesFile(p)) {
                    taken++;
                    assertThat(prefixes).as("%s, taken by %s", p, includes).anyMatch(p::startsWith);
                }
            }
        }
        assertThat(taken).as("the includes took paths").isGreaterThan(500);
    }

    /** The rule as written: a pattern without a slash against each name, one with against the path and each folder. */
    private static boolean anyMatches(List<String> patterns, String relativePath) {
        java.nio.file.Path path = java.nio.file.Path.of(relativePath);
        for (String written : patterns) {
            // A leading / or ./ anchors the pattern at the top; a trailing / is dropped.
            String pattern = written.replaceFirst("^(\\./|/)+", "").replaceFirst("/+$", "");
            boolean anchored = !pattern.equals(written.replaceFirst("/+$", ""));
            java.nio.file.PathMatcher matcher = java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            if (!anchored && !pattern.contains("/")) {
                for (java.nio.file.Path name : path) {
                    if (matcher.matches(name)) {
                        return true;
                    }
                }
            } else {
                for (java.nio.file.Path prefix = path; prefix != null; prefix = prefix.getParent()) {
                    if (matcher.matches(prefix)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void aBrokenGlobIsNamed() {
        assertThatThrownBy(() -> PathFilter.check("a[b")).hasMessageContaining("\"a[b\" is not a valid glob");
    }
}
