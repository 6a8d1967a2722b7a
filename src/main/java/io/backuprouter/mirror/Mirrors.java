package io.backuprouter.mirror;

import io.backuprouter.files.LockFile;
import io.backuprouter.UserException;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.config.MirrorSettings;
import io.backuprouter.targets.ObjectStore;
import io.backuprouter.targets.S3Store;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** Starts mirror passes for a mirror's settings and the open stores. */
public final class Mirrors {
    private Mirrors() {
    }

    /** Where the lock of each mirror is: one pass of a mirror at a time, whichever process (router or command) makes it. */
    static final Path LOCKS = Path.of("var/mirrors");

    /**
     * One pass of the mirror. A pass that copies or deletes holds the mirror's lock file
     * ({@code var/mirrors/<name>.lock}), so that a command and the router's schedule never work on the
     * same mirror at once; a dry run takes no lock and writes nothing (but the overlap probe of
     * {@code MirrorPass}, where the targets may be one storage).
     *
     * @throws Busy when another process is making a pass of this mirror
     */
    public static MirrorSummary pass(MirrorSettings mirror, Map<String, ObjectStore> stores, Clock clock,
                                     BackupProgress progress, boolean dryRun, Consumer<String> report) throws IOException {
        MirrorPass pass = new MirrorPass(mirror, s3(stores, mirror.from()), s3(stores, mirror.to()), clock, progress,
                Duration.ofSeconds(1));
        if (dryRun) {
            return pass.run(true, report);
        }
        Path lockFile = LOCKS.resolve(mirror.name() + ".lock");
        java.util.Optional<LockFile> acquired;
        try {
            acquired = LockFile.tryAcquire(lockFile);
        } catch (IOException e) {
            throw new UserException("mirror " + mirror.name() + ": cannot write its lock file " + lockFile + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); check that the router's var/ folder is writable", e);
        }
        try (LockFile lock = acquired.orElseThrow(() -> new Busy("mirror " + mirror.name()
                + " is already running (" + lockFile + " is locked" + LockFile.holder(lockFile) + "); this pass is not made"))) {
            return pass.run(false, report);
        }
    }

    /** Another process is making a pass of the mirror. */
    public static final class Busy extends UserException {
        Busy(String message) {
            super(message);
        }
    }

    private static S3Store s3(Map<String, ObjectStore> stores, String name) {
        if (stores.get(name) instanceof S3Store s3) {
            return s3;
        }
        throw new UserException("target \"" + name + "\" is not an S3 target; mirrors copy between S3 targets");
    }
}
