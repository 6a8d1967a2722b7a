package io.backuprouter.restore;

import java.nio.file.Path;
import java.util.List;

/**
 * The folders a dropped restore request may write into, and below: those listed in
 * {@code backup.restore.allowed-roots}, or by default the request's job's own source folder and
 * {@code var/restored}. With the defaults the file system root and system folders are refused as
 * well (a job may back up {@code /etc}); folders listed in the setting are the user's own choice.
 *
 * @param folders absolute, normalized folders
 * @param configured whether they were listed in the setting (else they are the defaults)
 */
public record AllowedRoots(List<Path> folders, boolean configured) {
    public static final String SETTING = "backup.restore.allowed-roots";
    /** Where dropped requests restore by default, in the router's var/ (beside var/restore/requests). */
    public static final Path RESTORED = Path.of("var/restored");

    public AllowedRoots {
        folders = folders.stream().map(f -> f.toAbsolutePath().normalize()).toList();
    }

    /** The folders a request for a job may restore into, or Invalid when there is no such job. */
    @FunctionalInterface
    public interface ForJob {
        AllowedRoots of(String job) throws RestoreRequestFile.Invalid;
    }

    /** The folders listed in the setting, or when it lists none the job's source folder and {@code restored}. */
    public static AllowedRoots of(List<Path> listed, Path jobSource, Path restored) {
        return listed.isEmpty() ? new AllowedRoots(List.of(jobSource, restored), false) : new AllowedRoots(listed, true);
    }

    /** Refuses a destination outside the folders, both as written and with its links followed. */
    void check(Path destination) throws RestoreRequestFile.Invalid {
        check(destination, folders);
        check(RestoreRequestFile.real(destination), folders.stream().map(RestoreRequestFile::real).toList());
    }

    private void check(Path destination, List<Path> roots) throws RestoreRequestFile.Invalid {
        if (!configured) {
            refuseRootAndSystemFolders(destination);
        }
        if (roots.stream().anyMatch(destination::startsWith)) {
            return;
        }
        String listed = String.join(", ", roots.stream().map(Path::toString).toList());
        throw new RestoreRequestFile.Invalid(configured
                ? "destination " + destination + " is outside the allowed roots (" + listed + "), set by " + SETTING
                        + "\n    hint: restore into one of them, or add the folder to " + SETTING
                : "destination " + destination + " is outside the allowed roots (" + listed + "): by default a dropped"
                        + " request restores only into its job's source folder or var/restored"
                        + "\n    hint: restore into one of them, or list the folders requests may restore into in " + SETTING
                        + " (comma-separated; it replaces these defaults)");
    }

    private static void refuseRootAndSystemFolders(Path destination) throws RestoreRequestFile.Invalid {
        String lower = destination.toString().replace('\\', '/').toLowerCase(java.util.Locale.ROOT);
        if (destination.getParent() == null || lower.matches("^[a-z]:/?$")) {
            throw new RestoreRequestFile.Invalid("destination " + destination + " is the root of the file system: the"
                    + " job's files would land at its top; by default a dropped request restores only into its job's source"
                    + " folder or var/restored\n    hint: restore into a folder, such as var/restored/<job>, or list the folders"
                    + " requests may restore into in " + SETTING);
        }
        String system = RestoreRequestFile.systemFolder(destination);
        if (system != null) {
            throw new RestoreRequestFile.Invalid("destination " + destination + " is a system folder (" + system + "):"
                    + " dropped requests do not restore into system folders\n    hint: restore into var/restored/<job>,"
                    + " or list the folder in " + SETTING + " if restores there are meant");
        }
    }
}
