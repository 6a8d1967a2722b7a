package io.backuprouter.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes: the settings file and --verbose. */
final class ConfigOptions {
    @Option(names = "--config", defaultValue = "config/application.properties",
            description = "Settings file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--verbose", description = "Show stack traces and debug logs.")
    boolean verbose;
}
