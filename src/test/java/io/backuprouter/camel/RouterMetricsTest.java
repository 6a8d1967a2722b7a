package io.backuprouter.camel;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.backup.BackupSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterMetricsTest {
    @Test
    void aRunThatFoundNothingChangedCountsAsASuccessButNotAsASnapshot() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RouterMetrics metrics = new RouterMetrics(Clock.systemUTC());
        metrics.bindTo(meters);

        metrics.backup("notes", summary("20261201T000000.000Z-00000001", false));
        metrics.backup("notes", summary("20261201T000000.000Z-00000001", true));

        assertThat(meters.get("backup_snapshots_total").tag("job", "notes").counter().count()).isEqualTo(1.0);
        assertThat(metrics.outcome("job", "notes", "nas")).get().extracting(RouterMetrics.Outcome::lastSuccess).isNotNull();
    }

    static BackupSummary summary(String id, boolean unchanged) {
        return new BackupSummary("notes", id, 1, 1, 0, 0, 0, 0, 0, List.of("nas"), Map.of(), List.of(), Duration.ZERO, unchanged, 0);
    }
}
