package io.backuprouter.camel;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.backuprouter.UserException;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.config.Secrets;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.restore.AllowedRoots;
import io.backuprouter.restore.RestoreRequest;
import io.backuprouter.restore.RestoreRequestFile;
import io.backuprouter.restore.RestoreSummary;
import io.backuprouter.restore.Restorer;
import io.backuprouter.targets.Targets;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores requested by dropping a file into the watched folder (the {@code restore-drop} route).
 * After the restore the route moves the request to {@code done/} or {@code failed/}; this bean
 * writes the result file there beside it: {@code <request>.result.json}.
 */
public final class RestoreDrops {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreDrops.class);

    private final JobCatalog jobs;
    private final Targets targets;
    private final List<Path> allowedRoots;
    private final int maxExpansion;
    private final Clock clock;

    private final RouterMetrics metrics;

    public RestoreDrops(JobCatalog jobs, Targets targets, io.backuprouter.config.RestoreSettings settings, Clock clock,
                        RouterMetrics metrics) {
        this.metrics = metrics;
        this.jobs = jobs;
        this.targets = targets;
        this.allowedRoots = settings.allowedRoots();
        this.maxExpansion = settings.maxExpansion();
        this.clock = clock;
    }

    /** The result file of a request that ran. */
    @JsonPropertyOrder({"status", "request", "job", "snapshot", "target", "destination", "files", "bytes", "durationSeconds",
            "kept", "problems", "notes"})
    record Result(String status, String request, String job, String snapshot, String target, String destination, long files,
                  long bytes, double durationSeconds, List<String> kept, List<String> problems, List<String> notes) {
        static Result of(String request, Path destination, RestoreSummary s) {
            return new Result(s.status(), request, s.job(), s.snapshot(), s.target(), destination.toString(), s.files(),
                    s.bytes(), s.durationSeconds(), s.kept(), s.problems(), s.notes());
        }
    }

    /** The result file of a request that could not be carried out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"status", "request", "reason"})
    record Failure(String status, String request, String reason) {
    }

    /**
     * Records a request's outcome: its result file in {@code done/} or {@code failed/} (where the
     * route then moves the request). A request dropped again under a name used before replaces the
     * earlier one's outcome: its copy and result in the other folder are removed once the new result
     * is written, so that the folders never show a stale failure beside the new success (or the
     * other way round).
     */
    private static void record(Path folder, String outcome, String name, Object result) throws IOException {
        Path dir = Files.createDirectories(folder.resolve(outcome));
        writeResult(dir.resolve(name + ".result.json"), result);
        Path other = folder.resolve("done".equals(outcome) ? "failed" : "done");
        try {
            if (Files.deleteIfExists(other.resolve(name + ".result.json")) | Files.deleteIfExists(other.resolve(name))) {
                LOG.info("Restore request {}: replaces the earlier request of that name in {}/", name, other.getFileName());
            }
        } catch (IOException e) {
            LOG.warn("Restore request {}: cannot remove the earlier request of that name from {}/: {}", name,
                    other.getFileName(), io.backuprouter.files.LocalErrors.describe(e));
        }
    }

    /**
     * Writes a result file whole or not at all: under a hidden name first, then renamed, so that
     * whoever watches for it (a script, a person) never reads half of it.
     */
    static void writeResult(Path file, Object result) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Manifests.json().writeValue(temp.toFile(), result);
        io.backuprouter.files.AtomicMove.replace(temp, file);
    }

    private JobSettings job(String name) throws RestoreRequestFile.Invalid {
        return jobs.job(name).orElseThrow(() -> new RestoreRequestFile.Invalid("unknown job \"" + name + "\"; jobs: "
                + String.join(", ", jobs.jobs().keySet())));
    }

    /** The folders a request for the job may restore into: those of backup.restore.allowed-roots, or the defaults. */
    private AllowedRoots allowedRoots(String job) throws RestoreRequestFile.Invalid {
        return AllowedRoots.of(allowedRoots, job(job).source(), AllowedRoots.RESTORED);
    }

    /** Carries out one request; throws (so that the route moves it to failed/) when it is not complete. */
    public void handle(Exchange exchange) throws Exception {
        File requestFile = exchange.getIn().getBody(File.class);
        Path request = requestFile.toPath();
        Path folder = request.getParent();
        String name = request.getFileName().toString();
        try {
            if (!name.toLowerCase(java.util.Locale.ROOT).matches(".*\\.(yaml|yml|json)")) {
                String stem = name.lastIndexOf('.') > 0 ? name.substring(0, name.lastIndexOf('.')) : name;
                throw new RestoreRequestFile.Invalid("not a request: requests are .yaml, .yml or .json files; rename it"
                        + " (" + stem + ".yaml) and drop it again");
            }
            RestoreRequest parsed = RestoreRequestFile.read(request, this::allowedRoots);
            JobSettings job = job(parsed.job());
            AgeIdentity reader = job.reader().orElseThrow(() -> new RestoreRequestFile.Invalid("job " + job.name()
                    + " has no identity in its route file; a dropped request cannot carry one: set the job's identity"
                    + " parameter on the machine that restores"));
            RestoreSummary summary = new Restorer(job.name(), job.targets(), targets.stores(), reader,
                    clock, BackupProgress.NONE).maxExpansion(maxExpansion).source(job.source())
                    .expecting(io.backuprouter.backup.JobState.committed(job.jobStateDir(), null)).restore(parsed);
            record(folder, summary.complete() ? "done" : "failed", name, Result.of(name, parsed.destination(), summary));
            metrics.restoreRequest(summary.complete() ? "done" : "incomplete");
            if (!summary.complete()) {
                throw new UserException("restore request " + name + ": " + summary + "; see failed/" + name + ".result.json");
            }
            LOG.info("Restore request {}: {}", name, summary);
        } catch (RestoreRequestFile.Invalid | IOException | RuntimeException e) {
            if (e instanceof UserException user && user.getMessage().startsWith("restore request " + name)) {
                throw user;
            }
            metrics.restoreRequest("failed");
            String reason = Secrets.redact(io.backuprouter.files.LocalErrors.describe(e));
            record(folder, "failed", name, new Failure("failed", name, reason));
            throw new UserException("restore request " + name + " failed: " + reason, e);
        }
    }
}
