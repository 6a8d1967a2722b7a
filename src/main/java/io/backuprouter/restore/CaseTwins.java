package io.backuprouter.restore;

import io.backuprouter.catalog.FileEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files of one snapshot whose names a destination's file system cannot tell apart (letter case,
 * Unicode normalization): only the first of each set is restored, the others are reported.
 */
final class CaseTwins {
    private static final Logger LOG = LoggerFactory.getLogger(CaseTwins.class);

    private CaseTwins() {
    }

    /**
     * Files whose paths differ only in letter case or Unicode normalization ({@code README.md} and
     * {@code readme.md}) are one file on a file system that ignores case (macOS's and Windows's by
     * default) or normalization (APFS): restoring both would silently leave only the last. The file
     * system is probed where such twins would go; where it cannot tell them apart, the first of each
     * set (in path order) is restored and every other one is reported as not restored. Returns the
     * bytes left out.
     *
     * @param nameRules how the file system of a folder treats names ({@link #probeNameRules})
     */
    static long refuse(Map<FileEntry, Path> placeAt, Map<String, List<FileEntry>> byArchive, Path destination,
                       List<String> problems, Function<Path, NameRules> nameRules) {
        Map<String, List<FileEntry>> byFolded = new TreeMap<>();
        placeAt.keySet().forEach(f -> byFolded.computeIfAbsent(folded(f.path(), true, true), k -> new ArrayList<>()).add(f));
        Map<Path, NameRules> rulesByFolder = new HashMap<>();
        long left = 0;
        for (List<FileEntry> group : byFolded.values()) {
            if (group.stream().map(FileEntry::path).distinct().count() < 2) {
                continue;
            }
            Path folder = existingFolder(placeAt.get(group.get(0)).getParent(), destination);
            NameRules rules = rulesByFolder.computeIfAbsent(folder, nameRules);
            Map<String, String> firstByName = new HashMap<>();
            for (FileEntry file : group.stream().sorted(Comparator.comparing(FileEntry::path)).toList()) {
                String first = firstByName.putIfAbsent(folded(file.path(), rules.ignoresCase(), rules.ignoresNormalization()),
                        file.path());
                if (first == null || first.equals(file.path())) {
                    continue;
                }
                placeAt.remove(file);
                byArchive.get(file.archive()).remove(file);
                left += file.size();
                boolean sameLetters = folded(first, false, true).equals(folded(file.path(), false, true));
                problems.add(file.path() + ": not restored: " + (sameLetters
                        ? "its name is " + first + " in another Unicode normalization form (NFC/NFD)"
                        : "its name differs from " + first + " only in letter case")
                        + ", which the file system of " + folder + " does not tell apart"
                        + " (restore it into a case-sensitive folder, or alone with --include into another folder)");
            }
        }
        byArchive.values().removeIf(List::isEmpty);
        return left;
    }

    /** Whether a file system ignores letter case, and whether it ignores Unicode normalization, in names. */
    record NameRules(boolean ignoresCase, boolean ignoresNormalization) {
        static final NameRules BOTH = new NameRules(true, true);
    }

    /** The name as a file system with these rules sees it. */
    static String folded(String path, boolean ignoresCase, boolean ignoresNormalization) {
        String name = ignoresNormalization ? java.text.Normalizer.normalize(path, java.text.Normalizer.Form.NFC) : path;
        // Upper then lower: letters with several lower-case forms (Greek sigma) end up as one.
        return ignoresCase ? name.toUpperCase(java.util.Locale.ROOT).toLowerCase(java.util.Locale.ROOT) : name;
    }

    /** The nearest folder at or above {@code folder} that exists, within the destination. */
    private static Path existingFolder(Path folder, Path destination) {
        Path existing = folder;
        while (existing != null && existing.startsWith(destination) && !Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        return existing != null && existing.startsWith(destination) ? existing : destination;
    }

    /**
     * Probes a folder's file system with a file of a lower-case, NFC name: is it found by its
     * upper-case name, and by its NFD name? When it cannot be probed, both are assumed: refusing a
     * twin is reported, while restoring it over the other would lose a file unseen.
     */
    static NameRules probeNameRules(Path folder) {
        String name = FilePlacer.TEMP_PREFIX + "names-\u00e9-" + UUID.randomUUID();
        Path probe = folder.resolve(name);
        try {
            Files.createFile(probe);
        } catch (IOException | RuntimeException e) {
            return NameRules.BOTH;
        }
        try {
            boolean ignoresCase = Files.exists(folder.resolve(name.toUpperCase(java.util.Locale.ROOT)), LinkOption.NOFOLLOW_LINKS);
            boolean ignoresNormalization = Files.exists(
                    folder.resolve(java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD)), LinkOption.NOFOLLOW_LINKS);
            return new NameRules(ignoresCase, ignoresNormalization);
        } catch (RuntimeException e) {
            return NameRules.BOTH;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                LOG.warn("Cannot remove the probe file {}: {}; delete it by hand", probe, io.backuprouter.files.LocalErrors.describe(e));
            }
        }
    }

}
