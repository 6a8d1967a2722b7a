package io.backuprouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.catalog.ListedPiece;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.restore.RestoreRequest;
import io.backuprouter.restore.RestoreSummary;
import io.backuprouter.restore.Restorer;
import io.backuprouter.targets.FolderStore;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run costs what changed, not the size of the tree (docs/format.md, "Listing pieces"): a listing
 * piece that did not change is referenced, not written or sent again; and the same records under
 * another key are another piece, so that no snapshot names a piece its key cannot read.
 */
class ListingReuseIT {
    @TempDir
    Path dir;

    private TestJobs jobs;
    private JobSettings job;

    private BackupSummary backup(boolean rekey) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).rekey(rekey).run();
        }
    }

    private JobRepository repository() {
        return new JobRepository(new FolderStore("nas", dir.resolve("nas"), ""), job.name());
    }

    private Set<String> piecesOf(String snapshot, AgeIdentity reader) throws IOException {
        Set<String> ids = new HashSet<>();
        repository().storedManifest(snapshot, reader).listing().stream().map(ListedPiece::piece).forEach(ids::add);
        return ids;
    }

    @Test
    void oneChangedFileAmongThousandsSendsOnePieceAndTheManifest() throws Exception {
        Path source = dir.resolve("source");
        for (int i = 0; i < 6000; i++) {
            Path file = source.resolve("notes/" + (i % 40) + "/note-" + i + ".md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "note " + i + "\n");
        }
        jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        job = jobs.job("notes", source, "nas", Map.of("identity", jobs.identityFile().toString()));
        AgeIdentity reader = AgeIdentity.read(jobs.identityFile());

        BackupSummary first = backup(false);
        int piecesAfterFirst = repository().pieces().size();
        Files.writeString(source.resolve("notes/17/note-2017.md"), "note 2017, edited\n");
        BackupSummary second = backup(false);
        int piecesAfterSecond = repository().pieces().size();
        BackupSummary third = backup(false);

        assertThat(piecesOf(first.snapshotId(), reader)).as("6,000 records in several pieces").hasSizeGreaterThan(3)
                .hasSize(piecesAfterFirst);
        assertThat(piecesAfterSecond - piecesAfterFirst).as("only the piece that holds the changed record is new")
                .isEqualTo(1);
        Set<String> shared = piecesOf(first.snapshotId(), reader);
        shared.retainAll(piecesOf(second.snapshotId(), reader));
        assertThat(shared).hasSize(piecesAfterFirst - 1);
        assertThat(second.listingBytes()).as(second.toString()).isLessThan(first.listingBytes() / 4);
        assertThat(repository().pieces()).as("nothing changed: no piece written").hasSize(piecesAfterSecond);
        assertThat(third.listingBytes()).as("the manifest alone").isEqualTo(
                repository().stat("snapshots/" + third.snapshotId() + ".json.age").orElseThrow().size());
        Path to = dir.resolve("restored");
        RestoreSummary restored;
        try (Targets targets = new Targets(jobs.settings().targets())) {
            restored = new Restorer("notes", List.of("nas"), targets.stores(), reader, Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new RestoreRequest("notes", second.snapshotId(), null, "nas", to, List.of(),
                            RestoreRequest.Overwrite.IF_OLDER));
        }
        assertThat(restored.complete()).as(restored.problems().toString()).isTrue();
        assertThat(restored.files()).isEqualTo(6000);
        assertThat(to.resolve("notes/17/note-2017.md")).hasContent("note 2017, edited");
    }

    @Test
    void aNewPassphraseSharesNoPieceWithTheOldOnesEvenForRecordsThatDidNotChange() throws Exception {
        Path source = dir.resolve("source");
        Files.createDirectories(source);
        Files.writeString(source.resolve("a.txt"), "the one file");
        for (int i = 0; i < 5000; i++) { // folders only: pieces that name no archive, the same whatever the key
            Files.createDirectories(source.resolve(String.format("folders/%04d", i)));
        }
        jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        System.setProperty("listing-reuse-it.passphrase", "the first passphrase");
        jobs.writeConfig("notes", source, "nas", Map.of("passphrase", "{{sys:listing-reuse-it.passphrase}}"));
        Path route = jobs.routesDir().resolve("notes.camel.yaml");
        Files.writeString(route, Files.readString(route).replaceAll("\n *recipients: \"age1[^\"]*\"", ""));
        job = JobCatalog.read(jobs.routesDir(), jobs.settings()).job("notes").orElseThrow();
        BackupSummary first = backup(false);
        Set<String> before = piecesOf(first.snapshotId(), job.reader().orElseThrow());

        System.setProperty("listing-reuse-it.passphrase", "the second passphrase");
        job = JobCatalog.read(jobs.routesDir(), jobs.settings()).job("notes").orElseThrow();
        BackupSummary rekeyed = backup(true);
        AgeIdentity newReader = job.reader().orElseThrow();
        Set<String> after = piecesOf(rekeyed.snapshotId(), newReader);

        assertThat(before).hasSizeGreaterThan(1);
        assertThat(after).doesNotContainAnyElementsOf(before);
        assertThat(repository().manifest(rekeyed.snapshotId(), newReader).files()).hasSize(5002);
        BackupSummary next = backup(false);
        assertThat(piecesOf(next.snapshotId(), newReader)).as("the new passphrase's pieces are reused from then on")
                .isEqualTo(after);
    }
}
