package io.backuprouter.config;

import io.backuprouter.values.ByteSize;
import io.backuprouter.values.Suggestions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the settings under one prefix (e.g. {@code backup.targets.r2.}) of a {@link ConfigFile},
 * typed by their {@link Setting} declarations. Problems are collected, not thrown, so that all of
 * them are reported together; a value with a problem reads as {@code null}.
 */
public final class SettingsSection {
    private final ConfigFile file;
    private final String prefix;
    private final List<ConfigProblem> problems;

    public SettingsSection(ConfigFile file, String prefix, List<ConfigProblem> problems) {
        this.file = file;
        this.prefix = prefix;
        this.problems = problems;
    }

    public String key(Setting setting) {
        return prefix + setting.name();
    }

    public boolean isSet(Setting setting) {
        return file.has(key(setting));
    }

    /** The resolved text, the declared default when unset, or {@code null}. */
    public String text(Setting setting) {
        String key = key(setting);
        if (!file.has(key)) {
            return setting.defaultValue();
        }
        try {
            String value = file.resolve(key).trim();
            if (setting.secret()) {
                Secrets.register(value);
            }
            return value.isEmpty() ? setting.defaultValue() : value;
        } catch (ConfigFile.PlaceholderException e) {
            problem(setting, e.getMessage(), e.hint());
            return null;
        }
    }

    /** Like {@link #text} but reports a problem when there is no value at all. */
    public String required(Setting setting, String why) {
        String value = text(setting);
        if (value == null && !hasProblem(setting)) {
            problems.add(new ConfigProblem(file.display(), sectionLine(), key(setting), "is missing" + (why == null ? "" : " (" + why + ")"),
                    file.display().endsWith(".yaml")
                            ? "add the parameter " + key(setting) + ": <" + setting.title().toLowerCase(Locale.ROOT) + ">"
                            : "add a line: " + key(setting) + " = " + (setting.secret() ? "{{env:YOUR_VARIABLE}}"
                                    : "<" + setting.title().toLowerCase(Locale.ROOT) + ">")));
        }
        return value;
    }

    public Boolean bool(Setting setting) {
        String value = text(setting);
        if (value == null) {
            return null;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> {
                problem(setting, "\"" + value + "\" is not true or false", null);
                yield null;
            }
        };
    }

    public Long size(Setting setting) {
        String value = text(setting);
        if (value == null) {
            return null;
        }
        try {
            return ByteSize.parse(value);
        } catch (IllegalArgumentException e) {
            problem(setting, e.getMessage(), null);
            return null;
        }
    }

    public Integer integer(Setting setting, int min, int max) {
        String value = text(setting);
        if (value == null) {
            return null;
        }
        try {
            int number = Integer.parseInt(value);
            if (number < min || number > max) {
                problem(setting, number + " is out of range", "use a number from " + min + " to " + max);
                return null;
            }
            return number;
        } catch (NumberFormatException e) {
            problem(setting, "\"" + value + "\" is not a whole number", "use a number from " + min + " to " + max);
            return null;
        }
    }

    public String choice(Setting setting) {
        String value = text(setting);
        if (value == null) {
            return null;
        }
        String normalized = value.toLowerCase(Locale.ROOT);
        if (!setting.choices().contains(normalized)) {
            String near = Suggestions.closest(normalized, setting.choices());
            problem(setting, "\"" + value + "\" is not one of " + String.join(", ", setting.choices())
                    + (near == null ? "" : " (did you mean " + near + "?)"), null);
            return null;
        }
        return normalized;
    }

    public URI url(Setting setting) {
        String value = text(setting);
        if (value == null) {
            return null;
        }
        return checkUrl(setting, value);
    }

    /** Checks an http(s) URL given for the setting, reporting a problem if it is not one. */
    public URI checkUrl(Setting setting, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    || uri.getHost() == null) {
                problem(setting, "\"" + value + "\" is not an http:// or https:// URL with a host",
                        "write e.g. https://s3.example.com or http://127.0.0.1:9000");
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            problem(setting, "\"" + value + "\" is not a URL: " + e.getReason(),
                    "write e.g. https://s3.example.com or http://127.0.0.1:9000");
            return null;
        }
    }

    /** A comma-separated list of globs, each checked. */
    public java.util.List<String> globs(Setting setting) {
        String text = text(setting);
        java.util.List<String> globs = text == null ? java.util.List.of()
                : java.util.Arrays.stream(text.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        for (String glob : globs) {
            try {
                io.backuprouter.files.PathFilter.check(glob);
            } catch (IllegalArgumentException e) {
                problem(setting, e.getMessage(), "see README for the glob syntax");
            }
        }
        return globs;
    }

    /** Reports a problem with the setting, pointing at its line (or the section's first line, or the command line). */
    public void problem(Setting setting, String message, String hint) {
        problems.add(ConfigProblem.of(file, key(setting), sectionLine(), message, hint));
    }

    /** Whether the setting was given on the command line (-Dkey=value) rather than in the file. */
    public boolean fromCommandLine(Setting setting) {
        return file.fromCommandLine(key(setting));
    }

    /** The first line of the section, where a missing setting belongs; 0 when none is in the file. */
    public int sectionLine() {
        return file.keys().stream().filter(k -> k.startsWith(prefix)).mapToInt(file::line)
                .filter(l -> l > 0).min().orElse(0);
    }

    /** Reports every key under the prefix that no declaration knows. */
    public void rejectUnknown(Collection<Setting> known) {
        Set<String> names = known.stream().map(Setting::name).collect(Collectors.toSet());
        for (String key : file.keys()) {
            if (key.startsWith(prefix) && !names.contains(key.substring(prefix.length()))) {
                String name = key.substring(prefix.length());
                String closest = Suggestions.closest(name, names);
                problems.add(ConfigProblem.of(file, key, 0, "unknown setting",
                        closest != null ? "did you mean " + prefix + closest + "?"
                                : "known settings here: " + names.stream().sorted().collect(Collectors.joining(", "))));
            }
        }
    }

    private boolean hasProblem(Setting setting) {
        String key = key(setting);
        return problems.stream().anyMatch(p -> key.equals(p.key()));
    }
}
