package io.backuprouter.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.catalog.ArchiveInfo;
import io.backuprouter.catalog.FileEntry;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotStats;
import io.backuprouter.crypto.Age;
import io.backuprouter.crypto.AgeKeys;
import io.backuprouter.testing.AppProcess;
import io.backuprouter.testing.TestS3Server;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Hostile-input campaign: broken settings and route files (the router must refuse to start with a
 * message naming the file, line or key, and no stack trace), malformed restore requests dropped
 * into a running router (each gets a result file naming the problem; the router keeps running),
 * and hostile stored snapshots (zip slip, absolute paths, link escapes, zip bombs, wrong keys,
 * objects that are not age or not zip): each is refused by name and nothing outside the
 * destination is touched.
 */
class HostileInputCampaignIT {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @TempDir
    Path dir;

    Ledger ledger;
    CampaignHome home;
    Path source;
    String bucket;

    @Test
    void everyHostileInputIsRefusedByNameAndNothingOutsideTheDestinationIsTouched() throws Exception {
        ledger = new Ledger("hostile-input");
        source = dir.resolve("source");
        new ReferenceData(source, 3).generate(20, 1, 64 * 1024);
        bucket = S3.createBucket();
        home = new CampaignHome(dir.resolve("home"), ledger).s3Target("a", S3, bucket);
        home.set("backup.restore.allowed-roots", dir.resolve("restores").toString());
        home.set("backup.restore.max-expansion", "100");
        home.set("camel.management.enabled", "false");
        home.writeSettings();
        home.job("ref", source, "a", Map.of());
        Files.createDirectories(dir.resolve("restores"));
        for (String shipped : List.of("restore-drop.camel.yaml", "error-handling.camel.yaml")) {
            Files.copy(Path.of("routes", shipped), home.dir.resolve("routes/" + shipped));
        }
        CampaignHome.Run backup = home.run("backup", "ref");
        assertThat(backup.exitCode()).as(backup.output()).isZero();

        settingsAndRouteFiles();
        droppedRequests();
        hostileSnapshots();

        ledger.scanTree(home.dir.resolve("var"), Set.of());
        ledger.finish();
    }

    // ---------------------------------------------------------------- settings and route files

    private void settingsAndRouteFiles() throws Exception {
        Path settings = home.configFile();
        String good = Files.readString(settings);
        Map<String, String> badSettings = new LinkedHashMap<>();
        badSettings.put("unknown provider", "backup.targets.a.provider = minnio");
        badSettings.put("endpoint that is not a URL", "backup.targets.a.endpoint = htp//127.0.0.1 :9000");
        badSettings.put("misspelt key", "backup.targets.a.secret-kye = x");
        badSettings.put("size that is not a size", "backup.targets.a.part-size = lots");
        badSettings.put("secret from a missing variable", "backup.targets.a.secret-key = {{env:BR_FAULTS_NO_SUCH_VARIABLE}}");
        badSettings.put("secret from a missing file", "backup.targets.a.secret-key = {{file:/no/such/secret-file}}");
        badSettings.put("expansion limit out of range", "backup.restore.max-expansion = -5");
        badSettings.put("unknown target type", "backup.targets.a.type = ftp");
        badSettings.put("camel setting typo", "camel.main.nmae = router");
        for (var bad : badSettings.entrySet()) {
            String key = bad.getValue().substring(0, bad.getValue().indexOf(" =")).trim();
            Files.writeString(settings, good + bad.getValue() + "\n");
            int line = (int) good.lines().count() + 1;
            refusedAtStart("settings: " + bad.getKey(), "application.properties", List.of(":" + line, key));
        }
        Files.write(settings, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0x41, '=', (byte) 0xc3, '\n'});
        refusedAtStart("settings: binary garbage", "application.properties", List.of());
        Files.writeString(settings, good);

        Path route = home.dir.resolve("routes/ref.camel.yaml");
        String goodRoute = Files.readString(route);
        Map<String, String[]> badRoutes = new LinkedHashMap<>();
        badRoutes.put("YAML that does not parse", new String[] {"parameters:\n", "parameters:\n  \t bad: \"unclosed\n"});
        badRoutes.put("unknown kamelet parameter", new String[] {"source:", "sorce:"});
        badRoutes.put("parameter of the wrong type", new String[] {"parameters:\n", "parameters:\n              keepLast: \"many\"\n"});
        badRoutes.put("a target that does not exist", new String[] {"targets: \"a\"", "targets: \"a, nowhere\""});
        badRoutes.put("misspelt kamelet", new String[] {"kamelet:backup-run", "kamelet:backup-rnu"});
        badRoutes.put("missing required parameter", new String[] {"              source: \"" + source + "\"\n", ""});
        badRoutes.put("recipient that is not an age key", new String[] {"recipients: \"age1", "recipients: \"age2"});
        for (var bad : badRoutes.entrySet()) {
            assertThat(goodRoute).contains(bad.getValue()[0]);
            Files.writeString(route, goodRoute.replace(bad.getValue()[0], bad.getValue()[1]));
            refusedAtStart("route file: " + bad.getKey(), "ref.camel.yaml", List.of());
        }
        Files.writeString(route, goodRoute);
        Path schedule = home.dir.resolve("routes/nightly.camel.yaml");
        Files.writeString(schedule, "- route:\n    from:\n      uri: kamelet:backup-on-schedule\n      parameters:\n"
                + "        job: nightly\n        source: \"" + source + "\"\n        targets: a\n"
                + "        recipients: \"" + home.recipient() + "\"\n        schedule: \"0 61 25 * * ?\"\n      steps:\n        - log: done\n");
        refusedAtStart("route file: a cron that is not a time", "nightly.camel.yaml", List.of("61"));
        Files.writeString(schedule, goodRoute.replace("direct:backup-ref", "direct:backup-ref-2"));
        refusedAtStart("route file: the same route id in two files", "nightly.camel.yaml", List.of("ref.camel.yaml:2", "backup-ref"));
        Files.writeString(schedule, goodRoute.replace("backup-ref", "backup-ref-2").replace(source.toString(), dir.toString()));
        refusedAtStart("route file: the same job with other settings in two files", "nightly.camel.yaml",
                List.of("ref.camel.yaml", "job \"ref\""));
        Files.writeString(schedule, "route:\n  from: timer:x\n");
        refusedAtStart("route file: a map where a list belongs", "nightly.camel.yaml", List.of());
        Files.delete(schedule);
    }

    /** The router must refuse to start: non-zero exit, the file named (and the line or key), no stack trace. */
    private void refusedAtStart(String name, String file, List<String> mentions) throws Exception {
        CampaignHome.Run run = home.run(Duration.ofSeconds(90), "run");
        ledger.count("settings and route files", 1);
        ledger.check(name, () -> {
            assertThat(run.exitCode()).as(run.output()).isNotZero();
            assertThat(run.output()).as(run.output()).contains(file);
            for (String mention : mentions) {
                assertThat(run.output()).as(run.output()).contains(mention);
            }
            assertThat(run.output()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception in thread");
        });
    }

    // ---------------------------------------------------------------- requests dropped into a running router

    private void droppedRequests() throws Exception {
        Path restores = dir.resolve("restores");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.createSymbolicLink(restores.resolve("link-out"), outside);
        Map<String, byte[]> requests = new LinkedHashMap<>();
        byte[] garbage = new byte[4096];
        new Random(5).nextBytes(garbage);
        requests.put("garbage.yaml", garbage);
        requests.put("empty.yaml", new byte[0]);
        requests.put("a-list.yaml", "- job: ref\n- destination: x\n".getBytes());
        requests.put("unknown-job.yaml", ("job: nope\ndestination: " + restores.resolve("x") + "\n").getBytes());
        requests.put("escaping-destination.yaml", ("job: ref\ndestination: " + restores + "/../outside/x\n").getBytes());
        requests.put("destination-through-a-link.yaml", ("job: ref\ndestination: " + restores.resolve("link-out/x") + "\n").getBytes());
        requests.put("system-folder.json", "{\"job\": \"ref\", \"destination\": \"/etc\"}".getBytes());
        requests.put("huge.yaml", ("job: ref\ndestination: " + restores.resolve("x") + "\ncomment: \"" + "x".repeat(200_000) + "\"\n")
                .getBytes());
        requests.put("unknown-field.yaml", ("job: ref\ndestination: " + restores.resolve("x") + "\nsnapshott: latest\n").getBytes());
        requests.put("unknown-snapshot.yaml", ("job: ref\ndestination: " + restores.resolve("x") + "\nsnapshot: 19990101\n").getBytes());
        requests.put("nul-in-destination.json", ("{\"job\": \"ref\", \"destination\": \"" + restores + "/a\\u0000b\"}").getBytes());
        requests.put("bad-time.yaml", ("job: ref\ndestination: " + restores.resolve("x") + "\nat: yesterday\n").getBytes());
        requests.put("bad-overwrite.yaml", ("job: ref\ndestination: " + restores.resolve("x") + "\noverwrite: sometimes\n").getBytes());
        Map<String, String> reasons = Map.ofEntries(Map.entry("garbage.yaml", "not a YAML or JSON request"),
                Map.entry("empty.yaml", "the request is empty"), Map.entry("a-list.yaml", "not a request"),
                Map.entry("unknown-job.yaml", "unknown job \"nope\""), Map.entry("escaping-destination.yaml", "outside the allowed roots"),
                Map.entry("destination-through-a-link.yaml", "outside the allowed roots"),
                Map.entry("system-folder.json", "outside the allowed roots"), Map.entry("huge.yaml", "at most"),
                Map.entry("unknown-field.yaml", "unknown field \"snapshott\""), Map.entry("unknown-snapshot.yaml", "19990101"),
                Map.entry("nul-in-destination.json", "destination"), Map.entry("bad-time.yaml", "\"at\""),
                Map.entry("bad-overwrite.yaml", "overwrite"));
        Map<String, FileState> outsideBefore = listing(dir, restores);

        Path inbox = home.dir.resolve("var/restore/requests");
        try (AppProcess router = home.start("run")) {
            await().atMost(Duration.ofMinutes(2)).until(() -> router.output().contains("Started restore-drop") || !router.isAlive());
            Files.createDirectories(inbox);
            for (var request : requests.entrySet()) {
                Files.write(inbox.resolve(request.getKey()), request.getValue());
            }
            for (String name : requests.keySet()) {
                Path result = inbox.resolve("failed/" + name + ".result.json");
                boolean arrived = awaitFile(result, router);
                ledger.count("dropped requests", 1);
                ledger.check("request: " + name, () -> {
                    assertThat(arrived).as("result file " + result + "; router output:\n" + router.output()).isTrue();
                    String text = Files.readString(result);
                    ledger.scan(result.toString(), text);
                    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
                    assertThat(json.path("status").asText()).isEqualTo("failed");
                    assertThat(json.path("reason").asText()).contains(reasons.get(name));
                });
            }
            Path good = restores.resolve("good");
            Files.writeString(inbox.resolve("good.yaml"), "job: ref\ndestination: " + good + "\n");
            boolean done = awaitFile(inbox.resolve("done/good.yaml.result.json"), router);
            ledger.check("the router still runs and carries out a good request after them", () -> {
                assertThat(done).as(router.output()).isTrue();
                assertThat(router.isAlive()).isTrue();
                assertThat(ReferenceData.hashes(good)).isEqualTo(ReferenceData.hashes(source));
            });
            home.scanned(router, "run (requests dropped)");
        }
        Map<String, FileState> outsideAfter = listing(dir, restores);
        ledger.check("requests: nothing outside the destinations changed", () -> assertThat(outsideAfter).isEqualTo(outsideBefore));
        ledger.check("requests: nothing written through the escaping link", () -> assertThat(outside).isEmptyDirectory());
    }

    private static boolean awaitFile(Path file, AppProcess router) {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file) || !router.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
        return Files.exists(file);
    }

    // ---------------------------------------------------------------- hostile stored snapshots

    private int snapshots;

    private void hostileSnapshots() throws Exception {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        String payload = "pwned";
        String sha = sha(payload.getBytes());
        Path jail = Files.createDirectories(dir.resolve("jail"));
        String absolute = "/tmp/br-hostile-" + Long.toHexString(System.nanoTime());

        hostile("zip slip: a path climbing out", Map.of("../../evil", payload.getBytes()),
                List.of(file("../escaped.txt", payload, "../../evil")), "refused", jail);
        hostile("zip slip: climbing out through a folder", Map.of("e", payload.getBytes()),
                List.of(file("inside/../../up.txt", payload, "e")), "refused", jail);
        hostile("absolute path", Map.of("e", payload.getBytes()), List.of(file(absolute, payload, "e")), "refused", jail);
        hostile("Windows drive path", Map.of("e", payload.getBytes()), List.of(file("C:/windows.txt", payload, "e")), "refused", jail);
        hostile("backslash path climbing out", Map.of("e", payload.getBytes()), List.of(file("..\\..\\bs.txt", payload, "e")),
                "refused", jail);
        hostile("link escaping the destination", Map.of("e", payload.getBytes()), List.of(
                new FileEntry("out", "symlink", 0, t, null, null, null, null, "../../outside-link"),
                file("out/payload.txt", payload, "e")), "refused", jail);
        hostile("absolute link", Map.of("e", payload.getBytes()), List.of(
                new FileEntry("etc", "symlink", 0, t, null, null, null, null, "/etc"),
                file("etc/passwd-copy", payload, "e")), "refused", jail);

        byte[] zeros = new byte[64 * 1024 * 1024];
        hostile("zip bomb past the configured ratio", Map.of("bomb", zeros),
                List.of(new FileEntry("bomb.bin", "file", zeros.length, t, "0644", sha(zeros), null, "bomb", null)),
                "zip bomb", jail);
        verifyFails("zip bomb past the configured ratio", "bomb expands more than 100 times");
        hostile("zip bomb in an entry no file uses", Map.of("bomb", zeros, "e", payload.getBytes()),
                List.of(file("small.txt", payload, "e")), "zip bomb", jail);
        verifyFails("zip bomb in an entry no file uses", "bomb expands more than 100 times");
        byte[] longer = new byte[4 * 1024 * 1024];
        new Random(1).nextBytes(longer);
        hostile("entry longer than its manifest says", Map.of("long", longer),
                List.of(new FileEntry("short.txt", "file", 10, t, "0644", sha(payload.getBytes()), null, "long", null)),
                "longer than the 10 bytes", jail);
        verifyFails("entry longer than its manifest says", "entry long is longer than the 10 bytes");
        hostile("content that does not match its hash", Map.of("e", "other".getBytes()),
                List.of(file("mismatch.txt", payload, "e")), "does not match", jail);
        verifyFails("content that does not match its hash", "entry e does not match its SHA-256");

        // Objects that are not what they claim.
        String okArchive = randomId();
        putArchive(okArchive, Map.of("e", payload.getBytes()), List.of(home.recipient()));
        Snapshot wrongKey = snapshot(List.of(new ArchiveInfo(okArchive, ArchiveInfo.keyOf(okArchive), 1, 1)),
                List.of(file("x.txt", payload, "e", okArchive)));
        putManifest(wrongKey, List.of(AgeKeys.generate().recipient()));
        restoreFails("manifest encrypted to another key", wrongKey.id(), "encrypted to other recipients", jail);

        Snapshot plain = snapshot(List.of(), List.of());
        put("ref-evil/" + plain.key(), "this is not age".getBytes());
        restoreFails("manifest that is not age at all", plain.id(), plain.id(), jail);

        Snapshot notJson = snapshot(List.of(), List.of());
        ByteArrayOutputStream encrypted = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(encrypted, List.of(home.recipient()))) {
            out.write("{\"format\": [1, 2".getBytes());
        }
        put("ref-evil/" + notJson.key(), encrypted.toByteArray());
        restoreFails("manifest that is age but not JSON", notJson.id(), notJson.id(), jail);

        Snapshot future = new Snapshot(Snapshot.FORMAT, 99, nextId(), "ref-evil", "attacker", t, null, "/",
                new SnapshotStats(0, 0, 0, 0, 0, 0, 0), List.of(), List.of());
        putManifest(future, List.of(home.recipient()));
        restoreFails("manifest of an unknown format version", future.id(), "99", jail);

        String notAge = randomId();
        put("ref-evil/" + ArchiveInfo.keyOf(notAge), "PK\u0003\u0004 not age".getBytes());
        Snapshot withNotAge = snapshot(List.of(new ArchiveInfo(notAge, ArchiveInfo.keyOf(notAge), 14, 1)),
                List.of(file("x.txt", payload, "e", notAge)));
        putManifest(withNotAge, List.of(home.recipient()));
        restoreFails("archive that is not age at all", withNotAge.id(), ArchiveInfo.keyOf(notAge), jail);

        String notZip = randomId();
        ByteArrayOutputStream noise = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(noise, List.of(home.recipient()))) {
            byte[] bytes = new byte[100_000];
            new Random(9).nextBytes(bytes);
            out.write(bytes);
        }
        put("ref-evil/" + ArchiveInfo.keyOf(notZip), noise.toByteArray());
        Snapshot withNotZip = snapshot(List.of(new ArchiveInfo(notZip, ArchiveInfo.keyOf(notZip), noise.size(), 1)),
                List.of(file("x.txt", payload, "e", notZip)));
        putManifest(withNotZip, List.of(home.recipient()));
        restoreFails("archive that is age but not zip", withNotZip.id(), ArchiveInfo.keyOf(notZip), jail);

        ledger.check("no absolute path was written", () ->
                assertThat(Path.of(absolute)).doesNotExist());
        ledger.check("nothing was written beside the destinations", () -> {
            try (Stream<Path> left = Files.list(jail)) {
                assertThat(left.map(p -> p.getFileName().toString())).allMatch(n -> n.startsWith("to-"));
            }
            assertThat(dir.resolve("outside-link")).doesNotExist();
            assertThat(dir.resolve("escaped.txt")).doesNotExist();
            assertThat(dir.resolve("up.txt")).doesNotExist();
        });
    }

    private FileEntry file(String path, String content, String entry) {
        return file(path, content, entry, null);
    }

    private FileEntry file(String path, String content, String entry, String archive) {
        return new FileEntry(path, "file", content.length(), Instant.parse("2026-01-01T00:00:00Z"), "0644",
                sha(content.getBytes()), archive, entry, null);
    }

    /** Stores a snapshot of job ref-evil whose files are in one crafted archive, and restores it. */
    private void hostile(String name, Map<String, byte[]> entries, List<FileEntry> files, String refusal, Path jail)
            throws Exception {
        String archive = randomId();
        long size = putArchive(archive, entries, List.of(home.recipient()));
        List<FileEntry> placed = files.stream().map(f -> f.isFile() ? new FileEntry(f.path(), f.type(), f.size(), f.mtime(),
                f.mode(), f.sha256(), archive, f.entry(), f.target()) : f).toList();
        Snapshot snapshot = snapshot(List.of(new ArchiveInfo(archive, ArchiveInfo.keyOf(archive), size, entries.size())), placed);
        putManifest(snapshot, List.of(home.recipient()));
        restoreFails("snapshot: " + name, snapshot.id(), refusal, jail);
    }

    private String lastHostileSnapshot;

    /** verify --read-data of the last hostile snapshot fails, naming what is wrong, within its bounds. */
    private void verifyFails(String name, String mention) throws Exception {
        CampaignHome.Run verify = home.run("verify", "ref-evil", "--snapshot", lastHostileSnapshot, "--read-data");
        ledger.count("hostile snapshots verified", 1);
        ledger.check("verify --read-data: " + name, () -> {
            assertThat(verify.exitCode()).as(verify.output()).isNotZero();
            assertThat(verify.output()).as(verify.output()).contains("FAIL a:").contains(mention);
            assertThat(verify.output()).as("no stack trace").doesNotContain("\tat ");
        });
    }

    private void restoreFails(String name, String snapshotId, String mention, Path jail) throws Exception {
        lastHostileSnapshot = snapshotId;
        if (!Files.exists(home.dir.resolve("routes/ref-evil.camel.yaml"))) {
            home.job("ref-evil", source, "a", Map.of());
        }
        Map<String, FileState> before = listing(dir, jail);
        Path to = jail.resolve("to-" + snapshots);
        CampaignHome.Run restore = home.run("restore", "ref-evil", "--snapshot", snapshotId, "--to", to.toString());
        ledger.count("hostile snapshots", 1);
        Map<String, FileState> after = listing(dir, jail);
        ledger.check(name.startsWith("snapshot: ") ? name : "snapshot: " + name, () -> {
            assertThat(restore.exitCode()).as(restore.output()).isNotZero();
            assertThat(restore.output()).as(restore.output()).contains(mention);
            assertThat(restore.output()).as("no stack trace").doesNotContain("\tat ");
            assertThat(after).as("nothing outside the destination changed").isEqualTo(before);
            if (Files.exists(to)) {
                try (Stream<Path> written = Files.walk(to)) {
                    assertThat(written.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)))
                            .as("only the harmless files, never a link out").allSatisfy(p ->
                                    assertThat(Files.isSymbolicLink(p)).isFalse());
                }
            }
        });
    }

    private long putArchive(String id, Map<String, byte[]> entries, List<String> recipients) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = Age.encrypt(bytes, recipients);
             ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
            for (var entry : new TreeMap<>(entries).entrySet()) {
                zip.putArchiveEntry(new ZipArchiveEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeArchiveEntry();
            }
        }
        put("ref-evil/" + ArchiveInfo.keyOf(id), bytes.toByteArray());
        return bytes.size();
    }

    private void putManifest(Snapshot snapshot, List<String> recipients) throws IOException {
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        Manifests.writeEncrypted(snapshot, manifest, recipients);
        put("ref-evil/" + snapshot.key(), manifest.toByteArray());
    }

    private void put(String key, byte[] bytes) {
        try (S3Client admin = S3.adminClient()) {
            admin.putObject(r -> r.bucket(bucket).key("backups/" + key), RequestBody.fromBytes(bytes));
        }
    }

    private Snapshot snapshot(List<ArchiveInfo> archives, List<FileEntry> files) {
        long bytes = files.stream().mapToLong(FileEntry::size).sum();
        return new Snapshot(Snapshot.FORMAT, 1, nextId(), "ref-evil", "attacker", Instant.parse("2026-01-01T00:00:00Z"), null,
                "/", new SnapshotStats(files.size(), 0, 0, bytes, files.size(), bytes, 0), archives, files);
    }

    private String nextId() {
        snapshots++;
        return String.format("20260101T0000%02d.000Z-deadbe%02d", snapshots, snapshots);
    }

    private static String randomId() {
        byte[] id = new byte[16];
        new java.security.SecureRandom().nextBytes(id);
        return HexFormat.of().formatHex(id);
    }

    record FileState(long size, long modified) {
    }

    /** Every path below root (links not followed) outside the excluded folder and the router's own var/ and restores. */
    private Map<String, FileState> listing(Path root, Path excluded) throws IOException {
        Map<String, FileState> states = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.startsWith(excluded) || p.startsWith(home.dir.resolve("var")) || p.startsWith(dir.resolve("restores"))
                        || p.getFileName().toString().startsWith("output-")) { // each command's captured output
                    continue;
                }
                var attributes = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                states.put(root.relativize(p).toString(), new FileState(attributes.isDirectory() ? 0 : attributes.size(),
                        attributes.isDirectory() ? 0 : attributes.lastModifiedTime().toMillis()));
            }
        }
        return states;
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
