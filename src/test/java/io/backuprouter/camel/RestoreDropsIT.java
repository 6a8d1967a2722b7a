package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.backuprouter.UserException;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.config.RestoreSettings;
import io.backuprouter.targets.Targets;
import io.backuprouter.testing.TestJobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dropped restore requests as the router's bean carries them out (the route only moves the request
 * afterwards): where a request may restore into when {@code backup.restore.allowed-roots} is left empty.
 */
class RestoreDropsIT {
    @TempDir
    Path dir;
    Path source;
    Path requests;
    TestJobs jobs;
    Targets targets;
    RestoreDrops drops;
    DefaultCamelContext camel = new DefaultCamelContext();

    @BeforeEach
    void backedUpJob() throws IOException {
        source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(Files.createDirectories(source.resolve("notes")).resolve("plan.md"), "the plan");
        jobs = new TestJobs(dir.resolve("home")).folderTarget("nas", Files.createDirectories(dir.resolve("nas")));
        JobSettings job = jobs.job("notes", source, "nas", Map.of("identity", jobs.identityFile().toString()));
        targets = new Targets(jobs.settings().targets());
        assertThat(new BackupRun(job, targets.stores(), Clock.systemUTC(), BackupProgress.NONE).run().complete()).isTrue();
        requests = Files.createDirectories(dir.resolve("requests"));
        // The settings as shipped: allowed-roots left empty.
        drops = new RestoreDrops(JobCatalog.read(jobs.routesDir(), jobs.settings()), targets, RestoreSettings.defaults(),
                Clock.systemUTC(), new RouterMetrics(Clock.systemUTC()));
    }

    @AfterEach
    void close() throws IOException {
        targets.close();
        camel.close();
    }

    Exchange drop(String name, String request) throws IOException {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(Files.writeString(requests.resolve(name), request).toFile());
        return exchange;
    }

    @Test
    void byDefaultARequestMayNotRestoreOutsideItsJobsSourceAndVarRestored() throws Exception {
        Path elsewhere = dir.resolve("elsewhere");
        assertThatThrownBy(() -> drops.handle(drop("out.yaml", "job: notes\ndestination: " + elsewhere + "\n")))
                .isInstanceOf(UserException.class).hasMessageContaining("restore request out.yaml failed");
        assertThat(elsewhere).doesNotExist();
        String result = Files.readString(requests.resolve("failed/out.yaml.result.json"));
        var reason = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result).path("reason").asText();
        assertThat(reason).startsWith("destination " + elsewhere + " is outside the allowed roots (" + source + ", "
                        + Path.of("var/restored").toAbsolutePath())
                .contains("by default a dropped request restores only into its job's source folder or var/restored")
                .contains("\n    hint: ").contains("backup.restore.allowed-roots");
    }

    @Test
    void byDefaultARequestMayRestoreIntoItsJobsSourceFolder() throws Exception {
        Files.delete(source.resolve("notes/plan.md"));
        drops.handle(drop("in-place.yaml", "job: notes\ndestination: " + source + "\n"));
        assertThat(requests.resolve("done/in-place.yaml.result.json")).exists();
        assertThat(source.resolve("notes/plan.md")).hasContent("the plan");
    }

    @Test
    void foldersListedInTheSettingReplaceTheDefaults() throws Exception {
        Path restores = Files.createDirectories(dir.resolve("restores"));
        drops = new RestoreDrops(JobCatalog.read(jobs.routesDir(), jobs.settings()), targets,
                new RestoreSettings(List.of(restores), RestoreSettings.DEFAULT_MAX_EXPANSION), Clock.systemUTC(),
                new RouterMetrics(Clock.systemUTC()));
        drops.handle(drop("listed.yaml", "job: notes\ndestination: " + restores.resolve("notes") + "\n"));
        assertThat(restores.resolve("notes/notes/plan.md")).hasContent("the plan");
        assertThatThrownBy(() -> drops.handle(drop("source.yaml", "job: notes\ndestination: " + source + "\n")))
                .isInstanceOf(UserException.class);
        assertThat(Files.readString(requests.resolve("failed/source.yaml.result.json")))
                .contains("outside the allowed roots (" + restores + "), set by backup.restore.allowed-roots");
    }
}
