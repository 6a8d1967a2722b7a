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

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (key != null) {
            text.append(key).append(": ");
        }
        text.append(message);
        if (hint != null) {
            text.append("\n    hint: ").append(hint);
        }
        return text.toString();
    }
}
