package io.backuprouter.cli;

import io.backuprouter.UserException;
import io.backuprouter.backup.JobState;
import io.backuprouter.retention.Retention;
import io.backuprouter.values.ByteSize;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forget JOB} and {@code prune JOB}: retention. */
final class ForgetCommand {
    private ForgetCommand() {
    }

    @Command(name = "forget", mixinStandardHelpOptions = true,
            description = {"Drops the snapshots the job's retention policy does not keep.",
                    "Only manifests are deleted (the newest snapshot is always kept); prune then frees the archives."})
    static final class Forget implements Callable<Integer> {
        @Mixin
        JobOptions jobOptions;

        @Parameters(paramLabel = "JOB", description = "The job.")
        String jobName;

        @Option(names = "--target", description = "One target (default: every target of the job).")
        String target;

        @Option(names = "--dry-run", description = "Print what would be dropped; change nothing.")
        boolean dryRun;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (JobContext context = JobContext.open(spec, jobOptions, jobName, target)) {
                JobSettings job = context.job();
                if (job.retention().isEmpty()) {
                    throw new UserException("job " + job.name() + " has no retention policy (keepLast, keepDaily...);"
                            + " nothing to forget\n    hint: add the rules to the job's parameters in " + job.declaredAt());
                }
                PrintWriter out = spec.commandLine().getOut();
                try (JobState lock = JobState.open(job.jobStateDir(), job.name())) {
                    for (String name : context.targetsOrAll(target)) {
                        Retention.Outcome outcome = new Retention(context.repository(name))
                                .forget(job.retention(), dryRun);
                        if (!dryRun) {
                            lock.forgotten(name, outcome.removed());
                        }
                        outcome.removed().forEach(k -> out.println((dryRun ? "would drop " : "dropped ") + name + ":" + k));
                        out.println(name + ": " + (dryRun ? "would drop " : "dropped ") + outcome.removed().size()
                                + " snapshot(s), kept " + outcome.kept() + " (" + job.retention() + ")");
                    }
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = {"Deletes the archives that no listed snapshot needs.",
                    "Archives younger than 24 hours are kept (a backup may be about to use them). Needs the identity."})
    static final class Prune implements Callable<Integer> {
        @Mixin
        JobOptions jobOptions;

        @Parameters(paramLabel = "JOB", description = "The job.")
        String jobName;

        @Option(names = "--target", description = "One target (default: every target of the job).")
        String target;

        @Option(names = "--dry-run", description = "Print what would be deleted; change nothing.")
        boolean dryRun;

        @Option(names = "--identity", paramLabel = "FILE",
                description = "An identity file (default: the job's identity); repeatable: every key of every file is tried.")
        List<Path> identity;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (JobContext context = JobContext.open(spec, jobOptions, jobName, target)) {
                JobSettings job = context.job();
                AgeIdentity reader = RestoreCommand.identity(identity, job);
                PrintWriter out = spec.commandLine().getOut();
                try (JobState lock = JobState.open(job.jobStateDir(), job.name())) {
                    for (String name : context.targetsOrAll(target)) {
                        Retention.Outcome outcome = new Retention(context.repository(name))
                                .prune(reader, Instant.now(), dryRun);
                        outcome.removed().forEach(k -> out.println((dryRun ? "would delete " : "deleted ") + name + ":" + k));
                        out.println(name + ": " + (dryRun ? "would free " : "freed ") + ByteSize.format(outcome.bytes()) + " in "
                                + outcome.removed().size() + " archive(s); " + outcome.kept()
                                + " archive(s) kept (still needed, or written in the last 24 hours)");
                        Retention.Waiting waiting = outcome.waiting();
                        if (waiting.archives() > 0) {
                            out.println(name + ": " + ByteSize.count(waiting.archives(), "archive") + " (" + ByteSize.format(
                                    waiting.bytes()) + ") that no snapshot needs " + (waiting.archives() == 1 ? "is" : "are")
                                    + " younger than 24 hours (a backup may be about to use " + (waiting.archives() == 1 ? "it"
                                    : "them") + "): a prune from " + waiting.from().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
                                    .plus(java.time.Duration.ofMinutes(1))
                                    + " frees " + (waiting.archives() == 1 ? "it" : "them"));
                        }
                    }
                }
                out.flush();
            }
            return 0;
        }
    }
}
