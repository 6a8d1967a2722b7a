package io.backuprouter.restore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * What to restore.
 *
 * @param job the job
 * @param snapshot a snapshot id, or {@code latest}
 * @param at with {@code latest}: the newest snapshot at or before this time, else {@code null}
 * @param target the target to read from first, or {@code null} for the job's targets in order
 * @param destination the folder to restore into; nothing is written outside it
 * @param includes globs of paths to restore (empty: everything)
 * @param overwrite what to do with files already in the destination
 * @param outsideLinks what to do with symbolic links that lead outside the destination
 */
public record RestoreRequest(String job, String snapshot, Instant at, String target, Path destination,
                             List<String> includes, Overwrite overwrite, OutsideLinks outsideLinks) {

    /** A request that refuses links leading outside the destination (the default). */
    public RestoreRequest(String job, String snapshot, Instant at, String target, Path destination, List<String> includes,
                          Overwrite overwrite) {
        this(job, snapshot, at, target, destination, includes, overwrite, OutsideLinks.REFUSE);
    }

    /**
     * What to do with a symbolic link whose target is absolute or leads out of the destination (by
     * its text, or through other links). Nothing is ever written through a link, whichever is chosen.
     */
    public enum OutsideLinks {
        /** Not created, and reported as not restored: the restore is incomplete (the default). */
        REFUSE,
        /** Not created, and listed as a note: the restore is complete without them. */
        SKIP,
        /** Created as stored, once every file is written (as tar and restic do), and listed as a note. */
        CREATE;

        /** refuse, skip or create. */
        public static OutsideLinks parse(String text) {
            return choice(text, values());
        }
    }

    /** What to do with a file that already exists in the destination. */
    public enum Overwrite {
        /** Never replace an existing file. */
        NEVER,
        /** Replace it when it is older than the snapshot's version (the default). */
        IF_OLDER,
        /** Always replace it. */
        ALWAYS;

        /** never, if-older or always. */
        public static Overwrite parse(String text) {
            return choice(text, values());
        }
    }

    /** The value written as its name in lower case with hyphens ({@code if-older} for IF_OLDER). */
    private static <E extends Enum<E>> E choice(String text, E[] values) {
        List<String> names = java.util.Arrays.stream(values).map(RestoreRequest::written).toList();
        int index = names.indexOf(text.trim().toLowerCase(java.util.Locale.ROOT));
        if (index < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not " + String.join(", ", names.subList(0, names.size() - 1))
                    + " or " + names.get(names.size() - 1));
        }
        return values[index];
    }

    private static String written(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
