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

    @Test
    void aTargetCheckIsPublishedAsUpOrDownWithItsTime() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RouterMetrics metrics = new RouterMetrics(Clock.fixed(java.time.Instant.ofEpochSecond(1_800_000_000L), java.time.ZoneOffset.UTC));
        metrics.bindTo(meters);

        metrics.targetChecked("nas", true);
        metrics.targetChecked("r2", false);

        assertThat(meters.get("target_up").tag("target", "nas").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("target_up").tag("target", "r2").gauge().value()).isEqualTo(0.0);
        assertThat(meters.get("target_last_check_timestamp_seconds").tag("target", "r2").gauge().value()).isEqualTo(1.8e9);
        metrics.targetChecked("r2", true);
        assertThat(meters.get("target_up").tag("target", "r2").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void theContentAddedByARunIsCountedInBytes() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RouterMetrics metrics = new RouterMetrics(Clock.systemUTC());
        metrics.bindTo(meters);
        metrics.backup("notes", new BackupSummary("notes", "20261201T000000.000Z-00000001", 3, 300, 2, 200, 90, 10, 1, List.of("nas"),
                Map.of(), List.of(), Duration.ofSeconds(2), false, 0));
        assertThat(meters.get("backup_added_bytes_total").tag("job", "notes").counter().count()).isEqualTo(200.0);
    }

    static BackupSummary summary(String id, boolean unchanged) {
        return new BackupSummary("notes", id, 1, 1, 0, 0, 0, 0, 0, List.of("nas"), Map.of(), List.of(), Duration.ZERO, unchanged, 0);
    }
}
