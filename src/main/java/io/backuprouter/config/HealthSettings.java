package io.backuprouter.config;

import io.backuprouter.values.Durations;
import static io.backuprouter.config.Setting.Kind.TEXT;

import java.time.Duration;
import java.util.List;

/**
 * When a job or target counts as unhealthy, {@code backup.health.*}.
 *
 * @param maxAge a job whose newest snapshot on a target is older than this, with no run since that found
 *     the source unchanged, is reported stale there; {@code backup-on-change} jobs look at a quiet
 *     folder every half of it
 */
public record HealthSettings(Duration maxAge) {
    static final String PREFIX = "backup.health.";

    public static final Setting MAX_AGE = Setting.of("max-age", TEXT, "Max Age",
            "a job whose newest snapshot on a target is older than this, with no run since that found the source unchanged, "
            + "is reported stale there; backup-on-change jobs look at a quiet folder every half of it", "26h");

    public static final Setting CHECK_INTERVAL = Setting.of("check-interval", TEXT, "Check Interval",
            "how often the router checks every target (the target-health route)", "5m");

    public static final List<Setting> SETTINGS = List.of(MAX_AGE, CHECK_INTERVAL);

    static HealthSettings read(ConfigFile file, List<ConfigProblem> problems) {
        SettingsSection s = new SettingsSection(file, PREFIX, problems);
        s.rejectUnknown(SETTINGS);
        try {
            Durations.parse(s.text(CHECK_INTERVAL));
        } catch (IllegalArgumentException e) {
            s.problem(CHECK_INTERVAL, e.getMessage(), null);
        }
        try {
            return new HealthSettings(Durations.parse(s.text(MAX_AGE)));
        } catch (IllegalArgumentException e) {
            s.problem(MAX_AGE, e.getMessage(), null);
            return new HealthSettings(Duration.ofHours(26));
        }
    }
}
