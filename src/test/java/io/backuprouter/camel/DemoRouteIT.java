package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.backup.BackupSummary;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;

/**
 * routes/demo.camel.yaml: a backup-on-change job whose own step (setHeader SnapshotId) receives each
 * run's summary. The test adds a mock after that step, as a user adds a notification.
 */
class DemoRouteIT extends ShippedRouteTestSupport {
    @Override
    List<String> shippedRoutes() {
        return List.of("demo.camel.yaml");
    }

    @Test
    void theJobBacksUpAtStartAndTheUsersStepReceivesTheSummary() throws Exception {
        AdviceWith.adviceWith(context, "backup-demo", route -> route.weaveAddLast().to("mock:after-user-step"));
        MockEndpoint after = getMockEndpoint("mock:after-user-step");
        after.expectedMessageCount(1);
        context.start();

        after.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
        Exchange exchange = after.getReceivedExchanges().get(0);
        BackupSummary summary = exchange.getMessage().getBody(BackupSummary.class);
        assertThat(summary.complete()).as("%s", summary).isTrue();
        assertThat(summary.job()).isEqualTo("demo");
        assertThat(summary.committed()).containsExactly("local");
        assertThat(summary.files()).isEqualTo(7);
        // The shipped step: the snapshot's id as a header, for the user's next steps.
        assertThat(exchange.getMessage().getHeader("SnapshotId")).isEqualTo(summary.snapshotId());
        assertThat(stored("demo").snapshotIds()).containsExactly(summary.snapshotId());
    }

    @Test
    void aRunThatFailsIsLoggedInOneLineAndNeverReachesTheUsersSteps() throws Exception {
        // The folder is gone (an unmounted disk): the first check finds out at once.
        FileUtils.deleteDirectory(home.resolve("demo/source").toFile());
        assertThat(home.resolve("demo/source")).doesNotExist();
        AdviceWith.adviceWith(context, "backup-demo", route -> route.weaveAddLast().to("mock:after-user-step"));
        MockEndpoint after = getMockEndpoint("mock:after-user-step");
        after.expectedMessageCount(0);
        // The kamelet's timer route: done with the failure caught (the run failed, the route did not).
        NotifyBuilder failedRun = new NotifyBuilder(context).from("timer:backup-on-change-demo*")
                .whenAnyDoneMatches(e -> e.getProperty(Exchange.EXCEPTION_CAUGHT) != null).create();
        context.start();

        assertThat(failedRun.matches(30, TimeUnit.SECONDS)).as("a run failed and was caught").isTrue();
        after.assertIsSatisfied();
        assertThat(warnings("does not exist")).singleElement().satisfies(event -> {
            assertThat(event.getLoggerName()).isEqualTo("backup-demo");
            assertThat(event.getThrowableProxy()).as("no stack trace").isNull();
        });
        assertThat(beans.metrics().outcome("job", "demo", "local")).get()
                .extracting(RouterMetrics.Outcome::lastFailureReason).asString().contains("does not exist");
        // Recorded in the job's state, below the user's folder (status shows it).
        assertThat(io.backuprouter.backup.JobState.lastFailure(home.resolve("var/state/demo"))).isPresent();
    }
}
