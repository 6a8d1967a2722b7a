package io.backuprouter.cli;

import io.backuprouter.UserException;
import io.backuprouter.config.Secrets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code backup-router}: the entry point. Without a command it runs the router. */
@Command(name = "backup-router", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Encrypted, incremental backups and bucket mirroring to S3-compatible storage.")
public final class BackupRouterCommand implements Callable<Integer> {
    /** Exit codes: 0 success, 1 failure, 2 bad command line (picocli's default). */
    static final int FAILED = 1;

    @Option(names = "--config", defaultValue = "${env:BACKUP_ROUTER_CONFIG:-config/application.properties}",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Settings file (default: the environment variable BACKUP_ROUTER_CONFIG, else "
                    + "config/application.properties; now ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Show stack traces and debug logs.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        warnOfANarrowLocale(System.getProperty("sun.jnu.encoding"));
        int exitCode = commandLine(args).execute(args);
        System.out.flush();
        System.err.flush();
        if (exitCode != 0) {
            // Skip shutdown hooks: after a failed start, Camel's would log a misleading "triggered by SIGTERM".
            Runtime.getRuntime().halt(exitCode);
        }
        System.exit(exitCode);
    }

    /**
     * Java 17 decodes file names with the locale's character set: under LANG=C (many containers and
     * services) a name outside ASCII cannot even be named, and the file cannot be backed up or restored.
     * Said once, at start; bin/backup-router runs Java with a UTF-8 locale whenever the one it is given
     * is not.
     */
    static void warnOfANarrowLocale(String fileNameEncoding) {
        if (fileNameEncoding != null && !fileNameEncoding.replace("-", "").equalsIgnoreCase("UTF8")) {
            System.err.println("warning: file names are read as " + fileNameEncoding + " (the locale: LANG="
                    + System.getenv().getOrDefault("LANG", "") + "), so files whose names are not in it cannot be backed up"
                    + " or restored\n    hint: run with a UTF-8 locale, e.g. LANG=C.UTF-8 (bin/backup-router sets one)");
        }
    }

    /** The commands, in the order help lists them. */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("run", RunCommand::new);
        commands.put("backup", BackupCommand::new);
        commands.put("snapshots", SnapshotsCommand::new);
        commands.put("restore", RestoreCommand::new);
        commands.put("verify", VerifyCommand::new);
        commands.put("mirror", MirrorCommand::new);
        commands.put("forget", ForgetCommand.Forget::new);
        commands.put("prune", ForgetCommand.Prune::new);
        commands.put("status", StatusCommand::new);
        commands.put("targets", TargetsCommand::new);
        commands.put("serve-s3", ServeS3Command::new);
        commands.put("keygen", KeygenCommand::new);
        commands.put("help", CommandLine.HelpCommand::new);
        return commands;
    }

    /** The command line with every command (for help and listings). */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments. Picocli reads every command's annotations when it is
     * added, which is a good part of a one-shot command's start: when the first argument names a
     * command, only that one is added (help, errors and anything else get them all).
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new BackupRouterCommand());
        String named = args.length > 0 && COMMANDS.containsKey(args[0]) && !"help".equals(args[0]) ? args[0] : null;
        COMMANDS.forEach((name, command) -> {
            if (named == null || named.equals(name)) {
                cli.addSubcommand(name, command.get());
            }
        });
        cli.setExecutionExceptionHandler(BackupRouterCommand::handleFailure);
        cli.setParameterExceptionHandler(BackupRouterCommand::handleWrongArguments);
        return cli;
    }

    /**
     * A wrong command line: the error, suggestions for a misspelt option or command, and where the
     * options are listed, rather than the whole usage text with the error above it.
     */
    private static int handleWrongArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        PrintWriter err = cli.getErr();
        // A misspelt option (--too) also makes a required one (--to) missing: the misspelling is the news.
        List<String> unknown = e instanceof CommandLine.MissingParameterException ? java.util.Arrays.stream(args)
                .filter(a -> a.startsWith("--")).map(a -> a.contains("=") ? a.substring(0, a.indexOf('=')) : a)
                .filter(a -> cli.getCommandSpec().findOption(a) == null).toList() : List.of();
        if (!unknown.isEmpty()) {
            List<String> names = cli.getCommandSpec().options().stream().flatMap(o -> java.util.Arrays.stream(o.names()))
                    .filter(n -> n.startsWith("--")).toList();
            for (String option : unknown) {
                String near = io.backuprouter.values.Suggestions.closest(option, names);
                err.println("error: unknown option " + option + (near == null ? "" : " (did you mean " + near + "?)"));
            }
        } else {
            err.println("error: " + Secrets.redact(e.getMessage()));
        }
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("(" + cli.getCommandSpec().qualifiedName() + " --help lists the options)");
        err.flush();
        return cli.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public Integer call() throws Exception {
        // No command: run the router, as `backup-router run` would.
        return RunCommand.run(ConfigOptions.of(spec), Path.of(RunCommand.DEFAULT_ROUTES));
    }

    private static int handleFailure(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        boolean verbose = false;
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            verbose |= p.hasMatchedOption("--verbose");
        }
        if (e instanceof UserException) {
            err.println("error: " + Secrets.redact(e.getMessage()));
        } else {
            err.println("error: " + Secrets.redact(chain(e)));
            if (!verbose) {
                err.println("(run again with --verbose for the stack trace)");
            }
        }
        if (verbose) {
            err.println(Secrets.redact(stackTrace(e)));
        }
        err.flush();
        return FAILED;
    }

    /** The messages of an exception and its causes, without repeats: "outer: inner: root". */
    static String chain(Throwable e) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = io.backuprouter.files.LocalErrors.describe(t);
            // An AWS SDK error's text, already given by our own message, with the SDK's request details after it.
            String said = message.replaceFirst("( \\(Service: [^)]*\\))+$", "");
            if (messages.stream().noneMatch(m -> m.contains(said))) {
                messages.add(message);
            }
        }
        return String.join(": ", messages);
    }

    private static String stackTrace(Throwable e) {
        var out = new java.io.StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
