package io.backuprouter.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    static String id(String time) {
        return SnapshotIds.newSnapshotId(Instant.parse(time)).substring(0, 20) + "-00000000";
    }

    static final List<String> SNAPSHOTS = List.of(
            id("2026-01-01T10:00:00Z"), id("2026-03-15T08:00:00Z"), id("2026-11-01T09:00:00Z"),
            id("2026-11-20T01:00:00Z"), id("2026-11-20T23:00:00Z"), id("2026-11-21T06:00:00Z"),
            id("2026-11-22T04:10:00Z"), id("2026-11-22T04:40:00Z"), id("2026-11-22T05:05:00Z"));

    @Test
    void keepLastKeepsTheNewest() {
        assertThat(new RetentionPolicy(3, 0, 0, 0, 0, 0, null).keep(SNAPSHOTS))
                .containsExactlyInAnyOrder(SNAPSHOTS.get(6), SNAPSHOTS.get(7), SNAPSHOTS.get(8));
    }

    @Test
    void periodicRulesKeepTheNewestOfEachPeriodThatHasOne() {
        assertThat(new RetentionPolicy(0, 2, 0, 0, 0, 0, null).keep(SNAPSHOTS))
                .containsExactlyInAnyOrder(SNAPSHOTS.get(8), SNAPSHOTS.get(7));
        assertThat(new RetentionPolicy(0, 0, 3, 0, 0, 0, null).keep(SNAPSHOTS))
                .containsExactlyInAnyOrder(SNAPSHOTS.get(8), SNAPSHOTS.get(5), SNAPSHOTS.get(4));
        assertThat(new RetentionPolicy(0, 0, 0, 0, 3, 0, null).keep(SNAPSHOTS))
                .containsExactlyInAnyOrder(SNAPSHOTS.get(8), SNAPSHOTS.get(1), SNAPSHOTS.get(0));
        assertThat(new RetentionPolicy(0, 0, 0, 0, 0, 1, null).keep(SNAPSHOTS)).containsExactly(SNAPSHOTS.get(8));
    }

    @Test
    void keepWithinAndRulesCombineAndTheNewestIsAlwaysKept() {
        assertThat(new RetentionPolicy(0, 0, 0, 0, 0, 0, Duration.ofHours(2)).keep(SNAPSHOTS))
                .containsExactlyInAnyOrder(SNAPSHOTS.get(6), SNAPSHOTS.get(7), SNAPSHOTS.get(8));
        assertThat(new RetentionPolicy(1, 0, 0, 0, 0, 1, null).keep(SNAPSHOTS)).containsExactly(SNAPSHOTS.get(8));
        assertThat(new RetentionPolicy(0, 0, 0, 0, 0, 0, null).keep(new ArrayList<>(SNAPSHOTS))).containsExactly(SNAPSHOTS.get(8));
        assertThat(new RetentionPolicy(0, 0, 0, 0, 0, 0, null).isEmpty()).isTrue();
    }
}
