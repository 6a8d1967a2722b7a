package io.backuprouter.config;

import static io.backuprouter.config.Setting.Kind.INTEGER;
import static io.backuprouter.config.Setting.Kind.TEXT;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Restores requested by dropped files, {@code backup.restore.*}.
 *
 * @param allowedRoots folders a dropped request may restore into (and below); empty: the request's
 *     job's source folder and var/restored (see {@link io.backuprouter.restore.AllowedRoots})
 * @param maxExpansion how many times larger than its compressed size an archive entry may grow
 *     while it is extracted; beyond that it is refused as a zip bomb
 */
public record RestoreSettings(List<Path> allowedRoots, int maxExpansion) {
    /** Deflate cannot expand data more than about 1,032 times, so archives this tool writes never reach it. */
    public static final int DEFAULT_MAX_EXPANSION = 1100;

    static final String PREFIX = "backup.restore.";

    public static final Setting ALLOWED_ROOTS = Setting.of("allowed-roots", TEXT, "Allowed Roots",
            "comma-separated folders that dropped restore requests may write into; empty: the job's source folder and"
                    + " var/restored", "");

    public static final Setting MAX_EXPANSION = Setting.of("max-expansion", INTEGER, "Max Expansion",
            "an archive entry that grows more than this many times its compressed size while it is restored is"
                    + " refused as a zip bomb (deflate never exceeds ~1,032; zstd entries may always reach 32,768, as zstd"
                    + " compresses a run of one byte)", String.valueOf(DEFAULT_MAX_EXPANSION));

    public static final List<Setting> SETTINGS = List.of(ALLOWED_ROOTS, MAX_EXPANSION);

    public static RestoreSettings defaults() {
        return new RestoreSettings(List.of(), DEFAULT_MAX_EXPANSION);
    }

    static RestoreSettings read(ConfigFile file, List<ConfigProblem> problems) {
        SettingsSection s = new SettingsSection(file, PREFIX, problems);
        s.rejectUnknown(SETTINGS);
        String roots = s.text(ALLOWED_ROOTS);
        List<Path> allowed = roots == null || roots.isBlank() ? List.of()
                : Arrays.stream(roots.split(",")).map(String::trim).filter(r -> !r.isEmpty())
                .map(r -> Path.of(r).toAbsolutePath().normalize()).toList();
        Integer maxExpansion = s.integer(MAX_EXPANSION, 1, 1_000_000);
        return new RestoreSettings(allowed, maxExpansion == null ? DEFAULT_MAX_EXPANSION : maxExpansion);
    }
}
