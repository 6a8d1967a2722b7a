package io.backuprouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.restore.RestoreRequest;
import io.backuprouter.restore.RestoreSummary;
import io.backuprouter.restore.Restorer;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.ForgedBackups;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.catalog.ArchiveInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository of format version 1 gets version 2 snapshots that reference its version 1 archives
 * unchanged (docs/format.md, "Versioning"): objects shaped as version 1 wrote them are put on a folder
 * target, a backup of the same files on a machine without local state compares with that snapshot, packs
 * only what is new, and both snapshots restore.
 */
class FormatUpgradeIT {

    @TempDir
    Path dir;

    @Test
    void aVersion1RepositoryGetsVersion2SnapshotsThatReferenceItsArchivesUnchanged() throws Exception {
        TestJobs jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", dir.resolve("nas"));
        // What version 1 wrote: a zip whose deflated entries put their sizes in data descriptors, and a
        // manifest that holds every record and archive itself (no offsets, no listing).
        ForgedBackups v1 = new ForgedBackups(dir.resolve("nas"), "notes", jobs.recipient());
        byte[] hello = "hello\n".getBytes();
        byte[] script = "echo hello\n".repeat(20).getBytes();
        ArchiveInfo archive = v1.archive(Map.of("a.txt", hello, "docs/b.sh", script));
        Snapshot old = v1.snapshot(List.of(archive), List.of(ForgedBackups.file("a.txt", hello, archive, "a.txt"),
                ForgedBackups.folder("docs"), ForgedBackups.file("docs/b.sh", script, archive, "docs/b.sh")));
        byte[] archiveBytes = v1.read(archive.key());
        Files.createDirectories(dir.resolve("source/docs"));
        Files.write(dir.resolve("source/a.txt"), hello);
        Files.write(dir.resolve("source/docs/b.sh"), script);
        Files.writeString(dir.resolve("source/new.txt"), "written after the upgrade\n".repeat(10));
        AgeIdentity reader = AgeIdentity.read(jobs.identityFile());
        var job = jobs.job("notes", dir.resolve("source"), "nas", Map.of("identity", jobs.identityFile().toString()));

        BackupSummary summary;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            summary = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
        }

        assertThat(summary.complete()).isTrue();
        assertThat(summary.addedFiles()).as("only new.txt is packed").isEqualTo(1);
        JobRepository repository = new JobRepository(new io.backuprouter.targets.FolderStore("nas", dir.resolve("nas"), ""),
                "notes");
        Snapshot upgraded = repository.manifest(summary.snapshotId(), reader);
        assertThat(upgraded.version()).isEqualTo(2);
        assertThat(upgraded.parent()).isEqualTo(old.id());
        assertThat(upgraded.files()).filteredOn(f -> !f.path().equals("new.txt") && f.isFile())
                .extracting(FileEntry::archive).containsOnly(archive.id());
        assertThat(upgraded.archives()).extracting(a -> a.id()).contains(archive.id());
        assertThat(v1.read(archive.key())).as("the version 1 archive is not rewritten").isEqualTo(archiveBytes);
        assertThat(repository.snapshots()).containsKeys(old.id(), summary.snapshotId());

        for (String snapshot : List.of(summary.snapshotId(), old.id())) {
            Path to = dir.resolve("restored-" + snapshot);
            RestoreSummary restored;
            try (Targets targets = new Targets(jobs.settings().targets())) {
                restored = new Restorer("notes", List.of("nas"), targets.stores(), reader, Clock.systemUTC(),
                        BackupProgress.NONE).restore(new RestoreRequest("notes", snapshot, null, "nas", to, List.of(),
                        RestoreRequest.Overwrite.IF_OLDER));
            }
            assertThat(restored.complete()).as(snapshot + ": " + restored.problems()).isTrue();
            assertThat(to.resolve("a.txt")).hasBinaryContent(hello);
            assertThat(to.resolve("docs/b.sh")).hasBinaryContent(script);
        }
        assertThat(dir.resolve("restored-" + summary.snapshotId()).resolve("new.txt"))
                .hasSameTextualContentAs(dir.resolve("source/new.txt"));
    }
}
