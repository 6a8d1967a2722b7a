package io.backuprouter.cli;

import io.backuprouter.config.JobSettings;
import io.backuprouter.crypto.AgeIdentity;
import io.backuprouter.restore.Verifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code verify JOB}: every object the snapshots need is there (and, with --read-data, intact). */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks that a target holds everything a job's snapshots need.",
                "Each manifest must decrypt and each archive it names must exist with its recorded size; with "
                + "--read-data every archive is also decrypted and each file checked against its SHA-256."})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    JobOptions jobOptions;

    @Parameters(paramLabel = "JOB", description = "The job.")
    String jobName;

    @Option(names = "--snapshot", paramLabel = "ID", description = "One snapshot (an id, its start, or latest); default: all.")
    String snapshot;

    @Option(names = "--target", description = "The target to check (default: every target of the job).")
    String target;

    @Option(names = "--read-data", description = "Also download, decrypt and hash every archive.")
    boolean readData;

    @Option(names = "--outside-links", paramLabel = "refuse|skip|create", defaultValue = "refuse",
            description = "As for restore: whether links that lead outside the destination fail the check (refuse, the"
                    + " default, as restore refuses them) or are listed in a note (skip, create). Default: ${DEFAULT-VALUE}.")
    String outsideLinks;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "An identity file (default: the job's identity); repeatable: every key of every file is tried.")
    List<Path> identity;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (JobContext context = JobContext.open(spec, jobOptions, jobName, target)) {
            JobSettings job = context.job();
            List<String> names = context.targetsOrAll(target);
            AgeIdentity key = RestoreCommand.identity(identity, job);
            PrintWriter out = spec.commandLine().getOut();
            int failed = 0;
            for (String name : names) {
                Verifier.Result result;
                try {
                    result = new Verifier(job.name(), context.targets().store(name).orElseThrow(), key)
                            .expecting(io.backuprouter.backup.JobState.committed(job.jobStateDir(), name))
                            .maxExpansion(context.settings().restore().maxExpansion())
                            .outsideLinks(RestoreCommand.outsideLinks(outsideLinks))
                            .verify(snapshot, readData);
                } catch (java.io.IOException e) {
                    out.println("FAIL " + name + ": " + e.getMessage());
                    failed++;
                    continue;
                }
                out.println((result.ok() ? "ok   " : "FAIL ") + name + ": " + result.snapshots() + " snapshot(s), "
                        + result.archives() + " archive(s)" + (readData ? " read and hashed" : " present")
                        + (result.ok() ? "" : ", " + result.problems().size() + " problem(s):"));
                result.problems().forEach(p -> out.println("     " + p));
                result.notes().forEach(n -> out.println("     note: " + n));
                failed += result.ok() ? 0 : 1;
                if (!job.targets().contains(name)) {
                    lagging(job, name, context, out);
                }
            }
            out.flush();
            return failed == 0 ? 0 : BackupRouterCommand.FAILED;
        }
    }

    /**
     * For a target that is not one of the job's (a mirror): the snapshots this machine committed to
     * the job's targets that it does not hold yet. Not a failure: a mirror catches up on its next pass.
     */
    private static void lagging(JobSettings job, String name, JobContext context, PrintWriter out) {
        try {
            java.util.Set<String> here = context.repository(name).snapshots().keySet();
            List<String> missing = io.backuprouter.backup.JobState.committed(job.jobStateDir(), null).stream()
                    .filter(id -> !here.contains(id)).sorted().toList();
            if (!missing.isEmpty()) {
                out.println("     note: " + io.backuprouter.values.ByteSize.count(missing.size(), "snapshot") + " of the job's"
                        + " targets " + (missing.size() == 1 ? "is" : "are") + " not on " + name + " yet (newest "
                        + missing.get(missing.size() - 1) + "); if it is a mirror of the job's targets, its next pass copies them");
            }
        } catch (java.io.IOException | RuntimeException e) {
            out.println("     note: cannot compare with the job's own targets: " + e.getMessage());
        }
    }
}
