package io.backuprouter.backup;

import io.backuprouter.values.ByteSize;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one backup run.
 *
 * @param job the job
 * @param snapshotId the snapshot made, or {@code null} when none could be committed anywhere
 * @param files files in the snapshot
 * @param bytes their total size
 * @param addedFiles files whose content was packed this run
 * @param addedBytes that content's size
 * @param uploadedBytes encrypted bytes of new archives uploaded (to each target)
 * @param listingBytes encrypted bytes of the snapshot's manifest and of the listing pieces no target held yet
 * @param archives new archives
 * @param committed targets that now list the snapshot
 * @param failed targets that do not, with the reason; they catch up on a later run
 * @param warnings files left for the next run (changed while read, unreadable)
 * @param duration how long the run took
 * @param unchanged the run found the source as the previous snapshot recorded it, which every target
 *     holds, and made no new snapshot: {@code snapshotId} is that previous snapshot (runs that skip
 *     unchanged snapshots only, see {@link BackupRun#skipIfUnchanged})
 * @param forgotten older snapshots the job's retention policy forgot after this one (on the target
 *     that forgot the most)
 */
public record BackupSummary(String job, String snapshotId, long files, long bytes, long addedFiles, long addedBytes,
                            long uploadedBytes, long listingBytes, int archives, List<String> committed, Map<String, String> failed,
                            List<String> warnings, Duration duration, boolean unchanged, int forgotten) {

    public boolean complete() {
        return snapshotId != null && failed.isEmpty();
    }

    /** One line, as the router logs it for every snapshot. */
    @Override
    public String toString() {
        if (unchanged) {
            StringBuilder line = new StringBuilder("job " + job + ": nothing changed since snapshot " + snapshotId + " ("
                    + ByteSize.count(files, "file") + ", " + ByteSize.format(bytes) + "), which " + String.join(", ", committed)
                    + (committed.size() == 1 ? " holds" : " hold") + "; no new snapshot");
            return ending(line);
        }
        String result = snapshotId == null ? "job " + job + ": no snapshot committed"
                : "job " + job + ": snapshot " + snapshotId + ": " + ByteSize.count(files, "file") + ", " + ByteSize.format(bytes)
                + "; added " + ByteSize.count(addedFiles, "file") + ", " + ByteSize.format(addedBytes) + " ("
                + ByteSize.format(uploadedBytes) + " uploaded in " + ByteSize.count(archives, "archive") + ", "
                + ByteSize.format(listingBytes) + " of listing); committed on " + (committed.isEmpty() ? "no target" : String.join(", ", committed));
        StringBuilder line = new StringBuilder(result);
        failed.forEach((target, reason) -> line.append("; ").append(target).append(" FAILED: ").append(reason));
        if (forgotten > 0) {
            line.append("; forgot ").append(ByteSize.count(forgotten, "older snapshot")).append(" (retention)");
        }
        return ending(line);
    }

    private String ending(StringBuilder line) {
        if (!warnings.isEmpty()) {
            line.append("; ").append(warnings.size()).append(" warning(s)");
        }
        return line.append(String.format("; %.1f s", duration.toMillis() / 1000.0)).toString();
    }
}
