package io.backuprouter.targets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * An {@link ObjectStore} in a local folder (an external disk, a NAS mount). Each object is a file;
 * a put writes a temporary file beside the target ({@code .tmp-*}) and renames it into place, so
 * a crash never leaves a half-written object under its real name.
 */
public final class FolderStore implements ObjectStore {
    static final String TEMP_PREFIX = ".tmp-";

    private final String name;
    private final Path base;
    private final Path root;

    /**
     * @param base the configured folder; it must exist (an unmounted disk is an error, not a
     *     reason to write to the local disk instead)
     * @param rootPath the root path inside it, created when needed ({@code ""} for none)
     */
    public FolderStore(String name, Path base, String rootPath) {
        this.name = name;
        this.base = base.toAbsolutePath().normalize();
        this.root = rootPath.isEmpty() ? this.base : this.base.resolve(rootPath).normalize();
    }

    @Override
    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, Path file) throws IOException {
        Path target = path(key);
        Path temp = temp(target);
        try {
            Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
            publish(temp, target);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new IOException(name + ": put " + key + ": " + e, e);
        }
    }

    @Override
    public void put(String key, byte[] content) throws IOException {
        Path target = path(key);
        Path temp = temp(target);
        try {
            Files.write(temp, content);
            publish(temp, target);
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new IOException(name + ": put " + key + ": " + e, e);
        }
    }

    private Path temp(Path target) throws IOException {
        requireBase();
        Files.createDirectories(target.getParent());
        return target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
    }

    private static void publish(Path temp, Path target) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        io.backuprouter.files.AtomicMove.replace(temp, target);
    }

    /** Fails when the configured folder is missing, e.g. when a disk or NAS is not mounted. */
    public void requireBase() throws IOException {
        if (!Files.isDirectory(base)) {
            throw new NoSuchFileException(base.toString(), null, "folder does not exist (is the disk or share mounted?)");
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        try {
            return Files.newInputStream(path(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(name, key);
        } catch (IOException e) {
            throw new IOException(name + ": get " + key + ": " + e, e);
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) throws IOException {
        ByteRange range = new ByteRange(offset, length);
        FileChannel channel;
        try {
            channel = FileChannel.open(path(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(name, key);
        } catch (IOException e) {
            throw new IOException(name + ": get " + key + ": " + e, e);
        }
        try {
            // Past the end, the channel reads nothing: an empty stream, as the contract says.
            channel.position(range.offset());
            return BoundedInputStream.builder().setInputStream(Channels.newInputStream(channel))
                    .setMaxCount(range.length()).setPropagateClose(true).get();
        } catch (IOException e) {
            channel.close();
            throw new IOException(name + ": get " + key + " (" + range + "): " + e, e);
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        Path path = path(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return attributes.isRegularFile()
                    ? Optional.of(new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant(), null))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<ObjectInfo> objects = new ArrayList<>();
        Files.walkFileTree(start, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                String key = root.relativize(file).toString().replace('\\', '/');
                if (a.isRegularFile() && key.startsWith(prefix) && !file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                    objects.add(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant(), null));
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE; // deleted while listing
                }
                throw new IOException(name + ": list " + prefix + "*: " + e, e);
            }
        });
        objects.sort(Comparator.comparing(ObjectInfo::key));
        return objects;
    }

    @Override
    public void delete(String key) throws IOException {
        Path path = path(key);
        try {
            Files.deleteIfExists(path);
            for (Path dir = path.getParent(); dir != null && !dir.equals(root); dir = dir.getParent()) {
                Files.delete(dir);
            }
        } catch (DirectoryNotEmptyException | NoSuchFileException stop) {
            // the folder still holds other objects, or is already gone
        } catch (IOException e) {
            throw new IOException(name + ": delete " + key + ": " + e, e);
        }
    }

    @Override
    public int removeIncompleteUploads(String prefix, java.time.Instant before) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
                String key = root.relativize(file).toString().replace('\\', '/');
                if (key.startsWith(prefix) && Files.getLastModifiedTime(file).toInstant().isBefore(before)) {
                    Files.deleteIfExists(file);
                    removed++;
                }
            }
        }
        return removed;
    }

    private Path path(String key) {
        Path path = root.resolve(Keys.check(key)).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("invalid object key \"" + key + "\"");
        }
        return path;
    }

    @Override
    public void close() {
        // nothing held open
    }
}
