package io.backuprouter.cli;

import io.backuprouter.backup.BackupRun;
import io.backuprouter.backup.BackupSummary;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backup JOB}: one snapshot now. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Makes one snapshot of a job now, then exits.",
                "Exit code 0 when every target of the job committed it; 1 when one did not (the others still "
                + "have it, and the lagging one catches up on the next run)."})
final class BackupCommand implements Callable<Integer> {
    @Mixin
    JobOptions jobOptions;

    @Parameters(paramLabel = "JOB", description = "The job, as named in its route file.")
    String jobName;

    @Option(names = "--allow-empty", description = "Record the source even when it holds no files where the previous "
            + "snapshot held some (refused otherwise: an unmounted disk looks just like that).")
    boolean allowEmpty;

    @Option(names = "--skip-if-unchanged", description = "Make no new snapshot when the source is exactly as the previous "
            + "snapshot holds it and every target has that snapshot (as backup-on-change jobs do); exit 0.")
    boolean skipIfUnchanged;

    @Option(names = "--rekey", description = "Pack every file again under the job's current recipients or passphrase, so "
            + "that this snapshot needs no older key. Needed once after changing a job's passphrase (a run with another "
            + "passphrase than the earlier snapshots' stops: it is most often mistyped).")
    boolean rekey;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try (JobContext context = JobContext.open(spec, jobOptions, jobName);
             TerminalProgress progress = TerminalProgress.forTask("backup " + jobName)) {
            BackupSummary summary = new BackupRun(context.job(), context.targets().stores(), Clock.systemUTC(), progress)
                    .allowEmpty(allowEmpty).skipIfUnchanged(skipIfUnchanged).rekey(rekey).run();
            PrintWriter out = spec.commandLine().getOut();
            progress.close();
            out.println(summary);
            summary.warnings().forEach(w -> out.println("  warning: " + w));
            out.flush();
            return summary.complete() ? 0 : BackupRouterCommand.FAILED;
        }
    }
}
