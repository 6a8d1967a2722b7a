package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/backup-triggers.camel.yaml with routes/error-handling.camel.yaml, which it opts into: a file
 * named after a job, dropped into var/triggers, backs the job up now; a step that fails is caught by
 * the error handling declared once (one WARN line, no stack trace, no redelivery) and the file moves
 * to failed/. The job is the one routes/demo-nightly.camel.yaml declares.
 */
class BackupTriggersRouteIT extends ShippedRouteTestSupport {
    Path triggers;

    @Override
    List<String> shippedRoutes() {
        return List.of("error-handling.camel.yaml", "backup-triggers.camel.yaml", "demo-nightly.camel.yaml");
    }

    @BeforeEach
    void start() throws Exception {
        triggers = Files.createDirectories(home.resolve("var/triggers"));
        context.start();
    }

    @Test
    void aFileNamedAfterAJobBacksItUpAndIsDeleted() throws Exception {
        NotifyBuilder done = new NotifyBuilder(context).fromRoute("backup-triggers").whenCompleted(1).create();

        Files.writeString(triggers.resolve("demo-nightly.trigger"), "");

        assertThat(done.matches(30, TimeUnit.SECONDS)).as("the trigger was handled").isTrue();
        assertThat(stored("demo-nightly").snapshotIds()).hasSize(1);
        assertThat(triggers.resolve("demo-nightly.trigger")).doesNotExist();
        assertThat(triggers.resolve("failed")).doesNotExist();
    }

    @Test
    void aFailingStepIsCaughtByTheSharedErrorHandlingInOneLineAndTheFileMovesToFailed() throws Exception {
        NotifyBuilder failed = new NotifyBuilder(context).fromRoute("backup-triggers").whenFailed(1).create();

        Files.writeString(triggers.resolve("nightly.trigger"), "");

        assertThat(failed.matches(30, TimeUnit.SECONDS)).as("the step failed").isTrue();
        // Logged once by the routeConfiguration, with the route's id; Camel's own error handler logs nothing.
        assertThat(warnings("unknown job")).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).startsWith("backup-triggers: unknown job \"nightly\"; jobs: demo-nightly");
            assertThat(event.getThrowableProxy()).as("no stack trace").isNull();
        });
        assertThat(warnings("nightly.trigger")).as("no exhausted-delivery report").isEmpty();
        assertThat(triggers.resolve("failed/nightly.trigger")).exists();
        assertThat(triggers.resolve("nightly.trigger")).doesNotExist();

        // The router goes on: the next trigger works.
        NotifyBuilder next = new NotifyBuilder(context).fromRoute("backup-triggers").whenCompleted(1).create();
        Files.writeString(triggers.resolve("demo-nightly"), "");
        assertThat(next.matches(30, TimeUnit.SECONDS)).isTrue();
        assertThat(stored("demo-nightly").snapshotIds()).hasSize(1);
    }
}
