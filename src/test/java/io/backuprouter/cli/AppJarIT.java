package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.testing.AppProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, run the way the README says, in a fresh folder holding a copy of the shipped
 * {@code config/} and {@code routes/}. The embedded endpoint gets a free port ({@code -D} before
 * {@code -jar}) so that tests never collide with a running router.
 */
class AppJarIT {
    static final List<String> FREE_PORT = List.of("-Dbackup.embedded-s3.port=0", "-Dcamel.management.port=0");
    static final Duration COMMAND = Duration.ofSeconds(60);

    @TempDir
    Path home;

    @BeforeEach
    void copyShippedConfigAndRoutes() throws IOException {
        for (String folder : List.of("config", "routes", "demo")) {
            try (Stream<Path> files = Files.walk(Path.of(folder))) {
                for (Path source : files.toList()) {
                    Path target = home.resolve(source.toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
        }
    }

    @Test
    void theRouterStartsOnTheEmbeddedEndpointAndLogsWhichTargetsAreReady() throws Exception {
        try (AppProcess router = AppProcess.start(home, Map.of(), FREE_PORT)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> router.output().contains("Target local ready")
                    && router.output().contains("Health checks on") || !router.isAlive());
            String output = router.output();
            assertThat(output).contains("Embedded S3 endpoint on http://127.0.0.1:")
                    .containsPattern("Health checks on http://127\\.0\\.0\\.1:[1-9][0-9]*/observe/health")
                    .doesNotContain("0.0.0.0")
                    .contains("Started target-health")
                    .contains("Target local ready: s3://backups/backup-router")
                    .doesNotContain("ERROR");
            assertThat(router.isAlive()).isTrue();
            assertThat(router.stop()).isIn(0, 143);

            String secret = Files.readString(home.resolve("var/embedded-s3/secret-key")).trim();
            assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
            assertThat(router.output()).doesNotContain(secret);
        }
    }

    @Test
    void aJobWhoseTargetIsDownFailsInOneLogLineAndTheRouterRunsOn() throws Exception {
        // The demo's target is the embedded endpoint: with it off (and its keys left from an earlier
        // run), nothing answers there.
        List<String> noEmbeddedEndpoint = new java.util.ArrayList<>(FREE_PORT);
        noEmbeddedEndpoint.add("-Dbackup.embedded-s3.enabled=false");
        Path keys = Files.createDirectories(home.resolve("var/embedded-s3"));
        Files.writeString(keys.resolve("access-key"), "AKIDEXAMPLEEXAMPLE01");
        Files.writeString(keys.resolve("secret-key"), "wJalrXUtnFEMIEXAMPLEKEYEXAMPLEKEYEXAMPLE");
        try (AppProcess router = AppProcess.start(home, Map.of(), noEmbeddedEndpoint)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> router.output().contains("no target is reachable")
                    || !router.isAlive());
            String output = router.output();
            assertThat(output).containsPattern("WARN +backup-demo +job demo: no target is reachable, nothing was backed up")
                    .doesNotContain("DefaultErrorHandler").doesNotContain("\tat ").doesNotContain("Stacktrace");
            assertThat(router.isAlive()).isTrue();
            assertThat(router.stop()).isIn(0, 143);
        }
    }

    @Test
    void aFailureInTheUsersOwnStepsIsNotReportedAsTheBackupFailing() throws Exception {
        Path route = home.resolve("routes/demo.camel.yaml");
        Files.writeString(route, Files.readString(route) + """
                        - throwException:
                            exceptionType: java.lang.IllegalStateException
                            message: notification webhook down
                """);
        try (AppProcess router = AppProcess.start(home, Map.of(), FREE_PORT)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> router.output().contains("notification webhook down")
                    || !router.isAlive());
            assertThat(router.output()).contains("job demo: snapshot").contains("committed on local")
                    .doesNotContainPattern("WARN +backup-demo +notification webhook down");
            assertThat(router.isAlive()).isTrue();
            assertThat(router.stop()).isIn(0, 143);
        }
    }

    @Test
    void theDemoJobBacksUpAtStartAndTriggerFilesRunJobsOnDemand() throws Exception {
        try (AppProcess router = AppProcess.start(home, Map.of(), FREE_PORT)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> router.output().contains("job demo: snapshot")
                    || !router.isAlive());
            assertThat(router.output()).contains("Started backup-demo (kamelet:backup-on-change)")
                    .contains("Started backup-demo-nightly").contains("Started backup-triggers")
                    .containsPattern("job demo: snapshot \\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{8}: 7 files");

            Files.createDirectories(home.resolve("var/triggers"));
            Files.writeString(home.resolve("var/triggers/demo-nightly"), "");
            Files.writeString(home.resolve("var/triggers/no-such-job.trigger"), "");
            await().atMost(Duration.ofSeconds(60)).until(() -> router.output().contains("job demo-nightly: snapshot")
                    && Files.exists(home.resolve("var/triggers/failed/no-such-job.trigger")));
            assertThat(router.output()).containsPattern("job demo-nightly: snapshot .*: 6 files")
                    .contains("backup-triggers: unknown job \"no-such-job\"").contains("restart it after adding")
                    .doesNotContain("\tat ");
            assertThat(home.resolve("var/triggers/demo-nightly")).doesNotExist();
            assertThat(router.isAlive()).isTrue();
        }
        try (AppProcess list = AppProcess.start(home, Map.of(), FREE_PORT, "snapshots", "demo")) {
            assertThat(list.waitFor(COMMAND)).as(list.output()).isZero();
            assertThat(list.output()).containsPattern("\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{8} .* 7 ").contains("1 snapshot(s)");
        }
    }

    @Test
    void droppedRestoreRequestsRunAndLeaveAResultBesideThem() throws Exception {
        try (AppProcess router = AppProcess.start(home, Map.of(), FREE_PORT)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> router.output().contains("job demo: snapshot") || !router.isAlive());
            Path requests = Files.createDirectories(home.resolve("var/restore/requests"));
            Map<String, String> dropped = new java.util.LinkedHashMap<>();
            dropped.put("notes.yaml", "job: demo\ndestination: var/restored/notes\ninclude: [\"notes/**\"]\n");
            dropped.put("all.json", "{\"job\": \"demo\", \"destination\": \"var/restored/all\"}");
            dropped.put("unknown-job.yaml", "job: nope\ndestination: var/restored/x\n");
            dropped.put("system.yaml", "job: demo\ndestination: /etc/restored\n");
            // Neither the job's source folder nor var/restored, and backup.restore.allowed-roots is left empty as shipped.
            dropped.put("elsewhere.yaml", "job: demo\ndestination: elsewhere\n");
            dropped.put("garbage.yaml", "job: [\n  : :\n");
            dropped.put("note.txt", "job: demo\ndestination: var/restored/txt\n");
            dropped.put("1-readme.yaml", "job: demo\ndestination: var/restored/readme\ninclude: [README.md]\n");
            // Written under hidden names (never taken), then renamed: all arrive at once, in no particular order.
            for (var request : dropped.entrySet()) {
                Files.writeString(requests.resolve("." + request.getKey()), request.getValue());
            }
            for (String name : dropped.keySet()) {
                Files.move(requests.resolve("." + name), requests.resolve(name));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(requests.resolve("done/all.json.result.json"))
                    && Files.exists(requests.resolve("done/notes.yaml.result.json"))
                    && Files.exists(requests.resolve("done/1-readme.yaml.result.json"))
                    && Files.exists(requests.resolve("failed/unknown-job.yaml"))
                    && Files.exists(requests.resolve("failed/system.yaml"))
                    && Files.exists(requests.resolve("failed/elsewhere.yaml"))
                    && Files.exists(requests.resolve("failed/garbage.yaml"))
                    && Files.exists(requests.resolve("failed/note.txt.result.json")));
            // Requests that arrive together run in name order (number them to choose): the router's line for each
            // request ("Restore request NAME: ..." or "restore request NAME failed: ...") comes in that order.
            String log = router.output();
            java.util.function.ToIntFunction<String> lineOf = name -> java.util.stream.IntStream.of(
                    log.indexOf("estore request " + name + ":"), log.indexOf("estore request " + name + " failed"))
                    .filter(at -> at >= 0).min().orElseThrow(() -> new AssertionError("no line for request " + name + ":\n" + log));
            assertThat(dropped.keySet().stream().sorted(java.util.Comparator.comparingInt(lineOf)).toList())
                    .isEqualTo(dropped.keySet().stream().sorted().toList());

            assertThat(Files.readString(requests.resolve("done/all.json.result.json")))
                    .contains("\"status\" : \"done\"").contains("\"files\" : 7")
                    .contains("\"destination\" : \"" + home.resolve("var/restored/all").toAbsolutePath().normalize() + "\"");
            assertThat(home.resolve("var/restored/all/日记/2026-11-22 周日.md")).hasSameTextualContentAs(
                    home.resolve("demo/source/日记/2026-11-22 周日.md"));
            assertThat(home.resolve("var/restored/notes/notes/2026/plan.md")).exists();
            assertThat(home.resolve("var/restored/notes/README.md")).doesNotExist();
            assertThat(Files.readString(requests.resolve("failed/unknown-job.yaml.result.json"))).contains("unknown job").contains("nope");
            assertThat(Files.readString(requests.resolve("failed/system.yaml.result.json"))).contains("is a system folder");
            assertThat(Files.readString(requests.resolve("failed/elsewhere.yaml.result.json")))
                    .contains("is outside the allowed roots (" + home.resolve("demo/source") + ", "
                            + home.resolve("var/restored")).contains("backup.restore.allowed-roots");
            assertThat(home.resolve("elsewhere")).doesNotExist();
            assertThat(Files.readString(requests.resolve("failed/garbage.yaml.result.json")))
                    .contains("\\\"job\\\" (line 1, column 6): expected text");
            assertThat(Files.readString(requests.resolve("failed/note.txt.result.json")))
                    .contains("requests are .yaml, .yml or .json files; rename it (note.yaml)");
            assertThat(home.resolve("var/restored/txt")).doesNotExist();

            // The failed request, fixed and dropped again under its name: its outcome replaces the failure.
            Files.writeString(requests.resolve("unknown-job.yaml"), "job: demo\ndestination: var/restored/fixed\n");
            // The result is written first, then the route moves the request beside it: wait for both.
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(requests.resolve("done/unknown-job.yaml.result.json"))
                    && Files.exists(requests.resolve("done/unknown-job.yaml")));
            assertThat(requests.resolve("failed/unknown-job.yaml")).doesNotExist();
            assertThat(requests.resolve("failed/unknown-job.yaml.result.json")).doesNotExist();
            assertThat(requests.resolve("done/unknown-job.yaml")).exists();
            assertThat(home.resolve("var/restored/fixed/README.md")).exists();
            assertThat(Path.of("/etc/restored")).doesNotExist();
            assertThat(router.isAlive()).isTrue();
            assertThat(router.output()).doesNotContain("\tat ");
        }
    }

    @Test
    void aRestoreStoppedByASignalRemovesItsTemporaryFilesAndSaysSo() throws Exception {
        // Large enough that the restore is caught while it writes it.
        byte[] block = new byte[1024 * 1024];
        java.util.Random random = new java.util.Random(11);
        try (var out = Files.newOutputStream(home.resolve("demo/source/large.bin"))) {
            for (int i = 0; i < 192; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        try (AppProcess backup = AppProcess.start(home, Map.of(), FREE_PORT, "backup", "demo")) {
            assertThat(backup.waitFor(COMMAND)).as(backup.output()).isZero();
        }
        Path destination = home.resolve("restored");
        try (AppProcess restore = AppProcess.start(home, Map.of(), FREE_PORT, "restore", "demo", "--to", destination.toString())) {
            // Walking while the restore renames files may meet one that has just gone: look again.
            await().atMost(COMMAND).pollInterval(Duration.ofMillis(5)).ignoreExceptions()
                    .until(() -> !temporaries(destination).isEmpty() || !restore.isAlive());
            assertThat(restore.isAlive()).as("the restore is still writing: " + restore.output()).isTrue();

            // 143 when the signal's exit wins, 1 when the command's failure does: either way after the clean-up.
            assertThat(restore.stop()).isIn(1, 143);
            assertThat(restore.output()).contains("restore stopped before it finished")
                    .contains("its temporary files were removed").doesNotContain("damaged").doesNotContain("not restored");
        }
        assertThat(temporaries(destination)).isEmpty();
    }

    private static List<Path> temporaries(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".restore-tmp-")).toList();
        }
    }

    @Test
    void theDemoMirrorCopiesTheBackupsToASecondHomeThatRestores() throws Exception {
        try (AppProcess backup = AppProcess.start(home, Map.of(), FREE_PORT, "backup", "demo")) {
            assertThat(backup.waitFor(COMMAND)).as(backup.output()).isZero();
        }
        try (AppProcess dryRun = AppProcess.start(home, Map.of(), FREE_PORT, "mirror", "demo-mirror", "--dry-run")) {
            assertThat(dryRun.waitFor(COMMAND)).as(dryRun.output()).isZero();
            assertThat(dryRun.output()).contains("copy   local:demo/snapshots/").contains(" -> local-mirror:demo/snapshots/")
                    .contains(" -> local-mirror:demo/pieces/").contains("(dry run): 3 to copy"); // archive, listing piece, manifest
        }
        try (io.backuprouter.files.LockFile held = io.backuprouter.files.LockFile.tryAcquire(home.resolve("var/mirrors/demo-mirror.lock"))
                .orElseThrow()) {
            // Another process (here: this test) making a pass of the same mirror: the command refuses, naming it.
            try (AppProcess busy = AppProcess.start(home, Map.of(), FREE_PORT, "mirror", "demo-mirror")) {
                assertThat(busy.waitFor(COMMAND)).as(busy.output()).isEqualTo(1);
                assertThat(busy.output()).contains("mirror demo-mirror is already running")
                        .contains("is locked by process " + ProcessHandle.current().pid()).doesNotContain("\tat ");
            }
        }
        try (AppProcess mirror = AppProcess.start(home, Map.of(), FREE_PORT, "mirror", "demo-mirror")) {
            assertThat(mirror.waitFor(COMMAND)).as(mirror.output()).isZero();
            assertThat(mirror.output()).contains("mirror demo-mirror: 3 copied").contains("0 failed");
        }
        try (AppProcess again = AppProcess.start(home, Map.of(), FREE_PORT, "mirror", "demo-mirror")) {
            assertThat(again.waitFor(COMMAND)).isZero();
            assertThat(again.output()).contains("0 copied").contains("3 unchanged");
        }
        try (AppProcess restore = AppProcess.start(home, Map.of(), FREE_PORT, "restore", "demo", "--target", "local-mirror",
                "--to", "var/restored-from-mirror")) {
            assertThat(restore.waitFor(COMMAND)).as(restore.output()).isZero();
            assertThat(restore.output()).contains("from local-mirror: 7 files");
        }
        try (AppProcess verify = AppProcess.start(home, Map.of(), FREE_PORT, "verify", "demo", "--target", "local-mirror",
                "--read-data")) {
            assertThat(verify.waitFor(COMMAND)).as(verify.output()).isZero();
            assertThat(verify.output()).contains("ok   local-mirror: 1 snapshot(s)");
        }
        assertThat(home.resolve("var/restored-from-mirror/notes/2026/plan.md"))
                .hasSameTextualContentAs(home.resolve("demo/source/notes/2026/plan.md"));
    }

    @Test
    void backupMakesOneSnapshotAndExitsZero() throws Exception {
        Files.createSymbolicLink(home.resolve("demo/source/hosts"), Path.of("/etc/hosts"));
        try (AppProcess backup = AppProcess.start(home, Map.of(), FREE_PORT, "backup", "demo")) {
            assertThat(backup.waitFor(COMMAND)).as(backup.output()).isZero();
            assertThat(backup.output()).containsPattern("job demo: snapshot .*: 7 files").contains("committed on local");
            // A warning is said once (on standard output, after the summary), not also as a log line.
            assertThat(backup.output().split("link leads outside the folder", -1)).as(backup.output()).hasSize(2);
            // The command's own embedded endpoint, gone when it ends, is no news.
            assertThat(backup.output()).doesNotContain("Embedded S3 endpoint on");
        }
        try (AppProcess status = AppProcess.start(home, Map.of(), FREE_PORT, "status")) {
            assertThat(status.waitFor(COMMAND)).as(status.output()).isZero();
            assertThat(status.output()).containsPattern("demo +local +ok +1 ")
                    .containsPattern("demo-nightly +local +pending +0 ").contains("no snapshot yet");
        }
        try (AppProcess unknown = AppProcess.start(home, Map.of(), FREE_PORT, "backup", "nope")) {
            assertThat(unknown.waitFor(COMMAND)).isEqualTo(1);
            assertThat(unknown.output()).contains("unknown job \"nope\"").contains("demo").doesNotContain("did you mean");
        }
        try (AppProcess misspelt = AppProcess.start(home, Map.of(), FREE_PORT, "snapshots", "dmeo")) {
            assertThat(misspelt.waitFor(COMMAND)).isEqualTo(1);
            assertThat(misspelt.output()).contains("unknown job \"dmeo\" (did you mean demo?)");
        }
    }

    @Test
    void aSecondRouterInTheSameFolderRefusesToStart() throws Exception {
        try (AppProcess first = AppProcess.start(home, Map.of(), FREE_PORT)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> first.output().contains("Target local ready") || !first.isAlive());
            try (AppProcess second = AppProcess.start(home, Map.of(), FREE_PORT)) {
                assertThat(second.waitFor(COMMAND)).isNotZero();
                assertThat(second.output()).contains("another router is already running here")
                        .contains("var/router.lock is locked by process").doesNotContain("\tat ");
            }
            assertThat(first.isAlive()).isTrue();
        }
    }

    @Test
    void targetsCheckIsGreenOnTheEmbeddedDefault() throws Exception {
        try (AppProcess check = AppProcess.start(home, Map.of(), FREE_PORT, "targets", "check")) {
            assertThat(check.waitFor(COMMAND)).as(check.output()).isZero();
            assertThat(check.output()).contains("ok   local").contains("ok   local-mirror").contains("All 2 target(s) passed.");
        }
    }

    @Test
    void aWrongSecretFailsTheCheckAndNeverAppearsInTheOutput() throws Exception {
        String wrongSecret = "NotTheRightSecret-0123456789abcdef";
        Files.writeString(home.resolve("config/application.properties"), """

                backup.targets.bad.provider = minio
                backup.targets.bad.endpoint = http://127.0.0.1:{{backup.embedded-s3.port}}
                backup.targets.bad.bucket = backups
                backup.targets.bad.access-key = {{file:var/embedded-s3/access-key}}
                backup.targets.bad.secret-key = {{env:BAD_SECRET}}
                """, StandardOpenOption.APPEND);
        try (AppProcess check = AppProcess.start(home, Map.of("BAD_SECRET", wrongSecret), FREE_PORT,
                "targets", "check", "--verbose")) {
            assertThat(check.waitFor(COMMAND)).isEqualTo(1);
            assertThat(check.output()).contains("ok   local").contains("FAIL bad")
                    .contains("the secret key does not match").doesNotContain(wrongSecret);
            String secret = Files.readString(home.resolve("var/embedded-s3/secret-key")).trim();
            assertThat(check.output()).doesNotContain(secret);
        }
    }

    @Test
    void aBrokenConfigStopsStartUpWithFileLineAndFixButNoStackTrace() throws Exception {
        Path config = home.resolve("config/application.properties");
        int lines = Files.readAllLines(config).size();
        Files.writeString(config, "backup.targets.local.provider = minoi\nbackup.targets.local.part-sise = 8MiB\n",
                StandardOpenOption.APPEND);
        try (AppProcess router = AppProcess.start(home, Map.of(), FREE_PORT)) {
            assertThat(router.waitFor(COMMAND)).isNotZero();
            assertThat(router.output())
                    .contains("config/application.properties:" + (lines + 1)
                            + ": backup.targets.local.provider: unknown provider \"minoi\"")
                    .contains("did you mean minio?")
                    .contains("config/application.properties:" + (lines + 2) + ": backup.targets.local.part-sise: unknown setting")
                    .contains("did you mean backup.targets.local.part-size?")
                    .doesNotContain("\tat ").doesNotContain("Exception");
        }
    }

    @Test
    void aBrokenRouteFileStopsStartUpWithFileAndLine() throws Exception {
        Files.writeString(home.resolve("routes/broken.yaml"), "- route:\n    id: broken\n    from: [\n");
        try (AppProcess router = AppProcess.start(home, Map.of(), FREE_PORT)) {
            assertThat(router.waitFor(COMMAND)).isNotZero();
            assertThat(router.output()).contains("routes/broken.yaml:").contains("not valid YAML")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aRouteCamelCannotBuildStopsStartUpWithFileAndLine() throws Exception {
        Files.writeString(home.resolve("routes/unknown-step.yaml"), """
                - route:
                    id: unknown-step
                    from:
                      uri: timer:x
                      steps:
                        - frobnicate:
                            message: hi
                """);
        try (AppProcess router = AppProcess.start(home, Map.of(), FREE_PORT)) {
            assertThat(router.waitFor(COMMAND)).isNotZero();
            assertThat(router.output()).contains("routes/unknown-step.yaml:6: Unknown node id: frobnicate")
                    .contains("hint: check the step and its options").doesNotContain("\tat ").doesNotContain("SIGTERM");
        }
    }

    @Test
    void aCamelSettingTypoIsReportedWithItsLine() throws Exception {
        Path config = home.resolve("config/application.properties");
        int lines = Files.readAllLines(config).size();
        Files.writeString(config, "camel.main.nmae = typo\n", StandardOpenOption.APPEND);
        try (AppProcess router = AppProcess.start(home, Map.of(), FREE_PORT)) {
            assertThat(router.waitFor(COMMAND)).isNotZero();
            assertThat(router.output())
                    .contains("config/application.properties:" + (lines + 1) + ": camel.main.nmae: Camel has no such setting")
                    .contains("hint: check the name against").doesNotContain("\tat ").doesNotContain("SIGTERM");
        }
    }

    @Test
    void theSettingsFileCanBeNamedByTheEnvironmentAsDockerComposeDoes() throws Exception {
        Map<String, String> env = Map.of("BACKUP_ROUTER_CONFIG", "config/compose.properties", "MINIO_A_ACCESS_KEY", "a",
                "MINIO_A_SECRET_KEY", "secret-a", "MINIO_B_ACCESS_KEY", "b", "MINIO_B_SECRET_KEY", "secret-b");
        try (AppProcess list = AppProcess.start(home, env, FREE_PORT, "targets", "list")) {
            assertThat(list.waitFor(COMMAND)).as(list.output()).isZero();
            assertThat(list.output()).contains("minio-a").contains("minio-b").doesNotContain("local-mirror");
        }
    }

    @Test
    void listingTargetsStartsNothing() throws Exception {
        // --verbose: a one-shot command's own endpoint is announced only at DEBUG.
        try (AppProcess list = AppProcess.start(home, Map.of(), FREE_PORT, "targets", "list", "--verbose")) {
            assertThat(list.waitFor(COMMAND)).as(list.output()).isZero();
            assertThat(list.output()).contains("local").contains("other").doesNotContain("Embedded S3 endpoint on");
        }
    }

    @Test
    void serveS3RunsTheEndpointAloneForOtherTools() throws Exception {
        try (AppProcess server = AppProcess.start(home, Map.of(), List.of(),
                "serve-s3", "--dir", "var/s3", "--port", "0", "--bucket", "shared")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> server.output().contains("Press Ctrl-C to stop."));
            assertThat(server.output()).contains("S3 endpoint: http://127.0.0.1:").contains("bucket: shared");
            assertThat(home.resolve("var/s3/access-key")).exists();
            assertThat(home.resolve("var/s3/data/shared")).isDirectory();
        }
    }
}
