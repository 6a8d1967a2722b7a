package io.backuprouter.camel;

import java.util.List;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;

/**
 * routes/demo-nightly.camel.yaml: a job written as an ordinary route (quartz, a log line,
 * kamelet:backup-run, a choice on the outcome, a doCatch). Mocks after each of its log steps show
 * which way a run went; tests fire the schedule now instead of waiting for 02:30.
 */
abstract class DemoNightlyRouteSupport extends ShippedRouteTestSupport {
    MockEndpoint done;
    MockEndpoint incomplete;
    MockEndpoint failed;

    @Override
    List<String> shippedRoutes() {
        return List.of("demo-nightly.camel.yaml");
    }

    /** Mocks after the route's three outcome log steps, then starts the context. */
    void adviseAndStart() throws Exception {
        AdviceWith.adviceWith(context, "backup-demo-nightly", route -> {
            // The log steps themselves (the choice and doTry around them print them too).
            route.weaveByToString("Log\\[Nightly backup done.*").after().to("mock:done");
            route.weaveByToString("Log\\[Nightly backup incomplete.*").after().to("mock:incomplete");
            route.weaveByToString("Log\\[Nightly backup failed.*").after().to("mock:failed");
        });
        done = getMockEndpoint("mock:done");
        incomplete = getMockEndpoint("mock:incomplete");
        failed = getMockEndpoint("mock:failed");
        context.start();
    }
}
