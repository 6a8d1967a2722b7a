package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestJobs;
import io.backuprouter.testing.TestS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The router in-process: kamelet-declared jobs run on change, a target that is down never stops it. */
class RouterIT {
    @RegisterExtension
    static final TestS3Server UP = TestS3Server.lenient();

    @TempDir
    Path dir;

    int managementPort;

    String get(String path) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + managementPort + path))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aJobBacksUpAtStartAndAfterEachQuietChangeWhileADownTargetIsReported() throws Exception {
        try (var socket = new java.net.ServerSocket(0)) {
            managementPort = socket.getLocalPort();
        }
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "first");
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("up", UP, UP.createBucket());
        jobs.writeConfig("watched", source, "up", Map.of());
        // The same job, triggered on change with a short quiet period, next to the shipped health route.
        Path routes = jobs.routesDir();
        onChange(routes.resolve("watched.camel.yaml"), "watched");
        Files.copy(Path.of("routes/target-health.camel.yaml"), routes.resolve("target-health.camel.yaml"));
        Files.writeString(jobs.configFile(), """
                backup.targets.down.provider = minio
                backup.targets.down.endpoint = http://127.0.0.1:1
                backup.targets.down.bucket = nowhere
                backup.targets.down.access-key = {{sys:user.name}}
                backup.targets.down.secret-key = {{sys:user.name}}
                camel.component.aws2-s3.autowired-enabled = false
                camel.management.enabled = true
                camel.management.host = 127.0.0.1
                camel.management.port = %d
                camel.management.healthCheckEnabled = true
                camel.management.metricsEnabled = true
                camel.metrics.enabled = true
                """.formatted(managementPort), StandardOpenOption.APPEND);
        RouterSettings settings = jobs.settings();

        try (Targets targets = new Targets(settings.targets())) {
            Router router = router(jobs, JobCatalog.read(routes, settings), targets);
            router.main().start();
            try {
                CamelContext camel = router.main().getCamelContext();
                assertThat(camel.getRoutes()).extracting(Route::getRouteId).contains("target-health", "backup-watched");
                assertThat(camel.getRegistry().lookupByNameAndType("s3-up", S3Client.class)).isNotNull();
                assertThat(camel.getRegistry().lookupByNameAndType("s3-down", S3Client.class)).isNotNull();
                StoredBackups stored = new StoredBackups(targets.store("up").orElseThrow(), "watched", jobs.identityFile());

                await().atMost(Duration.ofSeconds(30)).until(() -> stored.snapshotIds().size() == 1);
                Files.writeString(source.resolve("b.txt"), "second");
                await().atMost(Duration.ofSeconds(30)).until(() -> stored.snapshotIds().size() == 2);
                List<String> ids = stored.snapshotIds();
                assertThat(stored.snapshot(ids.get(1)).files()).extracting(f -> f.path()).containsExactly("a.txt", "b.txt");

                TargetHealth health = camel.getRegistry().lookupByNameAndType("targetHealth", TargetHealth.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> health.results().size() == 2);
                assertThat(health.results().get("up").ok()).isTrue();
                assertThat(health.results().get("down").failure()).contains("cannot connect");
                assertThat(camel.getRouteController().getRouteStatus("target-health").isStarted()).isTrue();

                // Over HTTP, as Prometheus and a load balancer read them.
                String metrics = get("/observe/metrics");
                assertThat(metrics).containsPattern("backup_snapshots_total\\{job=\"watched\"} 2\\.0")
                        .containsPattern("job_last_success_timestamp_seconds\\{job=\"watched\",target=\"up\"} \\d");
                String healthJson = get("/observe/health?exposureLevel=full");
                assertThat(healthJson).contains("\"status\":\"DOWN\"").contains("target down: cannot connect");
            } finally {
                router.main().stop();
            }
        }
    }

    /** The router over the test's settings and route files, not started. */
    static Router router(TestJobs jobs, JobCatalog catalog, Targets targets) {
        RouterSettings settings = jobs.settings();
        return new Router(settings, catalog, io.backuprouter.config.MirrorCatalog.read(jobs.routesDir(), settings), targets,
                jobs.configFile(), jobs.routesDir());
    }

    /** Turns the job TestJobs declared with backup-run into a backup-on-change job with a 1 s quiet period. */
    static void onChange(Path route, String job) throws IOException {
        Files.writeString(route, Files.readString(route)
                .replace("uri: direct:backup-" + job + "\n      steps:\n        - to:\n            uri: kamelet:backup-run\n            parameters:",
                        "uri: kamelet:backup-on-change\n      parameters:\n        quietPeriod: 1s")
                .replaceAll("\n              ", "\n        ") + "      steps:\n        - log: \"${body}\"\n");
    }

    @Test
    void aRestartWithNothingChangedMakesNoSnapshotButCountsAsASuccess() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("up", UP, UP.createBucket());
        jobs.writeConfig("watched", source, "up", Map.of("keepLast", "2"));
        Path routes = jobs.routesDir();
        onChange(routes.resolve("watched.camel.yaml"), "watched");
        RouterSettings settings = jobs.settings();
        JobCatalog catalog = JobCatalog.read(routes, settings);
        try (Targets targets = new Targets(settings.targets())) {
            String before = new io.backuprouter.backup.BackupRun(catalog.job("watched").orElseThrow(), targets.stores(),
                    java.time.Clock.systemUTC(), io.backuprouter.files.BackupProgress.NONE).run().snapshotId();
            StoredBackups stored = new StoredBackups(targets.store("up").orElseThrow(), "watched", jobs.identityFile());

            for (int start = 0; start < 3; start++) {
                Router router = router(jobs, catalog, targets);
                router.main().start();
                try {
                    RouterMetrics metrics = router.main().getCamelContext().getRegistry()
                            .lookupByNameAndType("routerMetrics", RouterMetrics.class);
                    await().atMost(Duration.ofSeconds(30)).until(() -> metrics.outcome("job", "watched", "up")
                            .map(RouterMetrics.Outcome::lastSuccess).isPresent());
                    assertThat(stored.snapshotIds()).containsExactly(before);
                } finally {
                    router.main().stop();
                }
            }
            assertThat(io.backuprouter.backup.JobState.readHistory(jobs.stateDir().resolve("watched")))
                    .singleElement().satisfies(h -> assertThat(h.unchangedAt()).isNotNull());
        }
    }

    @Test
    void aSourceFolderThatGoesAwayIsReportedAtOnceAndWatchedAgainWhenItIsBack() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("up", UP, UP.createBucket());
        jobs.writeConfig("watched", source, "up", Map.of());
        Path routes = jobs.routesDir();
        onChange(routes.resolve("watched.camel.yaml"), "watched");
        RouterSettings settings = jobs.settings();
        JobCatalog catalog = JobCatalog.read(routes, settings);
        try (Targets targets = new Targets(settings.targets())) {
            Router router = router(jobs, catalog, targets);
            router.main().start();
            try {
                StoredBackups stored = new StoredBackups(targets.store("up").orElseThrow(), "watched", jobs.identityFile());
                RouterMetrics metrics = router.main().getCamelContext().getRegistry()
                        .lookupByNameAndType("routerMetrics", RouterMetrics.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> stored.snapshotIds().size() == 1);

                // Unmounted, or moved away: no file event need come, yet the failure is known at once.
                Files.move(source, dir.resolve("moved-away"));
                await().atMost(Duration.ofSeconds(30)).until(() -> metrics.outcome("job", "watched", "up")
                        .map(RouterMetrics.Outcome::lastFailureReason).filter(r -> r.contains("does not exist")).isPresent());
                assertThat(io.backuprouter.backup.JobState.lastFailure(jobs.stateDir().resolve("watched"))).get()
                        .extracting(io.backuprouter.backup.JobState.Failure::reason).asString().contains("does not exist");

                // Back, with a change made meanwhile: watched anew and backed up.
                Files.writeString(dir.resolve("moved-away/b.txt"), "b");
                Files.move(dir.resolve("moved-away"), source);
                await().atMost(Duration.ofSeconds(30)).until(() -> stored.snapshotIds().size() == 2);
                Files.writeString(source.resolve("c.txt"), "c");
                await().atMost(Duration.ofSeconds(30)).until(() -> stored.snapshotIds().size() == 3);
            } finally {
                router.main().stop();
            }
        }
    }

    @Test
    void aPassphraseJobRunsInTheRouter() throws Exception {
        System.setProperty("router-it.passphrase", "a long passphrase for the router test");
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("up", UP, UP.createBucket());
        jobs.writeConfig("secret", source, "up", Map.of("passphrase", "{{sys:router-it.passphrase}}"));
        Path routes = jobs.routesDir();
        Path route = routes.resolve("secret.camel.yaml");
        // A job takes recipients or a passphrase: the route without the recipients TestJobs writes.
        Files.writeString(route, Files.readString(route).replaceAll("\n *recipients: \"age1[^\"]*\"", ""));
        onChange(route, "secret");
        RouterSettings settings = jobs.settings();
        JobCatalog catalog = JobCatalog.read(routes, settings);
        try (Targets targets = new Targets(settings.targets())) {
            Router router = router(jobs, catalog, targets);
            router.main().start();
            try {
                var store = targets.store("up").orElseThrow();
                await().atMost(Duration.ofSeconds(30)).until(() -> new io.backuprouter.repository.JobRepository(store, "secret").snapshots().size() == 1);
            } finally {
                router.main().stop();
            }
        }
    }

    @Test
    void aScheduledRunMissedWhileTheRouterWasStoppedRunsOnceAtStart() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a.txt"), "a");
        TestJobs jobs = new TestJobs(dir.resolve("home")).target("up", UP, UP.createBucket());
        jobs.writeConfig("nightly", source, "up", Map.of());
        Path routes = jobs.routesDir();
        Path route = routes.resolve("nightly.camel.yaml");
        Files.writeString(route, Files.readString(route)
                .replace("uri: direct:backup-nightly\n      steps:\n        - to:\n            uri: kamelet:backup-run\n            parameters:",
                        "uri: kamelet:backup-on-schedule\n      parameters:\n        schedule: \"0 0 3 * * ?\"")
                .replaceAll("\n              ", "\n        ") + "      steps:\n        - log: \"${body}\"\n");
        RouterSettings settings = jobs.settings();
        JobCatalog catalog = JobCatalog.read(routes, settings);
        try (Targets targets = new Targets(settings.targets())) {
            new io.backuprouter.backup.BackupRun(catalog.job("nightly").orElseThrow(), targets.stores(), java.time.Clock.systemUTC(),
                    io.backuprouter.files.BackupProgress.NONE).run();
            // The last snapshot was two days ago: at least one 03:00 run was missed.
            Path history = jobs.stateDir().resolve("nightly/history.json");
            String twoDaysAgo = java.time.Instant.now().minus(Duration.ofDays(2)).toString();
            Files.writeString(history, Files.readString(history).replaceAll("\"time\" : \"[^\"]+\"", "\"time\" : \"" + twoDaysAgo + "\""));
            // A run since then that no target took (all down) is not the last run to count.
            var entries = (com.fasterxml.jackson.databind.node.ArrayNode) io.backuprouter.catalog.Manifests.json().readTree(history.toFile());
            entries.addObject().put("id", "20990101T000000.000Z-00000000").put("time", java.time.Instant.now().toString())
                    .put("files", 1).put("bytes", 1).put("addedBytes", 1).putArray("targets");
            io.backuprouter.catalog.Manifests.json().writeValue(history.toFile(), entries);

            Router router = router(jobs, catalog, targets);
            router.main().start();
            try {
                StoredBackups stored = new StoredBackups(targets.store("up").orElseThrow(), "nightly", jobs.identityFile());
                await().atMost(Duration.ofSeconds(30)).until(() -> stored.snapshotIds().size() == 2);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> stored.snapshotIds().size() == 2);
            } finally {
                router.main().stop();
            }
        }
    }
}
