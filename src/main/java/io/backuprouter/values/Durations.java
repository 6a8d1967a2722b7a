package io.backuprouter.values;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as users write them: {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 500ms}, {@code 2d}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    public static Duration parse(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = PART.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (value.isEmpty() || end != value.length()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (write e.g. 30s, 5m, 1h30m, 14d)");
        }
        return total;
    }

    /** The way users write it, largest unit first: {@code 14d}, {@code 1h30m}, {@code 1s}, {@code 500ms}. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder text = new StringBuilder(duration.isNegative() ? "-" : "");
        Duration rest = duration.abs();
        long[] amounts = {rest.toDays(), rest.toHoursPart(), rest.toMinutesPart(), rest.toSecondsPart(), rest.toMillisPart()};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (amounts[i] > 0) {
                text.append(amounts[i]).append(units[i]);
            }
        }
        return text.toString();
    }
}