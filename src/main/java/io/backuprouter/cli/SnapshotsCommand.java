package io.backuprouter.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.backuprouter.UserException;
import io.backuprouter.backup.JobState;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.Snapshot;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.values.ByteSize;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.targets.ObjectInfo;
import io.backuprouter.repository.JobRepository;
import io.backuprouter.targets.Targets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code snapshots JOB}: the snapshots a target lists for a job. */
@Command(name = "snapshots", mixinStandardHelpOptions = true,
        description = {"Lists the snapshots of a job on a target.",
                "Shows id, time, files, total size and bytes added. Details come from this machine's history of "
                + "the snapshots it made, or from the manifests themselves when an identity can decrypt them."})
final class SnapshotsCommand implements Callable<Integer> {
    @Mixin
    JobOptions jobOptions;

    @Parameters(paramLabel = "JOB", description = "The job.")
    String jobName;

    @Option(names = "--target", description = "The target to list (default: the job's first reachable target).")
    String target;

    @Option(names = "--identity", paramLabel = "FILE", description = "An identity file to read snapshot details with "
            + "(default: the job's identity, if set); repeatable.")
    List<Path> identity;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One line of the listing; counts are null when unknown. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"id", "time", "host", "files", "bytes", "addedBytes"})
    record Row(String id, Instant time, String host, Long files, Long bytes, Long addedBytes) {
    }

    @Override
    public Integer call() throws Exception {
        try (JobContext context = JobContext.open(spec, jobOptions, jobName, target)) {
            context.targetsOrAll(target);
            print(rows(context.job(), context.targets()));
        }
        return 0;
    }

    private List<Row> rows(JobSettings job, Targets targets) throws IOException {
        List<String> candidates = target != null ? List.of(target) : job.targets();
        IOException last = null;
        for (String name : candidates) {
            JobRepository store = new JobRepository(targets.store(name).orElseThrow(), job.name());
            Map<String, ObjectInfo> snapshots;
            try {
                snapshots = store.snapshots();
            } catch (IOException e) {
                last = e;
                continue;
            }
            return describe(job, store, snapshots);
        }
        throw new UserException("job " + job.name() + ": no target could be listed: " + (last == null ? "" : last.getMessage()));
    }

    private List<Row> describe(JobSettings job, JobRepository store, Map<String, ObjectInfo> snapshots) throws IOException {
        Map<String, JobState.HistoryEntry> history = new HashMap<>();
        JobState.readHistory(job.jobStateDir()).forEach(entry -> history.put(entry.id(), entry));
        AgeIdentity reader = identity != null && !identity.isEmpty() ? AgeIdentity.read(identity) : job.reader().orElse(null);
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, ObjectInfo> snapshot : snapshots.entrySet()) {
            String id = snapshot.getKey();
            JobState.HistoryEntry known = history.get(id);
            if (known != null) {
                rows.add(new Row(id, known.time(), null, known.files(), known.bytes(), known.addedBytes()));
            } else if (reader != null) {
                try {
                    Snapshot s = store.manifest(id, reader);
                    rows.add(new Row(id, s.time(), s.host(), s.stats().files(), s.stats().bytes(), s.stats().addedBytes()));
                } catch (io.backuprouter.crypto.Age.WrongKeyException e) {
                    throw e;
                } catch (IOException e) {
                    // One damaged manifest hides nothing else: its row says what it can, and why the rest is missing.
                    spec.commandLine().getErr().println("warning: " + e.getMessage());
                    rows.add(new Row(id, SnapshotIds.timeOf(id), null, null, null, null));
                }
            } else {
                rows.add(new Row(id, SnapshotIds.timeOf(id), null, null, null, null));
            }
        }
        return rows;
    }

    private void print(List<Row> rows) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Manifests.json().writeValueAsString(rows));
        } else {
            out.printf("%-30s %-20s %9s %11s %11s%n", "ID", "TIME (UTC)", "FILES", "SIZE", "ADDED");
            for (Row row : rows) {
                out.printf("%-30s %-20s %9s %11s %11s%n", row.id(), row.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", ""),
                        row.files() == null ? "?" : row.files(), row.bytes() == null ? "?" : ByteSize.format(row.bytes()),
                        row.addedBytes() == null ? "?" : ByteSize.format(row.addedBytes()));
            }
            out.println(rows.size() + " snapshot(s)" + (rows.stream().anyMatch(r -> r.files() == null)
                    ? "; ? = details need the identity (--identity FILE)" : ""));
        }
        out.flush();
    }
}
