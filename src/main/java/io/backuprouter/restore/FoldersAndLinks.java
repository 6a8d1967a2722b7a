package io.backuprouter.restore;

import io.backuprouter.files.PathFilter;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.repository.SnapshotRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last step of a restore: the snapshot's folders (with their times) and links, after its files. */
final class FoldersAndLinks {
    private static final Logger LOG = LoggerFactory.getLogger(FoldersAndLinks.class);
    private static final String OUTSIDE_LINKS_HINT = "; --outside-links create makes such links as stored, skip leaves them out";

    /** A link whose text leads outside the destination, refused (--outside-links refuse): restore and verify say this. */
    static String outsideLinkRefused(FileEntry link) {
        return link.path() + ": refused: the link points outside the destination (" + link.target() + ")" + OUTSIDE_LINKS_HINT;
    }

    /**
     * Creates folders (even empty ones) and links (those that lead outside only when asked), then
     * sets folder times, deepest first.
     */
    static void finish(List<FileEntry> records, PathFilter filter, Path destination, RestoreRequest.OutsideLinks outside,
                       FilePlacer placer, List<String> problems, List<String> notes) {
        FoldersAndLinks step = new FoldersAndLinks(destination, outside, placer, problems);
        Set<String> holdingRestored = foldersHoldingRestored(records, filter);
        for (FileEntry entry : records) {
            boolean wanted = filter.includesFile(entry.path());
            try {
                if (FileEntry.DIR.equals(entry.type()) && (wanted || holdingRestored.contains(entry.path()))) {
                    step.folder(entry);
                } else if (FileEntry.SYMLINK.equals(entry.type()) && wanted) {
                    step.link(entry);
                }
            } catch (IOException e) {
                problems.add(entry.path() + ": " + io.backuprouter.files.LocalErrors.describe(e));
            }
        }
        step.removeLinksEscapingThroughOthers();
        if (!step.outsideLinks.isEmpty()) {
            notes.add(io.backuprouter.values.ByteSize.count(step.outsideLinks.size(), "link") + " leading outside the destination "
                    + (outside == RestoreRequest.OutsideLinks.CREATE ? "created as stored" : "left out, as asked") + ": "
                    + String.join(", ", step.outsideLinks.subList(0, Math.min(10, step.outsideLinks.size())))
                    + (step.outsideLinks.size() > 10 ? ", ..." : ""));
        }
        step.setTimes();
    }

    private final Path destination;
    private final RestoreRequest.OutsideLinks outside;
    private final FilePlacer placer;
    private final List<String> problems;
    private final List<FileEntry> dirs = new ArrayList<>();
    private final List<FileEntry> createdLinks = new ArrayList<>();
    private final List<String> outsideLinks = new ArrayList<>();
    private final List<FileEntry> sameLinks = new ArrayList<>();

    private FoldersAndLinks(Path destination, RestoreRequest.OutsideLinks outside, FilePlacer placer, List<String> problems) {
        this.destination = destination;
        this.outside = outside;
        this.placer = placer;
        this.problems = problems;
    }

    private void folder(FileEntry entry) throws IOException {
        Path dir = SafePaths.resolve(destination, entry.path());
        if (SafePaths.existsNotAsFolder(dir)) {
            problems.add(entry.path() + (Files.isSymbolicLink(dir)
                    ? ": exists in the destination as a symbolic link, which a restore never writes through:"
                    + " remove the link to restore the folder there"
                    : ": exists in the destination and is not a folder: move it aside to restore the folder there"));
            return;
        }
        Files.createDirectories(dir);
        dirs.add(entry);
    }

    private void link(FileEntry entry) throws IOException {
        Path link = SafePaths.resolve(destination, entry.path());
        if (SnapshotRules.leadsOutside(entry.path(), entry.target())) {
            if (outside == RestoreRequest.OutsideLinks.REFUSE) {
                problems.add(outsideLinkRefused(entry));
                return;
            }
            outsideLinks.add(entry.path() + " -> " + entry.target());
            if (outside == RestoreRequest.OutsideLinks.SKIP) {
                return;
            }
        }
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().equals(entry.target())) {
                sameLinks.add(entry); // already there: only its time may differ
                return;
            }
            problems.add(entry.path() + ": exists in the destination; the link was not created");
            return;
        }
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of(entry.target()));
        createdLinks.add(entry);
    }

    /**
     * Links judged by their text may still escape through other links (made here or already there):
     * follows each one through the real file system, and removes those that end outside, until none do.
     */
    private void removeLinksEscapingThroughOthers() {
        boolean removed = outside != RestoreRequest.OutsideLinks.CREATE;
        while (removed) {
            removed = false;
            for (FileEntry entry : new ArrayList<>(createdLinks)) {
                try {
                    Path link = SafePaths.resolve(destination, entry.path());
                    if (!SafePaths.resolvesInside(destination, link)) {
                        Files.deleteIfExists(link);
                        createdLinks.remove(entry);
                        if (outside == RestoreRequest.OutsideLinks.SKIP) {
                            outsideLinks.add(entry.path() + " -> " + entry.target() + " (through other links)");
                        } else {
                            problems.add(entry.path() + ": refused: the link leads outside the destination through other links ("
                                    + entry.target() + ")" + OUTSIDE_LINKS_HINT);
                        }
                        removed = true;
                    }
                } catch (IOException e) {
                    problems.add(entry.path() + ": " + io.backuprouter.files.LocalErrors.describe(e));
                }
            }
        }
    }

    /** The links' own times (never their targets'), then the folders', deepest first (making a link changes its folder's). */
    private void setTimes() {
        for (FileEntry entry : java.util.stream.Stream.concat(createdLinks.stream(), sameLinks.stream()).toList()) {
            try {
                Files.getFileAttributeView(SafePaths.resolve(destination, entry.path()),
                        java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.from(entry.mtime()), null, null);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("{}: the link's time is not set: {}", entry.path(), e.toString());
            }
        }
        dirs.sort(Comparator.comparing(FileEntry::path).reversed());
        for (FileEntry dir : dirs) {
            try {
                placer.applyAttributes(SafePaths.resolve(destination, dir.path()), dir);
            } catch (IOException e) {
                problems.add(dir.path() + ": cannot set time or permissions: " + io.backuprouter.files.LocalErrors.describe(e));
            }
        }
    }

    /**
     * The folders that hold, at any depth, a file or link the request includes: they are recreated
     * (with their times) even when the include patterns leave them out themselves. One pass over the
     * snapshot (asking each folder about every file took minutes on trees of a million files).
     */
    static Set<String> foldersHoldingRestored(List<FileEntry> records, PathFilter filter) {
        Set<String> folders = new HashSet<>();
        for (FileEntry entry : records) {
            if (FileEntry.DIR.equals(entry.type()) || !filter.includesFile(entry.path())) {
                continue;
            }
            String path = entry.path();
            for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
                if (!folders.add(path.substring(0, slash))) {
                    break; // its ancestors were added with it
                }
            }
        }
        return folders;
    }
}
