package io.backuprouter.files;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Include and exclude globs over paths relative to the source folder. A pattern without a
 * {@code /} matches a name at any depth ({@code *.tmp}, {@code node_modules}); a pattern with one
 * matches the whole relative path ({@code cache/**}). As in {@code .gitignore}, a leading {@code /}
 * (or {@code ./}) ties a name to the top ({@code /notes}), and a trailing {@code /} is dropped
 * ({@code node_modules/} is {@code node_modules}). Excluding a folder excludes all under it.
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

    private final Globs includes;
    private final Globs excludes;

    public PathFilter(List<String> includes, List<String> excludes, boolean defaultExcludes) {
        this.includes = new Globs(includes);
        List<String> all = new ArrayList<>(excludes);
        if (defaultExcludes) {
            all.addAll(DEFAULT_EXCLUDES);
        }
        this.excludes = new Globs(all);
    }

    /** Checks a glob; the message says what is wrong with it. */
    public static void check(String glob) {
        new Glob(glob);
    }

    public boolean excludes(String relativePath) {
        return excludes.match(relativePath);
    }

    public boolean includesFile(String relativePath) {
        return !excludes(relativePath) && (includes.isEmpty() || includes.match(relativePath));
    }

    /**
     * What the paths the includes take start with, for reading only part of a listing sorted by path:
     * every path without an empty segment that {@link #includesFile} takes starts with one of these (an
     * include's text up to its first {@code *}, {@code ?}, {@code [}, <code>&#123;</code> or {@code \}).
     * Empty when there are no includes (every path is taken), or when an include can take a path that
     * starts with anything: a pattern without {@code /} (a name at any depth), one that starts with a
     * wildcard, or any pattern where this platform's globs do not compare names as they are (letter
     * case, Unicode normalization, {@code \} as a separator).
     */
    public java.util.Optional<java.util.Set<String>> includedPrefixes() {
        if (includes.isEmpty() || !Glob.LITERAL_NAMES) {
            return java.util.Optional.empty();
        }
        java.util.Set<String> prefixes = new java.util.TreeSet<>();
        for (Glob glob : includes.globs) {
            if (glob.literalPrefix.isEmpty()) {
                return java.util.Optional.empty();
            }
            prefixes.add(glob.literalPrefix);
        }
        return java.util.Optional.of(java.util.Collections.unmodifiableSet(prefixes));
    }

    /**
     * A list of globs checked against a path and every folder it is under. What is known about a folder
     * is remembered: a tree has far fewer folders than files, and each file's folders were asked about
     * already (a scan, a restore and a mirror check thousands of paths, each against every pattern).
     */
    private static final class Globs {
        private final List<Glob> globs;
        private final Map<String, Boolean> folders = new ConcurrentHashMap<>();

        Globs(List<String> patterns) {
            this.globs = patterns.stream().map(Glob::new).toList();
        }

        boolean isEmpty() {
            return globs.isEmpty();
        }

        boolean match(String relativePath) {
            if (globs.isEmpty()) {
                return false;
            }
            String path = normalized(relativePath);
            int nameStart = 0;
            if (path.startsWith("/")) {
                // An absolute path (a key with a leading slash): its root is a folder it is under, without a name.
                if (folders.computeIfAbsent("/", root -> globs.stream().anyMatch(g -> !g.nameOnly && g.matcher.matches(Path.of(root))))) {
                    return true;
                }
                if (path.length() == 1) {
                    return false;
                }
                nameStart = 1;
            }
            for (int slash = path.indexOf('/', nameStart); slash > 0; slash = path.indexOf('/', nameStart)) {
                String folder = path.substring(0, slash);
                int from = nameStart;
                if (folders.computeIfAbsent(folder, f -> matchOne(f, f.substring(from)))) {
                    return true;
                }
                nameStart = slash + 1;
            }
            return matchOne(path, path.substring(nameStart));
        }

        /**
         * Whether a glob matches this path (one with a slash) or its last name (one without). A name the
         * locale's character set cannot hold (LANG=C on Java 17) matches none: the file is then reported where
         * it is read, never a reason to stop.
         */
        private boolean matchOne(String path, String name) {
            try {
                return matchOneOf(path, name);
            } catch (java.nio.file.InvalidPathException e) {
                return false;
            }
        }

        private boolean matchOneOf(String path, String name) {
            Path whole = null;
            Path last = null;
            for (Glob glob : globs) {
                Path candidate;
                if (glob.nameOnly) {
                    candidate = last == null ? last = Path.of(name) : last;
                } else {
                    candidate = whole == null ? whole = Path.of(path) : whole;
                }
                if (glob.matcher.matches(candidate)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The path with {@code /} between names, as {@link Path} reads it: no doubled or trailing slash
         * (and on Windows, where {@code \\} separates names too, that one as {@code /}).
         */
        private static String normalized(String path) {
            String p = java.io.File.separatorChar == '\\' ? path.replace('\\', '/') : path;
            if (p.contains("//")) {
                p = DOUBLED_SLASHES.matcher(p).replaceAll("/");
            }
            return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        }

        private static final java.util.regex.Pattern DOUBLED_SLASHES = java.util.regex.Pattern.compile("/{2,}");
    }

    private static final class Glob {
        /** The characters that start a wildcard, a group or an escape in a glob: a literal prefix ends before one. */
        private static final String SPECIAL = "*?[{\\";
        /**
         * Whether this platform's globs compare names as they are: case-sensitive, without Unicode
         * normalization, with {@code /} alone between names. Only then does a glob's literal text tell
         * what the paths it matches start with.
         */
        static final boolean LITERAL_NAMES = literalNames();

        /** Asked once; a locale whose file names cannot hold "é" (LANG=C on Java 17) answers no, never fails. */
        private static boolean literalNames() {
            try {
                return "/".equals(FileSystems.getDefault().getSeparator())
                        && !FileSystems.getDefault().getPathMatcher("glob:a").matches(Path.of("A"))
                        && !FileSystems.getDefault().getPathMatcher("glob:\u00e9").matches(Path.of("e\u0301"));
            } catch (java.nio.file.InvalidPathException e) {
                return false;
            }
        }

        private final PathMatcher matcher;
        private final boolean nameOnly;
        /** What every path it matches starts with; empty when that can be anything (a name at any depth). */
        private final String literalPrefix;

        Glob(String pattern) {
            String p = pattern.strip();
            // As in .gitignore: a leading "/" (or "./") ties the pattern to the top of the folder; a trailing
            // "/" (as a shell completes a folder's name) is dropped, and names a folder at any depth.
            boolean anchored = false;
            while (p.startsWith("./") || p.startsWith("/")) {
                p = p.substring(p.startsWith("/") ? 1 : 2);
                anchored = true;
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            this.nameOnly = !anchored && !p.contains("/");
            int special = 0;
            while (special < p.length() && SPECIAL.indexOf(p.charAt(special)) < 0) {
                special++;
            }
            // The "**/" variants below take out text at or after a "*", so they keep this prefix.
            this.literalPrefix = nameOnly ? "" : p.substring(0, special);
            try {
                // A "**/" matches no folder too, as in .gitignore: "**/*.txt" takes the top folder's files as well.
                List<PathMatcher> matchers = new ArrayList<>();
                for (String variant : withoutEmptyFolderMatches(p)) {
                    matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + variant));
                }
                this.matcher = path -> matchers.stream().anyMatch(m -> m.matches(path));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + pattern + "\" is not a valid glob: " + e.getMessage(), e);
            }
        }

        /** The pattern, and the ones where a leading "**\/" or an inner "/**\/" stands for no folder at all. */
        private static java.util.Set<String> withoutEmptyFolderMatches(String pattern) {
            java.util.Set<String> variants = new java.util.LinkedHashSet<>(List.of(pattern));
            java.util.Deque<String> todo = new java.util.ArrayDeque<>(variants);
            while (!todo.isEmpty() && variants.size() < 16) {
                String p = todo.pop();
                List<String> next = new ArrayList<>();
                if (p.startsWith("**/")) {
                    next.add(p.substring(3));
                }
                for (int i = p.indexOf("/**/"); i >= 0; i = p.indexOf("/**/", i + 1)) {
                    next.add(p.substring(0, i) + p.substring(i + 3));
                }
                next.stream().filter(variants::add).forEach(todo::add);
            }
            return variants;
        }
    }
}
