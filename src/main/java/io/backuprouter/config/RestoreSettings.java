package io.backuprouter.config;

import static io.backuprouter.config.Setting.Kind.TEXT;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Restores requested by dropped files, {@code backup.restore.*}.
 *
 * @param allowedRoots folders a dropped request may restore into (and below); empty: anywhere but
 *     the file system root and system folders
 */
public record RestoreSettings(List<Path> allowedRoots) {
    static final String PREFIX = "backup.restore.";

    public static final Setting ALLOWED_ROOTS = Setting.of("allowed-roots", TEXT, "Allowed Roots",
            "comma-separated folders that dropped restore requests may write into; empty: any but / and system folders", "");

    public static final List<Setting> SETTINGS = List.of(ALLOWED_ROOTS);

    static RestoreSettings read(ConfigFile file, List<ConfigProblem> problems) {
        SettingsSection s = new SettingsSection(file, PREFIX, problems);
        s.rejectUnknown(SETTINGS);
        String roots = s.text(ALLOWED_ROOTS);
        List<Path> allowed = roots == null || roots.isBlank() ? List.of()
                : Arrays.stream(roots.split(",")).map(String::trim).filter(r -> !r.isEmpty())
                .map(r -> Path.of(r).toAbsolutePath().normalize()).toList();
        return new RestoreSettings(allowed);
    }
}
