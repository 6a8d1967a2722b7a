package io.backuprouter.cli;

import io.backuprouter.camel.Router;
import io.backuprouter.targets.Targets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: the long-running router (the default command). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the router: the embedded S3 endpoint (if enabled), target health checks,",
                "and every route in the routes folder, until stopped (Ctrl-C)."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = "--routes", defaultValue = "routes",
            description = "Folder of YAML route files (default: ${DEFAULT-VALUE}).")
    Path routes;

    @Override
    public Integer call() throws Exception {
        Logging.verbose(options.verbose);
        RouteFiles.validate(routes);
        try (LoadedConfig loaded = LoadedConfig.load(options.config, true);
             Targets targets = new Targets(loaded.settings().targets())) {
            return new Router(loaded.settings(), targets, options.config, routes).run();
        }
    }
}
