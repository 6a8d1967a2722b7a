package io.backuprouter.camel;

import io.backuprouter.UserException;
import io.backuprouter.backup.BackupProgress;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.backup.BackupSummary;
import io.backuprouter.backup.FolderWatch;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.Targets;
import java.io.IOException;
import java.time.Clock;
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

    public BackupJobs(JobCatalog catalog, Targets targets, Clock clock) {
        this.catalog = catalog;
        this.targets = targets;
        this.clock = clock;
    }

    /**
     * Runs one snapshot of the job and returns its summary, which is also logged as one line. A
     * failure that leaves no snapshot anywhere is thrown; the router keeps running.
     */
    public BackupSummary run(@Header(JOB_HEADER) String name) throws IOException {
        JobSettings job = job(name);
        ReentrantLock lock = running.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            BackupSummary summary = new BackupRun(job, targets.stores(), clock, BackupProgress.NONE).run();
            if (summary.complete()) {
                LOG.info("{}", summary);
            } else {
                LOG.warn("{}", summary);
            }
            return summary;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For {@code backup-on-change}: whether the job's folder changed and has since been quiet for
     * its quiet period. The first call starts watching the folder, and answers true once the quiet
     * period has passed, so that changes made while the router was stopped are backed up too.
     */
    public boolean quietChange(@Header(JOB_HEADER) String name) throws IOException {
        JobSettings job = job(name);
        FolderWatch watch = watches.get(name);
        if (watch == null) {
            watch = new FolderWatch(job.source(), job.quietPeriod(), clock);
            watches.put(name, watch);
            LOG.info("Job {}: watching {}; backs up {} s after the last change", name, job.source(),
                    job.quietPeriod().toMillis() / 1000.0);
        }
        return watch.takeQuietChange();
    }

    public JobSettings job(String name) {
        return catalog.job(name).orElseThrow(() -> new UserException("unknown job \"" + name + "\"; jobs: "
                + String.join(", ", catalog.jobs().keySet())));
    }

    @Override
    public void close() {
        watches.values().forEach(FolderWatch::close);
    }
}
