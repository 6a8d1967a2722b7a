package io.backuprouter.backup;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Include and exclude globs over paths relative to the source folder. A pattern without a
 * {@code /} matches a name at any depth ({@code *.tmp}, {@code node_modules}); a pattern with one
 * matches the whole relative path ({@code cache/**}). Excluding a folder excludes all under it.
 * Includes apply to files (folders are walked so that included files deeper down are found).
 */
public final class PathFilter {
    /**
     * Excluded unless {@code defaultExcludes} is off: editor swap and backup files, partial
     * downloads, and the litter desktop systems leave behind. Hidden files (dotfiles) are NOT
     * excluded: apps such as SiYuan keep their data in them.
     */
    public static final List<String> DEFAULT_EXCLUDES = List.of(
            "*.tmp", "*.temp", "*.swp", "*.swx", "*~", ".#*", "~$*", "*.part", "*.crdownload", "*.partial",
            ".DS_Store", "Thumbs.db", "desktop.ini", ".Trash-*", "$RECYCLE.BIN");

    private final List<Glob> includes;
    private final List<Glob> excludes;

    public PathFilter(List<String> includes, List<String> excludes, boolean defaultExcludes) {
        this.includes = includes.stream().map(Glob::new).toList();
        List<String> all = new ArrayList<>(excludes);
        if (defaultExcludes) {
            all.addAll(DEFAULT_EXCLUDES);
        }
        this.excludes = all.stream().map(Glob::new).toList();
    }

    /** Checks a glob; the message says what is wrong with it. */
    public static void check(String glob) {
        new Glob(glob);
    }

    public boolean excludes(String relativePath) {
        return excludes.stream().anyMatch(g -> g.matches(relativePath));
    }

    public boolean includesFile(String relativePath) {
        return !excludes(relativePath) && (includes.isEmpty() || includes.stream().anyMatch(g -> g.matches(relativePath)));
    }

    private static final class Glob {
        private final PathMatcher matcher;
        private final boolean nameOnly;

        Glob(String pattern) {
            String p = pattern.strip();
            if (p.startsWith("/")) {
                p = p.substring(1);
            }
            this.nameOnly = !p.contains("/");
            try {
                this.matcher = FileSystems.getDefault().getPathMatcher("glob:" + p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + pattern + "\" is not a valid glob: " + e.getMessage(), e);
            }
        }

        boolean matches(String relativePath) {
            Path path = Path.of(relativePath);
            if (nameOnly) {
                for (Path name : path) {
                    if (matcher.matches(name)) {
                        return true;
                    }
                }
                return false;
            }
            for (Path prefix = path; prefix != null; prefix = prefix.getParent()) {
                if (matcher.matches(prefix)) {
                    return true;
                }
            }
            return false;
        }
    }
}
