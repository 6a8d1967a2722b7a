package io.backuprouter.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.backuprouter.backup.JobState;
import io.backuprouter.catalog.Manifests;
import io.backuprouter.catalog.SnapshotIds;
import io.backuprouter.values.ByteSize;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.Targets;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code status}: every job on every one of its targets, at a glance. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows every job on each of its targets, with its health.",
                "For each: the number of snapshots, the newest, its age and its size.",
                "A job is BROKEN when its declaration has a problem (it follows). A target is FAILING when the job's "
                + "last run on this machine failed (the reason follows), STALE when its newest snapshot is older than "
                + "backup.health.max-age (default 26h) and no run has found the source unchanged since within that time, "
                + "UNREACHABLE when it cannot be listed, pending before its first snapshot.",
                "Exit code 0 unless one is BROKEN, FAILING, STALE or UNREACHABLE."})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    JobOptions jobOptions;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One job on one target. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"job", "target", "health", "snapshots", "newest", "ageSeconds", "unchangedSeconds", "files", "bytes",
            "reason"})
    record Row(String job, String target, String health, int snapshots, String newest, Long ageSeconds,
               Long unchangedSeconds, Long files, Long bytes, String reason) {
    }

    @Override
    public Integer call() throws Exception {
        ConfigOptions options = ConfigOptions.of(spec);
        RouteFiles.validate(jobOptions.routes);
        List<Row> rows = new ArrayList<>();
        try (LoadedConfig loaded = LoadedConfig.load(options.config(), LoadedConfig.Embedded.IF_NOT_RUNNING);
             Targets targets = new Targets(loaded.settings().targets())) {
            Duration maxAge = loaded.settings().health().maxAge();
            // A job whose declaration has a problem gets a row saying so; the others are still shown.
            Map<String, String> broken = new java.util.TreeMap<>();
            JobCatalog catalog = JobCatalog.readEach(jobOptions.routes, loaded.settings(),
                    (name, problem) -> broken.merge(name, problem.toString(), (a, b) -> a + "\n    " + b));
            broken.forEach((name, problem) -> rows.add(new Row(name, "-", "BROKEN", 0, null, null, null, null, null,
                    problem.replace("\n", "\n    "))));
            for (JobSettings job : catalog.jobs().values()) {
                List<JobState.HistoryEntry> history = JobState.readHistory(job.jobStateDir());
                Optional<JobState.Failure> failure = JobState.lastFailure(job.jobStateDir());
                for (String target : job.targets()) {
                    rows.add(failing(row(job, target, targets, history, maxAge), failure, history));
                }
            }
        }
        print(rows);
        return rows.stream().allMatch(r -> r.health().equals("ok") || r.health().equals("pending")) ? 0
                : BackupRouterCommand.FAILED;
    }

    /** A row whose job's last run failed after its newest snapshot (or check) there: FAILING, with why. */
    private static Row failing(Row row, Optional<JobState.Failure> failure, List<JobState.HistoryEntry> history) {
        if (failure.isEmpty() || row.health().equals("UNREACHABLE")) {
            return row;
        }
        if (row.newest() != null) {
            Instant newest = SnapshotIds.timeOf(row.newest());
            Instant upToDate = history.stream().filter(h -> h.id().equals(row.newest())).findFirst()
                    .map(JobState.HistoryEntry::upToDateAt).filter(newest::isBefore).orElse(newest);
            if (!failure.get().time().isAfter(upToDate)) {
                return row;
            }
        }
        long since = Duration.between(failure.get().time(), Instant.now()).toSeconds();
        return new Row(row.job(), row.target(), "FAILING", row.snapshots(), row.newest(), row.ageSeconds(), row.unchangedSeconds(),
                row.files(), row.bytes(), "the last run, " + age(since) + " ago, failed: " + failure.get().reason());
    }

    private static Row row(JobSettings job, String target, Targets targets, List<JobState.HistoryEntry> history,
                           Duration maxAge) {
        List<String> ids;
        try {
            ids = List.copyOf(new io.backuprouter.repository.JobRepository(targets.store(target).orElseThrow(), job.name())
                    .snapshots().keySet());
        } catch (IOException | RuntimeException e) {
            return new Row(job.name(), target, "UNREACHABLE", 0, null, null, null, null, null, e.getMessage());
        }
        if (ids.isEmpty()) {
            return new Row(job.name(), target, "pending", 0, null, null, null, null, null, "no snapshot yet");
        }
        String newest = ids.get(ids.size() - 1);
        Instant now = Instant.now();
        long age = Duration.between(SnapshotIds.timeOf(newest), now).toSeconds();
        Optional<JobState.HistoryEntry> known = history.stream().filter(h -> h.id().equals(newest)).findFirst();
        // A run that found the source unchanged since the newest snapshot, which every target held, made no new one.
        Long unchanged = known.map(JobState.HistoryEntry::unchangedAt).filter(at -> at.isAfter(SnapshotIds.timeOf(newest)))
                .map(at -> Duration.between(at, now).toSeconds()).orElse(null);
        boolean stale = Math.min(age, unchanged == null ? age : unchanged) > maxAge.toSeconds();
        String reason = stale ? "the newest snapshot is older than " + io.backuprouter.values.Durations.format(maxAge)
                + (unchanged == null ? "" : ", and the last run that found the source unchanged since was " + age(unchanged) + " ago")
                : unchanged == null ? null : "a run " + age(unchanged) + " ago found the source unchanged since this snapshot";
        return new Row(job.name(), target, stale ? "STALE" : "ok", ids.size(), newest, age, unchanged,
                known.map(JobState.HistoryEntry::files).orElse(null), known.map(JobState.HistoryEntry::bytes).orElse(null),
                reason);
    }

    private void print(List<Row> rows) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Manifests.json().writeValueAsString(rows));
        } else {
            out.printf("%-14s %-14s %-12s %9s  %-30s %8s %10s%n", "JOB", "TARGET", "HEALTH", "SNAPSHOTS", "NEWEST", "AGE", "SIZE");
            for (Row row : rows) {
                out.printf("%-14s %-14s %-12s %9d  %-30s %8s %10s%n", row.job(), row.target(), row.health(), row.snapshots(),
                        row.newest() == null ? "-" : row.newest(), row.ageSeconds() == null ? "-" : age(row.ageSeconds()),
                        row.bytes() == null ? "-" : ByteSize.format(row.bytes()));
                if (row.reason() != null) {
                    out.println("    " + row.reason());
                }
            }
        }
        out.flush();
    }

    private static String age(long seconds) {
        return seconds < 120 ? seconds + "s" : seconds < 7200 ? seconds / 60 + "m" : seconds < 172800 ? seconds / 3600 + "h"
                : seconds / 86400 + "d";
    }
}
