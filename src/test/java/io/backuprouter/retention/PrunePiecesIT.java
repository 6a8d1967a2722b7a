package io.backuprouter.retention;

import static io.backuprouter.testing.ForgedBackups.file;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.repository.ListingPieces;
import io.backuprouter.targets.FolderStore;
import io.backuprouter.testing.ForgedBackups;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prune and format version 2's listing pieces: kept while a listed manifest names them, as archives are. */
class PrunePiecesIT {
    private static final byte[] ONE = "one".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TWO = "two".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void prunePiecesNoListedManifestNamesOnceOldAndKeepsThoseOneDoesAndTheirArchives() throws Exception {
        AgeKeys.AgeKeyPair keys = AgeKeys.generate();
        AgeIdentity identity = AgeIdentity.of(keys.identity(), "test");
        ForgedBackups forged = new ForgedBackups(dir, "docs", keys.recipient());
        ArchiveInfo kept = forged.archive(Map.of("one", ONE));
        ArchiveInfo dropped = forged.archive(Map.of("two", TWO));
        ForgedBackups.Pieced old = forged.piecedSnapshot(List.of(dropped), List.of(file("gone.txt", TWO, dropped, "two")));
        ForgedBackups.Pieced current = forged.piecedSnapshot(List.of(kept), List.of(file("docs/note-974.md", ONE, kept, "one"),
                file("zz.txt", ONE, kept, "one")));
        Files.delete(dir.resolve("docs").resolve(old.snapshot().key())); // forgotten
        JobRepository repository = new JobRepository(new FolderStore("t", dir, ""), "docs");

        Retention.Outcome early = new Retention(repository).prune(identity, Instant.now(), true);
        assertThat(early.removed()).isEmpty();
        assertThat(early.waiting().archives()).isEqualTo(2); // the old piece and its archive, within the grace period

        Retention.Outcome pruned = new Retention(repository).prune(identity, Instant.now().plus(Duration.ofHours(25)), false);

        assertThat(pruned.removed()).containsExactlyInAnyOrder("docs/" + old.pieces().get(0).key(), "docs/" + dropped.key());
        assertThat(repository.pieces().keySet()).containsExactlyInAnyOrderElementsOf(
                current.pieces().stream().map(ListingPieces.Encoded::key).toList());
        assertThat(repository.manifest(current.id(), identity).files()).hasSize(2);
        assertThat(dir.resolve("docs").resolve(kept.key())).exists();
    }

    @Test
    void aMissingPieceOfAListedManifestStopsPruneBeforeItDeletesAnything() throws Exception {
        AgeKeys.AgeKeyPair keys = AgeKeys.generate();
        ForgedBackups forged = new ForgedBackups(dir, "docs", keys.recipient());
        ArchiveInfo unneeded = forged.archive(Map.of("two", TWO));
        ArchiveInfo needed = forged.archive(Map.of("one", ONE));
        ForgedBackups.Pieced snapshot = forged.piecedSnapshot(List.of(needed), List.of(file("a.txt", ONE, needed, "one")));
        String piece = snapshot.pieces().get(0).key();
        Files.delete(dir.resolve("docs").resolve(piece));
        JobRepository repository = new JobRepository(new FolderStore("t", dir, ""), "docs");

        assertThatThrownBy(() -> new Retention(repository).prune(AgeIdentity.of(keys.identity(), "test"),
                Instant.now().plus(Duration.ofHours(25)), false))
                .hasMessage("prune stopped, nothing deleted: manifest t:docs/" + snapshot.snapshot().key() + ": t:docs/" + piece
                        + ": missing: the manifest's listing names it, but the target does not hold it");
        assertThat(dir.resolve("docs").resolve(unneeded.key())).exists();
    }
}
