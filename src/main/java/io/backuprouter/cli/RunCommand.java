package io.backuprouter.cli;

import io.backuprouter.files.LockFile;
import io.backuprouter.UserException;
import io.backuprouter.camel.Router;
import io.backuprouter.config.JobCatalog;
import io.backuprouter.config.MirrorCatalog;
import io.backuprouter.targets.Targets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/** {@code run}: the long-running router (the default command). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the router until stopped (Ctrl-C).",
                "It starts the embedded S3 endpoint (if enabled), checks every target's health at start and "
                + "every 5 minutes, and runs every route in the routes folder: backup jobs, triggers, your own "
                + "routes."})
final class RunCommand implements Callable<Integer> {
    static final String DEFAULT_ROUTES = "routes";

    @Spec
    CommandSpec spec;

    @Option(names = "--routes", defaultValue = DEFAULT_ROUTES,
            description = "Folder of YAML route files (default: ${DEFAULT-VALUE}).")
    Path routes;

    @Override
    public Integer call() throws Exception {
        return run(ConfigOptions.of(spec), routes);
    }

    /** Held while the router runs; a second router in the same folder refuses to start. */
    static final Path LOCK = Path.of("var/router.lock");

    static int run(ConfigOptions options, Path routes) throws Exception {
        RouteFiles.validate(routes);
        // Every settings and route mistake is reported before anything starts.
        try (LoadedConfig check = LoadedConfig.load(options.config(), LoadedConfig.Embedded.NONE)) {
            JobCatalog.read(routes, check.settings());
            MirrorCatalog.read(routes, check.settings());
        }
        try (LockFile lock = LockFile.tryAcquire(LOCK).orElseThrow(() -> new UserException(
                "another router is already running here (" + LOCK + " is locked" + LockFile.holder(LOCK) + ")"
                        + "\n    hint: stop it first, or run this one from another folder with its own config/ and var/"));
             LoadedConfig loaded = LoadedConfig.load(options.config(), LoadedConfig.Embedded.START);
             Targets targets = new Targets(loaded.settings().targets())) {
            try {
                JobCatalog jobs = JobCatalog.read(routes, loaded.settings());
                MirrorCatalog mirrors = MirrorCatalog.read(routes, loaded.settings());
                return new Router(loaded.settings(), jobs, mirrors, targets, options.config(), routes).run();
            } catch (Exception e) {
                throw CamelStartErrors.explain(e, options.config());
            }
        }
    }
}
