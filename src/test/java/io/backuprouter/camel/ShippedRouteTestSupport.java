package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.StoredBackups;
import io.backuprouter.testing.TestS3Server;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Camel's own test support for the route files in {@code routes/}: each test's context loads copies
 * of the shipped files (see {@link UserFolder}) through Camel's routes loader, as camel-main loads
 * them in the router, with the router's beans ({@link RouterBeans}), its kamelets, its settings file
 * as property placeholders and its {@code {{file:...}}} function. Targets are on a real S3 server
 * (S3Proxy, in-process). The context is not started by the support: a test advises the routes
 * first (AdviceWith), then calls {@code context.start()}.
 */
abstract class ShippedRouteTestSupport extends CamelTestSupport {
    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @TempDir
    Path dir;

    UserFolder home;
    RouterSettings settings;
    Targets targets;
    RouterBeans beans;
    /** Everything logged while the test runs. */
    final ListAppender<ILoggingEvent> log = new ListAppender<>();

    /** The route files of routes/ this test loads, in order. */
    abstract List<String> shippedRoutes();

    /** Lines added to the settings file, after the targets local and local-mirror. */
    String extraSettings() {
        return "";
    }

    /** Settings for a target that is down (nothing listens on port 1), named down. */
    static String downTarget() {
        return """
                backup.targets.down.provider = other
                backup.targets.down.endpoint = http://127.0.0.1:1
                backup.targets.down.bucket = nowhere
                backup.targets.down.access-key = {{sys:user.name}}
                backup.targets.down.secret-key = {{sys:user.name}}
                """;
    }

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @Override
    protected void doPreSetup() throws Exception {
        home = UserFolder.create(dir.resolve("home"), S3, extraSettings());
        for (String route : shippedRoutes()) {
            home.copyShippedRoute(route);
        }
        settings = RouterSettings.read(ConfigFile.load(home.configFile()));
        targets = new Targets(settings.targets());
        beans = new RouterBeans(settings, JobCatalog.read(home.routes(), settings), MirrorCatalog.read(home.routes(), settings),
                targets, Clock.systemUTC());
        log.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().setLocation("file:" + home.configFile());
        context.getPropertiesComponent().addPropertiesFunction(new FilePropertiesFunction());
        context.getComponent("kamelet", KameletComponent.class).setLocation(RouterBeans.KAMELETS);
        return context;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        beans.bindTo(registry::bind);
    }

    @Override
    protected RoutesBuilder[] createRouteBuilders() throws Exception {
        List<Resource> files = new ArrayList<>();
        for (String route : shippedRoutes()) {
            files.add(PluginHelper.getResourceLoader(context).resolveResource("file:" + home.routes().resolve(route)));
        }
        return PluginHelper.getRoutesLoader(context).findRoutesBuilders(files).toArray(RoutesBuilder[]::new);
    }

    @AfterEach
    void closeTargets() throws Exception {
        context.stop();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        beans.close();
        targets.close();
    }

    /**
     * Fires a Quartz schedule of the started context now, as if its time had come: the route runs
     * from its own scheduled endpoint, kamelet and all. Returns the schedule's trigger.
     */
    org.quartz.CronTrigger fireNow(String group, String name) throws Exception {
        org.quartz.Scheduler scheduler = context.getComponent("quartz", org.apache.camel.component.quartz.QuartzComponent.class)
                .getScheduler();
        var trigger = (org.quartz.CronTrigger) scheduler.getTrigger(org.quartz.TriggerKey.triggerKey(name, group));
        assertThat(trigger).as("the schedule quartz:" + group + "/" + name).isNotNull();
        scheduler.triggerJob(org.quartz.JobKey.jobKey(name, group));
        return trigger;
    }

    /** The snapshots a job has on target local. */
    StoredBackups stored(String job) throws Exception {
        return new StoredBackups(targets.store("local").orElseThrow(), job, home.resolve("demo/demo-identity.age.txt"));
    }

    /** The messages logged at WARN or above that contain the text. */
    List<ILoggingEvent> warnings(String text) {
        List<ILoggingEvent> events;
        synchronized (log) {
            events = List.copyOf(log.list);
        }
        return events.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .filter(e -> e.getFormattedMessage().contains(text)).toList();
    }
}
