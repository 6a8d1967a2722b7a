package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.backup.BackupSummary;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;

/**
 * routes/demo-nightly.camel.yaml when a run goes wrong: the demo's targets are local and a target
 * that is down (demo.targets, as the compose stack sets it to its two servers).
 */
class DemoNightlyFailuresRouteIT extends DemoNightlyRouteSupport {
    @Override
    String extraSettings() {
        return downTarget() + "demo.targets = local, down\n";
    }

    @Test
    void aSnapshotThatOneTargetMissedTakesTheIncompleteBranch() throws Exception {
        adviseAndStart();
        incomplete.expectedMessageCount(1);
        done.expectedMessageCount(0);
        failed.expectedMessageCount(0);

        fireNow("backup", "demo-nightly");

        MockEndpoint.assertIsSatisfied(30, TimeUnit.SECONDS, incomplete, done, failed);
        BackupSummary summary = incomplete.getReceivedExchanges().get(0).getMessage().getBody(BackupSummary.class);
        assertThat(summary.committed()).containsExactly("local");
        assertThat(summary.failed()).containsOnlyKeys("down");
        assertThat(warnings("Nightly backup incomplete: job demo-nightly: snapshot " + summary.snapshotId())).hasSize(1);
    }

    @Test
    void aRunThatMakesNoSnapshotIsCaughtByTheRoutesDoCatchInOneLine() throws Exception {
        FileUtils.deleteDirectory(home.resolve("demo/source").toFile());
        adviseAndStart();
        failed.expectedMessageCount(1);
        done.expectedMessageCount(0);
        incomplete.expectedMessageCount(0);
        NotifyBuilder handled = new NotifyBuilder(context).fromRoute("backup-demo-nightly").whenCompleted(1).create();

        fireNow("backup", "demo-nightly");

        assertThat(handled.matches(30, TimeUnit.SECONDS)).as("the route completed: its doCatch handled the failure").isTrue();
        MockEndpoint.assertIsSatisfied(context);
        assertThat(warnings("Nightly backup failed: job demo-nightly: the source folder")).singleElement()
                .satisfies(event -> assertThat(event.getThrowableProxy()).as("no stack trace").isNull());
    }
}
