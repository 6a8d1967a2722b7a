package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.files.BackupProgress;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.Targets;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.testing.ForgedBackups;
import io.backuprouter.testing.TestJobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code restore} from the command line, in-process. */
class RestoreCommandIT {
    @TempDir
    Path dir;

    @Test
    void theRootOfTheFileSystemIsRefusedAsADestinationUnlessItIsTheJobsSource() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("restore-command-it-marker.txt"), "would land in /");
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        JobSettings job = jobs.job("notes", source, "nas", Map.of("identity", jobs.identityFile().toString()));
        try (Targets targets = new Targets(jobs.settings().targets())) {
            new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
        }

        Cli.Result result = Cli.run("restore", "notes", "--to", "/", "--config", jobs.configFile().toString(), "--routes",
                jobs.routesDir().toString());

        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.all()).contains("--to / is the root of the file system")
                .contains("would land directly in it; nothing was restored").contains("hint: --to " + source);
        assertThat(Path.of("/restore-command-it-marker.txt")).doesNotExist();

        // A system folder too (under /proc: were the check gone, nothing could be written there anyway).
        Cli.Result system = Cli.run("restore", "notes", "--to", "/proc/restore-command-it", "--config",
                jobs.configFile().toString(), "--routes", jobs.routesDir().toString());
        assertThat(system.exitCode()).as(system.all()).isEqualTo(1);
        assertThat(system.all()).contains("--to /proc/restore-command-it is a system folder (/proc), and not the job's source "
                + "folder " + source + "; nothing was restored");
    }

    @Test
    void aDamagedArchiveIsNamedTheRestIsRestoredAndTheExitCodeIsOne() throws Exception {
        Path nas = Files.createDirectories(dir.resolve("nas"));
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", nas);
        jobs.job("notes", Files.createDirectories(dir.resolve("source")), "nas", Map.of("identity", jobs.identityFile().toString()));
        ForgedBackups forged = new ForgedBackups(nas, "notes", jobs.recipient());
        byte[] good = "intact".getBytes();
        ArchiveInfo intact = forged.archive(Map.of("e", good));
        ArchiveInfo damaged = forged.archive(Map.of("e", "damaged".getBytes()));
        byte[] bytes = forged.read(damaged.key());
        int mac = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\n--- ") + 6;
        bytes[mac] = (byte) (bytes[mac] == 'A' ? 'B' : 'A');
        forged.write(damaged.key(), bytes);
        forged.snapshot(List.of(intact, damaged), List.of(ForgedBackups.file("good.txt", good, intact, "e"),
                ForgedBackups.file("lost.txt", "damaged".getBytes(), damaged, "e")));

        Cli.Result result = Cli.run("restore", "notes", "--to", dir.resolve("to").toString(), "--config",
                jobs.configFile().toString(), "--routes", jobs.routesDir().toString());

        assertThat(result.exitCode()).as(result.all()).isEqualTo(1);
        assertThat(result.all()).contains("lost.txt: not restored: nas: archive " + damaged.key() + " is damaged or unreadable:"
                + " its age header is damaged").doesNotContain("--identity").doesNotContain("\tat ");
        assertThat(dir.resolve("to/good.txt")).hasBinaryContent(good);
    }
}
