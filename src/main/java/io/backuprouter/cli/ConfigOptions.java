package io.backuprouter.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options every command shares, {@code --config} and {@code --verbose}. They are declared once
 * on {@link BackupRouterCommand} and inherited by every subcommand, so they work before or after
 * the command's name.
 *
 * @param config the settings file
 * @param verbose stack traces and debug logs
 */
record ConfigOptions(Path config, boolean verbose) {

    /** The shared options of the command line the command belongs to; turns on debug logs for --verbose. */
    static ConfigOptions of(CommandSpec spec) {
        BackupRouterCommand root = (BackupRouterCommand) spec.root().userObject();
        Logging.verbose(root.verbose);
        return new ConfigOptions(root.config, root.verbose);
    }
}
