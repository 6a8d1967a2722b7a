package io.backuprouter.camel;

import io.backuprouter.backup.BackupSummary;
import io.backuprouter.mirror.MirrorSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the router has done, as Prometheus metrics (on {@code /observe/metrics}) and as the state
 * the health checks read: per job and target the last success and failure and its reason, snapshots,
 * bytes, files and duration; per mirror the same; per target whether its latest check passed; per restore
 * request the outcome.
 */
public final class RouterMetrics {
    /** The latest outcome for one job (or mirror) on one target. */
    public record Outcome(Instant lastSuccess, Instant lastFailure, String lastFailureReason) {
        /** Whether the latest run or pass failed (there is a failure, and no success after it). */
        public boolean failing() {
            return lastFailure != null && (lastSuccess == null || lastFailure.isAfter(lastSuccess));
        }
    }

    private final Clock clock;
    private final AtomicReference<MeterRegistry> registry = new AtomicReference<>();
    private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
    private final Map<String, double[]> gauges = new ConcurrentHashMap<>();
    private final java.util.Set<String> registered = ConcurrentHashMap.newKeySet();

    public RouterMetrics(Clock clock) {
        this.clock = clock;
    }

    /** Starts publishing to the registry (the router's Prometheus registry, once Camel made it). */
    public void bindTo(MeterRegistry meterRegistry) {
        registry.set(meterRegistry);
    }

    public void backup(String job, BackupSummary summary) {
        Instant now = clock.instant();
        for (String target : summary.committed()) {
            success("job", job, target, now);
        }
        summary.failed().forEach((target, reason) -> failure("job", job, target, now, reason));
        counter("backup_snapshots_total", "Snapshots committed", "job", job)
                .increment(summary.snapshotId() == null || summary.unchanged() ? 0 : 1);
        counter("backup_uploaded_bytes_total", "Encrypted bytes uploaded to each target", "job", job)
                .increment(summary.uploadedBytes());
        counter("backup_added_files_total", "Files whose content was packed", "job", job).increment(summary.addedFiles());
        counter("backup_added_bytes_total", "Bytes of content packed (new and changed files, before compression)", "job", job)
                .increment(summary.addedBytes());
        gauge("backup_files", "Files in the newest snapshot", "job", job, summary.files());
        gauge("backup_bytes", "Size of the files in the newest snapshot", "job", job, summary.bytes());
        gauge("backup_duration_seconds", "How long the latest run took", "job", job, summary.duration().toMillis() / 1000.0);
    }

    /** A run that failed before any target committed (no target reachable, bad source...). */
    public void backupFailed(String job, Iterable<String> targets, String reason) {
        Instant now = clock.instant();
        targets.forEach(target -> failure("job", job, target, now, reason));
    }

    /** A pass that failed before it could copy (a target unreachable, the mirror's lock). */
    public void mirrorFailed(String mirror, String to, String reason) {
        failure("mirror", mirror, to, clock.instant(), reason);
    }

    public void mirror(String mirror, String to, MirrorSummary summary) {
        Instant now = clock.instant();
        if (summary.ok()) {
            success("mirror", mirror, to, now);
        } else {
            failure("mirror", mirror, to, now, summary.blocked() != null ? summary.blocked()
                    : summary.failed().size() + " object(s) failed: " + summary.failed().get(0));
        }
        counter("mirror_copied_objects_total", "Objects copied", "mirror", mirror).increment(summary.copied());
        counter("mirror_copied_bytes_total", "Bytes copied", "mirror", mirror).increment(summary.copiedBytes());
        counter("mirror_deleted_objects_total", "Objects deleted (sync)", "mirror", mirror).increment(summary.deleted());
        gauge("mirror_failed_objects", "Objects that failed in the latest pass", "mirror", mirror, summary.failed().size());
    }

    /** The latest check of a target (the target-health route): whether it passed, and when. */
    public void targetChecked(String target, boolean ok) {
        gauge("target_up", "Whether the target passed its latest check (1) or not (0)", "target", target, ok ? 1 : 0);
        gauge("target_last_check_timestamp_seconds", "When the target was last checked", "target", target,
                clock.instant().getEpochSecond());
    }

    public void restoreRequest(String outcome) {
        counter("restore_requests_total", "Restore requests by outcome", "outcome", outcome).increment();
    }

    /** The latest outcome of a job (kind "job") or mirror (kind "mirror") on a target. */
    public Optional<Outcome> outcome(String kind, String name, String target) {
        return Optional.ofNullable(outcomes.get(kind + "/" + name + "/" + target));
    }

    private void success(String kind, String name, String target, Instant now) {
        outcomes.merge(kind + "/" + name + "/" + target, new Outcome(now, null, null),
                (old, fresh) -> new Outcome(now, old.lastFailure(), old.lastFailureReason()));
        gauge(kind + "_last_success_timestamp_seconds", "When the latest success was", kind, name, "target", target,
                now.getEpochSecond());
    }

    private void failure(String kind, String name, String target, Instant now, String reason) {
        outcomes.merge(kind + "/" + name + "/" + target, new Outcome(null, now, reason),
                (old, fresh) -> new Outcome(old.lastSuccess(), now, reason));
        gauge(kind + "_last_failure_timestamp_seconds", "When the latest failure was", kind, name, "target", target,
                now.getEpochSecond());
    }

    private Counter counter(String name, String help, String tag, String value) {
        MeterRegistry meters = registry.get();
        if (meters == null) {
            return NO_COUNTER;
        }
        return Counter.builder(name).description(help).tag(tag, value).register(meters);
    }

    private void gauge(String name, String help, String tag, String value, double amount) {
        gauge(name, help, tag, value, null, null, amount);
    }

    private void gauge(String name, String help, String tag, String value, String tag2, String value2, double amount) {
        String key = name + "|" + value + "|" + value2;
        double[] cell = gauges.computeIfAbsent(key, k -> new double[1]);
        cell[0] = amount;
        MeterRegistry meters = registry.get();
        if (meters != null && registered.add(key)) {
            Gauge.Builder<double[]> builder = Gauge.builder(name, cell, c -> c[0]).description(help).tag(tag, value);
            if (tag2 != null) {
                builder.tag(tag2, value2);
            }
            builder.register(meters);
        }
    }

    private static final Counter NO_COUNTER = new io.micrometer.core.instrument.simple.SimpleMeterRegistry()
            .counter("unbound");
}
