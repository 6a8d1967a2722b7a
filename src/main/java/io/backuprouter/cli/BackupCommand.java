package io.backuprouter.cli;

import io.backuprouter.UserException;
import io.backuprouter.backup.BackupRun;
import io.backuprouter.backup.BackupSummary;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.JobSettings;
import io.backuprouter.targets.Targets;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backup JOB}: one snapshot now. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Makes one snapshot of a job now, then exits.",
                "Exit code 0 when every target of the job committed it; 1 when one did not (the others still",
                "have it, and the lagging one catches up on the next run)."})
final class BackupCommand implements Callable<Integer> {
    @Mixin
    JobOptions jobOptions;

    @Parameters(paramLabel = "JOB", description = "The job, as named in its route file.")
    String jobName;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ConfigOptions options = ConfigOptions.of(spec);
        RouteFiles.validate(jobOptions.routes);
        try (LoadedConfig loaded = LoadedConfig.load(options.config(), LoadedConfig.Embedded.IF_NOT_RUNNING)) {
            JobSettings job = job(JobCatalog.read(jobOptions.routes, loaded.settings()), jobName, jobOptions);
            try (Targets targets = new Targets(loaded.settings().targets());
                 TerminalProgress progress = TerminalProgress.forTask("backup " + job.name())) {
                BackupSummary summary = new BackupRun(job, targets.stores(), Clock.systemUTC(), progress).run();
                PrintWriter out = spec.commandLine().getOut();
                progress.close();
                out.println(summary);
                summary.warnings().forEach(w -> out.println("  warning: " + w));
                out.flush();
                return summary.complete() ? 0 : BackupRouterCommand.FAILED;
            }
        }
    }

    static JobSettings job(JobCatalog catalog, String name, JobOptions options) {
        return catalog.job(name).orElseThrow(() -> new UserException("unknown job \"" + name + "\"; "
                + (catalog.jobs().isEmpty() ? "no job is declared in " + options.routes
                : "jobs declared in " + options.routes + ": " + String.join(", ", catalog.jobs().keySet()))));
    }
}
