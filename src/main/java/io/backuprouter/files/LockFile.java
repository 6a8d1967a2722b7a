package io.backuprouter.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive lock on a file, held by this process until closed, with the holder's process id
 * written in it (for messages). The operating system releases it if the process dies.
 */
public final class LockFile implements AutoCloseable {
    /**
     * Lock files this process holds. File locks belong to the process, and closing any channel on a
     * locked file releases them on most systems: a second attempt from this process must not even
     * open the file, or it would drop the first holder's lock.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private LockFile(Path path, FileChannel channel, FileLock lock) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another process (or another lock in this one) holds it. */
    public static Optional<LockFile> tryAcquire(Path file) throws IOException {
        Path path = file.toAbsolutePath().normalize();
        if (!HELD.add(path)) {
            return Optional.empty();
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(path.getParent());
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                HELD.remove(path);
                return Optional.empty();
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(String.valueOf(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            return Optional.of(new LockFile(path, channel, lock));
        } catch (IOException | RuntimeException e) {
            // Closing the channel releases a lock taken on it: nothing stays locked by a half-made lock.
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException closing) {
                    e.addSuppressed(closing);
                }
            }
            HELD.remove(path);
            throw e;
        }
    }

    /** Who holds the lock: " by process N", or "" when that is not known. */
    public static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.UTF_8).trim();
            return pid.isEmpty() ? "" : " by process " + pid;
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            try {
                channel.close();
            } finally {
                HELD.remove(path);
            }
        }
    }
}
