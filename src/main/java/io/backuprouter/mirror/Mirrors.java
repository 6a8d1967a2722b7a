package io.backuprouter.mirror;

import io.backuprouter.UserException;
import io.backuprouter.backup.BackupProgress;
import io.backuprouter.config.MirrorSettings;
import io.backuprouter.targets.ObjectStore;
import io.backuprouter.targets.S3Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** Starts mirror passes for a mirror's settings and the open stores. */
public final class Mirrors {
    private Mirrors() {
    }

    public static MirrorSummary pass(MirrorSettings mirror, Map<String, ObjectStore> stores, Clock clock,
                                     BackupProgress progress, boolean dryRun, Consumer<String> report) throws IOException {
        return new MirrorPass(mirror, s3(stores, mirror.from()), s3(stores, mirror.to()), clock, progress,
                Duration.ofSeconds(1)).run(dryRun, report);
    }

    private static S3Store s3(Map<String, ObjectStore> stores, String name) {
        if (stores.get(name) instanceof S3Store s3) {
            return s3;
        }
        throw new UserException("target \"" + name + "\" is not an S3 target; mirrors copy between S3 targets");
    }
}
