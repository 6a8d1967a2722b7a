package io.backuprouter.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of commands that work on jobs: where the route files declaring them are. */
final class JobOptions {
    @Option(names = "--routes", defaultValue = "routes",
            description = "Folder of YAML route files that declare the jobs (default: ${DEFAULT-VALUE}).")
    Path routes;
}
