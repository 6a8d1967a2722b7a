package io.backuprouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.config.TargetSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs here, so the stack is checked as data: the compose file, the Dockerfile
 * and the router's compose settings must agree with each other.
 */
class ComposeFileTest {
    static final Pattern DEFAULTED = Pattern.compile("\\$\\{([A-Z_]+):-([^}]*)}");

    final JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docker-compose.yml").toFile());
    final JsonNode services = compose.get("services");
    final JsonNode router = services.get("router");

    ComposeFileTest() throws IOException {
    }

    @Test
    void theStackIsTheRouterAndTwoMinioServers() {
        assertThat(services.fieldNames()).toIterable().contains("router", "minio-a", "minio-b");
        for (String minio : List.of("minio-a", "minio-b")) {
            assertThat(services.get(minio).get("image").asText()).startsWith("minio/minio");
            assertThat(services.get(minio).get("command").asText()).contains("--address :9000");
            assertThat(services.get(minio).get("volumes").get(0).asText()).endsWith(":/data");
        }
        assertThat(router.get("build").asText()).isEqualTo(".");
        assertThat(router.get("depends_on").fieldNames()).toIterable().isNotEmpty();
    }

    @Test
    void theRoutersSettingsReadCleanlyWithTheEnvironmentComposeGivesIt() {
        RouterSettings settings = composeSettings();
        assertThat(settings.embeddedS3().enabled()).isFalse();
        assertThat(settings.targets()).containsOnlyKeys("minio-a", "minio-b");
    }

    @Test
    void theShippedJobsBackUpToBothMinioServersInTheStack() {
        var jobs = io.backuprouter.config.JobCatalog.read(Path.of("routes"), composeSettings());
        assertThat(jobs.jobs()).isNotEmpty();
        jobs.jobs().values().forEach(job -> assertThat(job.targets()).containsExactly("minio-a", "minio-b"));
    }

    @Test
    void theShippedMirrorCopiesFromOneMinioServerToTheOther() {
        var mirrors = io.backuprouter.config.MirrorCatalog.read(Path.of("routes"), composeSettings());
        var mirror = mirrors.mirror("demo-mirror").orElseThrow();
        assertThat(mirror.from()).isEqualTo("minio-a");
        assertThat(mirror.to()).isEqualTo("minio-b");
        assertThat(mirror.toPrefix()).isEqualTo("mirrored/demo/");
    }

    @Test
    void everyTargetPointsAtAMinioServiceAndUsesThatServicesCredentials() {
        Map<String, String> environment = routerEnvironment();
        for (TargetSettings target : composeSettings().targets().values()) {
            String host = target.endpoint().getHost();
            assertThat(services.has(host)).as(target.name() + " endpoint host is a compose service").isTrue();
            assertThat(target.endpoint().getPort()).isEqualTo(9000);
            JsonNode minio = services.get(host).get("environment");
            assertThat(target.accessKey()).isEqualTo(minio.get("MINIO_ROOT_USER").asText());
            assertThat(target.secretKey()).isEqualTo(withDefaults(minio.get("MINIO_ROOT_PASSWORD").asText()));
            assertThat(environment).isNotEmpty();
        }
    }

    @Test
    void theRouterMountsTheUsersConfigAndRoutesAndTheImageHasTheJar() throws IOException {
        List<String> volumes = StreamSupport.stream(router.get("volumes").spliterator(), false).map(JsonNode::asText).toList();
        assertThat(volumes).contains("./config:/app/config:ro", "./routes:/app/routes:ro", "./demo:/app/demo:ro");
        List<String> command = StreamSupport.stream(router.get("command").spliterator(), false).map(JsonNode::asText).toList();
        assertThat(command).containsExactly("run");
        // Through the environment, so that commands run in the container (docker compose exec) use it too.
        assertThat(routerEnvironment()).containsEntry("BACKUP_ROUTER_CONFIG", "config/compose.properties");
        assertThat(Path.of("config/compose.properties")).exists();

        String dockerfile = Files.readString(Path.of("Dockerfile"));
        // The launcher finds the jar beside its bin/ folder: /app/backup-router.jar.
        assertThat(dockerfile).contains("target/backup-router.jar /app/backup-router.jar").contains("WORKDIR /app")
                .contains("COPY bin/backup-router /app/bin/backup-router")
                .contains("ENTRYPOINT [\"/app/bin/backup-router\"]");
        assertThat(Files.readString(Path.of("bin/backup-router"))).contains("\"$here/backup-router.jar\"");
        assertThat(Files.isExecutable(Path.of("bin/backup-router"))).isTrue();
    }

    @Test
    void theHealthEndpointIsPublishedToThisMachineOnly() throws IOException {
        ConfigFile settings = ConfigFile.load(Path.of("config/compose.properties"));
        String port = settings.raw("camel.management.port");
        assertThat(settings.raw("camel.management.enabled")).isEqualTo("true");
        assertThat(settings.raw("camel.management.healthCheckEnabled")).isEqualTo("true");
        List<String> ports = StreamSupport.stream(router.get("ports").spliterator(), false).map(JsonNode::asText).toList();
        assertThat(ports).containsExactly("127.0.0.1:" + port + ":" + port);
    }

    @Test
    void theImageIsBuiltWithoutLocalStateBackupsOrIdentities() throws IOException {
        List<String> ignored = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignored).contains("var", "target", ".git", "config/*identity*", "config/*.age.txt");
        // What the Dockerfile copies is not ignored.
        assertThat(ignored).doesNotContain("src", "pom.xml", "bin", "routes", "demo", "config");
    }

    private RouterSettings composeSettings() {
        return RouterSettings.read(ConfigFile.load(Path.of("config/compose.properties")).withEnvironment(routerEnvironment()));
    }

    private Map<String, String> routerEnvironment() {
        Map<String, String> environment = new HashMap<>();
        router.get("environment").fields().forEachRemaining(e -> environment.put(e.getKey(), withDefaults(e.getValue().asText())));
        return environment;
    }

    /** The value compose uses when the variable is not set: ${NAME:-default} becomes default. */
    private static String withDefaults(String value) {
        Matcher m = DEFAULTED.matcher(value);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(2)));
    }
}
