package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.junit.jupiter.api.Test;

/**
 * routes/restore-drop.camel.yaml (with routes/error-handling.camel.yaml, which it opts into): a request
 * dropped into var/restore/requests restores a snapshot, and moves to done/ beside its result, or to
 * failed/ with a result saying why; an editor's temporary file is left alone. The snapshot is the
 * one routes/demo.camel.yaml makes at start (that job has the identity a restore needs).
 */
class RestoreDropRouteIT extends ShippedRouteTestSupport {
    @Override
    List<String> shippedRoutes() {
        return List.of("error-handling.camel.yaml", "restore-drop.camel.yaml", "demo.camel.yaml");
    }

    @Override
    public void configureContext(CamelContextConfiguration configuration) {
        super.configureContext(configuration);
        // Requests are taken once the demo job has a snapshot.
        configuration.withAutoStartupExcludePatterns("restore-drop");
    }

    @Test
    void requestsMoveToDoneOrFailedBesideTheirResults() throws Exception {
        context.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> stored("demo").snapshotIds().size() == 1);
        Path requests = Files.createDirectories(home.resolve("var/restore/requests"));
        Path destination = home.resolve("var/restored/demo");
        drop(requests, "demo.yaml", "job: demo\ndestination: " + destination + "\n");
        drop(requests, "draft.yaml.tmp", "job: demo\n");
        drop(requests, "garbage.yaml", "job: [unclosed\n");
        drop(requests, "notes.txt", "restore please\n");
        NotifyBuilder handled = new NotifyBuilder(context).fromRoute("restore-drop").whenDone(3).create();

        context.getRouteController().startRoute("restore-drop");

        assertThat(handled.matches(30, TimeUnit.SECONDS)).as("three requests handled").isTrue();
        assertThat(result(requests.resolve("done/demo.yaml.result.json")).path("status").asText()).isEqualTo("done");
        assertThat(requests.resolve("done/demo.yaml")).exists();
        assertThat(home.contents("var/restored/demo")).isEqualTo(home.contents("demo/source"));

        assertThat(requests.resolve("failed/garbage.yaml")).exists();
        assertThat(result(requests.resolve("failed/garbage.yaml.result.json")).path("reason").asText())
                .contains("\"job\" (line 1, column 6)");
        assertThat(requests.resolve("failed/notes.txt")).exists();
        assertThat(result(requests.resolve("failed/notes.txt.result.json")).path("reason").asText())
                .contains("not a request: requests are .yaml, .yml or .json files");
        // Taken before garbage.yaml and notes.txt (by name) if it were taken at all.
        assertThat(requests.resolve("draft.yaml.tmp")).exists();
        assertThat(requests.resolve("failed/draft.yaml.tmp")).doesNotExist();

        // Each failure is one line from the shared error handling, without a stack trace.
        assertThat(warnings("restore-drop: restore request")).hasSize(2)
                .allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
    }

    /** Writes a request as if it had been dropped a while ago, so that one poll sees every file. */
    static void drop(Path folder, String name, String content) throws Exception {
        Files.setLastModifiedTime(Files.writeString(folder.resolve(name), content),
                FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));
    }

    static JsonNode result(Path file) throws Exception {
        return new ObjectMapper().readTree(file.toFile());
    }
}
