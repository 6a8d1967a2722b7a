package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.backup.BackupSummary;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

/** routes/demo-nightly.camel.yaml with its target up: scheduled at 02:30, a complete snapshot, the done branch. */
class DemoNightlyRouteIT extends DemoNightlyRouteSupport {
    @Test
    void atItsTimeTheRouteBacksUpThroughTheKameletAndTakesTheDoneBranch() throws Exception {
        adviseAndStart();
        done.expectedMessageCount(1);
        incomplete.expectedMessageCount(0);
        failed.expectedMessageCount(0);

        var schedule = fireNow("backup", "demo-nightly");
        assertThat(schedule.getCronExpression()).isEqualTo("0 30 2 * * ?");
        assertThat(schedule.getNextFireTime().toInstant().atZone(ZoneId.systemDefault()).toLocalTime())
                .isEqualTo(LocalTime.of(2, 30));

        MockEndpoint.assertIsSatisfied(30, TimeUnit.SECONDS, done, incomplete, failed);
        BackupSummary summary = done.getReceivedExchanges().get(0).getMessage().getBody(BackupSummary.class);
        assertThat(summary.complete()).as("%s", summary).isTrue();
        assertThat(summary.job()).isEqualTo("demo-nightly");
        // The route's kamelet parameters reached the run: exclude "*.sh" leaves hello.sh out.
        assertThat(summary.files()).isEqualTo(6);
        assertThat(stored("demo-nightly").snapshotIds()).containsExactly(summary.snapshotId());
    }
}
