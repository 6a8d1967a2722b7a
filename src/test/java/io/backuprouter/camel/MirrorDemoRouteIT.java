package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.backuprouter.mirror.MirrorSummary;
import io.backuprouter.testing.StoredBackups;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.component.timer.TimerEndpoint;
import org.junit.jupiter.api.Test;

/**
 * routes/mirror-demo.camel.yaml (the demo job's backups copied to target local-mirror every night)
 * and routes/target-health.camel.yaml (every target checked at start and every check-interval),
 * beside routes/demo.camel.yaml, which makes the snapshot to mirror.
 */
class MirrorDemoRouteIT extends ShippedRouteTestSupport {
    @Override
    List<String> shippedRoutes() {
        return List.of("demo.camel.yaml", "mirror-demo.camel.yaml", "target-health.camel.yaml");
    }

    @Test
    void everyTargetIsCheckedAtStartAndThenEveryFiveMinutes() throws Exception {
        NotifyBuilder checked = new NotifyBuilder(context).fromRoute("target-health").whenCompleted(1).create();
        context.start();

        assertThat(checked.matches(30, TimeUnit.SECONDS)).isTrue();
        assertThat(beans.targetHealth().results()).containsOnlyKeys("local", "local-mirror")
                .allSatisfy((target, result) -> assertThat(result.ok()).as("%s: %s", target, result.failure()).isTrue());
        // {{backup.health.check-interval:5m}}: the default, as the settings file leaves it out.
        assertThat(context.getRoute("target-health").getEndpoint()).isInstanceOfSatisfying(TimerEndpoint.class,
                timer -> assertThat(timer.getPeriod()).isEqualTo(Duration.ofMinutes(5).toMillis()));
    }

    @Test
    void atItsTimeTheMirrorCopiesTheDemoBackupsAndTheRoutesStepReceivesTheSummary() throws Exception {
        AdviceWith.adviceWith(context, "mirror-demo", route -> route.weaveAddLast().to("mock:after-user-step"));
        MockEndpoint after = getMockEndpoint("mock:after-user-step");
        after.expectedMessageCount(1);
        context.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> stored("demo").snapshotIds().size() == 1);

        var schedule = fireNow("mirror", "demo-mirror");
        assertThat(schedule.getCronExpression()).isEqualTo("0 0 4 * * ?");

        after.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
        Exchange exchange = after.getReceivedExchanges().get(0);
        MirrorSummary summary = exchange.getMessage().getBody(MirrorSummary.class);
        assertThat(summary.ok()).as("%s", summary).isTrue();
        assertThat(summary.copied()).isPositive();
        assertThat(exchange.getMessage().getHeader("MirrorCopied", Long.class)).isEqualTo(summary.copied());
        // A full second home: the same snapshot, readable from the mirror.
        StoredBackups mirrored = new StoredBackups(targets.store("local-mirror").orElseThrow(), "demo",
                home.resolve("demo/demo-identity.age.txt"));
        assertThat(mirrored.snapshotIds()).isEqualTo(stored("demo").snapshotIds());
        assertThat(mirrored.snapshot(mirrored.snapshotIds().get(0)).files()).hasSize(stored("demo")
                .snapshot(mirrored.snapshotIds().get(0)).files().size());
    }
}
