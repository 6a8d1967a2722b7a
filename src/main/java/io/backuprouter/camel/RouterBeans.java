package io.backuprouter.camel;

import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.RouterSettings;
import io.backuprouter.config.TargetSettings;
import io.backuprouter.targets.S3Store;
import io.backuprouter.targets.Targets;
import java.time.Clock;
import java.util.function.BiConsumer;

/**
 * The beans the route files and kamelets call, by the names they use: {@code backupJobs},
 * {@code mirrors}, {@code restoreDrops}, {@code targetHealth}, {@code routerMetrics}, {@code targets},
 * and each S3 target's client as {@code s3-<target>}. The router binds them into camel-main; the
 * tests of the shipped route files bind the same ones into their own context.
 */
final class RouterBeans implements AutoCloseable {
    /** Where the kamelets the route files use (backup-on-change, mirror-run...) are loaded from: the jar. */
    static final String KAMELETS = "classpath:kamelets";

    private final Targets targets;
    private final RouterMetrics metrics;
    private final TargetHealth targetHealth;
    private final BackupJobs backupJobs;
    private final MirrorRuns mirrors;
    private final RestoreDrops restoreDrops;

    RouterBeans(RouterSettings settings, JobCatalog jobs, MirrorCatalog mirrors, Targets targets, Clock clock) {
        this.targets = targets;
        this.metrics = new RouterMetrics(clock);
        this.targetHealth = new TargetHealth(targets, metrics);
        // A quiet on-change folder is looked at twice within the health check's limit, so that quiet is not taken for stalled.
        this.backupJobs = new BackupJobs(jobs, targets, clock, metrics, settings.health().maxAge().dividedBy(2));
        this.mirrors = new MirrorRuns(mirrors, targets, metrics);
        this.restoreDrops = new RestoreDrops(jobs, targets, settings.restore(), clock, metrics);
    }

    /** Binds every bean under its name: {@code main::bind}, or a registry's {@code bind}. */
    void bindTo(BiConsumer<String, Object> bind) {
        bind.accept("targets", targets);
        bind.accept("targetHealth", targetHealth);
        bind.accept("routerMetrics", metrics);
        bind.accept("backupJobs", backupJobs);
        bind.accept("mirrors", mirrors);
        bind.accept("restoreDrops", restoreDrops);
        for (TargetSettings target : targets.settings()) {
            targets.store(target.name()).filter(S3Store.class::isInstance)
                    .ifPresent(store -> bind.accept("s3-" + target.name(), ((S3Store) store).client()));
        }
    }

    RouterMetrics metrics() {
        return metrics;
    }

    TargetHealth targetHealth() {
        return targetHealth;
    }

    BackupJobs backupJobs() {
        return backupJobs;
    }

    /** Stops watching the jobs' folders (the targets belong to the caller). */
    @Override
    public void close() {
        backupJobs.close();
    }
}
