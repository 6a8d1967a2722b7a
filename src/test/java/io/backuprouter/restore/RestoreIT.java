package io.backuprouter.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.UserException;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.backup.BackupSummary;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotStats;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.Folders;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestJobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restores from two folder targets (the S3 path is the same code: ObjectStore). */
class RestoreIT {
    @TempDir
    Path dir;
    Path source;
    Path targetA;
    Path targetB;
    TestJobs jobs;
    JobSettings job;

    @BeforeEach
    void job() throws IOException {
        source = Files.createDirectories(dir.resolve("source"));
        targetA = Files.createDirectories(dir.resolve("a"));
        targetB = Files.createDirectories(dir.resolve("b"));
        jobs = new TestJobs(dir.resolve("home")).folderTarget("a", targetA).folderTarget("b", targetB);
        job = jobs.job("docs", source, "a, b");
    }

    BackupSummary backup() throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            BackupSummary summary = new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run();
            assertThat(summary.complete()).as(summary.toString()).isTrue();
            return summary;
        }
    }

    RestoreSummary restore(String snapshot, Path to, String target, RestoreRequest.Overwrite overwrite, List<String> includes)
            throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Restorer("docs", job.targets(), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new RestoreRequest("docs", snapshot, null, target, to, includes, overwrite));
        }
    }

    RestoreSummary restore(String snapshot, Path to) throws IOException {
        return restore(snapshot, to, null, RestoreRequest.Overwrite.IF_OLDER, List.of());
    }

    @Test
    void aDestinationThatCannotBeMadeSaysWhyAndNothingIsWritten() throws Exception {
        Files.writeString(source.resolve("a.txt"), "a");
        backup();
        Path parent = Files.createDirectories(dir.resolve("restores"));
        Files.createSymbolicLink(parent.resolve("lnk"), dir.resolve("missing-folder"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> restore("latest", parent.resolve("lnk/esc")))
                .isInstanceOf(io.backuprouter.UserException.class)
                .hasMessageContaining("job docs: cannot make the destination " + parent.resolve("lnk/esc"))
                .hasMessageContaining(parent.resolve("lnk") + ": is in the way: it exists and is not a folder")
                .hasMessageContaining("nothing was restored");
        assertThat(dir.resolve("missing-folder")).doesNotExist();
    }

    @Test
    void eachSnapshotRestoresItsOwnStateWithTimesModesFoldersAndLinks() throws Exception {
        Files.createDirectories(source.resolve("a/b/empty"));
        Files.writeString(source.resolve("a/keep.txt"), "keep");
        Files.writeString(source.resolve("a/b/change.txt"), "version 1");
        Files.writeString(source.resolve("delete-me.txt"), "gone later");
        Files.writeString(source.resolve("tool.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(source.resolve("tool.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(source.resolve("a/link"), Path.of("keep.txt"));
        Files.setLastModifiedTime(source.resolve("a/keep.txt"), FileTime.from(Instant.parse("2021-06-01T12:00:00.5Z")));
        // The link's own time (not its target's), and a folder's, set after everything in it was made.
        Files.getFileAttributeView(source.resolve("a/link"), java.nio.file.attribute.BasicFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.from(Instant.parse("2019-03-04T05:06:07Z")), null, null);
        Files.setLastModifiedTime(source.resolve("a"), FileTime.from(Instant.parse("2018-01-01T00:00:00Z")));
        Map<String, String> first = tree(source);
        BackupSummary one = backup();
        Files.writeString(source.resolve("a/b/change.txt"), "version 2, longer");
        Files.delete(source.resolve("delete-me.txt"));
        Files.writeString(source.resolve("added.txt"), "added");
        Map<String, String> second = tree(source);
        BackupSummary two = backup();

        // A second machine: no local state at all.
        Folders.delete(jobs.stateDir());
        RestoreSummary restoredOne = restore(one.snapshotId(), dir.resolve("restore-1"));
        RestoreSummary restoredTwo = restore("latest", dir.resolve("restore-2"));

        assertThat(restoredOne.complete()).as(restoredOne.toString() + restoredOne.problems()).isTrue();
        assertThat(restoredTwo.snapshot()).isEqualTo(two.snapshotId());
        assertThat(tree(dir.resolve("restore-1"))).isEqualTo(first);
        assertThat(tree(dir.resolve("restore-2"))).isEqualTo(second);

        // Restored again over itself, after the link's time changed: the same link gets its time back.
        Files.getFileAttributeView(dir.resolve("restore-2/a/link"), java.nio.file.attribute.BasicFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).setTimes(FileTime.from(Instant.parse("2025-01-01T00:00:00Z")), null, null);
        assertThat(restore("latest", dir.resolve("restore-2")).complete()).isTrue();
        assertThat(tree(dir.resolve("restore-2"))).isEqualTo(second);
    }

    @Test
    void includeGlobsAndTheOverwritePolicyDecideWhatIsWritten() throws Exception {
        Files.writeString(source.resolve("a.md"), "markdown");
        Files.writeString(source.resolve("b.txt"), "text");
        backup();
        Path to = Files.createDirectories(dir.resolve("to"));
        Files.writeString(to.resolve("a.md"), "my newer local edit");

        RestoreSummary onlyMarkdown = restore("latest", to, null, RestoreRequest.Overwrite.IF_OLDER, List.of("*.md"));

        assertThat(to.resolve("b.txt")).doesNotExist();
        assertThat(to.resolve("a.md")).hasContent("my newer local edit");
        assertThat(onlyMarkdown.kept()).singleElement().asString().contains("a.md").contains("newer");
        assertThat(onlyMarkdown.complete()).isFalse();

        // never: keeping every existing file is what was asked, so the restore is complete.
        Files.writeString(to.resolve("b.txt"), "another local file");
        RestoreSummary never = restore("latest", to, null, RestoreRequest.Overwrite.NEVER, List.of());
        assertThat(never.kept()).hasSize(2);
        assertThat(never.complete()).as(never.toString()).isTrue();
        assertThat(to.resolve("b.txt")).hasContent("another local file");

        RestoreSummary always = restore("latest", to, null, RestoreRequest.Overwrite.ALWAYS, List.of());
        assertThat(always.complete()).isTrue();
        assertThat(to.resolve("a.md")).hasContent("markdown");
        assertThat(to.resolve("b.txt")).hasContent("text");
    }

    @Test
    void anIncludePatternThatMatchesNothingIsAnErrorNotAnEmptyRestore() throws Exception {
        Files.writeString(source.resolve("a.md"), "markdown");
        backup();
        Path to = dir.resolve("typo");

        assertThatThrownBy(() -> restore("latest", to, null, RestoreRequest.Overwrite.IF_OLDER, List.of("nothere/**", "*.mdd")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("matches --include nothere/**, *.mdd; nothing was restored")
                .hasMessageContaining("hint: patterns are relative to the backed-up folder");
        assertThat(to).doesNotExist();
    }

    @Test
    void aDamagedOrMissingArchiveOnOneTargetIsReadFromTheOtherAndVerifyNamesIt() throws Exception {
        Files.writeString(source.resolve("x.txt"), "x".repeat(100_000));
        BackupSummary backup = backup();
        Path archiveOnA;
        try (Stream<Path> files = Files.walk(targetA.resolve("docs/archives"))) {
            archiveOnA = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(archiveOnA);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(archiveOnA, bytes);

        RestoreSummary restored = restore("latest", dir.resolve("to"), "a", RestoreRequest.Overwrite.IF_OLDER, List.of());

        assertThat(restored.complete()).as(restored.problems().toString()).isTrue();
        assertThat(dir.resolve("to/x.txt")).hasContent("x".repeat(100_000));
        assertThat(restored.notes()).singleElement().asString().contains("read from target b")
                .contains("damaged or unreadable");
        try (Targets targets = new Targets(jobs.settings().targets())) {
            AgeIdentity identity = AgeIdentity.read(jobs.identityFile());
            Verifier.Result onA = new Verifier("docs", targets.store("a").orElseThrow(), identity).verify(null, true);
            assertThat(onA.ok()).isFalse();
            assertThat(onA.problems()).singleElement().asString()
                    .contains("a:docs/" + targetA.resolve("docs").relativize(archiveOnA)).contains("damaged")
                    .contains("the encrypted content is damaged or cut short").doesNotContain("counter [");
            assertThat(new Verifier("docs", targets.store("b").orElseThrow(), identity).verify(null, true).ok()).isTrue();
            assertThat(new Verifier("docs", targets.store("a").orElseThrow(), identity).verify(backup.snapshotId(), false).ok())
                    .as("without --read-data only presence and size are checked").isTrue();
        }

        Files.delete(archiveOnA);
        Files.walk(targetB.resolve("docs/archives")).filter(Files::isRegularFile).forEach(p -> p.toFile().delete());
        RestoreSummary nowhere = restore("latest", dir.resolve("to-2"));
        assertThat(nowhere.complete()).isFalse();
        assertThat(nowhere.problems()).singleElement().asString().contains("x.txt: not restored").contains("is missing");
    }

    @Test
    void aDamagedManifestOnOneTargetIsReadFromTheOtherAndSaysSo() throws Exception {
        Files.writeString(source.resolve("x.txt"), "x");
        BackupSummary backup = backup();
        Path manifestOnA = targetA.resolve("docs/" + Snapshot.keyOf(backup.snapshotId()));
        byte[] bytes = Files.readAllBytes(manifestOnA);
        Files.write(manifestOnA, java.util.Arrays.copyOf(bytes, bytes.length - 20)); // truncated

        RestoreSummary restored = restore("latest", dir.resolve("to"), "a", RestoreRequest.Overwrite.IF_OLDER, List.of());

        assertThat(restored.complete()).isTrue();
        assertThat(restored.target()).isEqualTo("b");
        assertThat(restored.notes()).singleElement().asString().contains("a: manifest docs/" + Snapshot.keyOf(backup.snapshotId()))
                .contains("damaged or unreadable");
        try (Targets targets = new Targets(jobs.settings().targets())) {
            Verifier.Result onA = new Verifier("docs", targets.store("a").orElseThrow(), AgeIdentity.read(jobs.identityFile()))
                    .verify(null, false);
            assertThat(onA.problems()).singleElement().asString().contains(Snapshot.keyOf(backup.snapshotId())).contains("damaged");
        }
    }

    @Test
    void aPassphraseJobBacksUpAndRestoresWithThePassphraseAlone() throws Exception {
        System.setProperty("restore-it.passphrase", "a long passphrase for the test");
        jobs.writeConfig("secret-docs", source, "a", Map.of("passphrase", "{{sys:restore-it.passphrase}}"));
        // TestJobs always adds recipients: a job takes one or the other, so write the route without them.
        Path route = jobs.routesDir().resolve("secret-docs.camel.yaml");
        Files.writeString(route, Files.readString(route).replaceAll("\n *recipients: \"age1[^\"]*\"", ""));
        JobSettings withPassphrase = io.backuprouter.config.JobCatalog.read(jobs.routesDir(), jobs.settings())
                .job("secret-docs").orElseThrow();
        Files.writeString(source.resolve("diary.txt"), "dear diary");
        try (Targets targets = new Targets(jobs.settings().targets())) {
            assertThat(new BackupRun(withPassphrase, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().complete()).isTrue();
            RestoreSummary restored = new Restorer("secret-docs", withPassphrase.targets(), targets.stores(),
                    withPassphrase.reader().orElseThrow(), Clock.systemUTC(), BackupProgress.NONE)
                    .restore(new RestoreRequest("secret-docs", "latest", null, null, dir.resolve("to"), List.of(),
                            RestoreRequest.Overwrite.IF_OLDER));
            assertThat(restored.complete()).isTrue();
        }
        assertThat(dir.resolve("to/diary.txt")).hasContent("dear diary");
    }

    @Test
    void aWrongIdentityIsNamedNotSkipped() throws Exception {
        Files.writeString(source.resolve("x.txt"), "x");
        backup();
        Path other = dir.resolve("other-identity.txt");
        Files.writeString(other, AgeKeys.generate().identityFile());
        try (Targets targets = new Targets(jobs.settings().targets())) {
            Restorer restorer = new Restorer("docs", job.targets(), targets.stores(), AgeIdentity.read(other),
                    Clock.systemUTC(), BackupProgress.NONE);
            assertThatThrownBy(() -> restorer.restore(new RestoreRequest("docs", "latest", null, null, dir.resolve("to"),
                    List.of(), RestoreRequest.Overwrite.IF_OLDER)))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("cannot decrypt snapshot").hasMessageContaining("encrypted to other recipients");
            // verify (and prune, which reads the manifests the same way) say it in the same words
            assertThatThrownBy(() -> new Verifier("docs", targets.store("a").orElseThrow(), AgeIdentity.read(other)).verify(null, true))
                    .isInstanceOf(Age.WrongKeyException.class).hasMessageContaining("encrypted to other recipients");
        }
        assertThat(dir.resolve("to")).doesNotExist();
    }

    @Test
    void aHostileSnapshotCannotWriteOutsideTheDestination() throws Exception {
        // Hand-crafted, encrypted to the job's key: entries that try to escape the destination.
        String archiveId = "0123456789abcdef0123456789abcdef";
        Map<String, byte[]> entries = new TreeMap<>(Map.of("ok.txt", "fine".getBytes(), "evil", "pwned".getBytes()));
        Path archive = targetA.resolve("docs/" + ArchiveInfo.keyOf(archiveId));
        Files.createDirectories(archive.getParent());
        try (OutputStream out = Age.encrypt(Files.newOutputStream(archive), List.of(jobs.recipient()));
             ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
            for (var e : entries.entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeArchiveEntry();
            }
        }
        String evilSha = sha("pwned");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<FileEntry> files = List.of(
                new FileEntry("../escaped.txt", "file", 5, t, "0644", evilSha, archiveId, "evil", null),
                new FileEntry("/tmp/absolute-" + archiveId, "file", 5, t, "0644", evilSha, archiveId, "evil", null),
                new FileEntry("C:/windows.txt", "file", 5, t, "0644", evilSha, archiveId, "evil", null),
                new FileEntry("inside/../../up.txt", "file", 5, t, "0644", evilSha, archiveId, "evil", null),
                new FileEntry("link-out", "symlink", 0, t, null, null, null, null, "../../outside"),
                new FileEntry("link-abs", "symlink", 0, t, null, null, null, null, "/etc"),
                new FileEntry("ok.txt", "file", 4, t, "0644", sha("fine"), archiveId, "ok.txt", null));
        Snapshot hostile = new Snapshot(Snapshot.FORMAT, 1, "20260101T000000.000Z-deadbeef", "docs", "attacker", t, null, "/",
                new SnapshotStats(5, 0, 2, 24, 5, 24, 0), List.of(new ArchiveInfo(archiveId, ArchiveInfo.keyOf(archiveId),
                Files.size(archive), 2)), files);
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        Manifests.writeEncrypted(hostile, manifest, List.of(jobs.recipient()));
        Files.createDirectories(targetA.resolve("docs/snapshots"));
        Files.write(targetA.resolve("docs/" + hostile.key()), manifest.toByteArray());
        Path to = Files.createDirectories(dir.resolve("jail/to"));

        RestoreSummary summary = restore(hostile.id(), to, "a", RestoreRequest.Overwrite.IF_OLDER, List.of());

        assertThat(summary.complete()).isFalse();
        assertThat(summary.problems()).hasSize(6).allSatisfy(p -> assertThat(p).contains("refused"));
        assertThat(to.resolve("ok.txt")).hasContent("fine");
        assertThat(dir.resolve("jail/escaped.txt")).doesNotExist();
        assertThat(dir.resolve("up.txt")).doesNotExist();
        assertThat(Path.of("/tmp/absolute-" + archiveId)).doesNotExist();
        assertThat(to.resolve("link-out")).doesNotExist();
        assertThat(to.resolve("link-abs")).doesNotExist();
        try (Stream<Path> all = Files.walk(dir.resolve("jail"))) {
            assertThat(all.map(p -> dir.resolve("jail").relativize(p).toString()))
                    .containsExactlyInAnyOrder("", "to", "to/ok.txt");
        }
    }

    @Test
    void aSymbolicLinkAlreadyInTheDestinationIsNeverWrittenThrough() throws Exception {
        Files.createDirectories(source.resolve("sub"));
        Files.writeString(source.resolve("sub/file.txt"), "content");
        backup();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path to = Files.createDirectories(dir.resolve("to"));
        Files.createSymbolicLink(to.resolve("sub"), outside);

        RestoreSummary summary = restore("latest", to);

        assertThat(summary.complete()).isFalse();
        assertThat(summary.problems()).anySatisfy(p -> assertThat(p).contains("sub/file.txt").contains("symbolic link"))
                .anySatisfy(p -> assertThat(p).startsWith("sub: exists in the destination as a symbolic link")
                        .contains("remove the link to restore the folder there"));
        assertThat(outside.resolve("file.txt")).doesNotExist();

        // The file's own name a link to a file outside: left alone, and the message says what to do.
        Files.writeString(source.resolve("top.txt"), "top");
        backup();
        Path victim = Files.writeString(outside.resolve("victim.txt"), "untouched");
        Files.createSymbolicLink(to.resolve("top.txt"), victim);
        RestoreSummary again = restore("latest", to);
        assertThat(again.problems()).anySatisfy(p -> assertThat(p).contains("top.txt exists in the destination as a symbolic link")
                .contains("remove the link to restore the file there"));
        assertThat(victim).hasContent("untouched");
    }

    @Test
    void linksLeadingOutsideAreRefusedByDefaultLeftOutOrCreatedAsStoredWhenAskedAndNothingIsWrittenThroughThem()
            throws Exception {
        Files.createDirectories(source.resolve("home/notes"));
        Files.writeString(source.resolve("home/notes/a.md"), "a");
        Files.createSymbolicLink(source.resolve("home/.bashrc"), Path.of("/etc/dotfiles/bashrc"));
        Files.createSymbolicLink(source.resolve("home/shared"), Path.of("../../shared"));
        Files.createSymbolicLink(source.resolve("home/today"), Path.of("notes/a.md"));
        backup();

        RestoreSummary refused = restoreLinks(dir.resolve("refused"), RestoreRequest.OutsideLinks.REFUSE);
        assertThat(refused.complete()).isFalse();
        assertThat(refused.problems()).hasSize(2).allSatisfy(p -> assertThat(p)
                .contains("refused: the link points outside the destination")
                .contains("--outside-links create makes such links as stored, skip leaves them out"));
        assertThat(dir.resolve("refused/home/.bashrc")).doesNotExist();

        RestoreSummary skipped = restoreLinks(dir.resolve("skipped"), RestoreRequest.OutsideLinks.SKIP);
        assertThat(skipped.complete()).as(skipped.toString()).isTrue();
        assertThat(skipped.notes()).contains("2 links leading outside the destination left out, as asked: "
                + "home/.bashrc -> /etc/dotfiles/bashrc, home/shared -> ../../shared");
        assertThat(dir.resolve("skipped/home/shared")).doesNotExist();
        assertThat(Files.readSymbolicLink(dir.resolve("skipped/home/today"))).isEqualTo(Path.of("notes/a.md"));

        Path to = dir.resolve("created");
        RestoreSummary created = restoreLinks(to, RestoreRequest.OutsideLinks.CREATE);
        assertThat(created.complete()).as(created.toString()).isTrue();
        assertThat(created.notes()).contains("2 links leading outside the destination created as stored: "
                + "home/.bashrc -> /etc/dotfiles/bashrc, home/shared -> ../../shared");
        assertThat(Files.readSymbolicLink(to.resolve("home/.bashrc"))).isEqualTo(Path.of("/etc/dotfiles/bashrc"));
        assertThat(Files.readSymbolicLink(to.resolve("home/shared"))).isEqualTo(Path.of("../../shared"));
        assertThat(to.resolve("home/notes/a.md")).hasContent("a");

        // A later snapshot where shared is a real folder, restored over the first: never written through the link.
        Files.delete(source.resolve("home/shared"));
        Files.createDirectories(source.resolve("home/shared"));
        Files.writeString(source.resolve("home/shared/x.txt"), "x");
        backup();
        RestoreSummary over = restoreLinks(to, RestoreRequest.OutsideLinks.CREATE);
        assertThat(over.problems()).anySatisfy(p -> assertThat(p).contains("home/shared/x.txt").contains("symbolic link"));
        assertThat(dir.resolve("shared")).doesNotExist();
    }

    RestoreSummary restoreLinks(Path to, RestoreRequest.OutsideLinks outsideLinks) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Restorer("docs", job.targets(), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE).restore(new RestoreRequest("docs", "latest", null, null, to, List.of(),
                    RestoreRequest.Overwrite.IF_OLDER, outsideLinks));
        }
    }

    @Test
    void linksThatEscapeThroughOtherLinksAreRemovedAndNamed() throws Exception {
        Files.createDirectories(source.resolve("x"));
        Files.createSymbolicLink(source.resolve("x/y"), Path.of(".."));
        Files.createSymbolicLink(source.resolve("z"), Path.of("x/y/.."));
        Files.writeString(source.resolve("file.txt"), "f");
        backup();
        Path to = Files.createDirectories(dir.resolve("jail/to"));

        RestoreSummary summary = restore("latest", to);

        assertThat(summary.problems()).anySatisfy(p -> assertThat(p).startsWith("z: refused"));
        assertThat(to.resolve("z")).doesNotExist();
        assertThat(to.resolve("file.txt")).hasContent("f");
    }

    @Test
    void aLocalFileInTheWayFailsOnlyTheFilesBelowItAndNoFileIsEverDeletedByCleanUp() throws Exception {
        Files.createDirectories(source.resolve("a"));
        Files.writeString(source.resolve("a/inside.txt"), "inside");
        Files.writeString(source.resolve("b.txt"), "b");
        Files.writeString(source.resolve(".restore-tmp-mine"), "a user's own file");
        backup();
        Path to = Files.createDirectories(dir.resolve("to"));
        Files.writeString(to.resolve("a"), "a local file where the snapshot has a folder");
        Files.writeString(to.resolve(".restore-tmp-local"), "also the user's");

        RestoreSummary summary = restore("latest", to);

        assertThat(summary.problems()).hasSize(2).anySatisfy(p -> assertThat(p).startsWith("a/inside.txt: not restored"))
                .anySatisfy(p -> assertThat(p).startsWith("a: exists in the destination and is not a folder"));
        assertThat(to.resolve("b.txt")).hasContent("b");
        assertThat(to.resolve(".restore-tmp-mine")).hasContent("a user's own file");
        assertThat(to.resolve(".restore-tmp-local")).hasContent("also the user's");
        assertThat(to.resolve("a")).hasContent("a local file where the snapshot has a folder");
    }

    RestoreSummary restoreWhereNames(CaseTwins.NameRules rules, Path to) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Restorer("docs", job.targets(), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE).nameRulesWhen(folder -> rules)
                    .restore(new RestoreRequest("docs", "latest", null, null, to, List.of(), RestoreRequest.Overwrite.ALWAYS));
        }
    }

    @Test
    void filesWhoseNamesAFileSystemCannotTellApartAreNotRestoredOverEachOther() throws Exception {
        // The source needs a file system that tells them apart (this one); the destinations' rules are played.
        Assumptions.assumeFalse(CaseTwins.probeNameRules(dir).ignoresCase(), "needs a case-sensitive file system");
        String nfc = "caf\u00e9.txt";
        String nfd = java.text.Normalizer.normalize(nfc, java.text.Normalizer.Form.NFD);
        Assumptions.assumeFalse(CaseTwins.probeNameRules(dir).ignoresNormalization(), "needs names kept as written");
        Files.createDirectories(source.resolve("docs"));
        Files.writeString(source.resolve("docs/README.md"), "upper");
        Files.writeString(source.resolve("docs/readme.md"), "lower");
        Files.writeString(source.resolve(nfc), "composed");
        Files.writeString(source.resolve(nfd), "decomposed");
        Files.writeString(source.resolve("other.txt"), "other");
        backup();

        // macOS, Windows: neither case nor normalization.
        Path both = dir.resolve("to-both");
        RestoreSummary summary = restoreWhereNames(new CaseTwins.NameRules(true, true), both);
        assertThat(summary.complete()).isFalse();
        // The first in path order is kept: the decomposed name sorts first.
        assertThat(nfd).isLessThan(nfc);
        assertThat(summary.problems()).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("docs/readme.md: not restored: its name differs from docs/README.md"
                        + " only in letter case, which the file system of " + both + " does not tell apart"))
                .anySatisfy(p -> assertThat(p).startsWith(nfc + ": not restored: its name is " + nfd
                        + " in another Unicode normalization form (NFC/NFD)"));
        assertThat(both.resolve("docs/README.md")).hasContent("upper");
        assertThat(both.resolve("docs/readme.md")).doesNotExist();
        assertThat(both.resolve(nfd)).hasContent("decomposed");
        assertThat(both.resolve(nfc)).doesNotExist();
        assertThat(both.resolve("other.txt")).hasContent("other");

        // Case-sensitive APFS: only normalization.
        RestoreSummary apfs = restoreWhereNames(new CaseTwins.NameRules(false, true), dir.resolve("to-apfs"));
        assertThat(apfs.problems()).singleElement().asString().startsWith(nfc + ": not restored");
        assertThat(dir.resolve("to-apfs/docs/readme.md")).hasContent("lower");

        // Where names are kept as written, everything is restored.
        RestoreSummary sensitive = restore("latest", dir.resolve("to-sensitive"));
        assertThat(sensitive.problems()).isEmpty();
        assertThat(dir.resolve("to-sensitive/docs/readme.md")).hasContent("lower");
        assertThat(dir.resolve("to-sensitive/docs/README.md")).hasContent("upper");
        assertThat(dir.resolve("to-sensitive").resolve(nfc)).hasContent("composed");
    }

    @Test
    void theNameProbeAnswersForItsFolderAndLeavesNothingBehind() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("probe"));
        CaseTwins.NameRules rules = CaseTwins.probeNameRules(folder);
        Files.writeString(folder.resolve("a.txt"), "a");
        assertThat(rules.ignoresCase()).isEqualTo(Files.exists(folder.resolve("A.TXT")));
        try (var left = Files.list(folder)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("a.txt");
        }
        // A folder that cannot be probed is taken to ignore both, so that twins are refused rather than lost.
        assertThat(CaseTwins.probeNameRules(folder.resolve("missing"))).isEqualTo(new CaseTwins.NameRules(true, true));
        assertThat(CaseTwins.folded("Caf\u00e9/README.md", true, true)).isEqualTo(CaseTwins.folded("Cafe\u0301/readme.md", true, true));
        assertThat(CaseTwins.folded("\u03c3", true, false)).isEqualTo(CaseTwins.folded("\u03c2", true, false));
        assertThat(CaseTwins.folded("README.md", false, true)).isNotEqualTo(CaseTwins.folded("readme.md", false, true));
    }

    @Test
    void aDamagedManifestHeaderOnOneTargetIsNotMistakenForAWrongIdentity() throws Exception {
        Files.writeString(source.resolve("x.txt"), "x");
        BackupSummary backup = backup();
        Path manifestOnA = targetA.resolve("docs/" + Snapshot.keyOf(backup.snapshotId()));
        byte[] bytes = Files.readAllBytes(manifestOnA);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int mac = text.indexOf("\n--- ") + 6;
        bytes[mac] = (byte) (bytes[mac] == 'A' ? 'B' : 'A');
        Files.write(manifestOnA, bytes);

        RestoreSummary restored = restore("latest", dir.resolve("to"), "a", RestoreRequest.Overwrite.IF_OLDER, List.of());

        assertThat(restored.complete()).isTrue();
        assertThat(restored.target()).isEqualTo("b");
    }

    @Test
    void latestIsTheNewestOnAnyTargetWhenThePreferredTargetLacksItsManifest() throws Exception {
        Files.writeString(source.resolve("x.txt"), "old");
        backup();
        Files.writeString(source.resolve("x.txt"), "new");
        BackupSummary newest = backup();
        Files.delete(targetA.resolve("docs/" + Snapshot.keyOf(newest.snapshotId())));

        RestoreSummary restored = restore("latest", dir.resolve("to"), "a", RestoreRequest.Overwrite.IF_OLDER, List.of());

        assertThat(restored.snapshot()).isEqualTo(newest.snapshotId());
        assertThat(restored.target()).isEqualTo("b");
        assertThat(dir.resolve("to/x.txt")).hasContent("new");
        assertThat(restored.notes()).singleElement().asString().contains("a: manifest docs/" + Snapshot.keyOf(newest.snapshotId()))
                .contains("is missing");
    }

    @Test
    void aCommittedSnapshotMissingEverywhereIsNamedNotReplacedByAnOlderOne() throws Exception {
        Files.writeString(source.resolve("x.txt"), "old");
        BackupSummary older = backup();
        Files.writeString(source.resolve("x.txt"), "new");
        BackupSummary newest = backup();
        Files.delete(targetA.resolve("docs/" + Snapshot.keyOf(newest.snapshotId())));
        Files.delete(targetB.resolve("docs/" + Snapshot.keyOf(newest.snapshotId())));

        try (Targets targets = new Targets(jobs.settings().targets())) {
            Restorer restorer = new Restorer("docs", job.targets(), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE)
                    .expecting(io.backuprouter.backup.JobState.committed(job.jobStateDir(), null));
            assertThatThrownBy(() -> restorer.restore(new RestoreRequest("docs", "latest", null, null, dir.resolve("to"),
                    List.of(), RestoreRequest.Overwrite.IF_OLDER)))
                    .isInstanceOf(UserException.class)
                    .hasMessageContaining("snapshot " + newest.snapshotId() + ", which this machine committed, is listed on no target")
                    .hasMessageContaining("docs/" + Snapshot.keyOf(newest.snapshotId()) + " is missing on a, b")
                    .hasMessageContaining("restore --snapshot " + older.snapshotId());
        }
        assertThat(dir.resolve("to/x.txt")).doesNotExist();
    }

    @Test
    void aDamagedLocalHistoryDoesNotStopARestore() throws Exception {
        Files.writeString(source.resolve("x.txt"), "kept");
        backup();
        Files.writeString(job.jobStateDir().resolve("history.json"), "[{\"id\": \"2026");

        try (Targets targets = new Targets(jobs.settings().targets())) {
            RestoreSummary summary = new Restorer("docs", job.targets(), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE)
                    .expecting(io.backuprouter.backup.JobState.committed(job.jobStateDir(), null))
                    .restore(new RestoreRequest("docs", "latest", null, null, dir.resolve("to"), List.of(),
                            RestoreRequest.Overwrite.IF_OLDER));
            assertThat(summary.problems()).isEmpty();
        }
        assertThat(dir.resolve("to/x.txt")).hasContent("kept");
        assertThat(io.backuprouter.backup.JobState.readHistory(job.jobStateDir())).isEmpty();
        assertThat(job.jobStateDir().resolve("history.json")).hasContent("[{\"id\": \"2026");
    }

    @Test
    void aRestoreIntoTheSourceFolderSaysTheNextBackupTakesItInButARestoreInPlaceDoesNot() throws Exception {
        Files.writeString(source.resolve("x.txt"), "kept");
        backup();
        String inside = "inside the job's source folder";
        try (Targets targets = new Targets(jobs.settings().targets())) {
            java.util.function.Function<Path, RestoreSummary> restoreTo = to -> {
                try {
                    return new Restorer("docs", job.targets(), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                            Clock.systemUTC(), BackupProgress.NONE).source(source)
                            .restore(new RestoreRequest("docs", "latest", null, null, to, List.of(),
                                    RestoreRequest.Overwrite.IF_OLDER));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };

            assertThat(restoreTo.apply(source.resolve("restored")).notes()).anyMatch(n -> n.contains(inside));
            assertThat(source.resolve("restored/x.txt")).hasContent("kept");
            assertThat(restoreTo.apply(source).notes()).noneMatch(n -> n.contains(inside));
            assertThat(restoreTo.apply(dir.resolve("elsewhere")).notes()).noneMatch(n -> n.contains(inside));
        }
    }

    @Test
    void anUnknownSnapshotIsNamedWithWhereToFindTheRealOnes() throws Exception {
        Files.writeString(source.resolve("x.txt"), "kept");
        backup();

        assertThatThrownBy(() -> restore("nope", dir.resolve("to"))).isInstanceOf(UserException.class)
                .hasMessageContaining("cannot find a snapshot \"nope\"").hasMessageContaining("`snapshots docs` lists them");
        try (Targets targets = new Targets(jobs.settings().targets())) {
            assertThat(new Verifier("docs", targets.store("a").orElseThrow(), AgeIdentity.read(jobs.identityFile()))
                    .verify("nope", false).problems()).singleElement().asString()
                    .contains("no snapshot \"nope\" of job docs").contains("`snapshots docs` lists them");
        }
    }

    @Test
    void anAmbiguousSnapshotPrefixIsRefusedNotResolvedToTheOldest() throws Exception {
        Files.writeString(source.resolve("x.txt"), "old");
        BackupSummary older = backup();
        Files.writeString(source.resolve("x.txt"), "new");
        BackupSummary newer = backup();

        assertThatThrownBy(() -> restore("20", dir.resolve("to")))
                .isInstanceOf(UserException.class).hasMessageContaining("matches 2 snapshots")
                .hasMessageContaining(older.snapshotId()).hasMessageContaining(newer.snapshotId());
        assertThat(restore(newer.snapshotId().substring(0, 24), dir.resolve("to")).snapshot()).isEqualTo(newer.snapshotId());
    }

    static String sha(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes()));
    }

    /** Every path with its type, content, time and permissions (links by target). */
    static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(p -> !p.equals(root)).toList()) {
                String key = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    tree.put(key, "link->" + Files.readSymbolicLink(p) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
                } else if (Files.isDirectory(p)) {
                    tree.put(key, "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                            + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
                } else {
                    tree.put(key, Files.readString(p) + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()
                            + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
                }
            }
        }
        return tree;
    }
}
