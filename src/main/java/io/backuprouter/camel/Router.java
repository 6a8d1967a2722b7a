package io.backuprouter.camel;

import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.targets.Targets;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * The long-running router: Camel main with the user's YAML routes, and the targets bound in the
 * registry ({@code targets}, {@code targetHealth}, and each S3 target's client as
 * {@code s3-<target>} for camel-aws2-s3 endpoints: {@code amazonS3Client=#s3-r2}).
 */
public final class Router {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Router.class);
    private final Main main = new Main();

    public Router(RouterSettings settings, JobCatalog jobs, MirrorCatalog mirrors, Targets targets, Path configFile,
                  Path routesDir) {
        main.setPropertyPlaceholderLocations("file:" + configFile);
        // The embedded endpoint may have bound another port than the file says (port 0).
        main.addOverrideProperty("backup.embedded-s3.port", settings.file().resolve("backup.embedded-s3.port") == null
                ? "0" : settings.file().resolve("backup.embedded-s3.port"));
        main.configure().withRoutesIncludePattern("file:" + routesDir.toAbsolutePath() + "/*.yaml");
        main.configure().withName("backup-router");
        RouterBeans beans = new RouterBeans(settings, jobs, mirrors, targets, Clock.systemUTC());
        beans.bindTo(main::bind);
        TargetHealth targetHealth = beans.targetHealth();
        RouterMetrics metrics = beans.metrics();
        BackupJobs backupJobs = beans.backupJobs();
        // The kamelets (backup-on-change, backup-on-schedule, backup-run) ship in the jar.
        main.addInitialProperty("camel.component.kamelet.location", RouterBeans.KAMELETS);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport camelMain) {
                camelMain.getCamelContext().getPropertiesComponent().addPropertiesFunction(new FilePropertiesFunction());
            }

            @Override
            public void afterStart(BaseMainSupport camelMain) {
                logHealthAddress(camelMain.getCamelContext());
            }

            @Override
            public void afterConfigure(BaseMainSupport camelMain) {
                try {
                    var health = org.apache.camel.health.HealthCheckRegistry.get(camelMain.getCamelContext());
                    if (health != null) {
                        health.register(new RouterHealth.Targets(targetHealth));
                        health.register(new RouterHealth.Jobs(jobs, metrics, settings.health().maxAge(), Clock.systemUTC()));
                        health.register(new RouterHealth.Mirrors(mirrors, metrics));
                    }
                    camelMain.getCamelContext().addStartupListener((context, alreadyStarted) -> {
                        if (!alreadyStarted) {
                            var meters = context.getRegistry().findByType(io.micrometer.core.instrument.MeterRegistry.class);
                            meters.stream().findFirst().ifPresent(metrics::bindTo);
                            backupJobs.catchUpMissedSchedules();
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException("cannot register the schedule catch-up", e);
                }
            }
        });
    }

    /**
     * Where health checks are served, with the address the server is bound to: Camel's own summary of
     * the management endpoints (quieted in the log settings) always says 0.0.0.0.
     */
    private static void logHealthAddress(org.apache.camel.CamelContext context) {
        var management = context.hasService(org.apache.camel.component.platform.http.main.ManagementHttpServer.class);
        if (management == null || !management.isHealthCheckEnabled()) {
            return;
        }
        int port = context.hasServices(org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer.class).stream()
                .mapToInt(org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer::getPort)
                .filter(p -> p > 0).findFirst().orElse(management.getPort());
        String host = management.getHost().contains(":") ? "[" + management.getHost() + "]" : management.getHost();
        LOG.info("Health checks on http://{}:{}{}", host, port, management.getHealthPath());
    }

    public Main main() {
        return main;
    }

    /** Runs until the process is stopped; returns Camel main's exit code. */
    public int run() throws Exception {
        main.run();
        return main.getExitCode();
    }
}
