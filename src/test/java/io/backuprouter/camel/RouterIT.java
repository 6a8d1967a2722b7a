package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestS3Server;
import io.backuprouter.testing.TestTargets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** The router loads every shipped route file, binds the target clients, and checks target health. */
class RouterIT {
    @RegisterExtension
    static final TestS3Server UP = TestS3Server.lenient();

    @TempDir
    Path dir;

    @Test
    void everyShippedRouteLoadsAndTargetHealthReportsUpAndDownTargets() throws Exception {
        String bucket = UP.createBucket();
        Map<String, String> lines = new LinkedHashMap<>(TestTargets.s3Lines("up", UP, bucket, "r", "minio"));
        TestTargets.s3Lines("down", UP, bucket, "r", "minio").forEach((k, v) ->
                lines.put(k, k.endsWith(".endpoint") ? "http://127.0.0.1:1" : v));
        Path config = dir.resolve("application.properties");
        Files.writeString(config, lines.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining("\n")) + "\ncamel.component.aws2-s3.autowired-enabled = false\n");
        RouterSettings settings = RouterSettings.read(ConfigFile.load(config));

        try (Targets targets = new Targets(settings.targets())) {
            Router router = new Router(settings, io.backuprouter.config.JobCatalog.read(Path.of("routes"), settings),
                    targets, config, Path.of("routes"));
            router.main().start();
            try {
                CamelContext camel = router.main().getCamelContext();
                assertThat(camel.getRoutes()).extracting(Route::getRouteId).containsAll(shippedRouteIds());
                assertThat(camel.getRegistry().lookupByNameAndType("s3-up", S3Client.class)).isNotNull();
                assertThat(camel.getRegistry().lookupByNameAndType("s3-down", S3Client.class)).isNotNull();

                TargetHealth health = camel.getRegistry().lookupByNameAndType("targetHealth", TargetHealth.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> health.results().size() == 2);
                assertThat(health.results().get("up").ok()).isTrue();
                assertThat(health.results().get("down").ok()).isFalse();
                assertThat(health.results().get("down").failure()).contains("cannot connect");
                assertThat(camel.getRouteController().getRouteStatus("target-health").isStarted())
                        .as("a target that is down does not stop the router").isTrue();
            } finally {
                router.main().stop();
            }
        }
    }

    /** The id of every route in routes/*.yaml, read from the files themselves. */
    static java.util.List<String> shippedRouteIds() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(l -> l.matches("\\s+id: [a-z0-9-]+\\s*")).map(l -> l.trim().substring(4).trim())
                    .toList();
        }
    }
}
