package io.backuprouter.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.backup.BackupRun;
import io.backuprouter.backup.BackupSummary;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content zstd compresses thousands of times over (zeros, one line repeated) restores and verifies:
 * the zip-bomb bound (backup.restore.max-expansion, 1100 by default, what deflate never exceeds) would
 * otherwise refuse the archive that holds it, and every file in it.
 */
class CompressibleContentIT {
    @TempDir
    Path dir;

    @Test
    void zerosAndARepeatedLineRestoreAndVerifyWithTheDefaultBound() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.write(source.resolve("zeros.img"), new byte[10 << 20]);
        Files.writeString(source.resolve("app.log"), "2026-12-06 INFO nothing happened\n".repeat(320_000));
        Files.writeString(source.resolve("note.md"), "a small note beside them\n".repeat(10));
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        var job = jobs.job("notes", source, "nas", Map.of());
        AgeIdentity identity = AgeIdentity.read(jobs.identityFile());

        try (Targets targets = new Targets(jobs.settings().targets())) {
            BackupSummary backup = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
            assertThat(backup.uploadedBytes()).as("zstd shrinks 20 MiB to little").isLessThan(200_000);
            RestoreSummary restored = new Restorer("notes", List.of("nas"), targets.stores(), identity, Clock.systemUTC(),
                    BackupProgress.NONE).restore(new RestoreRequest("notes", backup.snapshotId(), null, "nas",
                    dir.resolve("to"), List.of(), RestoreRequest.Overwrite.IF_OLDER));
            assertThat(restored.complete()).as(restored.problems().toString()).isTrue();
            Verifier.Result verified = new Verifier("notes", targets.store("nas").orElseThrow(), identity).verify(null, true);
            assertThat(verified.ok()).as(verified.toString()).isTrue();
        }
        for (String name : List.of("zeros.img", "app.log", "note.md")) {
            assertThat(dir.resolve("to").resolve(name)).hasSameBinaryContentAs(source.resolve(name));
        }
    }
}
