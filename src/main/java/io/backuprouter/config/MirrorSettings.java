package io.backuprouter.config;

import static io.backuprouter.config.Setting.Kind.INTEGER;
import static io.backuprouter.config.Setting.Kind.TEXT;

import java.util.List;

/**
 * A mirror, declared in a route file as the parameters of a {@code mirror-on-schedule} or
 * {@code mirror-run} kamelet: everything under a prefix of one S3 target, copied to a prefix of
 * another.
 *
 * @param name the mirror's name (kebab-case)
 * @param from the source target
 * @param fromPrefix the prefix under the source target's root path ({@code ""}: everything)
 * @param to the destination target
 * @param toPrefix the prefix under the destination target's root path
 * @param sync whether objects the source no longer has are deleted from the destination
 * @param includes include globs, relative to the prefix
 * @param excludes exclude globs, relative to the prefix
 * @param concurrency objects copied at once
 * @param maxDeletePercent most of the objects the mirror keeps on the destination that one sync pass may delete
 * @param schedule the cron expression (mirror-on-schedule), else {@code null}
 * @param file the route file
 * @param line the line of the declaration
 */
public record MirrorSettings(String name, String from, String fromPrefix, String to, String toPrefix, boolean sync,
                             List<String> includes, List<String> excludes, int concurrency, int maxDeletePercent,
                             String schedule, String file, int line) {

    /** This mirror with another delete ceiling (one pass's {@code --max-delete-percent}). */
    public MirrorSettings withMaxDeletePercent(int percent) {
        return new MirrorSettings(name, from, fromPrefix, to, toPrefix, sync, includes, excludes, concurrency, percent,
                schedule, file, line);
    }

    public static final Setting MIRROR = Setting.of("mirror", TEXT, "Mirror", "the mirror's name, kebab-case", null);
    public static final Setting FROM = Setting.of("from", TEXT, "From", "the source target (an S3 target)", null);
    public static final Setting FROM_PREFIX = Setting.of("fromPrefix", TEXT, "From Prefix",
            "what to mirror: a prefix under the source target's root path, e.g. notes/ for a backup job; empty: everything", "");
    public static final Setting TO = Setting.of("to", TEXT, "To", "the destination target (an S3 target)", null);
    public static final Setting TO_PREFIX = Setting.of("toPrefix", TEXT, "To Prefix",
            "where to mirror to under the destination target's root path (default: the same as fromPrefix)", null);
    public static final Setting MODE = Setting.choice("mode", "Mode",
            "copy never deletes; sync also deletes what the source no longer has", "copy", "copy", "sync");
    public static final Setting INCLUDE = Setting.of("include", TEXT, "Include",
            "comma-separated globs of keys to mirror, relative to the prefix; empty: everything", "");
    public static final Setting EXCLUDE = Setting.of("exclude", TEXT, "Exclude", "comma-separated globs of keys to leave out", "");
    public static final Setting CONCURRENCY = Setting.of("concurrency", INTEGER, "Concurrency", "objects copied at once", "4");
    public static final Setting MAX_DELETE_PERCENT = Setting.of("maxDeletePercent", INTEGER, "Max Delete Percent",
            "sync stops, deleting nothing, when a pass would delete more than this share of the objects the mirror keeps "
            + "on the destination (below its prefix, matching its filters)", "10");
    public static final Setting SCHEDULE = Setting.of("schedule", TEXT, "Schedule",
            "mirror-on-schedule: a Quartz cron expression, e.g. 0 0 4 * * ? for 04:00 every day", null);

    public static final List<Setting> SETTINGS = List.of(MIRROR, FROM, FROM_PREFIX, TO, TO_PREFIX, MODE, INCLUDE, EXCLUDE,
            CONCURRENCY, MAX_DELETE_PERCENT, SCHEDULE);

    public String declaredAt() {
        return file + (line > 0 ? ":" + line : "");
    }
}
