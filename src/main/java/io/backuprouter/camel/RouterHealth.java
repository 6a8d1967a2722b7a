package io.backuprouter.camel;

import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.TargetCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The router's own health checks on {@code /observe/health}: every target must pass its latest
 * check, and every job must have succeeded on each of its targets within {@code backup.health.max-age}
 * (counted from router start for a job that has not run yet). The reason is in the check's details.
 */
public final class RouterHealth {
    private RouterHealth() {
    }

    /** Targets: down while the latest check failed. */
    public static final class Targets extends AbstractHealthCheck {
        private final TargetHealth targetHealth;

        public Targets(TargetHealth targetHealth) {
            super("backup-router", "targets");
            this.targetHealth = targetHealth;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            builder.up();
            for (TargetCheck.Result result : targetHealth.results().values()) {
                builder.detail("target." + result.target(), result.ok() ? "ok" : result.failure());
                if (!result.ok()) {
                    builder.down().message("target " + result.target() + ": " + result.failure());
                }
            }
        }
    }

    /** Jobs: down when one's last run on a target failed, or it has not succeeded there within the maximum age. */
    public static final class Jobs extends AbstractHealthCheck {
        private final JobCatalog jobs;
        private final RouterMetrics metrics;
        private final Duration maxAge;
        private final Clock clock;
        private final Instant started;

        public Jobs(JobCatalog jobs, RouterMetrics metrics, Duration maxAge, Clock clock) {
            super("backup-router", "jobs");
            this.jobs = jobs;
            this.metrics = metrics;
            this.maxAge = maxAge;
            this.clock = clock;
            this.started = clock.instant();
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            builder.up();
            for (JobSettings job : jobs.jobs().values()) {
                // A run that failed before any target took it, also one a one-shot command made: what status says.
                var stateFailure = io.backuprouter.backup.JobState.lastFailure(job.jobStateDir());
                for (String target : job.targets()) {
                    var outcome = metrics.outcome("job", job.name(), target);
                    Instant since = outcome.map(RouterMetrics.Outcome::lastSuccess).orElse(null);
                    String key = "job." + job.name() + "." + target;
                    if (stateFailure.isPresent() && (since == null || stateFailure.get().time().isAfter(since))) {
                        down(builder, key, "job " + job.name() + ": its last run, at " + stateFailure.get().time()
                                + ", failed: " + stateFailure.get().reason());
                    } else if (outcome.filter(RouterMetrics.Outcome::failing).isPresent()) {
                        down(builder, key, "job " + job.name() + ": its last run on target " + target + " failed: "
                                + outcome.get().lastFailureReason());
                    } else if (Duration.between(since != null ? since : started, clock.instant()).compareTo(maxAge) > 0) {
                        down(builder, key, "job " + job.name() + " has not succeeded on target " + target + " for more than "
                                + io.backuprouter.values.Durations.format(maxAge) + outcome.map(RouterMetrics.Outcome::lastFailureReason)
                                .map(r -> ": " + r).orElse(""));
                    } else {
                        builder.detail(key, since == null ? "not run yet" : "ok since " + since);
                    }
                }
            }
        }
    }

    /**
     * Mirrors: down while one's latest pass failed or was held back (the deletion ceiling, a target
     * down), with why, until a pass succeeds. A mirror that has not run since start is not judged.
     */
    public static final class Mirrors extends AbstractHealthCheck {
        private final io.backuprouter.config.MirrorCatalog mirrors;
        private final RouterMetrics metrics;

        public Mirrors(io.backuprouter.config.MirrorCatalog mirrors, RouterMetrics metrics) {
            super("backup-router", "mirrors");
            this.mirrors = mirrors;
            this.metrics = metrics;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            builder.up();
            for (io.backuprouter.config.MirrorSettings mirror : mirrors.mirrors().values()) {
                var outcome = metrics.outcome("mirror", mirror.name(), mirror.to());
                if (outcome.filter(RouterMetrics.Outcome::failing).isPresent()) {
                    down(builder, "mirror." + mirror.name(), "mirror " + mirror.name() + ": its last pass failed: "
                            + outcome.get().lastFailureReason());
                } else {
                    Instant success = outcome.map(RouterMetrics.Outcome::lastSuccess).orElse(null);
                    builder.detail("mirror." + mirror.name(), success == null ? "not run yet" : "ok since " + success);
                }
            }
        }
    }

    /** Down, with the reason as the message and as the detail of what it is about. */
    private static void down(HealthCheckResultBuilder builder, String key, String reason) {
        builder.down().message(reason);
        builder.detail(key, reason);
    }
}
