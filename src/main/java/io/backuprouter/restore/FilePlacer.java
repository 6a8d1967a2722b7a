package io.backuprouter.restore;

import io.backuprouter.catalog.FileEntry;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts verified content in place in a restore's destination: each entry is written to a temporary
 * file beside the file it becomes, and renamed into place with its time and permissions once it is
 * checked, as the overwrite policy allows. Never writes through or over a symbolic link; removes
 * only the temporary files it made.
 */
final class FilePlacer {
    private static final Logger LOG = LoggerFactory.getLogger(FilePlacer.class);
    static final String TEMP_PREFIX = ".restore-tmp-";

    private final Path destination;
    private final Path realDestination;
    private final RestoreRequest.Overwrite overwrite;
    private final BooleanSupplier stopping;
    /** Temporary files this restore made, so that cleaning up never touches anything else. */
    private final Set<Path> temps = ConcurrentHashMap.newKeySet();
    private final Map<Object, Boolean> posixByDevice = new ConcurrentHashMap<>();
    /**
     * Folders this restore made or found, checked to lie inside the destination once they were, and
     * whether permissions can be set there: a restore of thousands of files in a few folders asks the
     * file system about each folder once, not for every file (at 20,000 files, 10 stat calls and 6
     * link reads a file were most of the system time).
     */
    private final Map<Path, Boolean> checkedFolders = new ConcurrentHashMap<>();

    /**
     * @param destination the destination, absolute and normalized
     * @param realDestination the same with links resolved
     * @param stopping whether the program is exiting: work stops at the next file or read
     */
    FilePlacer(Path destination, Path realDestination, RestoreRequest.Overwrite overwrite, BooleanSupplier stopping) {
        this.destination = destination;
        this.realDestination = realDestination;
        this.overwrite = overwrite;
        this.stopping = stopping;
    }

    Path destination() {
        return destination;
    }

    /** A temporary file, created new and open for writing. */
    record Temp(Path path, OutputStream out) {
    }

    void checkNotStopping() throws Restorer.Stopped {
        if (stopping.getAsBoolean()) {
            throw new Restorer.Stopped();
        }
    }

    /**
     * Where an entry's content is written while it is checked: a new file beside the file it
     * becomes, so that placing it is one rename within its folder. In the destination itself when
     * that folder cannot be made or written (a file in its way, a read-only folder of an earlier
     * restore); placing the file then says why. Never opened through a link: nothing unverified is
     * written through a link swapped in since the paths were checked. A write that fails is a
     * {@link Restorer.LocalWriteException}: the archive is not to blame.
     */
    Temp openTemp(Path target) throws IOException {
        checkNotStopping();
        Path folder = target.getParent();
        try {
            if (insideDestination(folder)) {
                Path temp = folder.resolve(TEMP_PREFIX + UUID.randomUUID());
                temps.add(temp);
                return new Temp(temp, newFile(temp));
            }
        } catch (IOException e) {
            // the destination's root, below
        }
        Path temp = destination.resolve(TEMP_PREFIX + UUID.randomUUID());
        temps.add(temp);
        try {
            return new Temp(temp, newFile(temp));
        } catch (IOException e) {
            throw new Restorer.LocalWriteException("cannot write in " + destination + ": "
                    + io.backuprouter.files.LocalErrors.describe(e), e);
        }
    }

    /** Makes the folder and tells whether it lies inside the destination, once per folder (then remembered). */
    private boolean insideDestination(Path folder) throws IOException {
        if (checkedFolders.containsKey(folder)) {
            return true;
        }
        Files.createDirectories(folder);
        if (!folder.toRealPath().startsWith(realDestination)) {
            return false;
        }
        checkedFolders.put(folder, posixHere(folder));
        return true;
    }

    private static OutputStream newFile(Path path) throws IOException {
        OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new Restorer.LocalWriteException("cannot write " + path + ": "
                            + io.backuprouter.files.LocalErrors.describe(e), e);
                }
            }
        };
    }

    /** Removes a temporary file this restore made (its content was used, or not needed). */
    void discard(Path temp) {
        try {
            Files.deleteIfExists(temp);
            temps.remove(temp);
        } catch (IOException e) {
            LOG.debug("Removing temporary file {}: {}", temp, e.getMessage());
        }
    }

    /** Removes every temporary file this restore made and has not removed. */
    void cleanTemps() {
        for (Path temp : temps) {
            discard(temp);
        }
    }

    /**
     * Puts one verified file in place; false when the overwrite policy keeps the local file.
     *
     * @param lastUse whether no other file needs the verified content: it is then moved into place
     *     (a rename on the same file system) rather than copied
     */
    boolean place(Path verified, FileEntry file, Path target, List<String> kept, boolean lastUse) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(target)) {
                throw new SafePaths.Refused(file.path() + " exists in the destination as a symbolic link (a restore never "
                        + "writes through or over one, whatever --overwrite says): remove the link to restore the file there");
            }
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new SafePaths.Refused(file.path() + " exists in the destination as a folder: move it aside to restore "
                        + "the file there");
            }
            if (sameContent(target, file)) {
                applyAttributes(target, file);
                return true;
            }
            boolean older = Files.getLastModifiedTime(target).toInstant().isBefore(file.mtime());
            if (overwrite == RestoreRequest.Overwrite.NEVER || (overwrite == RestoreRequest.Overwrite.IF_OLDER && !older)) {
                kept.add(file.path() + ": the local file is " + (older ? "different" : "newer") + "; kept");
                return false;
            }
        }
        if (lastUse && verified.getParent().equals(target.getParent())) {
            applyAttributes(verified, file);
            io.backuprouter.files.AtomicMove.replace(verified, target);
            temps.remove(verified);
            return true;
        }
        insideDestination(target.getParent());
        checkNotStopping();
        Path temp = target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
        temps.add(temp);
        if (lastUse) {
            Files.move(verified, temp);
            temps.remove(verified);
        } else {
            Files.copy(verified, temp);
        }
        applyAttributes(temp, file);
        io.backuprouter.files.AtomicMove.replace(temp, target);
        temps.remove(temp);
        return true;
    }

    private static boolean sameContent(Path local, FileEntry file) throws IOException {
        if (Files.size(local) != file.size()) {
            return false;
        }
        try (InputStream in = Files.newInputStream(local)) {
            MessageDigest sha = io.backuprouter.crypto.Digests.sha256();
            byte[] buffer = new byte[256 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest()).equals(file.sha256());
        }
    }

    void applyAttributes(Path path, FileEntry entry) throws IOException {
        if (entry.mode() != null && posix(path)) {
            Files.setPosixFilePermissions(path, permissions(entry.mode()));
        }
        Files.setLastModifiedTime(path, FileTime.from(entry.mtime()));
    }

    /**
     * Whether permissions can be set at the path: decided once per device (a cheap stat), since
     * asking the file store reads the mount table.
     */
    private boolean posix(Path path) throws IOException {
        Path dir = path.getParent() == null ? path : path.getParent();
        Boolean checked = checkedFolders.get(dir);
        return checked != null ? checked : posixHere(dir);
    }

    private boolean posixHere(Path dir) throws IOException {
        Object device;
        try {
            device = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            device = dir;
        }
        Boolean known = posixByDevice.get(device);
        if (known == null) {
            known = Files.getFileStore(dir).supportsFileAttributeView("posix");
            posixByDevice.put(device, known);
        }
        return known;
    }

    private static Set<PosixFilePermission> permissions(String mode) {
        int bits = Integer.parseInt(mode, 8);
        Set<PosixFilePermission> permissions = new HashSet<>();
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++) {
            if ((bits & (1 << (8 - i))) != 0) {
                permissions.add(all[i]);
            }
        }
        return permissions;
    }

}
