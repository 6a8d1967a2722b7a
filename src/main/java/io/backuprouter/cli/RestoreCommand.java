package io.backuprouter.cli;

import io.backuprouter.UserException;
import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.restore.RestoreRequest;
import io.backuprouter.restore.RestoreSummary;
import io.backuprouter.restore.Restorer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code restore JOB --to DIR}: a snapshot back into a folder. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restores a snapshot of a job into a folder.",
                "Every file is checked against its SHA-256 before it is put in place; nothing is written outside "
                + "the folder. Exit code 0 only when every requested file is restored and verified."})
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    JobOptions jobOptions;

    @Parameters(paramLabel = "JOB", description = "The job.")
    String jobName;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The folder to restore into (created if missing).")
    Path to;

    @Option(names = "--snapshot", paramLabel = "ID",
            description = "A snapshot id (or its start), or latest (the default).")
    String snapshot;

    @Option(names = "--at", paramLabel = "TIME", description = "The newest snapshot at or before this time (ISO-8601, e.g. 2026-11-20T18:00:00Z).")
    String at;

    @Option(names = "--target", description = "The target to read from first (default: the job's targets in order).")
    String target;

    @Option(names = "--include", paramLabel = "GLOB", description = "Restore only paths matching this glob (repeatable).")
    List<String> includes = new ArrayList<>();

    @Option(names = "--overwrite", defaultValue = "if-older", paramLabel = "POLICY",
            description = "never, if-older (default: never replace a newer local file; it is reported) or always.")
    String overwrite;

    @Option(names = "--outside-links", defaultValue = "refuse", paramLabel = "POLICY",
            description = "Symbolic links that lead outside the destination (absolute ones, say): refuse (default: not "
                    + "created, the restore reports them and exits 1), skip (not created, listed) or create (made as stored,"
                    + " after every file; nothing is ever written through a link).")
    String outsideLinks;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "An identity file (default: the job's identity); repeatable: every key of every file is tried.")
    List<Path> identity;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RestoreRequest request;
        try {
            if (at != null && snapshot != null) {
                throw new io.backuprouter.UserException("--snapshot " + snapshot + " and --at " + at + " each choose a snapshot;"
                        + " give one of them");
            }
            request = new RestoreRequest(jobName, snapshot == null ? "latest" : snapshot, parseTime(at), target, to, includes,
                    policy(overwrite), outsideLinks(outsideLinks));
        } catch (io.backuprouter.UserException e) {
            // A wrong option value is a wrong command line: exit code 2, with the usage.
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (JobContext context = JobContext.open(spec, jobOptions, jobName, target);
             TerminalProgress progress = TerminalProgress.forTask("restore " + jobName)) {
            JobSettings job = context.job();
            refuseFileSystemRoot(to, job);
            RestoreSummary summary = new Restorer(job.name(), job.targets(), context.targets().stores(), identity(identity, job),
                    Clock.systemUTC(), progress).maxExpansion(context.settings().restore().maxExpansion()).source(job.source())
                    .expecting(io.backuprouter.backup.JobState.committed(job.jobStateDir(), null)).stopOnExit()
                    .restore(request);
            progress.close();
            PrintWriter out = spec.commandLine().getOut();
            summary.notes().forEach(n -> out.println("  note: " + n));
            summary.kept().forEach(k -> out.println("  kept: " + k));
            printProblems(summary.problems(), out);
            if (!summary.kept().isEmpty()) {
                out.println("  (use --overwrite always to replace local files)");
            }
            // Last, so that it is what a terminal shows when the lists above are long.
            out.println(summary);
            out.flush();
            return summary.complete() ? 0 : BackupRouterCommand.FAILED;
        }
    }

    /** Files not restored for one reason (a damaged archive holds many): a few named, then how many more. */
    static void printProblems(List<String> problems, PrintWriter out) {
        java.util.Map<String, List<String>> byReason = new java.util.LinkedHashMap<>();
        for (String problem : problems) {
            int at = problem.indexOf(": not restored: ");
            String reason = at < 0 ? problem : problem.substring(at + ": not restored: ".length());
            byReason.computeIfAbsent(at < 0 ? "\0" + problem : reason, r -> new ArrayList<>()).add(at < 0 ? null
                    : problem.substring(0, at));
        }
        byReason.forEach((reason, paths) -> {
            if (paths.size() <= 3 || reason.startsWith("\0")) {
                paths.forEach(path -> out.println("  NOT RESTORED: " + (path == null ? reason.substring(1)
                        : path + ": not restored: " + reason)));
            } else {
                out.println("  NOT RESTORED, " + paths.size() + " files: " + reason);
                paths.subList(0, 3).forEach(path -> out.println("    " + path));
                out.println("    ... and " + (paths.size() - 3) + " more");
            }
        });
    }

    /**
     * A snapshot's paths are relative to the job's source folder: restoring into the root of the file
     * system scatters them over it, which is only right when the job backed up that root.
     */
    static void refuseFileSystemRoot(Path to, JobSettings job) {
        Path destination = to.toAbsolutePath().normalize();
        Path source = job.source().toAbsolutePath().normalize();
        if (destination.getParent() == null && !destination.equals(source)) {
            throw new UserException("--to " + to + " is the root of the file system: the snapshot's files, whose paths start "
                    + "at the job's source folder " + job.source() + ", would land directly in it; nothing was restored"
                    + "\n    hint: --to " + job.source() + " puts them back where they were; or name a new folder");
        }
        // A system folder only when the job backs it up (its source is there): restoring /etc in place.
        String system = io.backuprouter.restore.RestoreRequestFile.systemFolder(destination);
        if (system != null && !destination.startsWith(source)) {
            throw new UserException("--to " + to + " is a system folder (" + system + "), and not the job's source folder "
                    + job.source() + "; nothing was restored\n    hint: name a new folder, or --to " + job.source()
                    + " to put the files back where they were");
        }
    }

    static AgeIdentity identity(List<Path> given, JobSettings job) throws IOException {
        boolean named = given != null && !given.isEmpty();
        if (!named && job.identity() == null && job.passphrase() != null) {
            return job.reader().orElseThrow();
        }
        List<Path> files = named ? given : job.identity() == null ? List.of() : List.of(job.identity());
        if (files.isEmpty()) {
            throw new UserException("job " + job.name() + ": reading backups needs the identity file"
                    + "\n    hint: --identity FILE (the file keygen wrote), or set identity on the job");
        }
        try {
            return AgeIdentity.read(files);
        } catch (IOException e) {
            throw new UserException(e.getMessage() + "\n    hint: --identity FILE names the file keygen wrote", e);
        }
    }

    static Instant parseTime(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new UserException("--at \"" + text + "\" is not a time; write it as 2026-11-20T18:00:00Z");
        }
    }

    static RestoreRequest.OutsideLinks outsideLinks(String text) {
        try {
            return RestoreRequest.OutsideLinks.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException("--outside-links " + e.getMessage());
        }
    }

    static RestoreRequest.Overwrite policy(String text) {
        try {
            return RestoreRequest.Overwrite.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserException("--overwrite " + e.getMessage());
        }
    }
}
