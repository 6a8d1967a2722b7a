package io.backuprouter.config;

/**
 * One thing wrong with a config or route file: where it is, what is wrong, what to do.
 *
 * @param file the file, as the user named it (e.g. {@code config/application.properties})
 * @param line 1-based line, or 0 when the problem is not on one line (a missing key)
 * @param key the setting, or {@code null}
 * @param message what is wrong, with the offending value quoted (never a secret)
 * @param hint what to do about it, or {@code null}
 */
public record ConfigProblem(String file, int line, String key, String message, String hint) {

    /** Where a setting given as -Dkey=value is reported (it overrides the file, so the file's line is not where it is). */
    public static String commandLine(String key) {
        return "the command line (-D" + key + ")";
    }

    /**
     * A problem with a setting of the file: at the command line when it came from there, else at the
     * line that sets it, else at {@code line} (where a missing setting belongs).
     */
    public static ConfigProblem of(ConfigFile file, String key, int line, String message, String hint) {
        if (file.fromCommandLine(key)) {
            return new ConfigProblem(commandLine(key), 0, key, message, hint);
        }
        return new ConfigProblem(file.display(), file.line(key) > 0 ? file.line(key) : line, key, message, hint);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (key != null && !file.equals(commandLine(key))) {
            text.append(key).append(": ");
        }
        text.append(message);
        if (hint != null) {
            text.append("\n    hint: ").append(hint);
        }
        return text.toString();
    }
}
