package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.config.ConfigFile;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.crypto.AgeKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterHealthTest {
    @TempDir
    Path dir;

    @Test
    void aJobThatHasNotSucceededWithinTheMaxAgeIsDownWithTheReason() throws Exception {
        RouterSettings settings = RouterSettings.read(ConfigFile.of("c.properties", Map.of(
                "backup.targets.nas.type", "folder", "backup.targets.nas.path", dir.toString())));
        Files.writeString(dir.resolve("job.camel.yaml"), """
                - route:
                    from:
                      uri: kamelet:backup-run?job=notes&source=/tmp&targets=nas&recipients=%s
                """.formatted(AgeKeys.generate().recipient()));
        JobCatalog jobs = JobCatalog.read(dir, settings);
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T00:00:00Z"));
        Clock clock = new Clock() {
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now.get();
            }
        };
        RouterMetrics metrics = new RouterMetrics(clock);
        RouterHealth.Jobs check = new RouterHealth.Jobs(jobs, metrics, Duration.ofHours(26), clock);
        check.setCamelContext(new DefaultCamelContext());

        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        now.set(now.get().plus(Duration.ofHours(27)));
        metrics.backupFailed("notes", java.util.List.of("nas"), "no target is reachable");

        HealthCheck.Result result = check.call();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).get().asString().contains("job notes has not succeeded on target nas for more than 26 h")
                .contains("no target is reachable");
    }
}
