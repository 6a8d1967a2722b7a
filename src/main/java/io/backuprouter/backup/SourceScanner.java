package io.backuprouter.backup;

import io.backuprouter.files.PathFilter;
import io.backuprouter.catalog.FileEntry;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a source folder without following symbolic links and lists what a snapshot records:
 * files, folders and links, with size, time and permissions. Never opens a file for writing.
 */
public final class SourceScanner {
    private static final Logger LOG = LoggerFactory.getLogger(SourceScanner.class);

    private SourceScanner() {
    }

    /** What the walk found, and what it could not read. */
    public record Scan(List<FileEntry> entries, List<String> problems) {
    }

    public static Scan scan(Path root, PathFilter filter) throws IOException {
        return scan(root, filter, () -> false);
    }

    /**
     * Like {@link #scan(Path, PathFilter)}, ending early (with what it found so far) once
     * {@code abandoned} says nobody will use the result: a run that failed before it needed it.
     */
    public static Scan scan(Path root, PathFilter filter, java.util.function.BooleanSupplier abandoned) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("source folder " + root + " does not exist or is not a folder");
        }
        List<FileEntry> entries = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                if (abandoned.getAsBoolean()) {
                    return FileVisitResult.TERMINATE;
                }
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String path = relative(root, dir);
                if (filter.excludes(path)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                entries.add(new FileEntry(path, FileEntry.DIR, 0, attributes.lastModifiedTime().toInstant(),
                        mode(dir), null, null, null, null));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (abandoned.getAsBoolean()) {
                    return FileVisitResult.TERMINATE;
                }
                String path = relative(root, file);
                if (!filter.includesFile(path)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attributes.isSymbolicLink()) {
                    entries.add(new FileEntry(path, FileEntry.SYMLINK, 0, attributes.lastModifiedTime().toInstant(),
                            null, null, null, null, Files.readSymbolicLink(file).toString()));
                } else if (attributes.isRegularFile()) {
                    entries.add(new FileEntry(path, FileEntry.FILE, attributes.size(),
                            attributes.lastModifiedTime().toInstant(), mode(file), null, null, null, null));
                } else {
                    LOG.debug("Skipping {}: not a file, folder or link (socket, pipe or device)", path);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                problems.add(relative(root, file) + ": cannot be read: " + e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        entries.sort(Comparator.comparing(FileEntry::path));
        return new Scan(entries, problems);
    }

    static String relative(Path root, Path path) {
        return root.relativize(path).toString().replace('\\', '/');
    }

    private static String mode(Path path) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return null;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        int bits = 0;
        for (PosixFilePermission permission : permissions) {
            bits |= 1 << (8 - permission.ordinal());
        }
        String octal = Integer.toOctalString(bits);
        return "0000".substring(octal.length()) + octal;
    }
}
