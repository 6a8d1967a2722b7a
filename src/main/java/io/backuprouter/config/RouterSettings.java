package io.backuprouter.config;

import io.backuprouter.values.Suggestions;
import io.backuprouter.providers.ProviderPresets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Everything under {@code backup.} in the settings file, read and validated at once. Problems in
 * any section are collected and thrown together as one {@link ConfigException}.
 */
public final class RouterSettings {
    /** Sections under {@code backup.}; anything else there is a typo. */
    private static final List<String> SECTIONS = List.of("embedded-s3", "targets", "restore", "health");

    private final ConfigFile file;
    private final EmbeddedS3Settings embeddedS3;
    private final Map<String, TargetSettings> targets;
    private final RestoreSettings restore;
    private final HealthSettings health;

    private RouterSettings(ConfigFile file, EmbeddedS3Settings embeddedS3, Map<String, TargetSettings> targets,
                           RestoreSettings restore, HealthSettings health) {
        this.health = health;
        this.file = file;
        this.embeddedS3 = embeddedS3;
        this.targets = targets;
        this.restore = restore;
    }

    /** Reads only the embedded endpoint's section (it must start before targets can be resolved). */
    public static EmbeddedS3Settings embeddedS3(ConfigFile file) {
        List<ConfigProblem> problems = new ArrayList<>();
        EmbeddedS3Settings settings = EmbeddedS3Settings.read(file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return settings;
    }

    /** Reads and validates every section. */
    public static RouterSettings read(ConfigFile file) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (String key : file.keys()) {
            if (key.startsWith("backup.")) {
                String section = key.substring("backup.".length()).split("\\.", 2)[0];
                if (!SECTIONS.contains(section)) {
                    String closest = Suggestions.closest(section, SECTIONS);
                    problems.add(ConfigProblem.of(file, key, 0, "unknown setting",
                            closest != null ? "did you mean backup." + closest + "?"
                                    : "settings start with backup." + String.join(", backup.", SECTIONS)));
                }
            }
        }
        file.repeated().forEach((key, at) -> problems.add(new ConfigProblem(file.display(), at.get(at.size() - 1), key,
                "set more than once (lines " + at.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
                        + "): only the last would count", "keep one of them")));
        EmbeddedS3Settings embedded = EmbeddedS3Settings.read(file, problems);
        Map<String, TargetSettings> targets = new LinkedHashMap<>();
        for (String name : targetNames(file)) {
            if (!name.matches("[a-z0-9][a-z0-9-]*")) {
                problems.add(new ConfigProblem(file.display(), firstLine(file, "backup.targets." + name + "."),
                        "backup.targets." + name, "target name \"" + name + "\" is not kebab-case",
                        "use lower-case letters, digits and hyphens, e.g. r2-photos"));
                continue;
            }
            targets.put(name, TargetSettingsReader.read(file, name, ProviderPresets.shipped(), problems));
        }
        RestoreSettings restore = RestoreSettings.read(file, problems);
        HealthSettings health = HealthSettings.read(file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new RouterSettings(file, embedded, targets, restore, health);
    }

    private static TreeSet<String> targetNames(ConfigFile file) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : file.keys()) {
            if (key.startsWith("backup.targets.")) {
                String rest = key.substring("backup.targets.".length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return names;
    }

    private static int firstLine(ConfigFile file, String prefix) {
        return file.keys().stream().filter(k -> k.startsWith(prefix)).mapToInt(file::line)
                .filter(l -> l > 0).min().orElse(0);
    }

    public ConfigFile file() {
        return file;
    }

    public EmbeddedS3Settings embeddedS3() {
        return embeddedS3;
    }

    public Map<String, TargetSettings> targets() {
        return targets;
    }

    public HealthSettings health() {
        return health;
    }

    public RestoreSettings restore() {
        return restore;
    }

    public Optional<TargetSettings> target(String name) {
        return Optional.ofNullable(targets.get(name));
    }
}
