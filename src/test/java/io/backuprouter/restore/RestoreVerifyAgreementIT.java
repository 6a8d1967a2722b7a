package io.backuprouter.restore;

import static io.backuprouter.testing.ForgedBackups.TIME;
import static io.backuprouter.testing.ForgedBackups.file;
import static io.backuprouter.testing.ForgedBackups.link;
import static io.backuprouter.testing.ForgedBackups.sha;
import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.files.BackupProgress;
import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.repository.SnapshotRules;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.ForgedBackups;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore and verify judge every record alike: manifests forged with a random mix of hostile, damaged
 * and good records (each kind of defect an outside tester used, and more) are restored and verified,
 * and for every path the two give the same verdict: restored, or refused/not restored. Good records
 * beside them are restored byte for byte; nothing is written outside the destination.
 */
class RestoreVerifyAgreementIT {
    private static final int ROUNDS = 60;
    private static final int MAX_EXPANSION = 20;

    @TempDir
    Path dir;
    TestJobs jobs;
    Path target;
    ForgedBackups forged;

    @BeforeEach
    void job() throws IOException {
        target = Files.createDirectories(dir.resolve("a"));
        jobs = new TestJobs(dir.resolve("home")).folderTarget("a", target);
        jobs.job("docs", Files.createDirectories(dir.resolve("source")), "a");
        forged = new ForgedBackups(target, "docs", jobs.recipient());
    }

    /** What one defect adds to a manifest: records, the archives they need, and which paths must fail. */
    private final class Manifest {
        final List<FileEntry> records = new ArrayList<>();
        final List<ArchiveInfo> archives = new ArrayList<>();
        final Set<String> mustFail = new TreeSet<>();
        /** Links leading outside: failures when the policy refuses them, else notes. */
        final Set<String> outside = new TreeSet<>();
        final Map<String, byte[]> good = new LinkedHashMap<>();
        final Map<String, byte[]> shared = new LinkedHashMap<>();
        final List<FileEntry> inShared = new ArrayList<>();
        int n;

        String name(String stem) {
            return stem + "-" + (n++);
        }

        /** A record whose content is an entry of the archive the good files share. */
        void sharedEntry(FileEntry record, String entry, byte[] content, boolean fails) {
            shared.put(entry, content);
            inShared.add(record.storedIn(null, entry));
            if (fails) {
                mustFail.add(record.path());
            }
        }

        void bad(FileEntry record) {
            records.add(record);
            mustFail.add(record.path());
        }

        /** An archive of its own for this content, and a record that names it. */
        FileEntry alone(String path, byte[] content, ArchiveInfo archive) {
            archives.add(archive);
            FileEntry record = file(path, content, archive, "e");
            records.add(record);
            return record;
        }
    }

    private interface Defect {
        void add(Manifest m) throws IOException;
    }

    private final Map<String, Defect> defects = defects();

    private Map<String, Defect> defects() {
        Map<String, Defect> all = new LinkedHashMap<>();
        byte[] six = "sixsix".getBytes(StandardCharsets.UTF_8);
        all.put("path climbing out", m -> m.sharedEntry(rec("../" + m.name("escaped"), six), "up", six, true));
        all.put("path climbing through a folder", m -> m.sharedEntry(rec("in/../../" + m.name("up"), six), "up2", six, true));
        all.put("absolute path", m -> m.sharedEntry(rec(dir.resolve(m.name("absolute")).toString(), six), "abs", six, true));
        all.put("NUL in a name", m -> m.sharedEntry(rec(m.name("nul") + "\0.txt", six), "nul", six, true));
        all.put("backslashes", m -> m.sharedEntry(rec("..\\" + m.name("bs"), six), "bs", six, true));
        all.put("empty segment", m -> m.sharedEntry(rec("a//" + m.name("b"), six), "empty", six, true));
        all.put("dot segment", m -> m.sharedEntry(rec("./" + m.name("dot"), six), "dot", six, true));
        all.put("name over 255 bytes", m -> m.sharedEntry(rec("x".repeat(300) + m.name(""), six), "long", six, true));
        all.put("drive letter", m -> m.sharedEntry(rec("C:/" + m.name("win"), six), "drive", six, true));
        all.put("unknown type", m -> m.bad(new FileEntry(m.name("pipe"), "fifo", 0, TIME, "0644", null, null, null, null)));
        all.put("size larger than the entry", m -> {
            FileEntry r = rec(m.name("short"), six);
            m.sharedEntry(new FileEntry(r.path(), r.type(), 1000, TIME, "0644", sha(six), null, null, null), "short", six, true);
        });
        all.put("negative size", m -> m.sharedEntry(new FileEntry(m.name("neg"), "file", -5, TIME, "0644", sha(six), null,
                null, null), "neg", six, true));
        all.put("not a SHA-256", m -> m.sharedEntry(new FileEntry(m.name("nosha"), "file", 6, TIME, "0644", "not-a-hash", null,
                null, null), "nosha", six, true));
        all.put("mode that is not octal", m -> m.sharedEntry(new FileEntry(m.name("mode"), "file", 6, TIME, "9999", sha(six), null,
                null, null), "mode", six, true));
        all.put("no time", m -> m.sharedEntry(new FileEntry(m.name("notime"), "file", 6, null, "0644", sha(six), null,
                null, null), "notime", six, true));
        all.put("content that does not match", m -> m.sharedEntry(rec(m.name("other"), six), "other", "SIXSIX".getBytes(), true));
        all.put("entry the archive lacks", m -> {
            FileEntry r = rec(m.name("lacking"), six);
            m.inShared.add(new FileEntry(r.path(), r.type(), r.size(), TIME, "0644", r.sha256(), null, "no-such-entry", null));
            m.mustFail.add(r.path());
        });
        all.put("path recorded twice", m -> {
            String path = m.name("twice");
            m.sharedEntry(rec(path, six), "twice1", six, true);
            m.sharedEntry(rec(path, "other".getBytes()), "twice2", "other".getBytes(), true);
        });
        all.put("file below a link", m -> {
            String lnk = m.name("lnk");
            m.records.add(link(lnk, "."));
            m.sharedEntry(rec(lnk + "/below.txt", six), "below", six, true);
        });
        all.put("file below a file", m -> {
            String parent = m.name("plain");
            m.sharedEntry(rec(parent, six), "plain", six, false);
            m.sharedEntry(rec(parent + "/below.txt", six), "plain-below", six, true);
        });
        all.put("record with no type", m -> m.bad(new FileEntry(m.name("notype"), null, 0, TIME, "0644", null, null, null,
                null)));
        all.put("empty record", m -> {
            m.records.add(null);
            m.mustFail.add(SnapshotRules.shownOrPath(null));
        });
        all.put("archive size recorded wrongly", m -> {
            ArchiveInfo archive = forged.archive(Map.of("e", six));
            m.mustFail.add(m.alone(m.name("wrongsize"), six, new ArchiveInfo(archive.id(), archive.key(), archive.size() + 1, 1))
                    .path());
        });
        all.put("entry recorded at the wrong place", m -> {
            ForgedBackups.Placed placed = forged.placedArchive(Map.of("e", six, "f", "other".getBytes()), dir);
            m.archives.add(placed.archive());
            var place = placed.places().get("f");
            FileEntry ok = file(m.name("placed"), "other".getBytes(), placed.archive(), "f")
                    .storedAt(placed.archive().id(), "f", place.offset(), place.csize());
            FileEntry wrong = file(m.name("misplaced"), six, placed.archive(), "e")
                    .storedAt(placed.archive().id(), "e", placed.places().get("e").offset() + 1, placed.places().get("e").csize());
            m.records.add(ok);
            m.good.put(ok.path(), "other".getBytes());
            m.bad(wrong);
        });
        all.put("link with no target", m -> m.bad(new FileEntry(m.name("nolink"), "symlink", 0, TIME, null, null, null, null, "")));
        all.put("link leading outside (refused by default, left out when asked)", m -> {
            FileEntry out = link(m.name("out"), "../../outside");
            m.records.add(out);
            m.outside.add(out.path());
        });
        all.put("archive key climbing out", m -> {
            ArchiveInfo real = forged.archive(Map.of("e", six));
            m.archives.add(new ArchiveInfo(real.id(), "h/../../outside/planted.zip.age", real.size(), 1));
            m.bad(file(m.name("planted"), six, real, "e"));
        });
        all.put("archive the manifest does not list", m -> {
            ArchiveInfo unlisted = forged.archive(Map.of("e", six));
            m.bad(file(m.name("unlisted"), six, unlisted, "e"));
        });
        all.put("empty archive object", m -> m.mustFail.add(m.alone(m.name("empty"), six, forged.raw(new byte[0], 1)).path()));
        all.put("archive that is not age", m -> m.mustFail.add(m.alone(m.name("notage"), six,
                forged.raw("PK\u0003\u0004 not age".getBytes(), 1)).path()));
        all.put("archive header MAC damaged", m -> {
            ArchiveInfo archive = forged.archive(Map.of("e", six));
            byte[] bytes = forged.read(archive.key());
            int mac = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\n--- ") + 6;
            bytes[mac] = (byte) (bytes[mac] == 'A' ? 'B' : 'A');
            forged.write(archive.key(), bytes);
            m.mustFail.add(m.alone(m.name("mac"), six, archive).path());
        });
        all.put("archive body cut short", m -> {
            byte[] content = new byte[200_000];
            new Random(7).nextBytes(content);
            ArchiveInfo archive = forged.archive(Map.of("e", content));
            byte[] bytes = forged.read(archive.key());
            forged.write(archive.key(), Arrays.copyOf(bytes, bytes.length - 70_000));
            m.mustFail.add(m.alone(m.name("cut"), content, new ArchiveInfo(archive.id(), archive.key(), bytes.length - 70_000, 1))
                    .path());
        });
        all.put("archive for another key", m -> m.mustFail.add(m.alone(m.name("otherkey"), six,
                forged.archive(Map.of("e", six), AgeKeys.generate().recipient())).path()));
        all.put("zip bomb", m -> {
            byte[] zeros = new byte[4 * 1024 * 1024];
            ArchiveInfo archive = forged.archive(Map.of("e", zeros));
            m.mustFail.add(m.alone(m.name("bomb"), zeros, archive).path());
        });
        return all;
    }

    private static FileEntry rec(String path, byte[] content) {
        return new FileEntry(path, FileEntry.FILE, content.length, TIME, "0644", sha(content), null, null, null);
    }

    @Test
    void restoreAndVerifyGiveTheSameVerdictForEveryRecordOfEveryHostileManifest() throws Exception {
        Random random = new Random(Long.getLong("agreement.seed", 20261206L));
        List<String> kinds = List.copyOf(defects.keySet());
        Set<String> seen = new TreeSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            // Every kind alone once, then random mixtures of two to four.
            List<String> chosen = round < kinds.size() ? List.of(kinds.get(round))
                    : random.ints(2 + random.nextInt(3), 0, kinds.size()).mapToObj(kinds::get).distinct().toList();
            seen.addAll(chosen);
            // Both under restore's default for links leading outside (refuse), and under skip.
            checkAgreement(round, chosen, random, round % 2 == 0 ? RestoreRequest.OutsideLinks.REFUSE
                    : RestoreRequest.OutsideLinks.SKIP);
        }
        assertThat(seen).containsAll(kinds);
    }

    private void checkAgreement(int round, List<String> chosen, Random random, RestoreRequest.OutsideLinks links)
            throws Exception {
        Manifest m = new Manifest();
        for (int i = 0; i < 1 + random.nextInt(3); i++) {
            byte[] content = new byte[random.nextInt(50_000)];
            random.nextBytes(content);
            String path = "good/" + m.name("file") + ".bin";
            m.good.put(path, content);
            m.sharedEntry(rec(path, content), "good-" + i, content, false);
        }
        for (String kind : chosen) {
            defects.get(kind).add(m);
        }
        ArchiveInfo shared = forged.archive(m.shared);
        m.archives.add(shared);
        m.inShared.forEach(r -> m.records.add(new FileEntry(r.path(), r.type(), r.size(), r.mtime(), r.mode(), r.sha256(),
                shared.id(), r.entry(), r.target())));
        Snapshot snapshot = forged.snapshot(m.archives, m.records);
        Path to = dir.resolve("to-" + round);
        Set<String> before = outside(to);

        RestoreSummary restored = restore(snapshot.id(), to, links);
        Verifier.Result verified = verify(snapshot.id(), links);
        if (links == RestoreRequest.OutsideLinks.REFUSE) {
            m.mustFail.addAll(m.outside);
        }

        String what = "round " + round + " (" + links + "): " + chosen + "\nrestore: " + restored.problems() + "\nverify: " + verified.problems();
        Set<String> paths = m.records.stream().map(r -> SnapshotRules.shownOrPath(r == null ? null : r.path()))
                .collect(Collectors.toCollection(TreeSet::new));
        for (String path : paths) {
            boolean restoreFailed = restored.problems().stream().anyMatch(p -> p.startsWith(SnapshotRules.shown(path) + ": "));
            assertThat(verified.failedPaths().contains(path)).as("verify's verdict on " + SnapshotRules.shown(path)
                    + " is restore's; " + what).isEqualTo(restoreFailed);
        }
        assertThat(verified.failedPaths()).as(what).containsAll(m.mustFail).isSubsetOf(paths);
        assertThat(verified.ok()).as(what).isEqualTo(m.mustFail.isEmpty());
        assertThat(restored.complete()).as(what).isEqualTo(m.mustFail.isEmpty());
        for (var good : m.good.entrySet()) {
            assertThat(Files.readAllBytes(to.resolve(good.getKey()))).as(what).isEqualTo(good.getValue());
        }
        assertThat(restored.files()).as("the summary counts what was written; " + what).isEqualTo(m.good.size()
                + m.records.stream().filter(r -> r != null && r.path() != null && r.path().startsWith("plain-")
                && !r.path().contains("/")).count());
        assertThat(outside(to)).as("nothing outside the destination changed; " + what).isEqualTo(before);
    }

    /** Every path below the test's folder, except the destination and the target. */
    private Set<String> outside(Path destination) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.startsWith(destination) && !p.startsWith(target))
                    .filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || p.equals(dir))
                    .map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private RestoreSummary restore(String snapshot, Path to, RestoreRequest.OutsideLinks links) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Restorer("docs", List.of("a"), targets.stores(), AgeIdentity.read(jobs.identityFile()),
                    Clock.systemUTC(), BackupProgress.NONE).maxExpansion(MAX_EXPANSION)
                    .restore(new RestoreRequest("docs", snapshot, null, null, to, List.of(), RestoreRequest.Overwrite.IF_OLDER,
                            links));
        }
    }

    private Verifier.Result verify(String snapshot, RestoreRequest.OutsideLinks links) throws IOException {
        try (Targets targets = new Targets(jobs.settings().targets())) {
            return new Verifier("docs", targets.store("a").orElseThrow(), AgeIdentity.read(jobs.identityFile()))
                    .maxExpansion(MAX_EXPANSION).outsideLinks(links).verify(snapshot, true);
        }
    }
}
