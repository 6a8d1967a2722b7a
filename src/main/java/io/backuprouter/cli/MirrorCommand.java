package io.backuprouter.cli;

import io.backuprouter.UserException;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.config.MirrorSettings;
import io.backuprouter.mirror.MirrorSummary;
import io.backuprouter.mirror.Mirrors;
import io.backuprouter.targets.Targets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mirror NAME}: one mirror pass now. */
@Command(name = "mirror", mixinStandardHelpOptions = true,
        description = {"Runs one pass of a mirror now, then exits.",
                "Copies what is new or changed from the source target to the destination (and, in sync mode, "
                + "deletes what the source no longer has). Exit code 0 when every object is mirrored; 1 when any "
                + "failed, or when the deletion ceiling held a sync's deletions back."})
final class MirrorCommand implements Callable<Integer> {
    @Mixin
    JobOptions jobOptions;

    @Parameters(paramLabel = "NAME", description = "The mirror, as named in its route file.")
    String name;

    @Option(names = "--dry-run", description = "Print what would be copied and deleted; change nothing.")
    boolean dryRun;

    @Option(names = "--max-delete-percent", paramLabel = "PERCENT",
            description = "For this pass only, instead of the mirror's maxDeletePercent: the most of the objects the mirror"
                    + " keeps on the destination (below its prefix, matching its filters) a sync pass may delete (0-100).")
    Integer maxDeletePercent;

    /** Accepted for scripts written for earlier versions; objects now stream and nothing is staged. */
    @Option(names = "--temp-dir", hidden = true, paramLabel = "DIR")
    Path tempDir;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxDeletePercent != null && (maxDeletePercent < 0 || maxDeletePercent > 100)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--max-delete-percent " + maxDeletePercent + " is not a percentage from 0 to 100");
        }
        ConfigOptions options = ConfigOptions.of(spec);
        RouteFiles.validate(jobOptions.routes);
        try (LoadedConfig loaded = LoadedConfig.loadFor(options.config(), settings -> MirrorCatalog.read(jobOptions.routes, settings)
                .mirror(name).map(m -> java.util.List.of(m.from(), m.to())).orElse(java.util.List.of()))) {
            MirrorCatalog catalog = MirrorCatalog.read(jobOptions.routes, loaded.settings());
            String near = io.backuprouter.values.Suggestions.closest(name, catalog.mirrors().keySet());
            MirrorSettings mirror = catalog.mirror(name).orElseThrow(() -> new UserException("unknown mirror \"" + name + "\""
                    + (near == null ? "" : " (did you mean " + near + "?)") + "; "
                    + (catalog.mirrors().isEmpty() ? "no mirror is declared in " + jobOptions.routes
                    : "mirrors: " + String.join(", ", catalog.mirrors().keySet()))));
            if (maxDeletePercent != null) {
                mirror = mirror.withMaxDeletePercent(maxDeletePercent);
            }
            PrintWriter out = spec.commandLine().getOut();
            try (Targets targets = new Targets(loaded.settings().targets());
                 TerminalProgress progress = TerminalProgress.forTask("mirror " + name)) {
                MirrorSummary summary = Mirrors.pass(mirror, targets.stores(), Clock.systemUTC(), progress, dryRun,
                        out::println);
                progress.close();
                out.println(summary);
                summary.failed().forEach(f -> out.println("  FAILED: " + f));
                out.flush();
                return summary.ok() ? 0 : BackupRouterCommand.FAILED;
            }
        }
    }
}
