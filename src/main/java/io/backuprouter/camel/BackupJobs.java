package io.backuprouter.camel;

import io.backuprouter.UserException;
import io.backuprouter.files.BackupProgress;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.backup.BackupSummary;
import io.backuprouter.backup.FolderWatch;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.Targets;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backup jobs of the running router, as a bean the kamelets call ({@code backupJobs}). Runs of
 * one job never overlap: a trigger that arrives during a run waits for it, then runs again.
 */
public final class BackupJobs implements AutoCloseable {
    /** The header naming the job to run. */
    public static final String JOB_HEADER = "BackupJob";
    private static final Logger LOG = LoggerFactory.getLogger(BackupJobs.class);

    private final JobCatalog catalog;
    private final Targets targets;
    private final Clock clock;
    private final Map<String, ReentrantLock> running = new ConcurrentHashMap<>();
    private final Map<String, FolderWatch> watches = new ConcurrentHashMap<>();
    private final java.util.concurrent.ExecutorService catchUp = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "backup-catch-up");
        thread.setDaemon(true);
        return thread;
    });

    /** How soon a {@code backup-on-change} job whose run failed tries again, when nothing changes meanwhile. */
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);

    private final RouterMetrics metrics;
    private final Duration recheck;
    /** For a job whose folder is gone: when to try (and fail, saying why) again. */
    private final Map<String, Instant> retryMissing = new ConcurrentHashMap<>();

    /**
     * @param recheck how long a {@code backup-on-change} job's folder may stay quiet before it is
     *     looked at anyway (half of {@code backup.health.max-age} in the router)
     */
    public BackupJobs(JobCatalog catalog, Targets targets, Clock clock, RouterMetrics metrics, Duration recheck) {
        this.catalog = catalog;
        this.targets = targets;
        this.clock = clock;
        this.metrics = metrics;
        this.recheck = recheck;
    }

    /**
     * Runs one snapshot of the job and returns its summary, which is also logged as one line. A
     * failure that leaves no snapshot anywhere is thrown; the router keeps running.
     */
    public BackupSummary run(@Header(JOB_HEADER) String name) throws IOException {
        return run(name, false);
    }

    /**
     * For {@code backup-on-change}: as {@link #run}, but a run that finds the folder as the previous
     * snapshot holds it, on every target, makes no new snapshot (a restart, a recheck of a quiet
     * folder, or changes to excluded files only).
     */
    public BackupSummary runOnChange(@Header(JOB_HEADER) String name) throws IOException {
        return run(name, true);
    }

    private BackupSummary run(String name, boolean skipIfUnchanged) throws IOException {
        JobSettings job = job(name);
        ReentrantLock lock = running.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            BackupSummary summary;
            try {
                summary = new BackupRun(job, targets.stores(), clock, BackupProgress.NONE).skipIfUnchanged(skipIfUnchanged).run();
            } catch (IOException | RuntimeException e) {
                metrics.backupFailed(name, job.targets(), e.getMessage());
                FolderWatch watch = watches.get(name);
                if (skipIfUnchanged && watch != null) {
                    // The changes are not backed up: look again soon rather than at the next change.
                    watch.retryIn(RETRY_AFTER_FAILURE);
                }
                throw e;
            }
            metrics.backup(name, summary);
            if (summary.complete()) {
                LOG.info("{}", summary);
            } else {
                LOG.warn("{}", summary);
            }
            // The files left for the next run and other warnings, one line each (the summary counts them).
            summary.warnings().forEach(w -> LOG.warn("Job {}: {}", name, w));
            return summary;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For {@code backup-on-change}: whether the job's folder changed and has since been quiet for
     * its quiet period. The first call starts watching the folder, and answers true once the quiet
     * period has passed, so that changes made while the router was stopped are backed up too.
     *
     * <p>A folder that is gone (an unmounted disk, a moved folder: file events may say nothing) is
     * noticed within a second: a run then fails with the reason, in the log, {@code status} and the
     * health check, and again every {@link #RETRY_AFTER_FAILURE} while it stays gone; when it is back,
     * it is watched anew and backed up.
     */
    public boolean quietChange(@Header(JOB_HEADER) String name) throws IOException {
        JobSettings job = job(name);
        if (!Files.isDirectory(job.source())) {
            FolderWatch gone = watches.remove(name);
            if (gone != null) {
                gone.close();
            }
            Instant now = clock.instant();
            Instant next = retryMissing.get(name);
            if (next != null && now.isBefore(next)) {
                return false;
            }
            retryMissing.put(name, now.plus(RETRY_AFTER_FAILURE));
            return true;
        }
        retryMissing.remove(name);
        FolderWatch watch = watches.get(name);
        if (watch == null) {
            watch = new FolderWatch(job.source(), job.quietPeriod(), recheck, clock);
            watches.put(name, watch);
            LOG.info("Job {}: watching {}; backs up {} s after the last change, and looks again after {} without one", name,
                    job.source(), job.quietPeriod().toMillis() / 1000.0, io.backuprouter.values.Durations.format(recheck));
        }
        return watch.takeQuietChange();
    }

    /**
     * For {@code backup-on-schedule} jobs: when a scheduled time passed while the router was not
     * running (the last snapshot this machine made is older than the schedule's last firing), runs
     * the job once now, in the background. Missed runs never pile up: one catch-up at most.
     */
    public void catchUpMissedSchedules() {
        for (JobSettings job : catalog.jobs().values()) {
            if (!"backup-on-schedule".equals(job.trigger()) || job.schedule() == null) {
                continue;
            }
            try {
                // The last run that some target committed (a run that reached none is not one to count).
                var history = io.backuprouter.backup.JobState.readHistory(job.jobStateDir()).stream()
                        .filter(h -> h.targets() != null && !h.targets().isEmpty()).toList();
                if (history.isEmpty()) {
                    continue;
                }
                java.time.Instant last = history.get(history.size() - 1).time();
                var cron = new org.quartz.CronExpression(job.schedule());
                cron.setTimeZone(java.util.TimeZone.getDefault());
                java.util.Date next = cron.getNextValidTimeAfter(java.util.Date.from(last));
                if (next != null && next.toInstant().isBefore(clock.instant())) {
                    LOG.info("Job {}: its scheduled run of {} was missed while the router was stopped; running it now",
                            job.name(), next.toInstant());
                    catchUp.submit(() -> {
                        try {
                            run(job.name());
                        } catch (Exception e) {
                            LOG.warn("Job {}: catch-up run failed: {}", job.name(), e.getMessage());
                        }
                    });
                }
            } catch (java.text.ParseException | IOException e) {
                LOG.warn("Job {}: cannot check for a missed scheduled run: {}", job.name(), e.getMessage());
            }
        }
    }

    public JobSettings job(String name) {
        return catalog.job(name).orElseThrow(() -> {
            String near = io.backuprouter.values.Suggestions.closest(name, catalog.jobs().keySet());
            return new UserException("unknown job \"" + name + "\"" + (near == null ? "" : " (did you mean " + near + "?)")
                    + "; jobs: " + String.join(", ", catalog.jobs().keySet())
                    + " (route files are read when the router starts: restart it after adding or renaming a job)");
        });
    }

    @Override
    public void close() {
        catchUp.shutdownNow();
        watches.values().forEach(FolderWatch::close);
    }
}
