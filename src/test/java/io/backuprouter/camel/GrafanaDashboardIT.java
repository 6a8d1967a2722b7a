package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestS3Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/grafana/backup-router.json reads only metrics the router really exports, with labels they
 * really have, and shows every metric of the router's own. What the router exports is scraped from
 * its /observe/metrics after it has done each thing there is a metric for: a backup committed on one
 * target and failed on another, a mirror pass that succeeded and one that failed, target checks, a
 * restore request; with Camel's settings as config/application.properties ships them. Prometheus renames the router's {@code job} label to {@code exported_job} (its
 * own {@code job} label names the scrape), and adds {@code instance}.
 */
class GrafanaDashboardIT {
    static final Path DASHBOARD = Path.of("deploy/grafana/backup-router.json");
    /** The prefixes of the router's own metrics (the others are Camel's and the JVM's). */
    static final Pattern ROUTER_METRIC = Pattern.compile("(backup|job|mirror|restore|target)_.*");
    static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");

    @RegisterExtension
    static final TestS3Server S3 = TestS3Server.lenient();

    @TempDir
    Path dir;

    @Test
    void everyMetricAndLabelTheDashboardReadsIsExportedAndEveryRouterMetricIsShown() throws Exception {
        Map<String, Set<String>> exported = scrapeARouterThatHasDoneEverything();
        List<Query> queries = queries(new ObjectMapper().readTree(DASHBOARD.toFile()));
        assertThat(queries).hasSizeGreaterThan(10);

        Set<String> shown = new TreeSet<>();
        for (Query query : queries) {
            Set<String> metrics = PromQl.metrics(query.expression());
            shown.addAll(metrics);
            assertThat(metrics).as("%s: metrics in %s", query.where(), query.expression()).isNotEmpty()
                    .allSatisfy(metric -> assertThat(exported).as("%s: the router exports %s", query.where(), metric)
                            .containsKey(metric));
            Set<String> available = new HashSet<>(Set.of("instance"));
            metrics.forEach(metric -> exported.get(metric).forEach(label -> available.add(prometheusName(label))));
            Set<String> used = new TreeSet<>(PromQl.labels(query.expression()));
            used.addAll(query.legendLabels());
            assertThat(used).as("%s: labels of %s in %s", query.where(), metrics, query.expression()).isSubsetOf(available);
        }
        assertThat(exported.keySet().stream().filter(m -> ROUTER_METRIC.matcher(m).matches()).toList())
                .as("the router's metrics the dashboard shows").isNotEmpty().allSatisfy(metric -> assertThat(shown).contains(metric));
    }

    /** A label as Prometheus stores it: the scraped job label becomes exported_job. */
    static String prometheusName(String label) {
        return label.equals("job") ? "exported_job" : label;
    }

    record Query(String where, String expression, Set<String> legendLabels) {
    }

    /** Every panel query and template variable query of the dashboard (label_values's label is a label, not a metric). */
    static List<Query> queries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Set<String> legend = new TreeSet<>();
                Matcher label = LEGEND_LABEL.matcher(target.path("legendFormat").asText());
                while (label.find()) {
                    legend.add(label.group(1));
                }
                queries.add(new Query("panel \"" + panel.path("title").asText() + "\"", target.path("expr").asText(), legend));
            }
        }
        Pattern labelValues = Pattern.compile("label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\)");
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                Matcher query = labelValues.matcher(variable.path("query").path("query").asText());
                assertThat(query.matches()).as("variable %s is a label_values query", variable.path("name")).isTrue();
                queries.add(new Query("variable $" + variable.path("name").asText(), query.group(1), Set.of(query.group(2))));
            }
        }
        return queries;
    }

    /** The router with the shipped routes, a user's failing mirror and a target that is down, scraped once it did everything. */
    Map<String, Set<String>> scrapeARouterThatHasDoneEverything() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        UserFolder home = userFolder(port);
        Path requests = home.resolve("var/restore/requests");
        RouterSettings settings = RouterSettings.read(ConfigFile.load(home.configFile()));
        try (Targets targets = new Targets(settings.targets())) {
            Router router = new Router(settings, JobCatalog.read(home.routes(), settings), MirrorCatalog.read(home.routes(), settings),
                    targets, home.configFile(), home.routes());
            router.main().start();
            try {
                var camel = router.main().getCamelContext();
                RouterMetrics metrics = camel.getRegistry().lookupByNameAndType("routerMetrics", RouterMetrics.class);
                TargetHealth health = camel.getRegistry().lookupByNameAndType("targetHealth", TargetHealth.class);
                await().atMost(Duration.ofSeconds(60)).until(() -> metrics.outcome("job", "demo", "local").isPresent()
                        && metrics.outcome("job", "demo", "down").isPresent());
                camel.getComponent("quartz", QuartzComponent.class).getScheduler()
                        .triggerJob(org.quartz.JobKey.jobKey("demo-mirror", "mirror"));
                await().atMost(Duration.ofSeconds(60)).until(() -> metrics.outcome("mirror", "demo-mirror", "local-mirror").isPresent()
                        && metrics.outcome("mirror", "to-down", "down").isPresent() && health.results().size() == 3
                        && Files.exists(requests.resolve("failed/garbage.yaml.result.json")));
                return parse(get("http://127.0.0.1:" + port + "/observe/metrics"));
            } finally {
                router.main().stop();
            }
        }
    }

    /**
     * The shipped routes, a user's mirror to a target that is down, and a restore request, in a user's
     * folder whose settings are the shipped Camel settings (management server on the port) and a target
     * that is down among the demo's.
     */
    UserFolder userFolder(int port) throws Exception {
        // Camel's settings as shipped (management server, metrics and their binders), on a free port.
        String camelSettings = Files.readAllLines(Path.of("config/application.properties")).stream().filter(l -> l.startsWith("camel."))
                .map(l -> l.replaceAll("^camel\\.management\\.port\\s*=.*", "camel.management.port = " + port))
                .collect(Collectors.joining("\n", "", "\n"));
        assertThat(camelSettings).contains("camel.management.port = " + port, "camel.management.host = 127.0.0.1");
        UserFolder home = UserFolder.create(dir.resolve("home"), S3, ShippedRouteTestSupport.downTarget()
                + "demo.targets = local, down\n" + camelSettings);
        for (String route : List.of("error-handling.camel.yaml", "demo.camel.yaml", "mirror-demo.camel.yaml",
                "target-health.camel.yaml", "restore-drop.camel.yaml")) {
            home.copyShippedRoute(route);
        }
        Files.writeString(home.routes().resolve("mirror-to-down.camel.yaml"), """
                - route:
                    id: mirror-to-down
                    routeConfigurationId: backup-errors
                    from:
                      uri: timer:mirror-to-down?repeatCount=1
                      steps:
                        - to:
                            uri: kamelet:mirror-run
                            parameters:
                              mirror: to-down
                              from: local
                              to: down
                """);
        Path requests = Files.createDirectories(home.resolve("var/restore/requests"));
        Files.writeString(requests.resolve("garbage.yaml"), "job: [unclosed\n");
        return home;
    }

    /** Metric name to the label names it has, from the Prometheus text format. */
    static Map<String, Set<String>> parse(String scrape) {
        Map<String, Set<String>> metrics = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!line.startsWith("#") && sample.matches()) {
                Set<String> labels = metrics.computeIfAbsent(sample.group(1), name -> new TreeSet<>());
                Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        assertThat(metrics).as("the scrape").isNotEmpty();
        return metrics;
    }

    static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
