package io.backuprouter.values;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as users write them: {@code 16MiB}, {@code 16M}, {@code 5 GiB}, {@code 100KB}, {@code 1048576}. */
public final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(I?B?)");

    private ByteSize() {
    }

    /**
     * Parses a size. K, M, G, T, KiB, MiB... are powers of 1024; KB, MB, GB, TB powers of 1000.
     *
     * @throws IllegalArgumentException naming the value when it is not a size
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size (write e.g. 16MiB, 512KiB, 5GiB)");
        }
        double number = Double.parseDouble(m.group(1));
        int power = m.group(2).isEmpty() ? 0 : "KMGT".indexOf(m.group(2)) + 1;
        boolean decimal = "B".equals(m.group(3)) && power > 0;
        double bytes = number * Math.pow(decimal ? 1000 : 1024, power);
        if (bytes > Long.MAX_VALUE) {
            throw new IllegalArgumentException("\"" + text + "\" is too large");
        }
        return (long) bytes;
    }

    /** Formats a size for people: {@code 16 MiB}, {@code 1.5 GiB}, {@code 900 B}. */
    /** A count with its noun, singular for one: {@code 1 file}, {@code 7 files}. */
    public static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 || value == Math.floor(value)
                ? String.format(Locale.ROOT, "%d %s", (long) value, units[unit])
                : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
