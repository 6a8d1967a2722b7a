package io.backuprouter.files;

import io.backuprouter.files.LockFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
    @TempDir
    Path dir;

    /** Whether the kernel lists a lock of this process on the file (Linux's /proc/locks). */
    private static boolean lockedByThisProcess(Path file) throws IOException {
        Object inode = Files.getAttribute(file, "unix:ino");
        String pid = String.valueOf(ProcessHandle.current().pid());
        return Files.readAllLines(Path.of("/proc/locks")).stream()
                .anyMatch(line -> line.contains(" " + pid + " ") && line.matches(".*:" + inode + " .*"));
    }

    @Test
    void aSecondAttemptFromTheSameProcessFailsAndLeavesTheFirstLockHeld() throws IOException {
        assumeTrue(Files.exists(Path.of("/proc/locks")), "needs Linux's /proc/locks");
        Path file = dir.resolve("sub/job.lock");
        try (LockFile first = LockFile.tryAcquire(file).orElseThrow()) {
            assertThat(lockedByThisProcess(file)).isTrue();
            Optional<LockFile> second = LockFile.tryAcquire(dir.resolve("sub/../sub/job.lock"));
            assertThat(second).isEmpty();
            // Opening and closing another channel on the file would have released the first lock.
            assertThat(lockedByThisProcess(file)).isTrue();
            assertThat(LockFile.holder(file)).isEqualTo(" by process " + ProcessHandle.current().pid());
        }
        assertThat(lockedByThisProcess(file)).isFalse();
        try (LockFile again = LockFile.tryAcquire(file).orElseThrow()) {
            assertThat(lockedByThisProcess(file)).isTrue();
        }
    }

    @Test
    void aLockThatCannotBeMadeLeavesNothingHeld() throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        Path file = blocker.resolve("job.lock");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LockFile.tryAcquire(file)).isInstanceOf(IOException.class);
        Files.delete(blocker);
        try (LockFile made = LockFile.tryAcquire(file).orElseThrow()) {
            assertThat(made).isNotNull();
        }
    }
}
