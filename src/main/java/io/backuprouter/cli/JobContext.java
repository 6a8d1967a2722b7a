package io.backuprouter.cli;

import io.backuprouter.UserException;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.targets.Targets;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What a command about one job works with: the checked settings (and the embedded endpoint when its
 * target is needed), the job as its route file declares it, and the open targets. Closing closes both.
 */
final class JobContext implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobContext.class);
    private final LoadedConfig loaded;
    private final JobSettings job;
    private final Targets targets;

    private JobContext(LoadedConfig loaded, JobSettings job, Targets targets) {
        this.loaded = loaded;
        this.job = job;
        this.targets = targets;
    }

    static JobContext open(CommandSpec spec, JobOptions jobOptions, String jobName) {
        return open(spec, jobOptions, jobName, null);
    }

    /**
     * @param target a target named on the command line ({@code --target}), or null; the embedded
     *     endpoint starts only when it or one of the job's targets is served by it
     */
    static JobContext open(CommandSpec spec, JobOptions jobOptions, String jobName, String target) {
        ConfigOptions options = ConfigOptions.of(spec);
        RouteFiles.validate(jobOptions.routes);
        LoadedConfig loaded = LoadedConfig.loadFor(options.config(), settings -> {
            List<String> needed = new java.util.ArrayList<>(JobCatalog.readFor(jobOptions.routes, settings, jobName, p -> { })
                    .job(jobName).map(JobSettings::targets).orElse(List.of()));
            if (target != null) {
                needed.add(target);
            }
            return needed;
        });
        try {
            // Another job's mistake does not stop a command about this one (it still stops the router).
            JobCatalog catalog = JobCatalog.readFor(jobOptions.routes, loaded.settings(), jobName, problem -> LOG.warn(
                    "Another job has a problem, left aside for this command about job {} (the router refuses to start with it): {}",
                    jobName, problem));
            JobSettings job = catalog.job(jobName).orElseThrow(() -> {
                String near = io.backuprouter.values.Suggestions.closest(jobName, catalog.jobs().keySet());
                return new UserException("unknown job \"" + jobName + "\"" + (near == null ? "" : " (did you mean " + near + "?)")
                        + "; " + (catalog.jobs().isEmpty() ? "no job is declared in " + jobOptions.routes
                        : "jobs declared in " + jobOptions.routes + ": " + String.join(", ", catalog.jobs().keySet())));
            });
            return new JobContext(loaded, job, new Targets(loaded.settings().targets()));
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    JobSettings job() {
        return job;
    }

    Targets targets() {
        return targets;
    }

    RouterSettings settings() {
        return loaded.settings();
    }

    /** The job's objects on a configured target. */
    io.backuprouter.repository.JobRepository repository(String target) {
        return new io.backuprouter.repository.JobRepository(targets.store(target).orElseThrow(), job.name());
    }

    /**
     * The given target, or all the job's targets. Any configured target may be named, not only the
     * job's own: a mirror of the job's prefix is a home of its snapshots too.
     */
    List<String> targetsOrAll(String target) {
        if (target != null && !loaded.settings().targets().containsKey(target)) {
            throw new UserException("unknown target \"" + target + "\"; configured: "
                    + String.join(", ", loaded.settings().targets().keySet()));
        }
        return target != null ? List.of(target) : job.targets();
    }

    @Override
    public void close() {
        try {
            targets.close();
        } finally {
            loaded.close();
        }
    }
}
