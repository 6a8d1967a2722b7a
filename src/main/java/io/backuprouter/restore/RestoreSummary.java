package io.backuprouter.restore;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.backuprouter.values.ByteSize;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of a restore.
 *
 * @param job the job
 * @param snapshot the snapshot restored
 * @param target the target it was read from
 * @param files files restored and verified (including those already identical)
 * @param bytes their size
 * @param kept files not replaced because of the overwrite policy
 * @param problems every file not restored, and why (refused paths, damaged archives...)
 * @param notes things worth knowing that are not failures (an archive read from another target)
 * @param duration how long it took
 * @param keepingAsked the request said to keep every existing file ({@code --overwrite never}): the
 *     files kept are what it asked for, not files missing from the restore
 * @param fetched the bytes read from the targets (manifests, the listing pieces read, whole archives, and ranges of
 *     archives)
 */
@JsonPropertyOrder({"status", "job", "snapshot", "target", "files", "bytes", "fetched", "kept", "problems", "notes",
        "durationSeconds"})
public record RestoreSummary(String job, String snapshot, String target, long files, long bytes, List<String> kept,
                             List<String> problems, List<String> notes, Duration duration,
                             @com.fasterxml.jackson.annotation.JsonIgnore boolean keepingAsked, long fetched) {

    /** Every requested file is in place and verified, or kept as the request asked. */
    public boolean complete() {
        return problems.isEmpty() && (kept.isEmpty() || keepingAsked);
    }

    public String status() {
        return complete() ? "done" : "incomplete";
    }

    public double durationSeconds() {
        return duration.toMillis() / 1000.0;
    }

    @Override
    public String toString() {
        return "job " + job + ": restored snapshot " + snapshot + " from " + target + ": " + ByteSize.count(files, "file") + ", "
                + ByteSize.format(bytes) + " verified, " + ByteSize.format(fetched) + " fetched"
                + (kept.isEmpty() ? "" : "; " + kept.size() + " kept (newer or existing locally)")
                + (problems.isEmpty() ? "" : "; " + problems.size() + " NOT restored")
                + String.format("; %.1f s", durationSeconds());
    }
}
