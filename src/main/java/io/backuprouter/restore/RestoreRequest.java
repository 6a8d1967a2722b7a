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

        public static OutsideLinks parse(String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "refuse" -> REFUSE;
                case "skip" -> SKIP;
                case "create" -> CREATE;
                default -> throw new IllegalArgumentException("\"" + text + "\" is not refuse, skip or create");
            };
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

        public static Overwrite parse(String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "never" -> NEVER;
                case "if-older" -> IF_OLDER;
                case "always" -> ALWAYS;
                default -> throw new IllegalArgumentException("\"" + text + "\" is not never, if-older or always");
            };
        }
    }
}
