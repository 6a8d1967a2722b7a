package io.backuprouter.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.backuprouter.testing.SettableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderWatchTest {
    @TempDir
    Path folder;

    final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));

    void advance(Duration by) {
        clock.advance(by);
    }

    @Test
    void aQuietFolderIsTakenAtStartThenAgainOnlyOnceTheRecheckPeriodHasPassed() throws Exception {
        try (FolderWatch watch = new FolderWatch(folder, Duration.ofSeconds(30), Duration.ofHours(13), clock)) {
            assertThat(watch.takeQuietChange()).as("at start: what changed while nothing watched").isTrue();
            assertThat(watch.takeQuietChange()).isFalse();

            advance(Duration.ofHours(12));
            assertThat(watch.takeQuietChange()).isFalse();
            advance(Duration.ofHours(1));
            assertThat(watch.takeQuietChange()).as("13 h without a change").isTrue();
            assertThat(watch.takeQuietChange()).isFalse();

            advance(Duration.ofHours(12).plusMinutes(59));
            assertThat(watch.takeQuietChange()).as("the period counts from the last time taken").isFalse();
        }
    }

    @Test
    void aFailedBackupIsTriedAgainAfterTheRetryDelay() throws Exception {
        try (FolderWatch watch = new FolderWatch(folder, Duration.ofSeconds(30), Duration.ofHours(13), clock)) {
            assertThat(watch.takeQuietChange()).isTrue();
            watch.retryIn(Duration.ofMinutes(5));

            advance(Duration.ofMinutes(4));
            assertThat(watch.takeQuietChange()).isFalse();
            advance(Duration.ofMinutes(1));
            assertThat(watch.takeQuietChange()).isTrue();
            assertThat(watch.takeQuietChange()).isFalse();
        }
    }
}
