package io.backuprouter.mirror;

import io.backuprouter.values.ByteSize;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of one mirror pass.
 *
 * @param mirror the mirror
 * @param dryRun whether nothing was changed
 * @param copied objects copied (or, in a dry run, that would be)
 * @param copiedBytes their size
 * @param unchanged objects already identical on the destination
 * @param deleted objects deleted from the destination (sync)
 * @param failed objects that failed after retries, with the reason; the next pass retries them
 * @param blocked why deletions were held back, or {@code null}
 * @param duration how long the pass took
 * @param skipped why no pass was made (another process was making one), or {@code null}
 */
public record MirrorSummary(String mirror, boolean dryRun, long copied, long copiedBytes, long unchanged, long deleted,
                            List<String> failed, String blocked, Duration duration, String skipped) {

    /** No pass was made, and why. */
    public static MirrorSummary skipped(String mirror, String why) {
        return new MirrorSummary(mirror, false, 0, 0, 0, 0, List.of(), null, Duration.ZERO, why);
    }

    /** Whether the pass was made and every object is mirrored. */
    public boolean ok() {
        return failed.isEmpty() && blocked == null && skipped == null;
    }

    @Override
    public String toString() {
        if (skipped != null) {
            return "mirror " + mirror + ": skipped: " + skipped;
        }
        double seconds = Math.max(duration.toMillis(), 1) / 1000.0;
        return "mirror " + mirror + (dryRun ? " (dry run)" : "") + ": " + copied + (dryRun ? " to copy (" : " copied (")
                + ByteSize.format(copiedBytes)
                + (dryRun ? "" : String.format(", %s/s", ByteSize.format((long) (copiedBytes / seconds)))) + "), "
                + unchanged + " unchanged, " + deleted + (dryRun ? " to delete" : " deleted") + ", " + failed.size() + " failed"
                + (blocked == null ? "" : "; deletions held back: " + blocked) + String.format("; %.1f s", seconds);
    }
}
