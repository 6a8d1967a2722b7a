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
 */
public record RestoreRequest(String job, String snapshot, Instant at, String target, Path destination,
                             List<String> includes, Overwrite overwrite) {

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
