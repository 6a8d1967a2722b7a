package io.backuprouter.catalog;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Which snapshots to keep, as restic and Kopia users know it: the last N, the newest of each of the
 * last N hours, days, weeks, months and years (periods in UTC, counting only periods that have a
 * snapshot), and everything within a duration of the newest. A snapshot kept by any rule is kept;
 * the newest snapshot is always kept.
 *
 * @param last keep the newest N
 * @param hourly newest of each of the last N hours that have one
 * @param daily newest of each of the last N days
 * @param weekly newest of each of the last N ISO weeks
 * @param monthly newest of each of the last N months
 * @param yearly newest of each of the last N years
 * @param within keep all within this duration of the newest snapshot, or {@code null}
 */
public record RetentionPolicy(int last, int hourly, int daily, int weekly, int monthly, int yearly, Duration within) {

    public boolean isEmpty() {
        return last == 0 && hourly == 0 && daily == 0 && weekly == 0 && monthly == 0 && yearly == 0 && within == null;
    }

    /** The ids to keep among the given snapshot ids (their times come from the ids). */
    public Set<String> keep(List<String> snapshotIds) {
        List<String> newestFirst = new ArrayList<>(snapshotIds);
        newestFirst.sort(Comparator.reverseOrder());
        Set<String> keep = new LinkedHashSet<>();
        if (newestFirst.isEmpty()) {
            return keep;
        }
        keep.add(newestFirst.get(0));
        newestFirst.stream().limit(last).forEach(keep::add);
        bucket(newestFirst, hourly, t -> t.truncatedTo(ChronoUnit.HOURS), keep);
        bucket(newestFirst, daily, t -> t.truncatedTo(ChronoUnit.DAYS), keep);
        bucket(newestFirst, weekly, t -> t.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).truncatedTo(ChronoUnit.DAYS), keep);
        bucket(newestFirst, monthly, t -> t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS), keep);
        bucket(newestFirst, yearly, t -> t.withDayOfYear(1).truncatedTo(ChronoUnit.DAYS), keep);
        if (within != null) {
            Instant newest = SnapshotIds.timeOf(newestFirst.get(0));
            newestFirst.stream().filter(id -> !SnapshotIds.timeOf(id).isBefore(newest.minus(within))).forEach(keep::add);
        }
        return keep;
    }

    private static void bucket(List<String> newestFirst, int count, Function<ZonedDateTime, ZonedDateTime> period,
                               Set<String> keep) {
        if (count <= 0) {
            return;
        }
        ZonedDateTime last = null;
        int taken = 0;
        for (String id : newestFirst) {
            ZonedDateTime p = period.apply(SnapshotIds.timeOf(id).atZone(ZoneOffset.UTC));
            if (!p.equals(last)) {
                keep.add(id);
                last = p;
                if (++taken == count) {
                    return;
                }
            }
        }
    }

    /** For messages: {@code keep-last 3, keep-daily 7}. */
    @Override
    public String toString() {
        List<String> rules = new ArrayList<>();
        if (last > 0) {
            rules.add("keepLast " + last);
        }
        if (hourly > 0) {
            rules.add("keepHourly " + hourly);
        }
        if (daily > 0) {
            rules.add("keepDaily " + daily);
        }
        if (weekly > 0) {
            rules.add("keepWeekly " + weekly);
        }
        if (monthly > 0) {
            rules.add("keepMonthly " + monthly);
        }
        if (yearly > 0) {
            rules.add("keepYearly " + yearly);
        }
        if (within != null) {
            rules.add("keepWithin " + io.backuprouter.values.Durations.format(within));
        }
        return rules.isEmpty() ? "no retention policy" : String.join(", ", rules);
    }
}
